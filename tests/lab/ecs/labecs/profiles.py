"""The credential files a client's default chain reads, written into DIR.

  credentials            [default] (lab-admin), [lab-viewer] (read-only:
                         ECS/ECR writes get AccessDeniedException),
                         [lab-expired] (a session token that expired an hour
                         ago), [lab-wrong-secret] (default's key, wrong secret)
  config                 the same profiles plus lab-assume (role_arn +
                         source_profile), lab-process (credential_process),
                         lab-web-identity (web_identity_token_file), lab-sso
                         (sso_session lab) and lab-sso-legacy (sso_start_url)
  credential-process.py  prints credential_process JSON (fresh temporary keys
                         from /_lab/mint)
  web-identity-token     an OIDC-style JWT that AssumeRoleWithWebIdentity accepts
  sso/cache/SHA1.json    the token cache `aws sso login` writes (refreshable
                         through sso-oidc CreateToken, POST /token): SHA1 of the
                         sso-session name "lab", and of the start URL for the
                         legacy profile; DIR/.aws/sso links to DIR/sso so
                         HOME=DIR finds it where botocore looks (~/.aws/sso/cache)
  container-token        AWS_CONTAINER_AUTHORIZATION_TOKEN (or its _FILE) for the
                         container endpoint
"""

import base64
import hashlib
import json
import os
import secrets
import sys
import time

from . import util

START_URL = "https://d-9067c1a2b3.awsapps.com/start"
SSO_SESSION = "lab"


def _b64url(obj):
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")


def _write(path, text, mode=0o600):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


class Profiles:
    def __init__(self, app):
        self.app = app
        self.cfg = app.cfg
        d = self.cfg.state_dir
        self.dir = d
        self.token_file = os.path.join(d, "web-identity-token")
        self.container_token = secrets.token_urlsafe(32)
        self.sso_access = "aoa" + secrets.token_urlsafe(90)
        self.sso_expires = time.time() + self.cfg.sso_token_lifetime
        self.sso_valid = {self.sso_access: self.sso_expires}
        self.sso_client = ("lab" + secrets.token_urlsafe(16), secrets.token_urlsafe(64))
        self.sso_refresh = "aor" + secrets.token_urlsafe(64)

    def sso_token_ok(self, tok):
        exp = self.sso_valid.get(tok or "")
        return exp is not None and time.time() < exp

    def sso_refresh_token(self, client_id, client_secret, refresh):
        """sso-oidc CreateToken (grant refresh_token): a new access token, or None."""
        if (client_id, client_secret) != self.sso_client or refresh != self.sso_refresh:
            return None
        self.sso_access = "aoa" + secrets.token_urlsafe(90)
        self.sso_expires = time.time() + self.cfg.sso_token_lifetime
        self.sso_valid[self.sso_access] = self.sso_expires
        self.sso_refresh = "aor" + secrets.token_urlsafe(64)
        return self.sso_access, int(self.cfg.sso_token_lifetime), self.sso_refresh

    def web_identity_tokens(self):
        try:
            with open(self.token_file) as f:
                return {f.read().strip()}
        except OSError:
            return set()

    def setup(self, port):
        cfg, creds, d = self.cfg, self.app.creds, self.dir
        admin = creds.add_static("lab-admin", util.key_id("AKIA"), util.secret_key())
        viewer = creds.add_static("lab-viewer", util.key_id("AKIA"), util.secret_key(), readonly=True)
        expired = creds.add_expired("lab-deployer")
        self.admin = admin
        sections = [("default", admin.access_key, admin.secret, None),
                    ("lab-viewer", viewer.access_key, viewer.secret, None),
                    ("lab-expired", expired.access_key, expired.secret, expired.token),
                    ("lab-wrong-secret", admin.access_key, util.secret_key(), None)]
        lines = []
        for name, k, s, t in sections:
            lines += ["[%s]" % name, "aws_access_key_id = %s" % k, "aws_secret_access_key = %s" % s]
            if t:
                lines.append("aws_session_token = %s" % t)
            lines.append("")
        _write(os.path.join(d, "credentials"), "\n".join(lines))
        acct, region = cfg.account, cfg.region
        proc = os.path.join(d, "credential-process.py")
        cfg_lines = ["[default]", "region = %s" % region, "output = json", ""]
        for name in ("lab-viewer", "lab-expired", "lab-wrong-secret"):
            cfg_lines += ["[profile %s]" % name, "region = %s" % region, ""]
        cfg_lines += [
            "[profile lab-assume]", "role_arn = arn:aws:iam::%s:role/lab-deployer" % acct,
            "source_profile = default", "role_session_name = lab-assume-session",
            "region = %s" % region, "",
            "[profile lab-process]", "credential_process = %s %s" % (sys.executable, proc),
            "region = %s" % region, "",
            "[profile lab-web-identity]", "role_arn = arn:aws:iam::%s:role/lab-web-identity" % acct,
            "web_identity_token_file = %s" % self.token_file,
            "role_session_name = lab-web-session", "region = %s" % region, "",
            "[profile lab-sso]", "sso_session = %s" % SSO_SESSION, "sso_account_id = %s" % acct,
            "sso_role_name = LabAdmin", "region = %s" % region, "",
            "[profile lab-sso-legacy]", "sso_start_url = %s" % START_URL,
            "sso_region = %s" % region, "sso_account_id = %s" % acct,
            "sso_role_name = LabReadOnly", "region = %s" % region, "",
            "[sso-session %s]" % SSO_SESSION, "sso_start_url = %s" % START_URL,
            "sso_region = %s" % region, "sso_registration_scopes = sso:account:access", ""]
        _write(os.path.join(d, "config"), "\n".join(cfg_lines))
        scheme = "https" if cfg.tls else "http"
        _write(proc, PROCESS_SCRIPT % {"python": sys.executable, "url": "%s://127.0.0.1:%d" % (
            scheme, port), "ca": os.path.join(d, "ca.pem") if cfg.tls else ""}, 0o700)
        now = int(time.time())
        jwt = "%s.%s.%s" % (
            _b64url({"alg": "RS256", "kid": "lab", "typ": "JWT"}),
            _b64url({"aud": ["sts.amazonaws.com"], "exp": now + 86400, "iat": now,
                     "iss": "https://oidc.lab.binnacle.test", "sub": "system:serviceaccount:default:lab"}),
            base64.urlsafe_b64encode(secrets.token_bytes(64)).decode().rstrip("="))
        _write(self.token_file, jwt)
        # no newline: usable as AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE as well
        _write(os.path.join(d, "container-token"), self.container_token)
        self.write_sso_cache()

    def write_sso_cache(self):
        cache = os.path.join(self.dir, "sso", "cache")
        os.makedirs(cache, exist_ok=True)
        exp = util.iso(self.sso_expires)
        session_tok = {"startUrl": START_URL, "region": self.cfg.region,
                       "accessToken": self.sso_access, "expiresAt": exp,
                       "clientId": self.sso_client[0], "clientSecret": self.sso_client[1],
                       "registrationExpiresAt": util.iso(time.time() + 90 * 86400),
                       "refreshToken": self.sso_refresh}
        legacy_tok = {"startUrl": START_URL, "region": self.cfg.region,
                      "accessToken": self.sso_access, "expiresAt": exp}
        for key, tok in ((SSO_SESSION, session_tok), (START_URL, legacy_tok)):
            name = hashlib.sha1(key.encode("utf-8")).hexdigest() + ".json"
            _write(os.path.join(cache, name), json.dumps(tok, indent=2) + "\n")
        dot = os.path.join(self.dir, ".aws")
        os.makedirs(dot, exist_ok=True)
        link = os.path.join(dot, "sso")
        if not os.path.islink(link):
            os.symlink(os.path.join("..", "sso"), link)

    def expire_sso(self, keep_refresh=False):
        """Every SSO access token expires; the refresh token too unless kept."""
        now = time.time()
        self.sso_valid = {t: min(e, now - 1) for t, e in self.sso_valid.items()}
        self.sso_expires = now - 1
        self.write_sso_cache()
        if not keep_refresh:
            # the cache keeps the old refresh token, which no longer works
            self.sso_refresh = "revoked-" + secrets.token_urlsafe(16)


PROCESS_SCRIPT = '''#!%(python)s
"""credential_process for the lab profile lab-process: fresh temporary keys."""
import json, ssl, sys, urllib.request
ctx = ssl.create_default_context(cafile="%(ca)s") if "%(ca)s" else None
with urllib.request.urlopen("%(url)s/_lab/mint?role=lab-process-role", context=ctx, timeout=10) as r:
    sys.stdout.write(json.dumps(json.load(r), indent=2) + "\\n")
'''
