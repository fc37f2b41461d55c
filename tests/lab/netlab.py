#!/usr/bin/env python3
"""netlab.py: the peer of the network layer's tests (tests/unit/test_transport.c,
test_streams.c):
many simultaneous HTTP streams, raw upgraded streams and WebSockets, over
plain TCP or TLS.

usage: netlab.py PORT_FILE [--tls CERT KEY]

Binds 127.0.0.1 on a free port, writes it to PORT_FILE, prints "ready", and
serves until killed:

  GET  /hello                  200 "hello from netlab\\n"
  GET  /lines?id=S&n=N&wait=W  200, chunked: first waits (up to 60 s) until W
                               /lines streams are open at once, then sends N
                               lines "S i\\n" (i = 0..N-1) a few ms apart and
                               ends; a stream that gave up waiting sends
                               "S barrier-timeout\\n" instead
  POST /echo                   with "Upgrade: tcp": 101, then every byte
                               received is sent back (Docker's hijacked
                               exec, in short) until the client half-closes
  GET  /ws                     a WebSocket (RFC 6455) upgrade choosing the
                               first offered subprotocol; echoes text and
                               binary messages, answers pings, echoes close
  GET  /auth                   200 "welcome\n" with "Authorization: Bearer fresh",
                               else 401 (a token that expired)
  GET  /busy                   503 with "Retry-After: 7"
  GET  /status                 200 {"open_lines": n, "max_open_lines": n}
  GET  /big?n=N                200 with N bytes of "x" (Content-Length)
  GET  /bomb?n=N               200, Content-Encoding: gzip, N zero bytes once
                               inflated (a few KiB on the wire)
  GET  /headers?n=N            200 with N headers of 100 bytes each
  GET  /silent                 200, chunked, one line "hi\n", then nothing
                               until the client goes (a stream gone quiet)
"""

import base64
import gzip
import hashlib
import http.server
import json
import os
import socket
import ssl
import struct
import sys
import threading
import time
import urllib.parse

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

lock = threading.Condition()
open_lines = 0
max_open_lines = 0


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, code, body, ctype="text/plain"):
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        if url.path == "/hello":
            self.reply(200, "hello from netlab\n")
        elif url.path == "/lines":
            self.lines(query.get("id", "?"), int(query.get("n", "10")), int(query.get("wait", "0")))
        elif url.path == "/ws":
            self.websocket()
        elif url.path == "/auth":
            if self.headers.get("Authorization") == "Bearer fresh":
                self.reply(200, "welcome\n")
            else:
                self.reply(401, '{"kind":"Status","message":"Unauthorized"}', "application/json")
        elif url.path == "/busy":
            self.send_response(503)
            self.send_header("Retry-After", "7")
            self.send_header("Content-Length", "5")
            self.end_headers()
            self.wfile.write(b"busy\n")
        elif url.path == "/big":
            self.reply(200, "x" * int(query.get("n", "0")))
        elif url.path == "/bomb":
            self.bomb(int(query.get("n", "0")))
        elif url.path == "/headers":
            self.send_response(200)
            for i in range(int(query.get("n", "0"))):
                self.send_header("X-Filler-%d" % i, "f" * 88)
            self.send_header("Content-Length", "3")
            self.end_headers()
            self.wfile.write(b"ok\n")
        elif url.path == "/silent":
            self.silent()
        elif url.path == "/status":
            with lock:
                body = json.dumps({"open_lines": open_lines, "max_open_lines": max_open_lines})
            self.reply(200, body, "application/json")
        else:
            self.reply(404, "no such path\n")

    def bomb(self, n):
        comp = gzip.compress(b"\0" * n, compresslevel=9)
        self.send_response(200)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(comp)))
        self.end_headers()
        try:
            self.wfile.write(comp)
        except OSError:
            pass  # the client stopped reading at its cap

    def silent(self):
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.chunk("hi\n")
        try:
            while not self.rfile.read(1) == b"":
                pass
        except OSError:
            pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        if length:
            self.rfile.read(length)
        if self.path == "/echo" and self.headers.get("Upgrade", "").lower() == "tcp":
            self.echo()
        else:
            self.reply(404, "no such path\n")

    def chunk(self, text):
        data = text.encode()
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def lines(self, ident, n, wait):
        global open_lines, max_open_lines
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()
        with lock:
            open_lines += 1
            max_open_lines = max(max_open_lines, open_lines)
            lock.notify_all()
            met = lock.wait_for(lambda: max_open_lines >= wait, timeout=60)
        try:
            if not met:
                self.chunk("%s barrier-timeout\n" % ident)
            else:
                for i in range(n):
                    self.chunk("%s %d\n" % (ident, i))
                    time.sleep(0.005)
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        finally:
            with lock:
                open_lines -= 1

    def echo(self):
        self.send_response(101, "UPGRADED")
        self.send_header("Connection", "Upgrade")
        self.send_header("Upgrade", "tcp")
        self.end_headers()
        self.wfile.flush()
        while True:
            data = self.rfile.read1(65536)
            if not data:
                break
            self.wfile.write(data)
            self.wfile.flush()
        self.close_connection = True

    def websocket(self):
        key = self.headers.get("Sec-WebSocket-Key", "")
        offered = [p.strip() for p in self.headers.get("Sec-WebSocket-Protocol", "").split(",") if p.strip()]
        accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
        self.send_response(101, "Switching Protocols")
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        if offered:
            self.send_header("Sec-WebSocket-Protocol", offered[0])
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True
        while True:
            frame = self.read_frame()
            if frame is None:
                return
            opcode, payload = frame
            if opcode == 0x8:
                self.send_frame(0x8, payload[:2])
                return
            if opcode == 0x9:
                self.send_frame(0xA, payload)
            elif opcode in (0x1, 0x2):
                self.send_frame(opcode, payload)

    def read_exact(self, n):
        data = self.rfile.read(n)
        return data if len(data) == n else None

    def read_frame(self):
        head = self.read_exact(2)
        if head is None:
            return None
        opcode, length = head[0] & 0x0F, head[1] & 0x7F
        if length == 126:
            ext = self.read_exact(2)
            length = struct.unpack(">H", ext)[0] if ext else 0
        elif length == 127:
            ext = self.read_exact(8)
            length = struct.unpack(">Q", ext)[0] if ext else 0
        mask = self.read_exact(4) if head[1] & 0x80 else b"\0\0\0\0"
        payload = self.read_exact(length) if length else b""
        if mask is None or payload is None:
            return None
        return opcode, bytes(b ^ mask[i % 4] for i, b in enumerate(payload))

    def send_frame(self, opcode, payload):
        n = len(payload)
        if n < 126:
            head = struct.pack(">BB", 0x80 | opcode, n)
        elif n < 65536:
            head = struct.pack(">BBH", 0x80 | opcode, 126, n)
        else:
            head = struct.pack(">BBQ", 0x80 | opcode, 127, n)
        self.wfile.write(head + payload)
        self.wfile.flush()


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    port_file = args[0]
    srv = Server(("127.0.0.1", 0), Handler)
    if len(args) >= 4 and args[1] == "--tls":
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args[2], args[3])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True, do_handshake_on_connect=False)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    # the rename makes the file appear complete
    os.rename(port_file + ".tmp", port_file)
    print("ready", flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
