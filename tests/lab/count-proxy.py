#!/usr/bin/env python3
"""count-proxy.py: a counting unix-socket proxy for read-only-mode tests.

    count-proxy.py LISTEN_SOCK TARGET_SOCK COUNT_FILE

Every connection to LISTEN_SOCK is forwarded byte for byte to TARGET_SOCK
(both directions, half-closes passed on, so /events streams and hijacked
attach/exec sessions work). The HTTP requests the client sends are parsed
on the side, keep-alive and pipelined ones included, so a test can prove
what binnacle did or did not ask the engine to do: after each request
COUNT_FILE is replaced atomically with

    {"GET": n, "POST": n, "DELETE": n, ..., "total": n,
     "requests": ["POST /v1.41/containers/x/restart?t=10", ...]}

("requests" holds the last 200 request lines, query string included). A
connection is no longer parsed after a request asking for an Upgrade or to
a hijacked endpoint (/exec/ID/start, /containers/ID/attach): what follows
is a raw stream, not HTTP. Prints "ready" on stdout once listening; stops
on SIGTERM or SIGINT, removing LISTEN_SOCK.
"""

import collections
import json
import os
import re
import signal
import socket
import sys
import threading

KEEP = 200
# Endpoints the engine answers by taking over the connection.
HIJACKED = re.compile(r"^(/v[0-9.]+)?/(exec/[^/]+/start|containers/[^/]+/attach)(\?|$)")


class Counter:
    """The counts and the file they are written to, shared by all threads."""

    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        # The usual methods start at zero so a test can read them directly.
        self.counts = collections.OrderedDict(
            (m, 0) for m in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"))
        self.total = 0
        self.requests = collections.deque(maxlen=KEEP)
        self.write()

    def add(self, method, target):
        with self.lock:
            self.counts[method] = self.counts.get(method, 0) + 1
            self.total += 1
            self.requests.append("%s %s" % (method, target))
            self.write()

    def write(self):
        doc = dict(self.counts)
        doc["total"] = self.total
        doc["requests"] = list(self.requests)
        # A reader must never see a half-written file.
        tmp = "%s.tmp.%d" % (self.path, os.getpid())
        with open(tmp, "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")
        os.replace(tmp, self.path)


class RequestParser:
    """Finds request boundaries in the client's byte stream."""

    HEAD, LENGTH, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILER, STOP = range(7)
    MAX_HEAD = 1 << 20

    def __init__(self, counter):
        self.counter = counter
        self.state = self.HEAD
        self.pending = b""  # unparsed bytes of a head or chunk line
        self.left = 0  # body or chunk bytes still to skip

    def feed(self, data):
        if self.state == self.STOP:
            return
        data = self.pending + data
        self.pending = b""
        pos = 0
        while pos < len(data) and self.state != self.STOP:
            if self.state in (self.LENGTH, self.CHUNK_DATA):
                step = min(self.left, len(data) - pos)
                pos += step
                self.left -= step
                if self.left == 0:
                    self.state = self.HEAD if self.state == self.LENGTH else self.CHUNK_END
                continue
            if self.state == self.HEAD:
                end, sep = self.find_head_end(data, pos)
                if end < 0:
                    break
                self.on_head(data[pos:end])
                pos = end + sep
                continue
            nl = data.find(b"\n", pos)
            if nl < 0:
                break
            line = data[pos:nl].rstrip(b"\r")
            pos = nl + 1
            self.on_chunk_line(line)
        if self.state != self.STOP:
            self.pending = data[pos:]
            if len(self.pending) > self.MAX_HEAD:
                self.state = self.STOP  # not HTTP after all
                self.pending = b""

    @staticmethod
    def find_head_end(data, pos):
        # Blank lines before a request line are allowed (RFC 9112 2.2).
        crlf = data.find(b"\r\n\r\n", pos)
        lf = data.find(b"\n\n", pos)
        if crlf >= 0 and (lf < 0 or crlf <= lf):
            return crlf, 4
        return (lf, 2) if lf >= 0 else (-1, 0)

    def on_head(self, head):
        if not head.strip():
            return  # stray blank lines between requests
        lines = head.lstrip(b"\r\n").decode("latin-1").replace("\r\n", "\n").split("\n")
        parts = lines[0].split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/"):
            self.state = self.STOP
            return
        method, target = parts[0], parts[1]
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        self.counter.add(method, target)
        path = target.split("?", 1)[0]
        if "upgrade" in headers or HIJACKED.match(path):
            self.state = self.STOP
        elif "chunked" in headers.get("transfer-encoding", "").lower():
            self.state = self.CHUNK_SIZE
        else:
            try:
                self.left = int(headers.get("content-length", "0"))
            except ValueError:
                self.state = self.STOP
                return
            self.state = self.LENGTH if self.left > 0 else self.HEAD

    def on_chunk_line(self, line):
        if self.state == self.CHUNK_END:  # the CRLF after a chunk's data
            self.state = self.CHUNK_SIZE
            if line:
                self.state = self.STOP
        elif self.state == self.CHUNK_SIZE:
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                self.state = self.STOP
                return
            if size == 0:
                self.state = self.TRAILER
            else:
                self.left = size
                self.state = self.CHUNK_DATA
        elif self.state == self.TRAILER and not line:
            self.state = self.HEAD


def pump(src, dst, parser):
    """Copies src to dst until src ends, then half-closes dst."""
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            if parser:
                # Counted before forwarding, so the count is in the file by
                # the time the client sees the answer.
                parser.feed(data)
            dst.sendall(data)
        dst.shutdown(socket.SHUT_WR)
    except OSError:
        # A reset on one side ends both directions.
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(client, target_path, counter):
    upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        upstream.connect(target_path)
    except OSError as e:
        print("count-proxy: cannot connect to %s: %s" % (target_path, e), file=sys.stderr)
        client.close()
        upstream.close()
        return
    back = threading.Thread(target=pump, args=(upstream, client, None), daemon=True)
    back.start()
    pump(client, upstream, RequestParser(counter))
    back.join()
    client.close()
    upstream.close()


def main():
    if len(sys.argv) != 4:
        print("usage: count-proxy.py LISTEN_SOCK TARGET_SOCK COUNT_FILE", file=sys.stderr)
        return 2
    listen_path, target_path, count_path = sys.argv[1:]
    counter = Counter(count_path)
    if os.path.exists(listen_path):
        os.unlink(listen_path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(listen_path)
    server.listen(64)

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("ready", flush=True)
    try:
        while True:
            client, _ = server.accept()
            threading.Thread(target=serve, args=(client, target_path, counter), daemon=True).start()
    finally:
        server.close()
        try:
            os.unlink(listen_path)
        except OSError:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
