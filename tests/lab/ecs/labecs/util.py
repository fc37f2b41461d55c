"""Small shared helpers: ids, ARNs, JSON, timestamps (AWS forms), tokens."""

import base64
import hashlib
import json
import random
import secrets
import time
import uuid

_enc = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)

HEX = "0123456789abcdef"
UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def dumpb(obj):
    return _enc.encode(obj).encode("utf-8")


def epoch(ts):
    """JSON 1.1 timestamp: epoch seconds with millisecond fraction, as AWS sends."""
    return round(ts, 3)


def millis(ts):
    """CloudWatch Logs and SSO timestamps: integer epoch milliseconds."""
    return int(ts * 1000)


def iso(ts):
    """ISO 8601 UTC with second precision (STS XML, IMDS, credential_process)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def amz_date(ts):
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(ts))


def request_id():
    return str(uuid.uuid4())


def new_uuid(rng=None):
    if rng is None:
        return str(uuid.uuid4())
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def hex_id(rng, n=32):
    return "".join(rng.choice(HEX) for _ in range(n))


def key_id(prefix, rng=None):
    """AKIA.../ASIA... style access key id (20 characters)."""
    r = rng or random.SystemRandom()
    return prefix + "".join(r.choice(UPPER_ALNUM) for _ in range(16))


def secret_key():
    return base64.b64encode(secrets.token_bytes(30)).decode()


def session_token():
    """Opaque and long, like real STS session tokens (they run to 700+ chars)."""
    return "IQoJb3JpZ2luX2VjE" + base64.b64encode(secrets.token_bytes(240)).decode()


def deployment_id(rng):
    return "ecs-svc/" + str(rng.randrange(10 ** 18, 10 ** 19))


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def b64url_nopad_decode(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


class Arns:
    """ARN formats of one account and region (ECS long ARN format)."""

    def __init__(self, region, account):
        self.region = region
        self.account = account
        self.pre = "arn:aws:ecs:%s:%s:" % (region, account)

    def cluster(self, name):
        return self.pre + "cluster/" + name

    def service(self, cluster, name):
        return self.pre + "service/%s/%s" % (cluster, name)

    def task(self, cluster, tid):
        return self.pre + "task/%s/%s" % (cluster, tid)

    def container(self, cluster, tid, cid):
        return self.pre + "container/%s/%s/%s" % (cluster, tid, cid)

    def instance(self, cluster, iid):
        return self.pre + "container-instance/%s/%s" % (cluster, iid)

    def taskdef(self, family, rev):
        return self.pre + "task-definition/%s:%d" % (family, rev)

    def capacity_provider(self, name):
        return self.pre + "capacity-provider/" + name

    def iam_role(self, name):
        return "arn:aws:iam::%s:role/%s" % (self.account, name)


def last_part(ident):
    """Name or id from a name, id or ARN (`.../cluster/name` -> `name`)."""
    if ident.startswith("arn:"):
        return ident.rsplit("/", 1)[-1]
    return ident


def loads(data):
    if isinstance(data, (bytes, bytearray)):
        data = data.decode("utf-8")
    return json.loads(data)
