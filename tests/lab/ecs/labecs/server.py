"""Threaded HTTP(S) server: one port for every service, dispatched as AWS does.

  X-Amz-Target: PREFIX.Operation    JSON 1.1 (ECS, CloudWatch Logs, ECR)
  Action=Operation (form or query)  Query protocol (STS)
  /clusters[/NAME]                  REST-JSON (EKS)
  /federation/credentials           SSO portal (bearer token, unsigned)
  /token                            SSO OIDC CreateToken (refresh, unsigned)
  /latest/...                       IMDSv2
  /v2/credentials/...               ECS container credentials endpoint
  /_lab/...                         lab control (unsigned, see control.py)
  CONNECT host:443                  with --proxy: TLS as *.amazonaws.com, then all of the above

AWS API requests are authenticated with SigV4 (auth.py), throttled
(throttle.py) and logged (reqlog.py) before a service module sees them.
"""

import http.server
import socket
import socketserver
import sys
import threading
import traceback
import urllib.parse

from . import auth, errors, util

JSON_TARGETS = {
    "AmazonEC2ContainerServiceV20141113": "ecs",
    "Logs_20140328": "logs",
    "AmazonEC2ContainerRegistry_V20150921": "ecr",
}
AMZ_JSON = "application/x-amz-json-1.1"


class Ctx:
    """One authenticated API call."""

    def __init__(self, app, service, op, cred, rid):
        self.app = app
        self.service = service
        self.op = op
        self.cred = cred
        self.request_id = rid


class LabServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 1024

    def __init__(self, addr, app):
        self.app = app
        http.server.HTTPServer.__init__(self, addr, Handler)

    def process_request_thread(self, request, client_address):
        conn = request
        try:
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self.app.ssl_ctx is not None:
                request.settimeout(30)
                conn = self.app.ssl_ctx.wrap_socket(request, server_side=True)
            conn.settimeout(300)
            self.finish_request(conn, client_address)
        except (OSError, ValueError):
            pass
        except Exception:
            traceback.print_exc()
        finally:
            try:
                self.shutdown_request(conn)
            except OSError:
                pass

    def handle_error(self, request, client_address):
        pass


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Server"
    sys_version = ""

    def setup(self):
        http.server.BaseHTTPRequestHandler.setup(self)
        self.app = self.server.app

    def version_string(self):
        return self.server_version

    def log_message(self, fmt, *args):
        if self.app.cfg.verbose:
            sys.stderr.write("ecslab: %s\n" % (fmt % args))

    def log_request(self, code="-", size="-"):
        if self.app.cfg.verbose:
            self.log_message('%s "%s" %s', self.command, self.path, code)

    def do_GET(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def do_DELETE(self):
        self.dispatch()

    def do_HEAD(self):
        self.dispatch()

    def do_CONNECT(self):
        """--proxy: a client with HTTPS_PROXY=http://127.0.0.1:PORT reaching
        https://SERVICE.REGION.amazonaws.com gets this lab, under a certificate
        for the AWS names signed by DIR/ca.pem (its AWS_CA_BUNDLE)."""
        host = self.path.rsplit(":", 1)[0]
        if self.app.proxy_ctx is None or not host.endswith((".amazonaws.com", ".awsapps.com")):
            self.send_response(403 if self.app.proxy_ctx else 405)
            self.send_header("Content-Length", "0")
            self.end_headers()
            self.close_connection = True
            return
        self.send_response(200, "Connection established")
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True
        try:
            tls = self.app.proxy_ctx.wrap_socket(self.connection, server_side=True)
        except (OSError, ValueError):
            return
        Handler(tls, self.client_address, self.server)

    # ------------------------------------------------------------ plumbing
    def read_body(self):
        if self._body is not None:
            return self._body
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            data = self.rfile.read(n)
        elif "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                parts.append(self.rfile.read(size))
                self.rfile.readline()
            data = b"".join(parts)
        else:
            data = b""
        self._body = data
        return data

    def send(self, code, body, ctype, extra=None):
        self.read_body()
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.status = code

    def send_json(self, code, obj, ctype="application/json", extra=None):
        self.send(code, util.dumpb(obj), ctype, extra)

    def header_pairs(self):
        return list(self.headers.items())

    def log_call(self, service, op, key, error=None):
        self.app.reqlog.write(service, op, getattr(self, "status", 0), key, error)

    # ------------------------------------------------------------ dispatch
    def dispatch(self):
        self._body = None
        self.status = 0
        try:
            u = urllib.parse.urlsplit(self.path)
            self.url_path = u.path
            self.query = urllib.parse.parse_qs(u.query, keep_blank_values=True)
            self.route()
        except (BrokenPipeError, ConnectionResetError, socket.timeout, TimeoutError):
            self.close_connection = True
        except OSError:
            self.close_connection = True
        except Exception:
            traceback.print_exc()
            try:
                self.send_json(500, {"__type": "ServerException",
                                     "message": "Service Unavailable. Please try again later."},
                               AMZ_JSON, {"x-amzn-RequestId": util.request_id()})
            except OSError:
                self.close_connection = True

    def route(self):
        p = self.url_path
        app = self.app
        if p.startswith("/_lab/"):
            return app.control.handle(self)
        if p.startswith("/latest/"):
            return app.metadata.imds(self)
        if p.startswith("/v2/credentials/"):
            return app.metadata.container(self)
        if p == "/federation/credentials":
            return app.metadata.sso_portal(self)
        if p == "/token" and not self.headers.get("X-Amz-Target"):
            return app.metadata.sso_oidc(self)
        target = self.headers.get("X-Amz-Target")
        if target and self.command == "POST":
            return self.json_call(target)
        if p == "/clusters" or p.startswith("/clusters/"):
            return app.eks.handle(self)
        if p == "/" and (self.command in ("GET", "POST")):
            return app.sts.handle(self)
        self.send_json(404, {"message": "Not Found"}, extra={"x-amzn-RequestId": util.request_id()})

    def json_error(self, e, rid):
        body = {"__type": e.type_name, "message": e.message}
        body.update(e.fields)
        self.send_json(e.status, body, AMZ_JSON, {"x-amzn-RequestId": rid})

    def json_call(self, target):
        rid = util.request_id()
        prefix, _, op = target.partition(".")
        service = JSON_TARGETS.get(prefix)
        body = self.read_body()
        key = None
        try:
            if service is None:
                raise errors.AwsError("UnknownOperationException", "", coral=True)
            cred = auth.authenticate(self, service, body)
            key = cred.access_key
            if self.app.throttle.refuse(service, op):
                raise errors.throttled()
            try:
                params = util.loads(body) if body.strip() else {}
            except ValueError:
                raise errors.AwsError("SerializationException", "Unexpected character in the "
                                      "request payload: not JSON")
            if not isinstance(params, dict):
                raise errors.AwsError("SerializationException",
                                      "Start of list found where not expected")
            handler = self.app.services[service]
            try:
                result = handler.call(Ctx(self.app, service, op, cred, rid), op, params)
            except (TypeError, AttributeError):
                # a member of the wrong type that no check caught: AWS's answer
                # is a SerializationException; the traceback shows where
                traceback.print_exc()
                raise errors.AwsError("SerializationException",
                                      "Unexpected value type in the request payload")
            self.send_json(200, result, AMZ_JSON, {"x-amzn-RequestId": rid})
            self.log_call(service, op, key)
        except errors.AwsError as e:
            self.json_error(e, rid)
            self.log_call(service, op, key or auth.claimed_key(self), e.code)


def serve(app, host, port):
    srv = LabServer((host, port), app)
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.5},
                         name="http", daemon=True)
    t.start()
    return srv
