"""Just enough HTTP/1.1 to find where messages begin and end on a
connection: heads, Content-Length and chunked bodies, relayed as the raw
bytes they arrived as."""

import socket

MAX_HEAD = 1 << 20


class Closed(Exception):
    """The peer went away."""


class Reader:
    """A socket with a read buffer."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def fill(self, timeout=None):
        """Reads what is there; raises Closed at the end of the stream."""
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return False
        except OSError:
            raise Closed()
        if not data:
            raise Closed()
        self.buf += data
        return True

    def head(self):
        """The next message head (up to the blank line), raw; None when the
        connection ends between messages."""
        while True:
            i = self.buf.find(b"\r\n\r\n")
            if i >= 0:
                raw, self.buf = self.buf[:i + 4], self.buf[i + 4:]
                return raw
            if len(self.buf) > MAX_HEAD:
                raise Closed()
            try:
                self.fill()
            except Closed:
                if self.buf.strip():
                    raise
                return None

    def take(self, n):
        """Up to n buffered or freshly read bytes (at least one)."""
        if not self.buf:
            self.fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def line(self):
        while b"\r\n" not in self.buf:
            if len(self.buf) > MAX_HEAD:
                raise Closed()
            self.fill()
        i = self.buf.index(b"\r\n")
        raw, self.buf = self.buf[:i + 2], self.buf[i + 2:]
        return raw


def parse_head(raw):
    """(first line words, {lower-case name: value}) of a head."""
    lines = raw.decode("latin-1").split("\r\n")
    first = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    return first, headers


def body_chunks(reader, headers, until_close):
    """Yields the raw bytes of a message body as they arrive, framing
    included: Content-Length, chunked, or (until_close) the rest of the
    stream."""
    if "chunked" in headers.get("transfer-encoding", "").lower():
        while True:
            size_line = reader.line()
            yield size_line
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while True:  # trailers, then the blank line
                    t = reader.line()
                    yield t
                    if t == b"\r\n":
                        return
            left = size + 2
            while left:
                data = reader.take(left)
                left -= len(data)
                yield data
    elif "content-length" in headers:
        left = int(headers["content-length"])
        while left > 0:
            data = reader.take(left)
            left -= len(data)
            yield data
    elif until_close:
        while True:
            try:
                yield reader.take(65536)
            except Closed:
                return


def response(status, body=b"", headers=None, reason=None):
    """A complete response with Content-Length."""
    reasons = {200: "OK", 401: "Unauthorized", 404: "Not Found", 410: "Gone", 429: "Too Many Requests",
               500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
               504: "Gateway Timeout"}
    if isinstance(body, str):
        body = body.encode()
    lines = ["HTTP/1.1 %d %s" % (status, reason or reasons.get(status, "Status"))]
    hs = {"Content-Type": "application/json", "Content-Length": str(len(body))}
    hs.update(headers or {})
    lines += ["%s: %s" % kv for kv in hs.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body
