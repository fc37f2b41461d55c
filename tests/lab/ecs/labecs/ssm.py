"""SsmAgent: the lab's SSM Session Manager endpoint for ECS Exec.

The ECS lab calls new_session() for ExecuteCommand and hands the result
({sessionId, streamUrl, tokenValue}, the shape of the ECS response's
`session`) to the client.  The client opens a WebSocket to streamUrl
(GET /v1/data-channel/SESSION?role=publish_subscribe&cell-number=...) and
speaks the data-channel protocol; ssm_session.Runner serves it.  In AWS the
client talks to the service (ssmmessages) which relays to the agent in the
container; here both sides are one program, so what the client sees is
what the service and the agent together send.

One thread accepts, one thread per connection (the TLS handshake, the HTTP
upgrade and the whole session run in it).  Sessions are kept in a dict under
a lock; a token is single use and expires token_ttl seconds after
new_session().  Events go to STATE/ssm.log, never the token.
"""

import base64
import os
import random
import secrets
import selectors
import socket
import ssl
import threading
import time
import traceback
import urllib.parse

from .kubeshare import ws
from .ssm_session import Runner

ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
MAX_HEAD = 16384


class SsmAgent:
    def __init__(self, state_dir, host="127.0.0.1", port=0, ssl_context=None, loss=0.0,
                 handshake=True, token_ttl=60.0, idle_timeout=1200.0, seed=None):
        """loss: fraction of outgoing stream messages and acks dropped (plus as many
        duplicated or reordered); handshake: False starts output at once, as the agent does
        for InteractiveCommands without KMS; idle_timeout: seconds without input or
        output before the session ends (ECS Exec: 20 minutes; 0 disables)."""
        self.state_dir = state_dir
        self.host = host
        self.port = port
        self.ssl_context = ssl_context
        self.loss = float(loss)
        self.handshake = handshake
        self.token_ttl = token_ttl
        self.idle_timeout = idle_timeout
        self.seed = seed
        self.connections = 0
        self.sessions = {}
        self.lock = threading.Lock()
        self.log_lock = threading.Lock()
        self.conns = set()
        self.threads = []
        self.listener = None
        self.stopping = threading.Event()
        os.makedirs(state_dir, exist_ok=True)

    # ------------------------------------------------------------- lifecycle
    def start(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((self.host, self.port))
        s.listen(64)
        self.listener = s
        self.port = s.getsockname()[1]
        t = threading.Thread(target=self._accept_loop, name="ssm-accept", daemon=True)
        t.start()
        self.threads.append(t)
        self.log("-", "listening", port=self.port, loss=self.loss, handshake=self.handshake)
        return self.port

    def stop(self):
        self.stopping.set()
        with self.lock:
            conns = list(self.conns)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for t in list(self.threads):
            if t is not threading.current_thread():
                t.join(timeout=5)
        if self.listener is not None:
            self.listener.close()
            self.listener = None

    # ------------------------------------------------------------- sessions
    def new_session(self, target, command, workdir, env):
        sid = "ecs-execute-command-" + "".join(secrets.choice(ID_ALPHABET) for _ in range(26))
        token = "AAEAA" + base64.b64encode(secrets.token_bytes(600)).decode()
        cell = "AAEAA" + base64.b64encode(secrets.token_bytes(72)).decode()
        scheme = "wss" if self.ssl_context else "ws"
        url = "%s://%s:%d/v1/data-channel/%s?role=publish_subscribe&cell-number=%s" % (
            scheme, self.host, self.port, sid, cell)
        with self.lock:
            self.sessions[sid] = {"token": token, "expires": time.monotonic() + self.token_ttl,
                                  "used": False, "target": target, "command": command,
                                  "workdir": workdir, "env": dict(env or {})}
        self.log(sid, "created", target=target, command=command)
        return {"sessionId": sid, "streamUrl": url, "tokenValue": token}

    def claim(self, sid, token):
        """The session record if TOKEN opens SID now (and burns the token), else (None, why)."""
        with self.lock:
            s = self.sessions.get(sid)
            if s is None:
                return None, "unknown session"
            if not token or not secrets.compare_digest(token.encode(), s["token"].encode()):
                return None, "wrong token"
            if s["used"]:
                return None, "token already used"
            s["used"] = True
            if time.monotonic() > s["expires"]:
                return None, "token expired"
            return s, ""

    def rng(self):
        """The fault mode's random source for the next connection (reproducible with a seed)."""
        with self.lock:
            self.connections += 1
            n = self.connections
        return random.Random(None if self.seed is None else "%s/%d" % (self.seed, n))

    def log(self, sid, event, **kv):
        fields = " ".join("%s=%s" % (k, _quote(v)) for k, v in kv.items())
        line = "%s session=%s %s%s\n" % (time.strftime("%Y-%m-%dT%H:%M:%S"), sid,
                                         _quote(event), " " + fields if fields else "")
        with self.log_lock:
            with open(os.path.join(self.state_dir, "ssm.log"), "a") as f:
                f.write(line)

    # ------------------------------------------------------------- serving
    def _accept_loop(self):
        sel = selectors.DefaultSelector()
        sel.register(self.listener, selectors.EVENT_READ)
        while not self.stopping.is_set():
            if not sel.select(0.3):
                continue
            try:
                conn, _ = self.listener.accept()
            except OSError:
                continue
            t = threading.Thread(target=self._serve, args=(conn,), name="ssm-conn", daemon=True)
            self.threads = [x for x in self.threads if x.is_alive()] + [t]
            t.start()
        sel.close()

    def _serve(self, conn):
        with self.lock:
            self.conns.add(conn)
        try:
            conn.settimeout(30)
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self.ssl_context is not None:
                tls = self.ssl_context.wrap_socket(conn, server_side=True)
                with self.lock:
                    self.conns.add(tls)
                conn = tls
            sid, rest = self._upgrade(conn)
            if sid is not None:
                conn.settimeout(60)
                Runner(self, conn, sid, rest).run()
        except (OSError, ssl.SSLError, ValueError):
            pass
        except Exception:
            traceback.print_exc()
        finally:
            with self.lock:
                self.conns.discard(conn)
            try:
                conn.close()
            except OSError:
                pass

    def _upgrade(self, conn):
        """Read the request head, answer 101 for a data-channel WebSocket; (session id, extra bytes)."""
        buf = b""
        while b"\r\n\r\n" not in buf:
            if len(buf) > MAX_HEAD:
                return _http_error(conn, 431, "Request Header Fields Too Large")
            data = conn.recv(4096)
            if not data:
                return None, b""
            buf += data
        head, rest = buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3:
            return _http_error(conn, 400, "Bad Request")
        method, target, _ = parts
        headers = {}
        for ln in lines[1:]:
            k, _, v = ln.partition(":")
            headers[k.strip().lower()] = v.strip()
        path = urllib.parse.urlsplit(target).path
        prefix = "/v1/data-channel/"
        if not path.startswith(prefix) or "/" in path[len(prefix):] or len(path) == len(prefix):
            return _http_error(conn, 404, "Not Found")
        if method != "GET" or headers.get("upgrade", "").lower() != "websocket" \
                or "sec-websocket-key" not in headers:
            return _http_error(conn, 400, "Bad Request")
        conn.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                      "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n"
                      % ws.accept_key(headers["sec-websocket-key"])).encode())
        return urllib.parse.unquote(path[len(prefix):]), rest


def _http_error(conn, code, reason):
    body = ("%d %s\n" % (code, reason)).encode()
    conn.sendall(b"HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
                 b"Connection: close\r\n\r\n" % (code, reason.encode(), len(body)) + body)
    return None, b""


def _quote(v):
    s = str(v)
    if not s or any(c in s for c in ' "=\\\n'):
        return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return s
