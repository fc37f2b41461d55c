"""Threaded HTTPS server: TLS per connection, authentication, routing, responses.

One thread per connection (the TLS handshake runs in that thread, not in
the accept loop), HTTP/1.1 keep-alive, chunked streaming for watch, logs
and exec.  Paths are parsed into (resource, namespace, name, subresource)
and handed to api.py; discovery, /version and health endpoints are
answered here.  Responses carry the headers a real API server sends
(Audit-Id, Cache-Control, X-Kubernetes-Pf-*), and JSON bodies over 128 KiB
are gzip-compressed when the client accepts it, as the API server does.
"""

import gzip
import http.server
import socket
import socketserver
import sys
import threading
import time
import traceback
import urllib.parse

from . import api
from . import resources as R
from . import util

PUBLIC_PATHS = {"/version", "/healthz", "/livez", "/readyz"}
FLOW_UID = util.new_uid()
PRIO_UID = util.new_uid()


class App:
    """Everything a request handler needs."""

    def __init__(self, cfg, store, sim, auth, ssl_ctx, state_dir):
        self.cfg = cfg
        self.store = store
        self.sim = sim
        self.auth = auth
        self.ssl_ctx = ssl_ctx
        self.state_dir = state_dir
        self.address = "127.0.0.1:0"
        self.active_streams = 0
        self.lock = threading.Lock()


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
            request.settimeout(30)
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn = self.app.ssl_ctx.wrap_socket(request, server_side=True)
            conn.settimeout(self.app.cfg.idle_timeout)
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
    server_version = "kube-apiserver"
    sys_version = ""

    def setup(self):
        http.server.BaseHTTPRequestHandler.setup(self)
        self.app = self.server.app

    # ------------------------------------------------------------ plumbing
    def log_message(self, fmt, *args):
        if self.app.cfg.verbose:
            sys.stderr.write("%s %s\n" % (time.strftime("%H:%M:%S"), fmt % args))

    def log_request(self, code="-", size="-"):
        if self.app.cfg.verbose:
            user = getattr(self, "user", None)
            self.log_message('%s "%s" %s [%s]', self.command, self.path, code,
                             user.name if user else "-")

    def send_response(self, code, message=None):
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())

    def common_headers(self):
        self.send_header("Audit-Id", util.new_uid())
        self.send_header("Cache-Control", "no-cache, private")
        self.send_header("X-Kubernetes-Pf-Flowschema-Uid", FLOW_UID)
        self.send_header("X-Kubernetes-Pf-Prioritylevel-Uid", PRIO_UID)

    def do_GET(self):
        self.handle_api("GET")

    def do_POST(self):
        self.handle_api("POST")

    def do_PUT(self):
        self.handle_api("PUT")

    def do_PATCH(self):
        self.handle_api("PATCH")

    def do_DELETE(self):
        self.handle_api("DELETE")

    def do_HEAD(self):
        self.handle_api("HEAD")

    def do_OPTIONS(self):
        self.handle_api("OPTIONS")

    def q(self, name, default=None):
        v = self.query.get(name)
        return v[0] if v else default

    def qbool(self, name):
        return (self.q(name) or "").lower() in ("true", "1", "yes")

    def read_body(self):
        if hasattr(self, "_body"):
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

    def send_bytes(self, code, body, ctype="application/json", extra=None):
        self.read_body()    # never leave an unread request body on a keep-alive connection
        if isinstance(body, str):
            body = body.encode("utf-8")
        enc = None
        if (len(body) > 128 * 1024 and self.app.cfg.gzip
                and "gzip" in (self.headers.get("Accept-Encoding") or "")):
            body = gzip.compress(body, compresslevel=1)
            enc = "gzip"
        self.send_response(code)
        self.common_headers()
        self.send_header("Content-Type", ctype)
        if enc:
            self.send_header("Content-Encoding", enc)
            self.send_header("Vary", "Accept-Encoding")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, code, obj, ctype="application/json", extra=None):
        self.send_bytes(code, util.dumpb(obj), ctype, extra)

    def send_status(self, st):
        self.send_json(st.get("code", 500), st)

    def start_chunked(self, ctype="application/json", code=200, extra=None):
        self.read_body()
        self.send_response(code)
        self.common_headers()
        self.send_header("Content-Type", ctype)
        self.send_header("Transfer-Encoding", "chunked")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.flush()

    def write_chunk(self, data):
        if not data:
            return
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def end_chunked(self):
        try:
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass

    def client_gone(self):
        """Non-blocking check whether the peer closed the connection."""
        import select
        sock = self.connection
        try:
            if sock.pending():
                return False
            r, _, _ = select.select([sock], [], [], 0)
            if not r:
                return False
            sock.setblocking(False)
            try:
                data = sock.recv(4096)
            finally:
                sock.settimeout(self.app.cfg.idle_timeout)
            return not data
        except (BlockingIOError, InterruptedError):
            return False
        except Exception as e:
            import ssl
            if isinstance(e, (ssl.SSLWantReadError, ssl.SSLWantWriteError)):
                return False
            return True

    def accept(self):
        """What representation the client asked for: (kind, version)."""
        acc = self.headers.get("Accept") or ""
        only_proto = bool(acc.strip())
        for part in acc.split(","):
            fields = [x.strip() for x in part.split(";")]
            mt = fields[0].lower()
            params = {}
            for f in fields[1:]:
                if "=" in f:
                    k, v = f.split("=", 1)
                    params[k.strip()] = v.strip()
            if params.get("as") == "Table" and params.get("g") == "meta.k8s.io":
                return ("Table", params.get("v", "v1"))
            if params.get("as") in ("PartialObjectMetadata", "PartialObjectMetadataList") \
                    and params.get("g") == "meta.k8s.io":
                return (params["as"], params.get("v", "v1"))
            if params.get("as") == "APIGroupDiscoveryList" and params.get("g") == "apidiscovery.k8s.io":
                if params.get("v") in ("v2", "v2beta1"):
                    return ("agg", params["v"])
                continue
            if mt in ("application/json", "*/*", "application/*", "", "application/yaml",
                      "application/json-seq"):
                return ("json", None)
            if mt.startswith("application/vnd.kubernetes.protobuf") or mt == "application/cbor":
                continue
            only_proto = False
        if only_proto:
            return ("none", None)
        return ("json", None)

    # ------------------------------------------------------------ dispatch
    def handle_api(self, method):
        self.method = method
        self.__dict__.pop("_body", None)
        try:
            u = urllib.parse.urlsplit(self.path)
            self.url_path = urllib.parse.unquote(u.path).rstrip("/") or "/"
            self.query = urllib.parse.parse_qs(u.query, keep_blank_values=True)
            self.user = self.app.auth.authenticate(self.connection.getpeercert(),
                                                   self.headers.get("Authorization"))
            if self.user is None:
                if self.headers.get("Authorization") or self.url_path not in PUBLIC_PATHS:
                    if self.app.cfg.anonymous and not self.headers.get("Authorization"):
                        from .authn import User
                        self.user = User("system:anonymous", "", ["system:unauthenticated"])
                    else:
                        self.read_body()
                        return self.send_status(R.unauthorized())
            ct = (self.headers.get("Content-Type") or "").lower()
            if ct.startswith("application/vnd.kubernetes.protobuf") and method in ("POST", "PUT"):
                from . import protobuf
                if not protobuf.to_json_body(self):
                    return
            self.route()
        except api.ApiError as e:
            self.send_status(e.status)
        except (BrokenPipeError, ConnectionResetError, socket.timeout, TimeoutError):
            self.close_connection = True
        except OSError:
            self.close_connection = True
        except Exception as e:
            traceback.print_exc()
            try:
                self.send_status(R.status_failure(500, "InternalError",
                                                  "Internal error occurred: %s" % e))
            except OSError:
                self.close_connection = True

    def route(self):
        p = self.url_path
        if p in ("/healthz", "/livez", "/readyz") or p.startswith(("/healthz/", "/livez/", "/readyz/")):
            return self.send_bytes(200, b"ok", "text/plain; charset=utf-8",
                                   {"X-Content-Type-Options": "nosniff"})
        if p == "/version":
            return self.send_json(200, R.version_info(self.app.cfg.server_version))
        if p == "/openapi/v3" or p.startswith("/openapi/v3/"):
            from . import openapi
            return openapi.handle(self, p)
        if p.startswith("/openapi/") or p == "/swagger.json":
            return self.send_status(R.not_found_path())
        if self.user.name == "system:anonymous":
            return self.send_status(R.status_failure(
                403, "Forbidden", 'forbidden: User "system:anonymous" cannot get path "%s"' % p, {}))
        if p == "/api":
            return self.discovery(True)
        if p == "/apis":
            return self.discovery(False)
        parts = p.strip("/").split("/")
        if parts[0] == "api" and len(parts) >= 2:
            group, version, rest = "", parts[1], parts[2:]
        elif parts[0] == "apis" and len(parts) >= 2:
            if len(parts) == 2:
                g = R.api_group(parts[1])
                return self.send_json(200, g) if g else self.send_status(R.not_found_path())
            group, version, rest = parts[1], parts[2], parts[3:]
        else:
            return self.send_status(R.not_found_path())
        if (group, version) != ("", "v1") and (group, version) not in R.group_versions():
            return self.send_status(R.not_found_path())
        if not rest:
            rl = R.resource_list(group, version)
            if rl is None:
                rl = {"kind": "APIResourceList", "apiVersion": "v1",
                      "groupVersion": group + "/" + version, "resources": []}
            return self.send_json(200, rl)
        ns = name = sub = None
        if (rest[0] == "namespaces" and len(rest) >= 3
                and R.lookup(group, version, rest[2]) is not None
                and R.lookup(group, version, rest[2]).namespaced):
            ns = rest[1]
            rest = rest[2:]
        r = R.lookup(group, version, rest[0])
        if r is None or len(rest) > 3:
            return self.send_status(R.not_found_path())
        if len(rest) >= 2:
            name = rest[1]
        if len(rest) == 3:
            sub = rest[2]
            if sub not in r.subresources:
                return self.send_status(R.not_found_path())
        if r.namespaced is False and ns is not None:
            return self.send_status(R.not_found_path())
        api.handle(self, r, ns, name, sub)

    def discovery(self, core):
        kind, ver = self.accept()
        if kind == "agg":
            ctype = R.AGG_V2 if ver == "v2" else R.AGG_V2BETA1
            return self.send_json(200, R.aggregated(core, ver), ctype, {"Vary": "Accept"})
        if core:
            return self.send_json(200, R.api_versions(self.app.address), extra={"Vary": "Accept"})
        return self.send_json(200, R.api_group_list(), extra={"Vary": "Accept"})


def serve(app, host, port):
    srv = LabServer((host, port), app)
    app.address = "%s:%d" % srv.server_address[:2]
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.5},
                         name="http", daemon=True)
    t.start()
    return srv
