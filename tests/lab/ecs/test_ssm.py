#!/usr/bin/env python3
"""Unit tests of the lab SSM agent: the ClientMessage codec, and the agent's
protocol rules driven by a raw WebSocket client (token refusal, handshake,
acknowledgements, in-order delivery, resends, channel_closed, several
sessions at once).  Run by test-ssm-agent.sh; `python3 test_ssm.py -v`.
"""

import base64
import hashlib
import json
import os
import shutil
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True

from labecs import ssm_message as M  # noqa: E402
from labecs.kubeshare import ws  # noqa: E402
from labecs.ssm import SsmAgent  # noqa: E402
from labecs.ssm_session import split_utf8  # noqa: E402


class CodecTest(unittest.TestCase):
    MID = uuid.UUID("00112233-4455-6677-8899-aabbccddeeff")

    def test_layout_by_offset(self):
        raw = M.encode(M.OUTPUT, 7, M.PT_SIZE, b'{"cols":80,"rows":24}', flags=1,
                       message_id=self.MID, created_ms=1700000000123)
        self.assertEqual(len(raw), 120 + 21)
        self.assertEqual(struct.unpack(">I", raw[0:4])[0], 116)
        self.assertEqual(raw[4:36], b"output_stream_data" + b" " * 14)
        self.assertEqual(struct.unpack(">I", raw[36:40])[0], 1)
        self.assertEqual(struct.unpack(">Q", raw[40:48])[0], 1700000000123)
        self.assertEqual(struct.unpack(">q", raw[48:56])[0], 7)
        self.assertEqual(struct.unpack(">Q", raw[56:64])[0], 1)
        self.assertEqual(raw[80:112], hashlib.sha256(b'{"cols":80,"rows":24}').digest())
        self.assertEqual(struct.unpack(">I", raw[112:116])[0], 3)
        self.assertEqual(struct.unpack(">I", raw[116:120])[0], 21)
        self.assertEqual(raw[120:], b'{"cols":80,"rows":24}')

    def test_uuid_low_half_first(self):
        raw = M.encode(M.ACK, 0, 0, b"", message_id=self.MID)
        self.assertEqual(raw[64:80].hex(), "8899aabbccddeeff" + "0011223344556677")
        self.assertEqual(M.uuid_from_wire(raw[64:80]), self.MID)
        self.assertEqual(M.uuid_to_wire(self.MID), bytes.fromhex("8899aabbccddeeff0011223344556677"))

    def test_round_trip(self):
        for payload in (b"", b"x", "h\u00e9llo \u2603".encode(), os.urandom(5000)):
            raw = M.encode(M.INPUT, 2**40 + 3, M.PT_OUTPUT, payload, flags=2, message_id=self.MID,
                           created_ms=42)
            m = M.decode(raw)
            self.assertEqual((m.message_type, m.seq, m.flags, m.payload_type, m.payload,
                              m.message_id, m.created_ms, m.schema_version),
                             (M.INPUT, 2**40 + 3, 2, 1, payload, self.MID, 42, 1))
            self.assertEqual(M.encode(M.INPUT, m.seq, m.payload_type, m.payload, flags=m.flags,
                                      message_id=m.message_id, created_ms=m.created_ms), raw)

    def test_hand_built_message_decodes(self):
        # assembled field by field, independently of encode()
        payload = b"\x03"
        raw = (struct.pack(">I", 116) + b"input_stream_data".ljust(32, b"\x00")
               + struct.pack(">IQqQ", 1, 99, 5, 0) + bytes.fromhex("8899aabbccddeeff0011223344556677")
               + hashlib.sha256(payload).digest() + struct.pack(">II", 1, 1) + payload)
        m = M.decode(raw)
        self.assertEqual((m.message_type, m.seq, m.payload, str(m.message_id)),
                         (M.INPUT, 5, b"\x03", "00112233-4455-6677-8899-aabbccddeeff"))

    def test_digest_checked(self):
        raw = bytearray(M.encode(M.INPUT, 0, 1, b"abc"))
        raw[-1] ^= 1
        with self.assertRaisesRegex(M.DecodeError, "digest"):
            M.decode(bytes(raw))
        empty = bytearray(M.encode(M.ACK, 0, 0, b""))
        empty[80:112] = b"\x00" * 32     # no payload: the digest is not checked
        self.assertEqual(M.decode(bytes(empty)).payload, b"")

    def test_refusals(self):
        good = M.encode(M.INPUT, 0, 1, b"abc", created_ms=5)
        with self.assertRaises(M.DecodeError):
            M.decode(good[:119])
        with self.assertRaises(M.DecodeError):
            M.decode(good[:40] + struct.pack(">Q", 0) + good[48:])     # CreatedDate 0
        with self.assertRaises(M.DecodeError):
            M.decode(good[:116] + struct.pack(">I", 4) + good[120:])   # wrong PayloadLength
        with self.assertRaises(M.DecodeError):
            M.decode(good[:4] + b" " * 32 + good[36:])                  # no MessageType

    def test_ack_payload(self):
        m = M.decode(M.encode(M.INPUT, 9, 1, b"x", message_id=self.MID))
        a = M.decode(M.ack_for(m))
        self.assertEqual((a.message_type, a.seq, a.flags, a.payload_type), (M.ACK, 0, 3, 0))
        self.assertEqual(a.payload, b'{"AcknowledgedMessageType":"input_stream_data",'
                         b'"AcknowledgedMessageId":"00112233-4455-6677-8899-aabbccddeeff",'
                         b'"AcknowledgedMessageSequenceNumber":9,"IsSequentialMessage":true}')

    def test_split_utf8(self):
        snow = "\u2603".encode()
        self.assertEqual(split_utf8(b"ab" + snow), (b"ab" + snow, b""))
        self.assertEqual(split_utf8(b"ab" + snow[:2]), (b"ab", snow[:2]))
        self.assertEqual(split_utf8(b"ab" + snow[:1]), (b"ab", snow[:1]))
        self.assertEqual(split_utf8(b"\xff\xfe"), (b"\xff\xfe", b""))
        self.assertEqual(split_utf8(b""), (b"", b""))


# ---------------------------------------------------------------- raw client
class Client:
    """A minimal data-channel client: masked frames out, ClientMessages in."""

    def __init__(self, url):
        u = urllib.parse.urlsplit(url)
        self.sock = socket.create_connection((u.hostname, u.port), timeout=10)
        if u.scheme == "wss":
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            self.sock = ctx.wrap_socket(self.sock, server_hostname=u.hostname)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(("GET %s?%s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n"
                           % (u.path, u.query, u.netloc, key)).encode())
        buf = b""
        while b"\r\n\r\n" not in buf:
            buf += self.sock.recv(4096)
        head, rest = buf.split(b"\r\n\r\n", 1)
        self.status = int(head.split(b" ")[1])
        assert ws.accept_key(key).encode() in head
        self.parser = ws.Parser(require_mask=False)
        self.frames = self.parser.feed(rest)
        self.out_seq = 0

    def send_frame(self, op, data):
        mask = os.urandom(4)
        n = len(data)
        head = bytes([0x80 | op])
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 65536:
            head += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack(">Q", n)
        body = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.sock.sendall(head + mask + body)

    def open(self, token):
        self.send_frame(ws.OP_TEXT, json.dumps({
            "MessageSchemaVersion": "1.0", "RequestId": str(uuid.uuid4()), "TokenValue": token,
            "ClientId": str(uuid.uuid4()), "ClientVersion": "test"}).encode())

    def frame(self, timeout=5):
        end = time.time() + timeout
        while not self.frames:
            self.sock.settimeout(max(0.01, end - time.time()))
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                return None
            if not data:
                return (-1, b"")
            self.frames += self.parser.feed(data)
        return self.frames.pop(0)

    def message(self, timeout=5):
        f = self.frame(timeout)
        if f is None or f[0] != ws.OP_BINARY:
            return f
        return M.decode(f[1])

    def send_input(self, pt, payload, seq=None):
        if seq is None:
            seq = self.out_seq
            self.out_seq += 1
        raw = M.encode(M.INPUT, seq, pt, payload)
        self.send_frame(ws.OP_BINARY, raw)
        return raw

    def ack(self, m):
        self.send_frame(ws.OP_BINARY, M.ack_for(m))

    def close(self):
        self.sock.close()


def acks_and_data(client, until, timeout=10, ack=True):
    """Read until until(data_messages, acks) is true; returns both lists (data acked as it comes)."""
    data, acks = [], []
    end = time.time() + timeout
    while time.time() < end and not until(data, acks):
        m = client.message(0.5)
        if m is None:
            continue
        if not isinstance(m, M.Message):
            break
        if m.message_type == M.ACK:
            acks.append(m.json())
        else:
            data.append(m)
            if ack and m.message_type == M.OUTPUT:
                client.ack(m)
    return data, acks


def output_text(data):
    """The command's output, put in sequence order with duplicates dropped."""
    by_seq = {m.seq: m.payload for m in data if m.message_type == M.OUTPUT and m.payload_type == 1}
    return b"".join(by_seq[k] for k in sorted(by_seq))


class AgentTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.agents = []

    def tearDown(self):
        for a in self.agents:
            a.stop()
        self.dir.cleanup()

    def agent(self, **kw):
        a = SsmAgent(self.dir.name, **kw)
        a.start()
        self.agents.append(a)
        return a

    def log(self):
        with open(os.path.join(self.dir.name, "ssm.log")) as f:
            return f.read()

    def session(self, agent, command="/bin/sh"):
        return agent.new_session("ecs:c_t_r", command, self.dir.name, {"HOSTNAME": "lab-task"})

    def handshake(self, c):
        m = c.message()
        self.assertEqual((m.message_type, m.seq, m.flags, m.payload_type), (M.OUTPUT, 0, 1, 5))
        req = m.json()
        self.assertEqual(req["RequestedClientActions"][0]["ActionType"], "SessionType")
        self.assertEqual(req["RequestedClientActions"][0]["ActionParameters"]["SessionType"],
                         "InteractiveCommands")
        c.ack(m)
        c.send_input(6, json.dumps({"ClientVersion": "test", "ProcessedClientActions": [
            {"ActionType": "SessionType", "ActionStatus": 1, "ActionResult": None, "Error": ""}],
            "Errors": None}).encode())
        data, acks = acks_and_data(c, lambda d, a: d and a)
        self.assertEqual(acks[0]["AcknowledgedMessageSequenceNumber"], 0)
        self.assertEqual((data[0].seq, data[0].payload_type), (1, 7))
        self.assertIn("HandshakeTimeToComplete", data[0].json())

    def test_token_refused(self):
        a = self.agent(token_ttl=0.3)
        s = self.session(a)
        for token in ("wrong", None):
            c = Client(s["streamUrl"])
            self.assertEqual(c.status, 101)
            c.open(token)
            op, body = c.frame()
            self.assertEqual((op, struct.unpack(">H", body[:2])[0]), (ws.OP_CLOSE, 1008))
            c.close()
        time.sleep(0.4)
        c = Client(s["streamUrl"])
        c.open(s["tokenValue"])
        self.assertEqual(c.frame()[0], ws.OP_CLOSE)            # expired (and now burnt)
        c.close()
        a.token_ttl = 60
        s2 = self.session(a)
        c = Client(s2["streamUrl"])
        c.open(s2["tokenValue"])
        self.assertEqual(c.message().payload_type, 5)
        c.close()
        c = Client(s2["streamUrl"])
        c.open(s2["tokenValue"])
        op, body = c.frame()
        self.assertEqual((op, struct.unpack(">H", body[:2])[0]), (ws.OP_CLOSE, 1008))  # reused
        c.close()
        log = self.log()
        self.assertIn("token already used", log)
        self.assertIn("token expired", log)
        self.assertNotIn(s2["tokenValue"], log)

    def test_http_refusals(self):
        a = self.agent()
        for req, code in ((b"GET /v1/data-channel/x HTTP/1.1\r\nHost: h\r\n\r\n", b" 400 "),
                          (b"GET /other HTTP/1.1\r\nHost: h\r\n\r\n", b" 404 ")):
            sock = socket.create_connection(("127.0.0.1", a.port), timeout=5)
            sock.sendall(req)
            self.assertIn(code, sock.recv(4096).split(b"\r\n")[0] + b" ")
            sock.close()

    def test_session_in_order_resend_and_close(self):
        a = self.agent()
        s = self.session(a)
        c = Client(s["streamUrl"])
        c.open(s["tokenValue"])
        self.handshake(c)
        c.send_input(3, b'{"cols":91,"rows":17}')
        # input 2 arrives before 1, then 1, then a duplicate of 1: delivered once, in order
        c.out_seq = 4
        c.send_input(1, b"echo one-$((1+1)) two-$((1+2))\r", seq=3)
        late = M.encode(M.INPUT, 2, 1, b"stty size; echo ")
        c.send_input(1, b"ok; exit 5\r", seq=4)
        c.send_frame(ws.OP_BINARY, late)
        c.send_frame(ws.OP_BINARY, late)
        data, acks = acks_and_data(c, lambda d, a: any(m.message_type == M.CLOSED for m in d),
                                   timeout=15)
        acked = sorted(x["AcknowledgedMessageSequenceNumber"] for x in acks)
        self.assertEqual(acked, [1, 2, 2, 3, 4])
        text = output_text(data)
        self.assertIn(b"17 91", text)
        self.assertIn(b"one-2 two-3", text)
        self.assertIn(b"ok", text)
        self.assertLess(text.index(b"17 91"), text.index(b"one-2"))
        closed = [m for m in data if m.message_type == M.CLOSED][0].json()
        self.assertEqual((closed["SessionId"], closed["Output"], closed["MessageType"]),
                         (s["sessionId"], "", "channel_closed"))
        self.assertFalse([m for m in data if m.payload_type == M.PT_EXIT_CODE])
        seqs = sorted({m.seq for m in data if m.message_type == M.OUTPUT})
        self.assertEqual(seqs, list(range(seqs[0], seqs[-1] + 1)))
        c.close()
        log = self.log()
        self.assertRegex(log, "exited exit_code=5")

    def test_unacked_output_is_resent_unchanged(self):
        a = self.agent(handshake=False)
        s = self.session(a, "sh -c 'echo first; exec cat'")
        c = Client(s["streamUrl"])
        c.open(s["tokenValue"])
        m0 = c.message()
        self.assertEqual((m0.message_type, m0.seq, m0.flags, m0.payload_type), (M.OUTPUT, 0, 1, 1))
        again = c.message(3)                      # not acknowledged: sent again
        self.assertEqual((again.seq, again.message_id, again.payload), (0, m0.message_id, m0.payload))
        c.ack(again)
        c.send_input(1, b"x\r")
        data, _ = acks_and_data(c, lambda d, a: b"x" in output_text(d))
        self.assertTrue(all(m.seq >= 1 for m in data))
        c.close()

    def closed_output(self, agent, command, **kw):
        s = self.session(agent, command)
        c = Client(s["streamUrl"])
        c.open(s["tokenValue"])
        data, _ = acks_and_data(c, lambda d, a: any(m.message_type == M.CLOSED for m in d), **kw)
        c.close()
        return [m for m in data if m.message_type == M.CLOSED][0].json()["Output"]

    def test_start_failure_and_idle_timeout(self):
        a = self.agent(handshake=False, idle_timeout=0.5)
        self.assertEqual(self.closed_output(a, "/no/such/bash"),
                         "Unable to start command: Failed to start pty: "
                         "fork/exec /no/such/bash: no such file or directory\n")
        self.assertEqual(self.closed_output(a, "cat"),
                         "Your session timed out due to inactivity and has been terminated.")
        self.assertIn("idle timeout", self.log())

    def test_handshake_refused_by_client(self):
        a = self.agent()
        s = self.session(a)
        c = Client(s["streamUrl"])
        c.open(s["tokenValue"])
        c.ack(c.message())
        c.send_input(6, json.dumps({"ClientVersion": "test", "ProcessedClientActions": [
            {"ActionType": "SessionType", "ActionStatus": 2, "Error": "no"}]}).encode())
        data, _ = acks_and_data(c, lambda d, a: any(m.message_type == M.CLOSED for m in d))
        c.close()
        out = [m for m in data if m.message_type == M.CLOSED][0].json()["Output"]
        self.assertTrue(out.startswith("Encountered error while initiating handshake."), out)

    @unittest.skipUnless(shutil.which("openssl"), "openssl is not installed")
    def test_tls(self):
        key, crt = os.path.join(self.dir.name, "k.pem"), os.path.join(self.dir.name, "c.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                        "-out", crt, "-days", "1", "-subj", "/CN=127.0.0.1"],
                       check=True, capture_output=True)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(crt, key)
        a = self.agent(ssl_context=ctx, handshake=False)
        s = self.session(a, "echo over-tls")
        self.assertTrue(s["streamUrl"].startswith("wss://127.0.0.1:%d/v1/data-channel/" % a.port))
        c = Client(s["streamUrl"])
        c.open(s["tokenValue"])
        data, _ = acks_and_data(c, lambda d, a: any(m.message_type == M.CLOSED for m in d))
        c.close()
        self.assertEqual(output_text(data), b"over-tls\r\n")

    def test_sessions_at_once(self):
        a = self.agent(handshake=False, loss=0.25, seed=7)
        results = {}

        def one(k):
            s = self.session(a, "sh -c 'seq 1 3000; echo end-$HOSTNAME'")
            c = Client(s["streamUrl"])
            c.open(s["tokenValue"])
            data, _ = acks_and_data(c, lambda d, a: any(m.message_type == M.CLOSED for m in d),
                                    timeout=30)
            results[k] = output_text(data)
            c.close()

        threads = [threading.Thread(target=one, args=(k,)) for k in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(40)
        want = b"".join(b"%d\r\n" % i for i in range(1, 3001)) + b"end-lab-task\r\n"
        self.assertEqual(sorted(results), [0, 1, 2])
        for k in results:
            self.assertEqual(results[k], want)
        log = self.log()
        self.assertRegex(log, r"resent=[1-9]")


if __name__ == "__main__":
    unittest.main()
