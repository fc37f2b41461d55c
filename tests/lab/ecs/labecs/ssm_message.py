"""The SSM Session Manager ClientMessage: the binary frame of the data channel.

Every WebSocket binary message after the OpenDataChannelInput text frame is
one ClientMessage.  Layout (all integers big-endian), as the AWS plugin and
agent serialize it:

    0   HeaderLength   u32   116: the offset of PayloadLength
    4   MessageType    32 bytes ASCII, padded with spaces
   36   SchemaVersion  u32   1
   40   CreatedDate    u64   epoch milliseconds (0 is refused)
   48   SequenceNumber i64
   56   Flags          u64   bit 0 SYN (first data message), bit 1 FIN; acks use 3
   64   MessageId      16 bytes: UUID bytes 8..15, then bytes 0..7
   80   PayloadDigest  32 bytes SHA-256 of the payload
  112   PayloadType    u32
  116   PayloadLength  u32
  120   Payload

Readers take the payload at HeaderLength + 4, strip spaces and NULs from
MessageType, and check the digest only when PayloadLength is not zero.
"""

import hashlib
import json
import struct
import time
import uuid

HEADER_LENGTH = 116
MIN_LENGTH = HEADER_LENGTH + 4
TYPE_FIELD = 32

INPUT = "input_stream_data"
OUTPUT = "output_stream_data"
ACK = "acknowledge"
CLOSED = "channel_closed"
START_PUBLICATION = "start_publication"
PAUSE_PUBLICATION = "pause_publication"

# payload types
PT_OUTPUT, PT_ERROR, PT_SIZE, PT_PARAMETER = 1, 2, 3, 4
PT_HANDSHAKE_REQUEST, PT_HANDSHAKE_RESPONSE, PT_HANDSHAKE_COMPLETE = 5, 6, 7
PT_ENC_CHALLENGE_REQUEST, PT_ENC_CHALLENGE_RESPONSE = 8, 9
PT_FLAG, PT_STDERR, PT_EXIT_CODE = 10, 11, 12

FLAG_SYN, FLAG_FIN = 1, 2
ACK_FLAGS = FLAG_SYN | FLAG_FIN

_HEAD = struct.Struct(">I32sIQqQ16s32sII")


class DecodeError(ValueError):
    pass


class Message:
    """One decoded ClientMessage."""

    __slots__ = ("message_type", "schema_version", "created_ms", "seq", "flags",
                 "message_id", "digest", "payload_type", "payload")

    def __init__(self, message_type, seq, payload_type, payload, flags=0, message_id=None,
                 created_ms=None, schema_version=1, digest=None):
        self.message_type = message_type
        self.schema_version = schema_version
        self.created_ms = created_ms if created_ms is not None else int(time.time() * 1000)
        self.seq = seq
        self.flags = flags
        self.message_id = message_id or uuid.uuid4()
        self.payload_type = payload_type
        self.payload = payload
        self.digest = digest if digest is not None else hashlib.sha256(payload).digest()

    def __repr__(self):
        return "<%s seq=%d pt=%d %d bytes>" % (self.message_type, self.seq, self.payload_type,
                                               len(self.payload))

    def json(self):
        return json.loads(self.payload.decode("utf-8"))


def uuid_to_wire(u):
    """The 16 bytes of a MessageId: the UUID's low half first."""
    b = u.bytes
    return b[8:16] + b[0:8]


def uuid_from_wire(b):
    return uuid.UUID(bytes=bytes(b[8:16]) + bytes(b[0:8]))


def encode(message_type, seq, payload_type, payload, flags=0, message_id=None, created_ms=None):
    """Serialize one ClientMessage; returns bytes."""
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    mt = message_type.encode("ascii")
    if len(mt) > TYPE_FIELD:
        raise ValueError("message type longer than 32 bytes")
    if created_ms is None:
        created_ms = int(time.time() * 1000)
    head = _HEAD.pack(HEADER_LENGTH, mt.ljust(TYPE_FIELD, b" "), 1, created_ms, seq, flags,
                      uuid_to_wire(message_id or uuid.uuid4()), hashlib.sha256(payload).digest(),
                      payload_type, len(payload))
    return head + payload


def decode(data):
    """Parse and validate one ClientMessage the way the plugin does; raises DecodeError."""
    if len(data) < MIN_LENGTH:
        raise DecodeError("message of %d bytes is shorter than its header" % len(data))
    (hl, mt, schema, created, seq, flags, mid, digest, ptype, plen) = _HEAD.unpack_from(data)
    if hl == 0 or hl + 4 > len(data):
        raise DecodeError("bad HeaderLength %d" % hl)
    payload = bytes(data[hl + 4:])
    if plen != len(payload):
        raise DecodeError("PayloadLength %d but %d payload bytes" % (plen, len(payload)))
    message_type = mt.strip(b"\x00").decode("ascii", "replace").strip()
    if message_type in (START_PUBLICATION, PAUSE_PUBLICATION):
        pass
    elif not message_type:
        raise DecodeError("MessageType is missing")
    elif created == 0:
        raise DecodeError("CreatedDate is missing")
    elif plen and hashlib.sha256(payload).digest() != digest:
        raise DecodeError("payload digest does not match")
    return Message(message_type, seq, ptype, payload, flags=flags, message_id=uuid_from_wire(mid),
                   created_ms=created, schema_version=schema, digest=bytes(digest))


def compact(obj):
    """JSON the way Go's json.Marshal writes it (no spaces)."""
    return json.dumps(obj, separators=(",", ":")).encode("utf-8")


def ack_for(msg):
    """The acknowledge message for a received stream message (seq 0, flags 3, payload type 0)."""
    body = compact({"AcknowledgedMessageType": msg.message_type,
                    "AcknowledgedMessageId": str(msg.message_id),
                    "AcknowledgedMessageSequenceNumber": msg.seq,
                    "IsSequentialMessage": True})
    return encode(ACK, 0, 0, body, flags=ACK_FLAGS)
