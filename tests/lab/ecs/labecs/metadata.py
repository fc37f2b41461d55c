"""Credential endpoints that are not SigV4 APIs: IMDSv2, the ECS container
credentials endpoint and the IAM Identity Center (SSO) portal.

IMDSv2 (AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:PORT/):
  PUT /latest/api/token with X-aws-ec2-metadata-token-ttl-seconds (1..21600)
  then GETs with X-aws-ec2-metadata-token; without a valid token 401.
Container endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI=
  http://127.0.0.1:PORT/v2/credentials/lab-task, AWS_CONTAINER_AUTHORIZATION_TOKEN
  = the token in DIR/container-token): GET with Authorization: TOKEN.
SSO portal: GET /federation/credentials?account_id=&role_name= with
  x-amz-sso_bearer_token = the accessToken of the lab's SSO cache file.
SSO OIDC: POST /token (CreateToken, grant refresh_token) with the cache
  file's clientId, clientSecret and refreshToken: a new access token.
"""

import json
import secrets
import threading
import time

from . import util

IMDS_ROLE = "lab-instance-role"
TASK_ROLE = "lab-task-role"
SSO_ROLES = ("LabAdmin", "LabReadOnly")


class Metadata:
    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.imds_tokens = {}
        self.instance_id = "i-0%016x" % secrets.randbits(64)
        self.cached = {}

    def _role_creds(self, kind, role, session):
        """Reuse credentials until 5 minutes before they expire, as the real endpoints do."""
        with self.lock:
            c = self.cached.get(kind)
            if c is None or c.expires - time.time() < 300 or c.expired():
                c = self.app.creds.issue(role, session)
                self.cached[kind] = c
            return c

    # ------------------------------------------------------------ IMDS
    def imds(self, h):
        p = h.url_path
        cfg = self.app.cfg
        if p == "/latest/api/token":
            if h.command != "PUT":
                return self._imds_send(h, 405, "")
            ttl = h.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
            try:
                ttl = int(ttl)
            except (TypeError, ValueError):
                return self._imds_send(h, 400, "")
            if ttl < 1 or ttl > 21600:
                return self._imds_send(h, 400, "")
            tok = "AQAEA" + secrets.token_urlsafe(42)
            with self.lock:
                if len(self.imds_tokens) > 10000:
                    now = time.time()
                    self.imds_tokens = {k: e for k, e in self.imds_tokens.items() if e > now}
                self.imds_tokens[tok] = time.time() + ttl
            return self._imds_send(h, 200, tok, {"X-aws-ec2-metadata-token-ttl-seconds": str(ttl)})
        tok = h.headers.get("X-aws-ec2-metadata-token")
        with self.lock:
            exp = self.imds_tokens.get(tok or "")
        if exp is None or exp < time.time():
            if not (cfg.imds_v1 and tok is None):
                return self._imds_send(h, 401, "")
        if h.command != "GET":
            return self._imds_send(h, 405, "")
        az = cfg.region + "a"
        docs = {
            "/latest/meta-data/": "ami-id\nhostname\niam/\ninstance-id\ninstance-type\n"
                                  "local-ipv4\nplacement/\n",
            "/latest/meta-data/instance-id": self.instance_id,
            "/latest/meta-data/instance-type": "t3.large",
            "/latest/meta-data/ami-id": "ami-0c1d2e3f4a5b6c7d8",
            "/latest/meta-data/local-ipv4": "10.0.0.10",
            "/latest/meta-data/hostname": "ip-10-0-0-10.ec2.internal",
            "/latest/meta-data/iam/": "info\nsecurity-credentials/\n",
            "/latest/meta-data/placement/": "availability-zone\nregion\n",
            "/latest/meta-data/placement/region": cfg.region,
            "/latest/meta-data/placement/availability-zone": az,
            "/latest/meta-data/iam/security-credentials/": IMDS_ROLE,
            "/latest/meta-data/iam/security-credentials-extended/": IMDS_ROLE,
        }
        if p in docs:
            return self._imds_send(h, 200, docs[p])
        if p == "/latest/meta-data/iam/info":
            return self._imds_send(h, 200, json.dumps({
                "Code": "Success", "LastUpdated": util.iso(time.time() - 60),
                "InstanceProfileArn": "arn:aws:iam::%s:instance-profile/%s" % (cfg.account, IMDS_ROLE),
                "InstanceProfileId": "AIPA" + util.key_id("")[:17]}, indent=2))
        if p in ("/latest/meta-data/iam/security-credentials/" + IMDS_ROLE,
                 "/latest/meta-data/iam/security-credentials-extended/" + IMDS_ROLE):
            c = self._role_creds("imds", IMDS_ROLE, self.instance_id)
            d = {"Code": "Success", "LastUpdated": util.iso(c.expires - 3600 if c.expires else
                                                            time.time()),
                 "Type": "AWS-HMAC", "AccessKeyId": c.access_key, "SecretAccessKey": c.secret,
                 "Token": c.token, "Expiration": util.iso(c.expires)}
            if "extended" in p:
                d["AccountId"] = cfg.account
            return self._imds_send(h, 200, json.dumps(d, indent=2))
        if p == "/latest/dynamic/instance-identity/document":
            return self._imds_send(h, 200, json.dumps({
                "accountId": cfg.account, "architecture": "x86_64", "availabilityZone": az,
                "billingProducts": None, "devpayProductCodes": None,
                "marketplaceProductCodes": None, "imageId": "ami-0c1d2e3f4a5b6c7d8",
                "instanceId": self.instance_id, "instanceType": "t3.large", "kernelId": None,
                "pendingTime": util.iso(time.time() - 86400), "privateIp": "10.0.0.10",
                "ramdiskId": None, "region": cfg.region, "version": "2017-09-30"}, indent=2))
        return self._imds_send(h, 404, "")

    def _imds_send(self, h, code, text, extra=None):
        body = text if code == 200 else {
            400: "400 - Bad Request", 401: "401 - Unauthorized", 404: "404 - Not Found",
            405: "405 - Method Not Allowed"}.get(code, "")
        h.send(code, body, "text/plain", dict(extra or {}, Server="EC2ws"))
        h.log_call("imds", h.url_path, None)

    # ------------------------------------------------------------ container endpoint
    def container(self, h):
        want = self.app.profiles.container_token
        got = h.headers.get("Authorization")
        if got != want:
            h.send_json(401 if not got else 403,
                        {"code": "AccessDenied" if got else "Unauthorized",
                         "message": "Authorization token is invalid" if got
                         else "Authorization header is missing"})
            return h.log_call("container-credentials", h.url_path, None, "AccessDenied")
        if h.url_path.rstrip("/") != "/v2/credentials/lab-task":
            h.send_json(404, {"code": "NotFound", "message": "Credentials not found"})
            return h.log_call("container-credentials", h.url_path, None, "NotFound")
        c = self._role_creds("task", TASK_ROLE, "lab-task")
        h.send_json(200, {"AccessKeyId": c.access_key, "Expiration": util.iso(c.expires),
                          "RoleArn": self.app.creds.role_arn(TASK_ROLE),
                          "SecretAccessKey": c.secret, "Token": c.token})
        h.log_call("container-credentials", h.url_path, c.access_key)

    # ------------------------------------------------------------ SSO portal
    def sso_portal(self, h):
        rid = util.request_id()
        q = {k: v[0] for k, v in h.query.items()}
        tok = h.headers.get("x-amz-sso_bearer_token")
        prof = self.app.profiles

        def fail(code, status, msg):
            h.send_json(status, {"message": msg}, "application/json",
                        {"x-amzn-RequestId": rid, "x-amzn-ErrorType": code})
            h.log_call("sso", "GetRoleCredentials", None, code)

        if h.command != "GET":
            return fail("UnknownOperationException", 404, "")
        if not prof.sso_token_ok(tok):
            return fail("UnauthorizedException", 401, "Session token not found or invalid")
        if q.get("account_id") != self.app.cfg.account or q.get("role_name") not in SSO_ROLES:
            return fail("ForbiddenException", 403, "No access")
        role = q["role_name"]
        c = self.app.creds.issue("AWSReservedSSO_%s_0123456789abcdef" % role, "lab-user",
                                 readonly=role == "LabReadOnly")
        h.send_json(200, {"roleCredentials": {
            "accessKeyId": c.access_key, "secretAccessKey": c.secret, "sessionToken": c.token,
            "expiration": util.millis(c.expires)}}, "application/json", {"x-amzn-RequestId": rid})
        h.log_call("sso", "GetRoleCredentials", c.access_key)

    # ------------------------------------------------------------ SSO OIDC
    def sso_oidc(self, h):
        rid = util.request_id()
        try:
            p = json.loads(h.read_body() or b"{}")
        except ValueError:
            p = {}

        def fail(code, status, err, desc):
            h.send_json(status, {"error": err, "error_description": desc}, "application/json",
                        {"x-amzn-RequestId": rid, "x-amzn-ErrorType": code})
            h.log_call("sso-oidc", "CreateToken", None, code)

        if h.command != "POST" or not isinstance(p, dict):
            return fail("InvalidRequestException", 400, "invalid_request", "Invalid request")
        if p.get("grantType") != "refresh_token":
            return fail("UnsupportedGrantTypeException", 400, "unsupported_grant_type",
                        "Unsupported grant type: %s" % p.get("grantType"))
        got = self.app.profiles.sso_refresh_token(p.get("clientId"), p.get("clientSecret"),
                                                  p.get("refreshToken"))
        if got is None:
            return fail("InvalidGrantException", 400, "invalid_grant",
                        "Invalid refresh token provided")
        access, life, refresh = got
        h.send_json(200, {"accessToken": access, "tokenType": "Bearer", "expiresIn": life,
                          "refreshToken": refresh}, "application/json", {"x-amzn-RequestId": rid})
        h.log_call("sso-oidc", "CreateToken", None)
