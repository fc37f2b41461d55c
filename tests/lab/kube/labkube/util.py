"""Small shared helpers: timestamps, JSON encoding, cloning, random names."""

import calendar
import json
import random
import time
import uuid

_enc = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
_dec = json.JSONDecoder()

NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # k8s.io/apimachinery rand


def dumps(obj):
    return _enc.encode(obj)


def dumpb(obj):
    return _enc.encode(obj).encode("utf-8")


def loads(data):
    if isinstance(data, (bytes, bytearray)):
        data = data.decode("utf-8")
    return json.loads(data)


def clone(obj):
    """Deep copy of a JSON-like value (much faster than copy.deepcopy)."""
    return json.loads(_enc.encode(obj))


def iso(ts=None):
    """RFC 3339 with second precision, as metav1.Time serialises."""
    if ts is None:
        ts = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def iso_micro(ts=None):
    """metav1.MicroTime form (Event.eventTime)."""
    if ts is None:
        ts = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + ".%06dZ" % int((ts % 1) * 1e6)


def iso_nano(ts):
    """RFC 3339 with nanoseconds (container log timestamps)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + ".%09dZ" % int((ts % 1) * 1e9)


def parse_iso(s):
    """Parse RFC 3339 (Z or +hh:mm offset, optional fraction) to epoch seconds."""
    if not s:
        return None
    s = s.strip()
    frac = 0.0
    off = 0
    if s.endswith("Z") or s.endswith("z"):
        s = s[:-1]
    elif len(s) > 6 and s[-6] in "+-" and s[-3] == ":":
        sign = 1 if s[-6] == "+" else -1
        off = sign * (int(s[-5:-3]) * 3600 + int(s[-2:]) * 60)
        s = s[:-6]
    if "." in s:
        s, f = s.split(".", 1)
        frac = float("0." + f) if f.isdigit() else 0.0
    t = time.strptime(s, "%Y-%m-%dT%H:%M:%S")
    return calendar.timegm(t) + frac - off


def new_uid():
    return str(uuid.uuid4())


def rand_suffix(rng, n=5):
    return "".join(rng.choice(NAME_ALPHABET) for _ in range(n))


def hash_suffix(text, n=10):
    """Stable pod-template-hash-like string from arbitrary text."""
    import zlib
    h = zlib.crc32(text.encode()) | (zlib.adler32(text.encode()) << 32)
    out = []
    for _ in range(n):
        out.append(NAME_ALPHABET[h % len(NAME_ALPHABET)])
        h //= len(NAME_ALPHABET)
    return "".join(out)


def human_duration(secs):
    """k8s.io/apimachinery/pkg/util/duration.HumanDuration (kubectl AGE column)."""
    secs = int(secs)
    if secs < 0:
        return "<invalid>"
    if secs < 60 * 2:
        return "%ds" % secs
    minutes = secs // 60
    if minutes < 10:
        s = secs % 60
        return "%dm%ds" % (minutes, s) if s else "%dm" % minutes
    if minutes < 60 * 3:
        return "%dm" % minutes
    hours = secs // 3600
    if hours < 8:
        m = minutes % 60
        return "%dh%dm" % (hours, m) if m else "%dh" % hours
    if hours < 48:
        return "%dh" % hours
    if hours < 24 * 8:
        h = hours % 24
        return "%dd%dh" % (hours // 24, h) if h else "%dd" % (hours // 24)
    if hours < 24 * 365 * 2:
        return "%dd" % (hours // 24)
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        return "%dy%dd" % (hours // 24 // 365, dy) if dy else "%dy" % (hours // 24 // 365)
    return "%dy" % (hours // 24 // 365)


def age(created_iso, now=None):
    ts = parse_iso(created_iso)
    if ts is None:
        return "<unknown>"
    return human_duration((now or time.time()) - ts)


def seeded(seed):
    return random.Random(seed)
