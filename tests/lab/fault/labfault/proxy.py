"""The proxy: listens (TCP or a unix socket, plain or TLS), forwards each
request to the upstream (TCP or a unix socket, plain or TLS, with a client
certificate if asked) and does to it what the control file says. Every
request is logged with what was done and the status sent back."""

import os
import select
import socket
import ssl
import threading
import time

from . import gen
from .http1 import Closed, Reader, body_chunks, parse_head, response

POLL = 0.1


class Upstream:
    """Where requests go."""

    def __init__(self, addr, tls=False, ca=None, cert=None, key=None, server_name=None):
        self.addr = addr
        self.ctx = None
        self.server_name = server_name
        if tls:
            self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            if ca:
                self.ctx.load_verify_locations(ca)
            else:
                self.ctx.check_hostname = False
                self.ctx.verify_mode = ssl.CERT_NONE
            if cert:
                self.ctx.load_cert_chain(cert, key)

    def connect(self):
        kind, where = self.addr
        if kind == "unix":
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(where)
        else:
            s = socket.create_connection(where, timeout=10)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.settimeout(None)
        if self.ctx:
            s = self.ctx.wrap_socket(s, server_hostname=self.server_name or "127.0.0.1")
        return s


class Proxy:
    def __init__(self, listen, upstream, control, log_path, tls_good=None, tls_bad=None, raw=False,
                 applied_path=None):
        self.listen_addr = listen
        self.applied_path = applied_path  # where the loop says which control file it acts on
        self.upstream = upstream
        self.control = control
        self.log_path = log_path
        self.log_lock = threading.Lock()
        self.tls_good, self.tls_bad = tls_good, tls_bad
        self.raw = raw  # bytes passed through, not read as HTTP (SSH, anything else)
        self.listener = None
        self.port = None
        self.conns = set()
        self.conns_lock = threading.Lock()
        self.stopping = False

    # ---- bookkeeping ----

    def log(self, method, target, status, action):
        line = "%.3f %s %s -> %s %s\n" % (time.time(), method, target, status, action)
        with self.log_lock, open(self.log_path, "a") as f:
            f.write(line)

    def track(self, *socks):
        with self.conns_lock:
            for s in socks:
                if s is not None:
                    self.conns.add(s)

    def untrack(self, *socks):
        with self.conns_lock:
            for s in socks:
                self.conns.discard(s)
        for s in socks:
            if s is not None:
                try:
                    s.close()
                except OSError:
                    pass

    def kill_all(self):
        """The server died: every connection ends at once."""
        with self.conns_lock:
            socks = list(self.conns)
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    # ---- listening ----

    def bind(self):
        kind, where = self.listen_addr
        if kind == "unix":
            if os.path.exists(where):
                os.unlink(where)
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.bind(where)
        else:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((where[0], self.port if self.port is not None else where[1]))
            self.port = s.getsockname()[1]
        s.listen(128)
        self.listener = s

    def unbind(self):
        if self.listener:
            self.listener.close()
            self.listener = None
            if self.listen_addr[0] == "unix":
                try:
                    os.unlink(self.listen_addr[1])
                except OSError:
                    pass

    def serve_forever(self):
        if not self.listener:
            self.bind()
        reset = self.control.get("reset")
        while not self.stopping:
            new = self.control.get("reset")
            if new != reset:
                # a new value: every open connection is cut (a load balancer's restart)
                if new is not None:
                    self.kill_all()
                reset = new
            if self.control.get("down", False):
                if self.listener:
                    self.unbind()
                # every poll, not once: a connection accepted just before the
                # listener closed must not live on through the outage
                self.kill_all()
                self.say_applied()
                time.sleep(POLL)
                continue
            if not self.listener:
                try:
                    self.bind()
                except OSError:
                    time.sleep(POLL)  # the port is not free yet
                    continue
            self.say_applied()
            ready, _, _ = select.select([self.listener], [], [], POLL)
            if not ready:
                continue
            try:
                sock, _ = self.listener.accept()
            except OSError:
                continue
            threading.Thread(target=self.handle, args=(sock,), daemon=True).start()

    def say_applied(self):
        """Writes the inode of the control file this loop now acts on, once
        per change, so that `faultlab.sh set` returns only when it holds."""
        ino = self.control.applied()
        if self.applied_path is None or ino == getattr(self, "_said", None):
            return
        tmp = self.applied_path + ".tmp"
        with open(tmp, "w") as f:
            f.write("%s\n" % ino)
        os.replace(tmp, self.applied_path)
        self._said = ino

    # ---- one client connection ----

    def stall(self, sock=None):
        """While the network is partitioned nothing moves; True when the
        client went away meanwhile."""
        while self.control.get("blackhole", False) and not self.stopping:
            if sock is not None and gone(sock):
                return True
            time.sleep(POLL)
        return False

    def handle(self, raw):
        self.track(raw)
        client = raw
        up = None
        try:
            if self.control.get("down", False):
                return  # accepted from the backlog as the server went down
            if self.stall(raw):
                return
            if self.tls_good:
                ctx = self.tls_bad if self.control.get("tls", "good") == "bad" else self.tls_good
                try:
                    client = ctx.wrap_socket(raw, server_side=True)
                except (ssl.SSLError, OSError):
                    return
                self.track(client)
            if self.raw:
                up = Reader(self.upstream.connect())
                self.track(up.sock)
                self.log("RAW", "connection", "-", "pass")
                pump_both(client, up, self)
                return
            creader = Reader(client)
            while True:
                up = self.exchange(client, creader, up)
                if up is False:
                    return
        except Closed:
            pass
        except OSError:
            pass
        finally:
            if up:
                self.untrack(up.sock)
            self.untrack(client, raw)

    def exchange(self, client, creader, up):
        """One request and its response; the upstream to reuse, None to open
        a new one next time, or False when the connection is over."""
        head = creader.head()
        if head is None:
            return False
        if self.stall(client):
            return False
        first, headers = parse_head(head)
        if len(first) < 3:
            return False
        method, target = first[0], first[1]
        # AWS JSON calls all go to "POST /": the operation is in X-Amz-Target,
        # so rules and the log see it as a fragment ("POST /#...ListTasks")
        if headers.get("x-amz-target"):
            target = "%s#%s" % (target, headers["x-amz-target"])
        body = b"".join(body_chunks(creader, headers, until_close=False))
        rule = self.control.rule_for(method, target)
        action = rule.get("action", "pass")

        if action == "close":
            self.log(method, target, "-", "close")
            return False
        if action == "hang":
            self.log(method, target, "-", "hang")
            while not self.stopping and not gone(client):
                time.sleep(POLL)
            return False
        if action == "status":
            status = int(rule.get("status", 503))
            self.log(method, target, status, "status")
            client.sendall(response(status, rule.get("body", ""), rule.get("headers")))
            return up
        if action == "garbage":
            self.log(method, target, 200, "garbage")
            client.sendall(response(200, rule.get("body", "this is not JSON {{{")))
            return up
        if action in ("huge", "gzip", "items", "endless"):
            self.log(method, target, 200, action)
            self.generated(client, action, rule)
            return up
        if action == "delay":
            end = time.monotonic() + float(rule.get("seconds", 5))
            while time.monotonic() < end and not self.stopping:
                if gone(client):
                    self.log(method, target, "-", "delay (client gone)")
                    return False
                time.sleep(POLL)

        # forwarded
        if action == "deep":
            # the list is edited as text: ask for it uncompressed
            head = b"\r\n".join(l for l in head.split(b"\r\n") if not l.lower().startswith(b"accept-encoding:"))
        if up is None:
            try:
                up = Reader(self.upstream.connect())
            except OSError as e:
                self.log(method, target, 502, "no upstream")
                client.sendall(response(502, '{"message":"fault proxy: cannot reach the upstream: %s"}' % e))
                return None
            self.track(up.sock)
        up.sock.sendall(head + body)
        rhead = up.head()
        if rhead is None:
            self.log(method, target, "-", "upstream closed")
            self.untrack(up.sock)
            return False
        rfirst, rheaders = parse_head(rhead)
        status = rfirst[1] if len(rfirst) > 1 else "?"
        self.log(method, target, status, action)
        if action == "deep":
            return self.deepen(client, up, rhead, rheaders, int(rule.get("depth", 100000)))
        client.sendall(rhead)
        if status == "101" or (method == "POST" and "upgrade" in headers and status == "200"):
            pump_both(client, up, self)
            return False
        limit = int(rule["bytes"]) if action in ("truncate", "silent") and "bytes" in rule else None
        if action == "truncate" and limit is None:
            limit = 0
        after_s = float(rule["seconds"]) if action == "silent" and "seconds" in rule else None
        started = time.monotonic()
        sent = 0
        until_close = "content-length" not in rheaders and "chunked" not in rheaders.get(
            "transfer-encoding", "").lower()
        if method == "HEAD" or status in ("204", "304"):
            return up
        for data in body_chunks(up, rheaders, until_close):
            if self.stall(client):
                return False
            quiet = (limit is not None and sent + len(data) > limit and action == "silent") or \
                    (after_s is not None and time.monotonic() - started >= after_s)
            if quiet:
                if limit is not None and sent < limit:
                    client.sendall(data[:limit - sent])
                # the connection stays open, and nothing more comes through it
                while not self.stopping and not gone(client):
                    try:
                        up.fill(POLL)  # read and drop, so the server is not held up
                    except Closed:
                        while not self.stopping and not gone(client):
                            time.sleep(POLL)
                        break
                    up.buf = b""
                return False
            if action == "truncate" and sent + len(data) >= limit:
                client.sendall(data[:limit - sent])
                return False
            client.sendall(data)
            sent += len(data)
        if until_close or rheaders.get("connection", "").lower() == "close":
            return False
        return up

    def generated(self, client, action, rule):
        if action == "huge":
            pieces = gen.huge(int(rule.get("bytes", 1 << 30)))
            enc = None
        elif action == "gzip":
            pieces = gen.gzip_bomb(int(rule.get("bytes", 1 << 31)))
            enc = "gzip"
        elif action == "items":
            pieces = gen.items(int(rule.get("count", 1000000)))
            enc = None
        else:
            pieces = endless_line()
            enc = None
        head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
        if enc:
            head += "Content-Encoding: %s\r\n" % enc
        client.sendall((head + "\r\n").encode())
        for piece in gen.chunked(pieces):
            client.sendall(piece)

    def deepen(self, client, up, rhead, rheaders, depth):
        """The real list, with one item nested depth levels put first."""
        body = b"".join(body_chunks(up, rheaders, until_close=False))
        if "chunked" in rheaders.get("transfer-encoding", "").lower():
            body = unchunk(body)
        body = gen.insert_first_item(body, gen.deep_item(depth))
        first, _ = parse_head(rhead)
        status = int(first[1]) if len(first) > 1 and first[1].isdigit() else 200
        client.sendall(response(status, body))
        return up


def endless_line():
    block = b"x" * gen.CHUNK
    while True:
        yield block


def unchunk(raw):
    out, i = [], 0
    while True:
        j = raw.index(b"\r\n", i)
        size = int(raw[i:j].split(b";")[0] or b"0", 16)
        if size == 0:
            return b"".join(out)
        out.append(raw[j + 2:j + 2 + size])
        i = j + 2 + size + 2


def gone(sock):
    """Whether the peer has closed (readable with nothing to read). Bytes
    it sent meanwhile are left where they are."""
    try:
        r, _, _ = select.select([sock], [], [], 0)
        if not r:
            return False
        if isinstance(sock, ssl.SSLSocket):
            return sock.pending() == 0 and _peek_closed(sock)
        return _peek_closed(sock)
    except (OSError, ValueError):
        return True


def _peek_closed(sock):
    try:
        raw = sock if not isinstance(sock, ssl.SSLSocket) else socket.socket(fileno=os.dup(sock.fileno()))
        try:
            return raw.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
        finally:
            if raw is not sock:
                raw.close()
    except BlockingIOError:
        return False
    except OSError:
        return True


def pump_both(client, up, proxy=None):
    """An upgraded connection (exec, WebSocket, Docker's hijack) or a raw
    one: bytes both ways until either side ends; nothing moves while the
    network is partitioned."""
    socks = [client, up.sock]
    if up.buf:
        client.sendall(up.buf)
        up.buf = b""
    while True:
        if proxy is not None and proxy.stall():
            return
        # TLS may hold decrypted bytes select cannot see
        r = [s for s in socks if isinstance(s, ssl.SSLSocket) and s.pending()]
        if not r:
            r, _, _ = select.select(socks, [], [], 1.0)
        for s in r:
            try:
                data = s.recv(65536)
            except (ssl.SSLWantReadError, BlockingIOError):
                continue
            except OSError:
                return
            if not data:
                return
            (up.sock if s is client else client).sendall(data)
