"""pods/portforward: the two protocols clients speak to forward a pod's port.

- WebSocket channels (the kubelet's streaming protocol, what binnacle and the
  client libraries speak): GET ...?ports=P with subprotocol v4.channel.k8s.io
  (or v4.base64.channel.k8s.io, or none). Each port has two channels, data
  (2i) and error (2i+1); the server first sends the port number (two bytes,
  little-endian) on both, then bytes flow on the data channel until either
  side closes.
- SPDY/3.1 with X-Stream-Protocol-Version portforward.k8s.io (kubectl), as a
  plain HTTP upgrade or tunnelled in the binary messages of a WebSocket with
  subprotocol SPDY/3.1+portforward.k8s.io (kubectl 1.31+ tries that first).
  Each forwarded connection is a pair of streams the client opens, error and
  data, named by the streamType, port and requestID headers of their
  SYN_STREAM; header blocks are zlib-compressed with the SPDY/3 dictionary,
  one context per direction for the whole connection.

What answers inside the pod is simulated here: a port the pod's containers
declare answers an HTTP request with one line naming the pod and port, and
echoes anything else back; any other port is refused on the error stream,
with the kubelet's wording.
"""

import select
import ssl
import struct
import zlib

from . import resources as R
from . import websocket as ws

WS_PROTOCOLS = ["v4.channel.k8s.io", "v4.base64.channel.k8s.io", "portforward.k8s.io"]
SPDY_TUNNEL = "SPDY/3.1+portforward.k8s.io"

# The SPDY/3 header compression dictionary (draft-mbelshe-httpbis-spdy-00
# 2.6.10.1): these words, each after its length as four bytes big-endian,
# then the rest as is.
_DICT_WORDS = [
    "options", "head", "post", "put", "delete", "trace", "accept", "accept-charset",
    "accept-encoding", "accept-language", "accept-ranges", "age", "allow", "authorization",
    "cache-control", "connection", "content-base", "content-encoding", "content-language",
    "content-length", "content-location", "content-md5", "content-range", "content-type", "date",
    "etag", "expect", "expires", "from", "host", "if-match", "if-modified-since", "if-none-match",
    "if-range", "if-unmodified-since", "last-modified", "location", "max-forwards", "pragma",
    "proxy-authenticate", "proxy-authorization", "range", "referer", "retry-after", "server", "te",
    "trailer", "transfer-encoding", "upgrade", "user-agent", "vary", "via", "warning",
    "www-authenticate", "method", "get", "status", "200 OK", "version", "HTTP/1.1", "url", "public",
    "set-cookie", "keep-alive", "origin",
]
_DICT_TAIL = (
    "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505"
    "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request"
    "401 Unauthorized403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented"
    "503 Service UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 "
    "Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,image/jpg,image/gif,"
    "application/xml,application/xhtml+xml,text/plain,text/javascript,publicprivatemax-age="
    "gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0."
)
SPDY_DICT = b"".join(struct.pack("!I", len(w)) + w.encode() for w in _DICT_WORDS) + _DICT_TAIL.encode()

SYN_STREAM, SYN_REPLY, RST_STREAM, SETTINGS, PING, GOAWAY, HEADERS, WINDOW_UPDATE = 1, 2, 3, 4, 6, 7, 8, 9
FLAG_FIN = 0x01


class Closed(Exception):
    pass


# ------------------------------------------------------------------ the pod side

def declared_ports(pod):
    return {p.get("containerPort") for c in pod["spec"].get("containers") or ()
            for p in c.get("ports") or ()}


def refused(pod, port):
    md = pod["metadata"]
    return ("error forwarding port %d to pod %s, uid : failed to execute portforward in network "
            "namespace \"/var/run/netns/cni-lab\": failed to connect to localhost:%d inside namespace "
            "\"%s\", IPv4: dial tcp4 127.0.0.1:%d: connect: connection refused " % (
                port, md["uid"], port, md["uid"], port))


class PodConn:
    """One forwarded connection to a port of the pod: HTTP gets one line,
    anything else is echoed back."""

    def __init__(self, pod, port):
        self.name = pod["metadata"]["name"]
        self.port = port
        self.buf = b""
        self.http = None
        self.done = False

    def feed(self, data):
        """Bytes from the client; returns the bytes the pod answers."""
        if self.done:
            return b""
        self.buf += data
        if self.http is None and len(self.buf) >= 4:
            self.http = self.buf.split(b" ", 1)[0] in (b"GET", b"HEAD", b"POST", b"PUT")
        if self.http is None:
            return b""
        if not self.http:
            out, self.buf = self.buf, b""
            return out
        if b"\r\n\r\n" not in self.buf:
            return b""
        body = ("hello from %s port %d\n" % (self.name, self.port)).encode()
        self.done = True
        return (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
                b"Connection: close\r\n\r\n" % len(body)) + body


# ------------------------------------------------------------------ transports

class Socket:
    """The upgraded connection's bytes; recv raises Closed at the end."""

    def __init__(self, h):
        self.sock = h.connection

    def readable(self, timeout):
        if isinstance(self.sock, ssl.SSLSocket) and self.sock.pending():
            return True
        r, _, _ = select.select([self.sock], [], [], timeout)
        return bool(r)

    def recv(self):
        try:
            data = self.sock.recv(65536)
        except (ssl.SSLWantReadError, BlockingIOError):
            return b""
        except OSError:
            raise Closed()
        if not data:
            raise Closed()
        return data

    def send(self, data):
        try:
            self.sock.sendall(data)
        except OSError:
            raise Closed()


class Tunnel(Socket):
    """Bytes carried in the binary messages of a WebSocket (SPDY tunnelled)."""

    def __init__(self, h):
        Socket.__init__(self, h)
        self.parser = ws.Parser()

    def recv(self):
        out = b""
        try:
            msgs = self.parser.feed(Socket.recv(self))
        except ws.ProtocolError:
            raise Closed()
        for op, payload in msgs:
            if op == ws.OP_PING:
                Socket.send(self, ws.frame(ws.OP_PONG, payload))
            elif op == ws.OP_CLOSE:
                raise Closed()
            elif op in (ws.OP_BINARY, ws.OP_TEXT):
                out += payload
        return out

    def send(self, data):
        Socket.send(self, ws.frame(ws.OP_BINARY, data))


# ------------------------------------------------------------------ WebSocket channels

def serve_channels(h, pod, ports, proto):
    import base64
    t = Socket(h)
    b64 = "base64" in proto
    parser = ws.Parser()

    def send(ch, data):
        if b64:
            t.send(ws.frame(ws.OP_TEXT, str(ch).encode() + base64.b64encode(data)))
        else:
            t.send(ws.frame(ws.OP_BINARY, bytes([ch]) + data))

    conns = {}
    open_ports = declared_ports(pod)
    for i, port in enumerate(ports):
        send(2 * i, struct.pack("<H", port))
        send(2 * i + 1, struct.pack("<H", port))
        if port in open_ports:
            conns[2 * i] = PodConn(pod, port)
        else:
            send(2 * i + 1, refused(pod, port).encode())
    if not conns:
        t.send(ws.close_frame(1000))
        return
    while conns:
        if not t.readable(1.0):
            continue
        try:
            msgs = parser.feed(t.recv())
        except ws.ProtocolError:
            return
        for op, payload in msgs:
            if op == ws.OP_PING:
                t.send(ws.frame(ws.OP_PONG, payload))
            elif op == ws.OP_CLOSE:
                t.send(ws.close_frame(1000))
                return
            elif op in (ws.OP_BINARY, ws.OP_TEXT) and payload:
                if b64:
                    ch, data = int(chr(payload[0])), base64.b64decode(payload[1:])
                else:
                    ch, data = payload[0], payload[1:]
                conn = conns.get(ch)
                if conn is None:
                    continue
                out = conn.feed(data)
                if out:
                    send(ch, out)
                if conn.done:
                    del conns[ch]
    t.send(ws.close_frame(1000))


# ------------------------------------------------------------------ SPDY/3.1

class Spdy:
    def __init__(self, t, pod):
        self.t = t
        self.pod = pod
        self.buf = b""
        self.inflate = zlib.decompressobj(zdict=SPDY_DICT)
        self.deflate = zlib.compressobj(zlib.Z_BEST_COMPRESSION, zlib.DEFLATED, 15, 9,
                                        zlib.Z_DEFAULT_STRATEGY, SPDY_DICT)
        self.streams = {}   # id -> {"type", "port", "request"}
        self.pairs = {}     # request id -> {"data": id, "error": id, "conn": PodConn}
        self.open_ports = declared_ports(pod)

    # frames
    def control(self, ftype, flags, payload):
        self.t.send(struct.pack("!HHI", 0x8000 | 3, ftype, (flags << 24) | len(payload)) + payload)

    def data(self, sid, payload, fin=False):
        self.t.send(struct.pack("!II", sid & 0x7FFFFFFF, ((FLAG_FIN if fin else 0) << 24) | len(payload)) + payload)

    def headers_block(self, pairs):
        raw = struct.pack("!I", len(pairs))
        for k, v in pairs:
            raw += struct.pack("!I", len(k)) + k + struct.pack("!I", len(v)) + v
        return self.deflate.compress(raw) + self.deflate.flush(zlib.Z_SYNC_FLUSH)

    def parse_headers(self, block):
        raw = self.inflate.decompress(block)
        n = struct.unpack("!I", raw[:4])[0]
        pos, out = 4, {}
        for _ in range(n):
            kl = struct.unpack("!I", raw[pos:pos + 4])[0]
            k = raw[pos + 4:pos + 4 + kl].decode("latin-1").lower()
            pos += 4 + kl
            vl = struct.unpack("!I", raw[pos:pos + 4])[0]
            v = raw[pos + 4:pos + 4 + vl].decode("latin-1")
            pos += 4 + vl
            out[k] = v.split("\x00")[0]
        return out

    # the session
    def run(self):
        while True:
            if not self.t.readable(1.0):
                continue
            self.buf += self.t.recv()
            while len(self.buf) >= 8:
                length = struct.unpack("!I", self.buf[4:8])[0] & 0xFFFFFF
                if len(self.buf) < 8 + length:
                    break
                head, payload = self.buf[:8], self.buf[8:8 + length]
                self.buf = self.buf[8 + length:]
                flags = head[4]
                if head[0] & 0x80:
                    ftype = struct.unpack("!H", head[2:4])[0]
                    if not self.on_control(ftype, flags, payload):
                        return
                else:
                    self.on_data(struct.unpack("!I", head[:4])[0] & 0x7FFFFFFF, flags, payload)

    def on_control(self, ftype, flags, payload):
        if ftype == SYN_STREAM:
            sid = struct.unpack("!I", payload[:4])[0] & 0x7FFFFFFF
            hdrs = self.parse_headers(payload[10:])
            self.control(SYN_REPLY, 0, struct.pack("!I", sid) + self.headers_block([]))
            kind, req = hdrs.get("streamtype", ""), hdrs.get("requestid", "")
            try:
                port = int(hdrs.get("port", "0"))
            except ValueError:
                port = 0
            self.streams[sid] = {"type": kind, "port": port, "request": req}
            pair = self.pairs.setdefault(req, {})
            pair[kind] = sid
            if "data" in pair and "error" in pair and "conn" not in pair:
                if port in self.open_ports:
                    pair["conn"] = PodConn(self.pod, port)
                else:
                    self.data(pair["error"], refused(self.pod, port).encode(), fin=True)
                    self.data(pair["data"], b"", fin=True)
                    pair["conn"] = None
        elif ftype == PING:
            self.control(PING, 0, payload[:4])
        elif ftype == GOAWAY:
            return False
        elif ftype == RST_STREAM:
            sid = struct.unpack("!I", payload[:4])[0] & 0x7FFFFFFF
            self.streams.pop(sid, None)
        return True

    def on_data(self, sid, flags, payload):
        st = self.streams.get(sid)
        if st is None or st["type"] != "data":
            return
        pair = self.pairs.get(st["request"]) or {}
        conn = pair.get("conn")
        if conn is None:
            return
        out = conn.feed(payload)
        if out:
            self.data(sid, out)
        if conn.done or flags & FLAG_FIN:
            # the pod's side is over: both streams end
            self.data(sid, b"", fin=True)
            if "error" in pair:
                self.data(pair["error"], b"", fin=True)
            pair["conn"] = None


# ------------------------------------------------------------------ entry

def serve(h, pod):
    upgrade = (h.headers.get("Upgrade") or "").lower()
    h.read_body()
    try:
        ports = [int(p) for v in h.query.get("ports") or () for p in v.split(",") if p.strip()]
    except ValueError:
        return h.send_status(R.bad_request("invalid port in the ports parameter"))
    if upgrade.startswith("spdy/3.1"):
        versions = [v.strip() for v in (h.headers.get("X-Stream-Protocol-Version") or "").split(",")]
        if "portforward.k8s.io" not in versions:
            return h.send_status(R.bad_request("unable to upgrade: no supported stream protocol"))
        h.send_response_only(101, "Switching Protocols")
        h.send_header("Connection", "Upgrade")
        h.send_header("Upgrade", "SPDY/3.1")
        h.send_header("X-Stream-Protocol-Version", "portforward.k8s.io")
        h.end_headers()
        h.wfile.flush()
        return _session(h, Spdy(Socket(h), pod))
    if upgrade != "websocket":
        return h.send_status(R.bad_request("Upgrade request required"))
    offered = [p.strip() for p in (h.headers.get("Sec-WebSocket-Protocol") or "").split(",") if p.strip()]
    if SPDY_TUNNEL in offered:
        proto = SPDY_TUNNEL
    else:
        if not ports:
            return h.send_status(R.bad_request("query parameter \"port\" is required"))
        proto = next((p for p in offered if p in WS_PROTOCOLS), None)
        if proto is None and offered:
            return h.send_status(R.bad_request("unable to upgrade: no supported subprotocol in %s" % offered))
    key = h.headers.get("Sec-WebSocket-Key") or ""
    h.send_response_only(101, "Switching Protocols")
    h.send_header("Upgrade", "websocket")
    h.send_header("Connection", "Upgrade")
    h.send_header("Sec-WebSocket-Accept", ws.accept_key(key))
    if proto:
        h.send_header("Sec-WebSocket-Protocol", proto)
    h.end_headers()
    h.wfile.flush()
    if proto == SPDY_TUNNEL:
        return _session(h, Spdy(Tunnel(h), pod))
    return _session(h, None, lambda: serve_channels(h, pod, ports, proto or ""))


def _session(h, spdy, run=None):
    h.close_connection = True
    h.log_request(101)
    with h.app.lock:
        h.app.active_streams += 1
    try:
        (run or spdy.run)()
    except (Closed, OSError, zlib.error, struct.error):
        pass
    finally:
        with h.app.lock:
            h.app.active_streams -= 1
