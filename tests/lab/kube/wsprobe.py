#!/usr/bin/env python3
"""Raw WebSocket exec probe against the lab (protocol-level checks kubectl can't show).

Speaks the client side of RFC 6455 and the Kubernetes channel protocols with
the standard library, and checks: the chosen subprotocol, the initial empty
message on the lowest writable channel, stdout/stderr channels, v5 stdin
half-close (0xFF 0x00), resize on channel 4 under a tty, ping -> pong, the
channel-3 Status (Success / NonZeroExitCode with causes[ExitCode]), the
base64.channel.k8s.io text framing, and the v1 (channel.k8s.io) plain-text
error channel.

  wsprobe.py STATE_DIR NAMESPACE POD      exit 0 when every check passes
"""

import base64
import json
import os
import socket
import ssl
import struct
import sys
import urllib.parse


def connect(state, path, protocols):
    port = int(open(os.path.join(state, "port")).read())
    ctx = ssl.create_default_context(cafile=os.path.join(state, "ca.pem"))
    ctx.load_cert_chain(os.path.join(state, "pki", "client-lab-admin.pem"),
                        os.path.join(state, "pki", "client-lab-admin.key"))
    ctx.set_alpn_protocols(["http/1.1"])
    s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=15),
                        server_hostname="localhost")
    key = base64.b64encode(os.urandom(16)).decode()
    req = ("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
           "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Protocol: %s\r\n\r\n"
           % (path, port, key, ", ".join(protocols)))
    s.sendall(req.encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(1)
        if not chunk:
            raise RuntimeError("connection closed during handshake")
        head += chunk
    lines = head.decode().split("\r\n")
    hdrs = {l.split(":", 1)[0].lower(): l.split(":", 1)[1].strip() for l in lines[1:] if ":" in l}
    return s, lines[0], hdrs


def send(s, op, payload):
    mask = os.urandom(4)
    n = len(payload)
    head = bytes([0x80 | op])
    if n < 126:
        head += bytes([0x80 | n])
    else:
        head += bytes([0x80 | 126]) + struct.pack("!H", n)
    s.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise EOFError()
        buf += chunk
    return buf


def recv(s):
    b0, b1 = recv_exact(s, 2)
    n = b1 & 0x7F
    if n == 126:
        n = struct.unpack("!H", recv_exact(s, 2))[0]
    elif n == 127:
        n = struct.unpack("!Q", recv_exact(s, 8))[0]
    if b1 & 0x80:
        raise RuntimeError("server frame is masked")
    return b0 & 0x0F, recv_exact(s, n)


def session(state, ns, pod, cmd, protocols, stdin=None, tty=False, resize=None, ping=False,
            half_close=False):
    q = [("command", c) for c in cmd] + [("stdout", "true"), ("stderr", "false" if tty else "true")]
    if stdin is not None:
        q.append(("stdin", "true"))
    if tty:
        q.append(("tty", "true"))
    path = "/api/v1/namespaces/%s/pods/%s/exec?%s" % (ns, pod, urllib.parse.urlencode(q))
    s, status, hdrs = connect(state, path, protocols)
    proto = hdrs.get("sec-websocket-protocol", "")
    b64 = proto.startswith("base64") or ".base64." in proto
    msgs, pongs = [], 0

    def out(ch, data):
        if b64:
            send(s, 1, str(ch).encode() + base64.b64encode(data))
        else:
            send(s, 2, bytes([ch]) + data)
    if resize:
        out(4, json.dumps({"Width": resize[0], "Height": resize[1]}).encode())
    if ping:
        send(s, 9, b"probe")
    if stdin is not None:
        out(0, stdin)
        if half_close:
            send(s, 2, b"\xff\x00")
    while True:
        try:
            op, payload = recv(s)
        except EOFError:
            break
        if op == 10:
            pongs += 1
        elif op == 8:
            break
        elif op in (1, 2):
            if b64:
                msgs.append((int(chr(payload[0])), base64.b64decode(payload[1:])))
            else:
                msgs.append((payload[0], payload[1:]))
    s.close()
    return status, proto, msgs, pongs


def main():
    state, ns, pod = sys.argv[1:4]
    failures = 0

    def check(desc, cond, detail=""):
        nonlocal failures
        print(("ok   " if cond else "FAIL ") + desc + ("" if cond else "  " + repr(detail)[:300]))
        failures += 0 if cond else 1

    st, proto, msgs, pongs = session(state, ns, pod, ["sh", "-c", "cat; echo E >&2; exit 5"],
                                     ["v5.channel.k8s.io", "v4.channel.k8s.io"], stdin=b"abc\n",
                                     ping=True, half_close=True)
    check("101 Switching Protocols", st.startswith("HTTP/1.1 101"), st)
    check("v5.channel.k8s.io chosen", proto == "v5.channel.k8s.io", proto)
    check("first message: empty, on stdout (1)", msgs and msgs[0] == (1, b""), msgs[:1])
    data = b"".join(p for c, p in msgs if c == 1)
    check("stdin reached the process and came back on stdout", data == b"abc\n", data)
    check("stderr on channel 2", b"".join(p for c, p in msgs if c == 2) == b"E\n", msgs)
    check("ping answered with pong", pongs == 1, pongs)
    status = [json.loads(p) for c, p in msgs if c == 3]
    check("channel 3: NonZeroExitCode with causes ExitCode 5",
          status and status[-1].get("reason") == "NonZeroExitCode"
          and status[-1]["details"]["causes"][0] == {"reason": "ExitCode", "message": "5"}, status)

    st, proto, msgs, _ = session(state, ns, pod, ["stty", "size"], ["v4.channel.k8s.io"],
                                 stdin=b"", tty=True, resize=(123, 45))
    check("v4.channel.k8s.io chosen", proto == "v4.channel.k8s.io", proto)
    out = b"".join(p for c, p in msgs if c == 1)
    check("tty resize via channel 4 -> stty size '45 123'", out.strip() == b"45 123", out)
    status = [json.loads(p) for c, p in msgs if c == 3]
    check("channel 3: Success", status == [{"metadata": {}, "status": "Success"}], status)

    st, proto, msgs, _ = session(state, ns, pod, ["echo", "b64"], ["v4.base64.channel.k8s.io"])
    check("v4.base64.channel.k8s.io: text frames, digit + base64",
          proto == "v4.base64.channel.k8s.io" and (1, b"b64\n") in msgs, (proto, msgs))

    st, proto, msgs, _ = session(state, ns, pod, ["sh", "-c", "exit 2"], ["channel.k8s.io"])
    err = b"".join(p for c, p in msgs if c == 3)
    check("channel.k8s.io (v1): plain-text error on channel 3",
          proto == "channel.k8s.io" and b"exit code 2" in err, (proto, err))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
