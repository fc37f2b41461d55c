"""AWS Signature Version 4: canonical request, string to sign, signing key.

Verification only (the lab never signs except in its unit test): a
request is given as method, raw request target (path and query exactly as
on the wire), header (name, value) pairs in wire order and the body
bytes.  Both forms AWS accepts are handled: the Authorization header and
presigned query strings (X-Amz-Algorithm ... X-Amz-Signature).  Paths are
normalised as for every service but S3 (dot segments and repeated
slashes removed, then each byte URI-encoded again).
"""

import hashlib
import hmac
import urllib.parse

ALGORITHM = "AWS4-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
UNRESERVED = "-_.~"


class SigError(Exception):
    """A malformed signature (IncompleteSignatureException in AWS terms)."""


def _remove_dot_segments(path):
    if not path:
        return "/"
    out = []
    for seg in path.split("/"):
        if seg in ("", "."):
            continue
        if seg == "..":
            if out:
                out.pop()
            continue
        out.append(seg)
    first = "/" if path.startswith("/") else ""
    last = "/" if path.endswith("/") and out else ""
    return first + "/".join(out) + last


def canonical_uri(raw_path):
    return urllib.parse.quote(_remove_dot_segments(raw_path or "/"), safe="/~")


def query_pairs(raw_query):
    """Decoded (name, value) pairs of a raw query string, in order."""
    pairs = []
    if not raw_query:
        return pairs
    for part in raw_query.split("&"):
        if not part:
            continue
        k, _, v = part.partition("=")
        pairs.append((urllib.parse.unquote(k), urllib.parse.unquote(v)))
    return pairs


def canonical_query(pairs, drop=()):
    enc = [(urllib.parse.quote(k, safe=UNRESERVED), urllib.parse.quote(v, safe=UNRESERVED))
           for k, v in pairs if k not in drop]
    enc.sort()
    return "&".join("%s=%s" % kv for kv in enc)


def _norm_value(v):
    return " ".join(v.split())


def canonical_headers(header_pairs, signed):
    """signed: sorted lowercase names.  Repeated headers join with commas."""
    values = {}
    for name, value in header_pairs:
        ln = name.lower()
        if ln in signed:
            values.setdefault(ln, []).append(_norm_value(value))
    lines = []
    for name in signed:
        lines.append("%s:%s\n" % (name, ",".join(values.get(name, []))))
    return "".join(lines)


def canonical_request(method, raw_path, query, header_pairs, signed, payload_hash,
                      drop_query=()):
    return "\n".join([method.upper(), canonical_uri(raw_path),
                      canonical_query(query, drop_query),
                      canonical_headers(header_pairs, signed), ";".join(signed), payload_hash])


def string_to_sign(amz_date, scope, creq):
    return "\n".join([ALGORITHM, amz_date, scope,
                      hashlib.sha256(creq.encode("utf-8")).hexdigest()])


def _hmac(key, msg):
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def signing_key(secret, date, region, service):
    k = _hmac(("AWS4" + secret).encode("utf-8"), date)
    k = _hmac(k, region)
    k = _hmac(k, service)
    return _hmac(k, "aws4_request")


def signature(secret, date, region, service, sts):
    return hmac.new(signing_key(secret, date, region, service), sts.encode("utf-8"),
                    hashlib.sha256).hexdigest()


def parse_authorization(value):
    """'AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...' -> dict."""
    algo, _, rest = value.strip().partition(" ")
    if algo != ALGORITHM:
        raise SigError("Authorization header requires 'Credential' parameter. "
                       "Authorization header requires 'Signature' parameter. "
                       "Authorization header requires 'SignedHeaders' parameter. "
                       "Authorization=%s" % value)
    fields = {}
    for part in rest.split(","):
        k, _, v = part.strip().partition("=")
        if k:
            fields[k] = v
    missing = [k for k in ("Credential", "Signature", "SignedHeaders") if not fields.get(k)]
    if missing:
        raise SigError(" ".join("Authorization header requires '%s' parameter." % k
                                for k in missing) + " Authorization=%s" % value)
    return fields


class Request:
    """What the verifier needs to know of one HTTP request."""

    def __init__(self, method, target, header_pairs, body):
        self.method = method
        path, _, raw_query = target.partition("?")
        self.path = path
        self.query = query_pairs(raw_query)
        self.headers = header_pairs
        self.body = body or b""

    def header(self, name):
        ln = name.lower()
        for k, v in self.headers:
            if k.lower() == ln:
                return v
        return None

    def qparam(self, name):
        for k, v in self.query:
            if k == name:
                return v
        return None


class Parsed:
    """The signature a request carries, before its key is looked up."""

    def __init__(self, access_key, date, region, service, signed, sig, amz_date,
                 presigned, expires, token):
        self.access_key = access_key
        self.date = date
        self.region = region
        self.service = service
        self.signed = signed
        self.sig = sig
        self.amz_date = amz_date
        self.presigned = presigned
        self.expires = expires
        self.token = token

    @property
    def scope(self):
        return "%s/%s/%s/aws4_request" % (self.date, self.region, self.service)


def parse(req):
    """Return Parsed, None when the request carries no signature, or raise SigError."""
    auth = req.header("Authorization")
    if auth is not None:
        f = parse_authorization(auth)
        cred = f["Credential"].split("/")
        if len(cred) != 5 or cred[4] != "aws4_request":
            raise SigError("Credential should be scoped to a valid region. ")
        amz_date = req.header("X-Amz-Date") or ""
        return Parsed(cred[0], cred[1], cred[2], cred[3],
                      [h.strip().lower() for h in f["SignedHeaders"].split(";")],
                      f["Signature"], amz_date, False, None,
                      req.header("X-Amz-Security-Token"))
    if req.qparam("X-Amz-Signature") is not None:
        if req.qparam("X-Amz-Algorithm") != ALGORITHM:
            raise SigError("X-Amz-Algorithm only supports \"%s\"" % ALGORITHM)
        cred = (req.qparam("X-Amz-Credential") or "").split("/")
        if len(cred) != 5:
            raise SigError("Credential should be scoped to a valid region. ")
        try:
            expires = int(req.qparam("X-Amz-Expires") or "0")
        except ValueError:
            raise SigError("X-Amz-Expires should be a number")
        return Parsed(cred[0], cred[1], cred[2], cred[3],
                      (req.qparam("X-Amz-SignedHeaders") or "host").lower().split(";"),
                      req.qparam("X-Amz-Signature"), req.qparam("X-Amz-Date") or "",
                      True, expires, req.qparam("X-Amz-Security-Token"))
    return None


def compute(req, p, secret):
    """(canonical request, string to sign, signature) the server expects."""
    if p.presigned:
        payload = req.qparam("X-Amz-Content-Sha256") or hashlib.sha256(req.body).hexdigest()
        drop = ("X-Amz-Signature",)
    else:
        payload = req.header("X-Amz-Content-Sha256") or hashlib.sha256(req.body).hexdigest()
        drop = ()
    creq = canonical_request(req.method, req.path, req.query, req.headers,
                             sorted(p.signed), payload, drop)
    sts = string_to_sign(p.amz_date, p.scope, creq)
    return creq, sts, signature(secret, p.date, p.region, p.service, sts)


def matches(expected, given):
    return hmac.compare_digest(expected, given or "")
