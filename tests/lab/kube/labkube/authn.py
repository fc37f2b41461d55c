"""TLS material (made with the openssl CLI), authentication and a small RBAC knob.

Certificates: a lab CA, a server certificate for IP:127.0.0.1 and
DNS:localhost, and client certificates (CN = user, O = group) for the
admin (`lab-admin`, group system:masters) and a restricted `lab-viewer`.
Existing files in the state directory are reused.

Bearer tokens come from --token options and from the tokens file
(STATE/tokens.csv, re-read whenever it changes, so new tokens can be added
at runtime).  The file uses the kube-apiserver static token CSV columns
plus an optional fifth column, the expiry (RFC 3339 or Unix seconds):
    token,user,uid,"group1,group2",2025-01-01T00:00:00Z
An expired token is answered with 401 like an unknown one.

Forbid rules (--forbid USER:VERBS:RESOURCES[:NAMESPACE]) deny requests with
the exact 403 Status the RBAC authorizer produces.

EKS tokens (--eks-sts URL): a bearer token `k8s-aws-v1.` + base64url (no
padding) of a presigned STS GetCallerIdentity URL, checked as
aws-iam-authenticator checks it (scheme, host, path, action, allowed query
parameters, x-k8s-aws-id signed, X-Amz-Expires and X-Amz-Date within 15
minutes), then called with the x-k8s-aws-id header naming one of the
--eks-cluster names.  The STS answer's ARN is the user name (an assumed
role keeps its session, as EKS access entries do); every identity is in
system:masters.  URLs naming a real STS host are sent to the lab STS with
that Host header, so signatures made for sts.amazonaws.com verify.
"""

import base64
import calendar
import csv
import io
import json
import os
import re
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from . import util

EKS_PREFIX = "k8s-aws-v1."
EKS_PARAMS = {"action", "version", "x-amz-algorithm", "x-amz-credential", "x-amz-date",
              "x-amz-expires", "x-amz-security-token", "x-amz-signature", "x-amz-signedheaders"}
STS_HOST = re.compile(r"^sts(-fips)?(\.[a-z0-9-]+)?\.amazonaws\.com(\.cn)?$")


def _run(args, cwd):
    subprocess.run(args, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)


def _key(path, cwd):
    if not os.path.exists(os.path.join(cwd, path)):
        _run(["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout",
              "-out", path], cwd)
        # PKCS#8 is what client-go and Python both read without fuss
        _run(["openssl", "pkcs8", "-topk8", "-nocrypt", "-in", path, "-out", path + ".p8"], cwd)
        os.replace(os.path.join(cwd, path + ".p8"), os.path.join(cwd, path))
        os.chmod(os.path.join(cwd, path), 0o600)


def _sign(name, subj, ext, cwd, days=3650):
    if os.path.exists(os.path.join(cwd, name + ".pem")):
        return
    _key(name + ".key", cwd)
    with open(os.path.join(cwd, name + ".ext"), "w") as f:
        f.write(ext)
    _run(["openssl", "req", "-new", "-key", name + ".key", "-subj", subj,
          "-out", name + ".csr"], cwd)
    _run(["openssl", "x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
          "-CAcreateserial", "-days", str(days), "-sha256", "-extfile", name + ".ext",
          "-out", name + ".pem"], cwd)
    for suffix in (".csr", ".ext"):
        os.unlink(os.path.join(cwd, name + suffix))


def make_certs(state_dir, users):
    """Create CA, server and client certificates under state_dir/pki."""
    pki = os.path.join(state_dir, "pki")
    os.makedirs(pki, exist_ok=True)
    if not os.path.exists(os.path.join(pki, "ca.pem")):
        _key("ca.key", pki)
        _run(["openssl", "req", "-x509", "-new", "-key", "ca.key", "-days", "3650", "-sha256",
              "-subj", "/CN=binnacle-lab-ca", "-addext", "basicConstraints=critical,CA:TRUE",
              "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
              "-out", "ca.pem"], pki)
    _sign("server", "/CN=kube-apiserver",
          "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
          "extendedKeyUsage=serverAuth\n"
          "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,"
          "DNS:kubernetes.default,DNS:kubernetes.default.svc\n", pki)
    for user, group in users:
        subj = "/CN=%s" % user + ("/O=%s" % group if group else "")
        _sign("client-" + user, subj,
              "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
              "extendedKeyUsage=clientAuth\n", pki)
    with open(os.path.join(pki, "ca.pem")) as f:
        ca = f.read()
    with open(os.path.join(state_dir, "ca.pem"), "w") as f:
        f.write(ca)
    return pki


def server_context(pki):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(os.path.join(pki, "server.pem"), os.path.join(pki, "server.key"))
    ctx.load_verify_locations(os.path.join(pki, "ca.pem"))
    ctx.verify_mode = ssl.CERT_OPTIONAL
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


class User:
    __slots__ = ("name", "uid", "groups", "how")

    def __init__(self, name, uid="", groups=(), how=""):
        self.name = name
        self.uid = uid
        self.groups = list(groups)
        self.how = how


def _parse_expiry(v):
    v = (v or "").strip()
    if not v:
        return None
    if v.startswith("+"):
        return time.time() + float(v[1:].rstrip("s"))
    try:
        return float(v)
    except ValueError:
        return util.parse_iso(v)


def parse_token_spec(line):
    """token[,user[,uid[,"g1,g2"[,expiry]]]] -> (token, user, uid, groups, expiry)."""
    row = next(csv.reader(io.StringIO(line)))
    row += [""] * (5 - len(row))
    token, user, uid, groups, exp = [x.strip() for x in row[:5]]
    return (token, user or "lab-token-user", uid or user or "lab-token-user",
            [g for g in groups.split(",") if g] or ["system:authenticated"], _parse_expiry(exp))


class Authenticator:
    def __init__(self, tokens_file, static_tokens, forbid_rules, eks_sts="", eks_clusters=(),
                 eks_ca=""):
        self.eks = EksTokens(eks_sts, eks_clusters, eks_ca) if eks_sts else None
        self.tokens_file = tokens_file
        self.static = {}
        for spec in static_tokens:
            t = parse_token_spec(spec)
            self.static[t[0]] = t
        self.file_tokens = {}
        self._mtime = None
        self._lock = threading.Lock()
        self.rules = [self._parse_rule(r) for r in forbid_rules]

    @staticmethod
    def _parse_rule(r):
        parts = r.split(":")
        if len(parts) < 3:
            raise ValueError("--forbid wants USER:VERBS:RESOURCES[:NAMESPACE], got %r" % r)
        user, verbs, res = parts[:3]
        ns = parts[3] if len(parts) > 3 else None
        return (user, set(verbs.split(",")), set(res.split(",")), ns)

    def _reload(self):
        try:
            st = os.stat(self.tokens_file)
        except OSError:
            self.file_tokens = {}
            self._mtime = None
            return
        key = (st.st_mtime_ns, st.st_size)
        if key == self._mtime:
            return
        toks = {}
        with open(self.tokens_file) as f:
            for line in f:
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                try:
                    t = parse_token_spec(line)
                except Exception:
                    continue
                toks[t[0]] = t
        self.file_tokens = toks
        self._mtime = key

    def authenticate(self, peercert, auth_header):
        """Return a User, or None (401)."""
        if auth_header:
            scheme, _, cred = auth_header.partition(" ")
            if scheme.lower() == "bearer" and cred.strip():
                cred = cred.strip()
                if cred.startswith(EKS_PREFIX) and self.eks is not None:
                    return self.eks.verify(cred)
                with self._lock:
                    self._reload()
                    t = self.static.get(cred) or self.file_tokens.get(cred)
                if t is None:
                    return None
                if t[4] is not None and time.time() >= t[4]:
                    return None
                return User(t[1], t[2], list(t[3]) + ["system:authenticated"], "token")
            if scheme.lower() == "basic":
                return None
        if peercert:
            cn, groups = None, []
            for rdn in peercert.get("subject", ()):
                for k, v in rdn:
                    if k == "commonName":
                        cn = v
                    elif k == "organizationName":
                        groups.append(v)
            if cn:
                return User(cn, "", groups + ["system:authenticated"], "x509")
        return None

    def forbidden(self, user, verb, resource, namespace):
        """True if a forbid rule denies `verb` on `resource` (plural or plural/sub)."""
        if "system:masters" in user.groups and not any(r[0] == user.name for r in self.rules):
            return False
        for u, verbs, res, ns in self.rules:
            if u not in (user.name, "*"):
                continue
            if "*" not in verbs and verb not in verbs:
                continue
            if "*" not in res and resource not in res:
                continue
            if ns and ns != namespace:
                continue
            return True
        return False


class EksTokens:
    """aws-iam-authenticator's token check, against the lab STS."""

    def __init__(self, sts_url, clusters, ca):
        u = urllib.parse.urlsplit(sts_url)
        self.scheme, self.netloc = u.scheme, u.netloc
        self.clusters = list(clusters) or ["lab-eks", "lab-eks-2"]
        self.ctx = None
        if self.scheme == "https":
            import ssl
            self.ctx = ssl.create_default_context(cafile=ca or None)
        self.cache = {}
        self.lock = threading.Lock()

    def verify(self, token):
        now = time.time()
        with self.lock:
            hit = self.cache.get(token)
        if hit is not None and hit[1] > now:
            return hit[0]
        try:
            raw = base64.urlsafe_b64decode(token[len(EKS_PREFIX):] + "=" * (-len(token) % 4))
            u = urllib.parse.urlsplit(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return None
        lab_host = u.netloc == self.netloc
        if not lab_host and (u.scheme != "https" or not STS_HOST.match(u.hostname or "")):
            return None
        if lab_host and u.scheme != self.scheme:
            return None
        if u.path not in ("/", ""):
            return None
        q = urllib.parse.parse_qs(u.query, keep_blank_values=True)
        lq = {k.lower(): v[0] for k, v in q.items()}
        if any(k not in EKS_PARAMS for k in lq) or lq.get("action") != "GetCallerIdentity":
            return None
        if "x-k8s-aws-id" not in lq.get("x-amz-signedheaders", "").lower().split(";"):
            return None
        try:
            signed_at = calendar.timegm(time.strptime(lq.get("x-amz-date", ""), "%Y%m%dT%H%M%SZ"))
            expires = int(lq.get("x-amz-expires", "0"))
        except ValueError:
            return None
        if expires < 0 or expires > 900 or now > signed_at + 900:
            return None
        target = "%s://%s%s?%s" % (self.scheme, self.netloc, u.path or "/", u.query)
        for cluster in self.clusters:
            arn = self._call(target, u.netloc, cluster)
            if arn:
                m = re.match(r"^arn:aws:sts::(\d+):assumed-role/([^/]+)/(.+)$", arn)
                uid = ("aws-iam-authenticator:%s:%s" % (m.group(1), m.group(2))) if m else arn
                user = User(arn, uid, ["system:masters", "system:authenticated"], "eks")
                with self.lock:
                    if len(self.cache) > 1000:
                        self.cache.clear()
                    self.cache[token] = (user, signed_at + 900)
                return user
        return None

    def _call(self, url, host, cluster):
        req = urllib.request.Request(url, headers={"Host": host, "x-k8s-aws-id": cluster,
                                                   "Accept": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10, context=self.ctx) as r:
                d = json.load(r)
            return d["GetCallerIdentityResponse"]["GetCallerIdentityResult"]["Arn"]
        except (urllib.error.URLError, OSError, ValueError, KeyError, TypeError):
            return None
