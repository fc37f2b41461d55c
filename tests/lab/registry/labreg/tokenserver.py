"""The lab token server: the other half of distribution's `auth.token` mode.

GET /token?service=S&scope=TYPE:NAME:ACTIONS[&scope=...][&account=A]
[&client_id=C][&offline_token=true], with optional `Authorization: Basic`,
as in distribution's docs/spec/auth/token.md:
  * no credentials: anonymous, granted what the policy gives "*";
  * good credentials: that user; bad ones: 401 and an error body;
  * 200 {"token", "access_token", "expires_in", "issued_at"} whose JWT
    `access` holds the granted part of each requested scope (none granted is
    still 200: the registry then refuses with insufficient_scope);
  * a scope parameter may hold several scopes separated by spaces;
  * POST (the OAuth2 form clients use when they hold a refresh token) is
    404: no refresh tokens are issued, so clients stay on GET.
Each request adds one line to the token log (tab-separated key=value: time,
status, user, account, client_id, service, requested, granted, expires_in);
passwords and tokens are never written.
"""

import base64
import datetime
import json
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import policy as policymod


class TokenService:
    def __init__(self, policy, signer, issuer, service, ttl, exp_shift, log_path):
        self.policy = policy
        self.signer = signer
        self.issuer = issuer
        self.service = service
        self.ttl = ttl
        self.exp_shift = exp_shift
        self.log_path = log_path
        self.log_lock = threading.Lock()

    def log(self, **fields):
        now = datetime.datetime.now(datetime.timezone.utc)
        parts = [now.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"]
        for k, v in fields.items():
            v = str(v).replace("\t", " ").replace("\n", " ")
            parts.append("%s=%s" % (k, v))
        with self.log_lock, open(self.log_path, "a") as f:
            f.write("\t".join(parts) + "\n")

    def issue(self, user, scopes):
        """(token response dict, granted scope strings)."""
        now = int(time.time())
        ttl = self.policy.ttl(user, self.ttl)
        access, granted = [], []
        for rtype, name, actions in scopes:
            got = self.policy.grant(user, rtype, name, actions)
            if got:
                access.append({"type": rtype, "name": name, "actions": got})
                granted.append(policymod.format_scope(rtype, name, got))
        claims = {"iss": self.issuer, "sub": user or "", "aud": self.service,
                  "exp": now + ttl + self.exp_shift, "nbf": now, "iat": now,
                  "jti": secrets.token_hex(16), "access": access}
        token = self.signer.sign(claims)
        issued = datetime.datetime.fromtimestamp(now, datetime.timezone.utc)
        body = {"token": token, "access_token": token, "expires_in": ttl,
                "issued_at": issued.strftime("%Y-%m-%dT%H:%M:%SZ")}
        return body, granted


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "binnacle-lab-token/1"
    timeout = 120   # idle keep-alive connections are dropped after this

    def log_message(self, fmt, *args):
        pass

    def _send(self, code, obj, headers=()):
        data = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _error(self, code, errcode, message, headers=()):
        self._send(code, {"errors": [{"code": errcode, "message": message, "detail": None}]},
                   headers)

    def do_POST(self):
        svc = self.server.tokens
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)   # the form holds the password: read, never log
        svc.log(method="POST", status=404, user="-", path=urllib.parse.urlsplit(self.path).path)
        self._error(404, "UNSUPPORTED", "this token server only answers GET")

    def do_GET(self):
        svc = self.server.tokens
        url = urllib.parse.urlsplit(self.path)
        if url.path not in ("/token", "/token/"):
            self._error(404, "NOT_FOUND", "no such endpoint; the realm is /token")
            return
        q = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        account = q.get("account", [""])[0]
        client_id = q.get("client_id", [""])[0]
        service = q.get("service", [""])[0]
        raw_scopes = [s for param in q.get("scope", []) for s in param.split(" ") if s]
        log = {"method": "GET", "status": 0, "user": "-", "account": account or "-",
               "client_id": client_id or "-", "service": service or "-",
               "requested": " ".join(raw_scopes) or "-"}

        user = None
        auth = self.headers.get("Authorization", "")
        if auth:
            scheme, _, cred = auth.partition(" ")
            name = password = None
            if scheme.lower() == "basic":
                try:
                    name, _, password = base64.b64decode(cred.strip()).decode().partition(":")
                except (ValueError, UnicodeDecodeError):
                    name = None
            if name is None or not svc.policy.check_password(name, password):
                svc.log(**dict(log, status=401, user=name or "?", error="bad credentials"))
                self._error(401, "UNAUTHORIZED", "incorrect username or password",
                            [("WWW-Authenticate", 'Basic realm="binnacle lab token server"')])
                return
            user = name
        log["user"] = user or "-"
        if service and service != svc.service:
            svc.log(**dict(log, status=400, error="unknown service"))
            self._error(400, "DENIED", "unknown service %r" % service)
            return
        scopes = []
        for s in raw_scopes:
            parsed = policymod.parse_scope(s)
            if parsed is None:
                svc.log(**dict(log, status=400, error="malformed scope"))
                self._error(400, "DENIED", "malformed scope %r" % s)
                return
            scopes.append(parsed)
        body, granted = svc.issue(user, scopes)
        svc.log(**dict(log, status=200, granted=" ".join(granted) or "-",
                       expires_in=body["expires_in"]))
        self._send(200, body)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, tokens, ssl_ctx=None):
        super().__init__(addr, Handler)
        self.tokens = tokens
        self.ssl_ctx = ssl_ctx

    def finish_request(self, request, client_address):
        # The TLS handshake happens here, in the connection's own thread,
        # so a client that never finishes it blocks nobody else.
        if self.ssl_ctx is None:
            super().finish_request(request, client_address)
            return
        request.settimeout(30)
        try:
            tls = self.ssl_ctx.wrap_socket(request, server_side=True)
        except OSError:
            return
        try:
            super().finish_request(tls, client_address)
        finally:
            tls.close()


def serve(tokens, host, port, ssl_ctx=None):
    srv = Server((host, port), tokens, ssl_ctx)
    t = threading.Thread(target=srv.serve_forever, name="token-server", daemon=True)
    t.start()
    return srv

