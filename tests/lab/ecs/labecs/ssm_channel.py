"""The agent's end of one SSM data channel: sequencing, acknowledgements, resends.

Rules of the AWS agent (amazon-ssm-agent agent/session/datachannel):
output_stream_data is numbered from 0 (the first carries flag SYN) and kept
until the client acknowledges its sequence number; every 100 ms the oldest
unacknowledged message is resent unchanged once it is older than the
retransmission timeout (200 ms at first, then RTT + max(10 ms, 4 * RTTVAR)
from the acknowledgements, RFC 6298 style with 1/8 and 1/4, capped at 1 s).
Received input_stream_data is acknowledged, delivered in sequence order: a
later message is acknowledged and buffered, an earlier one (a duplicate) is
acknowledged again and dropped.

Fault mode (loss > 0): each outgoing stream message or acknowledgement is
dropped with probability `loss`, sent twice with probability loss/2, or
held back 20-150 ms (so later ones overtake it) with probability loss/2.
channel_closed is never tampered with, nor the message that establishes
the session (HandshakeComplete, or the first output without a handshake):
the AWS plugin acknowledges and buffers a message that overtakes it, then
discards it while its shell handler is not yet installed, so output lost
that way is a plugin bug, not a fault the lab means to inject.

One thread owns the socket; this object is not shared between threads.
"""

import json
import select
import ssl
import time
import uuid

from . import ssm_message as M
from .kubeshare import ws

RTO_INITIAL = 0.2
RTO_MAX = 1.0
RTT_INITIAL = 0.1
CLOCK_GRANULARITY = 0.01
RESEND_INTERVAL = 0.1
INCOMING_CAPACITY = 10000


class Closed(Exception):
    """The client closed the WebSocket or the connection broke."""


class Channel:
    def __init__(self, sock, rng, loss=0.0, initial=b""):
        self.sock = sock
        self.rng = rng
        self.loss = loss
        self.parser = ws.Parser()
        try:
            self.backlog = self.parser.feed(initial) if initial else []
        except ws.ProtocolError:
            self.backlog = [(ws.OP_CLOSE, b"")]
        self.out_seq = 0
        self.unacked = {}           # seq -> [raw bytes, last sent (monotonic), faults allowed]
        self.expected = 0
        self.pending_in = {}        # seq -> Message received ahead of its turn
        self.rtt = RTT_INITIAL
        self.rttvar = 0.0
        self.rto = RTO_INITIAL
        self.last_resend_check = 0.0
        self.held = []              # [(due, raw)] reordered on purpose
        self.stats = {"sent": 0, "resent": 0, "dropped": 0, "duplicated": 0, "reordered": 0,
                      "acked": 0, "received": 0, "duplicates_in": 0, "ahead_in": 0, "invalid_in": 0}

    # ---------------------------------------------------------------- output
    def send_data(self, payload_type, payload, faults=True):
        """Queue one output_stream_data message and send it (through the fault filter)."""
        seq = self.out_seq
        self.out_seq += 1
        raw = M.encode(M.OUTPUT, seq, payload_type, payload, flags=M.FLAG_SYN if seq == 0 else 0)
        self.unacked[seq] = [raw, time.monotonic(), faults]
        self.stats["sent"] += 1
        self._emit(raw, faults)
        return seq

    def send_json(self, payload_type, obj, faults=True):
        return self.send_data(payload_type, M.compact(obj), faults)

    def send_closed(self, session_id, destination_id, output=""):
        """channel_closed as the service sends it when the session ends."""
        ms = int(time.time() * 1000)
        body = M.compact({
            "MessageId": str(uuid.uuid4()),
            "CreatedDate": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000))
                           + ".%03dZ" % (ms % 1000),
            "DestinationId": destination_id,
            "SessionId": session_id,
            "MessageType": M.CLOSED,
            "SchemaVersion": 1,
            "Output": output})
        self._write(M.encode(M.CLOSED, 0, 0, body, flags=M.ACK_FLAGS))

    def close(self, code=1000, reason=b""):
        try:
            self.sock.sendall(ws.close_frame(code, reason))
        except OSError:
            pass

    def all_acked(self):
        return not self.unacked

    def _emit(self, raw, faults=True):
        if faults and self.loss > 0:
            r = self.rng.random()
            if r < self.loss:
                self.stats["dropped"] += 1
                return
            if r < self.loss * 1.5:
                self.stats["duplicated"] += 1
                self._write(raw)
            elif r < self.loss * 2:
                self.stats["reordered"] += 1
                self.held.append((time.monotonic() + self.rng.uniform(0.02, 0.15), raw))
                return
        self._write(raw)

    def _write(self, raw):
        try:
            self.sock.sendall(ws.frame(ws.OP_BINARY, raw))
        except OSError:
            raise Closed()

    # ---------------------------------------------------------------- timers
    def deadline(self):
        """Monotonic time by which tick() wants to run again (None: nothing pending)."""
        times = [due for due, _ in self.held]
        if self.unacked:
            times.append(self.last_resend_check + RESEND_INTERVAL)
        return min(times) if times else None

    def tick(self):
        now = time.monotonic()
        if self.held:
            due = [h for h in self.held if h[0] <= now]
            self.held = [h for h in self.held if h[0] > now]
            for _, raw in due:
                self._write(raw)
        if self.unacked and now - self.last_resend_check >= RESEND_INTERVAL:
            self.last_resend_check = now
            seq = min(self.unacked)
            entry = self.unacked[seq]
            if now - entry[1] > self.rto:
                entry[1] = now
                self.stats["resent"] += 1
                self._emit(entry[0], entry[2])

    def _acknowledged(self, seq):
        entry = self.unacked.pop(seq, None)
        if entry is None:
            return
        self.stats["acked"] += 1
        sample = time.monotonic() - entry[1]
        self.rttvar = 0.75 * self.rttvar + 0.25 * abs(self.rtt - sample)
        self.rtt = 0.875 * self.rtt + 0.125 * sample
        self.rto = min(RTO_MAX, self.rtt + max(CLOCK_GRANULARITY, 4 * self.rttvar))

    # ---------------------------------------------------------------- input
    def readable(self, timeout):
        if self.backlog:
            return True
        if isinstance(self.sock, ssl.SSLSocket) and self.sock.pending():
            return True
        r, _, _ = select.select([self.sock], [], [], timeout)
        return bool(r)

    def read_frames(self):
        """Raw WebSocket messages [(opcode, payload)] available now; answers pings."""
        if self.backlog:
            frames, self.backlog = self.backlog, []
            return self._control(frames)
        try:
            data = self.sock.recv(65536)
        except (ssl.SSLWantReadError, BlockingIOError):
            return []
        except OSError:
            raise Closed()
        if not data:
            raise Closed()
        try:
            frames = self.parser.feed(data)
        except ws.ProtocolError:
            raise Closed()
        return self._control(frames)

    def _control(self, frames):
        out = []
        for op, payload in frames:
            if op == ws.OP_PING:
                self.sock.sendall(ws.frame(ws.OP_PONG, payload))
            elif op == ws.OP_CLOSE:
                self.close(1000)
                raise Closed()
            elif op in (ws.OP_TEXT, ws.OP_BINARY):
                out.append((op, payload))
        return out

    def receive(self):
        """Input stream messages now deliverable, in sequence order; handles acks."""
        return self.handle_frames(self.read_frames())

    def handle_frames(self, frames):
        out = []
        for op, payload in frames:
            if op != ws.OP_BINARY:
                continue
            try:
                msg = M.decode(payload)
            except M.DecodeError:
                self.stats["invalid_in"] += 1
                continue
            if msg.message_type == M.ACK:
                try:
                    self._acknowledged(int(msg.json()["AcknowledgedMessageSequenceNumber"]))
                except (ValueError, KeyError, TypeError):
                    self.stats["invalid_in"] += 1
            elif msg.message_type == M.INPUT:
                out += self._incoming(msg)
        return out

    def _incoming(self, msg):
        if msg.seq == self.expected:
            self._write_ack(msg)
            self.stats["received"] += 1
            self.expected += 1
            out = [msg]
            while self.expected in self.pending_in:
                out.append(self.pending_in.pop(self.expected))
                self.stats["received"] += 1
                self.expected += 1
            return out
        if msg.seq > self.expected:
            if len(self.pending_in) < INCOMING_CAPACITY:
                self._write_ack(msg)
                self.stats["ahead_in"] += 1
                self.pending_in[msg.seq] = msg
            return []
        self.stats["duplicates_in"] += 1
        self._write_ack(msg)
        return []

    def _write_ack(self, msg):
        self._emit(M.ack_for(msg))


def parse_size(payload):
    try:
        d = json.loads(payload)
        return int(d["cols"]), int(d["rows"])
    except (ValueError, KeyError, TypeError):
        return None
