"""RFC 6455 server side: handshake key, incremental frame parser, frame encoder.

The parser accepts masked client frames (as RFC 6455 requires), reassembles
fragmented messages, and hands control frames (ping/pong/close) through
immediately.  Server frames are never masked.
"""

import base64
import hashlib
import struct

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0, 1, 2, 8, 9, 10
MAX_MESSAGE = 64 << 20


class ProtocolError(Exception):
    pass


def accept_key(key):
    return base64.b64encode(hashlib.sha1((key.strip() + GUID).encode()).digest()).decode()


def frame(opcode, payload=b"", fin=True):
    head = bytearray()
    head.append((0x80 if fin else 0) | opcode)
    n = len(payload)
    if n < 126:
        head.append(n)
    elif n < 65536:
        head.append(126)
        head += struct.pack("!H", n)
    else:
        head.append(127)
        head += struct.pack("!Q", n)
    return bytes(head) + payload


def close_frame(code=1000, reason=b""):
    return frame(OP_CLOSE, struct.pack("!H", code) + reason)


def _unmask(data, mask):
    if not data:
        return b""
    n = len(data)
    m = (mask * (n // 4 + 1))[:n]
    return (int.from_bytes(data, "big") ^ int.from_bytes(m, "big")).to_bytes(n, "big")


class Parser:
    """Feed bytes, get complete messages as (opcode, payload)."""

    def __init__(self, require_mask=True):
        self.buf = bytearray()
        self.frag_op = None
        self.frag = bytearray()
        self.require_mask = require_mask

    def feed(self, data):
        self.buf += data
        out = []
        while True:
            m = self._one()
            if m is None:
                return out
            out.append(m)

    def _one(self):
        b = self.buf
        if len(b) < 2:
            return None
        fin = b[0] & 0x80
        if b[0] & 0x70:
            raise ProtocolError("reserved bits set")
        op = b[0] & 0x0F
        masked = b[1] & 0x80
        n = b[1] & 0x7F
        pos = 2
        if n == 126:
            if len(b) < 4:
                return None
            n = struct.unpack("!H", b[2:4])[0]
            pos = 4
        elif n == 127:
            if len(b) < 10:
                return None
            n = struct.unpack("!Q", b[2:10])[0]
            pos = 10
        if n > MAX_MESSAGE:
            raise ProtocolError("frame too large")
        if self.require_mask and not masked:
            raise ProtocolError("client frame not masked")
        mask = b""
        if masked:
            if len(b) < pos + 4:
                return None
            mask = bytes(b[pos:pos + 4])
            pos += 4
        if len(b) < pos + n:
            return None
        payload = bytes(b[pos:pos + n])
        del b[:pos + n]
        if masked:
            payload = _unmask(payload, mask)
        if op >= 8:
            if not fin or n > 125:
                raise ProtocolError("bad control frame")
            return (op, payload)
        if op == OP_CONT:
            if self.frag_op is None:
                raise ProtocolError("continuation without start")
            self.frag += payload
            if len(self.frag) > MAX_MESSAGE:
                raise ProtocolError("message too large")
            if fin:
                msg = (self.frag_op, bytes(self.frag))
                self.frag_op = None
                self.frag = bytearray()
                return msg
            return self._one()
        if self.frag_op is not None:
            raise ProtocolError("new message inside a fragmented one")
        if fin:
            return (op, payload)
        self.frag_op = op
        self.frag = bytearray(payload)
        return self._one()
