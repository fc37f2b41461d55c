"""SigV4 authentication of an incoming request, with AWS's errors.

Order of checks as AWS makes them: a signature must be present and well
formed, its date within 15 minutes of now, its scope name this service
and region and the request's date, its access key known, a temporary
key's session token present, right and unexpired, and finally the
signature itself.  Errors are raised as AwsError with the JSON-protocol
codes; sts.py and eks.py translate them for their protocols.
"""

import calendar
import time

from . import errors, sigv4

SKEW = 15 * 60


def _fail(code, message):
    return errors.AwsError(code, message, 400, coral=True)


def _parse_amz_date(s):
    try:
        return calendar.timegm(time.strptime(s, "%Y%m%dT%H%M%SZ"))
    except (ValueError, TypeError):
        return None


def _stamp(ts):
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(ts))


def check(app, req, service, now=None):
    """Verify sigv4.Request `req` for `service`; return the Cred or raise AwsError."""
    now = now or time.time()
    try:
        p = sigv4.parse(req)
    except sigv4.SigError as e:
        raise _fail("IncompleteSignatureException", str(e))
    if p is None:
        raise _fail("MissingAuthenticationTokenException", "Missing Authentication Token")
    if not p.amz_date:
        raise _fail("IncompleteSignatureException",
                    "Authorization header requires existence of either a 'X-Amz-Date' or a "
                    "'Date' header. Authorization=%s" % (req.header("Authorization") or ""))
    ts = _parse_amz_date(p.amz_date)
    if ts is None:
        raise _fail("IncompleteSignatureException",
                    "Date must be in ISO-8601 'basic format'. Got '%s'. See "
                    "http://en.wikipedia.org/wiki/ISO_8601" % p.amz_date)
    if p.presigned:
        if p.expires is None or p.expires < 1 or p.expires > 604800:
            raise _fail("AuthorizationQueryParametersError",
                        "X-Amz-Expires must be less than a week (in seconds) that is 604800")
        # STS honours presigned GetCallerIdentity URLs for 15 minutes whatever
        # X-Amz-Expires says (EKS tokens say 60 s and are used for 14 minutes)
        window = max(p.expires, 900) if service == "sts" else p.expires
        if now > ts + window:
            raise errors.AwsError("AccessDenied", "Request has expired", 403)
    elif ts < now - SKEW:
        raise _fail("InvalidSignatureException",
                    "Signature expired: %s is now earlier than %s (%s - 15 min.)"
                    % (p.amz_date, _stamp(now - SKEW), _stamp(now)))
    elif ts > now + SKEW:
        raise _fail("InvalidSignatureException",
                    "Signature not yet current: %s is still later than %s (%s + 15 min.)"
                    % (p.amz_date, _stamp(now + SKEW), _stamp(now)))
    if p.service != service:
        raise _fail("InvalidSignatureException",
                    "Credential should be scoped to correct service: '%s'. " % service)
    regions = (app.cfg.region, "us-east-1") if service == "sts" else (app.cfg.region,)
    if p.region not in regions:
        raise _fail("InvalidSignatureException",
                    "Credential should be scoped to a valid region, not '%s'. " % p.region)
    if p.date != p.amz_date[:8]:
        raise _fail("InvalidSignatureException",
                    "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of "
                    "date from HTTP: '%s' != '%s', from '%s'." % (p.date, p.amz_date[:8], p.amz_date))
    cred = app.creds.lookup(p.access_key)
    if cred is None:
        raise _fail("UnrecognizedClientException", errors.BAD_TOKEN)
    if cred.token is not None:
        if p.token != cred.token:
            raise _fail("UnrecognizedClientException", errors.BAD_TOKEN)
        if cred.expired(now):
            raise _fail("ExpiredTokenException", errors.EXPIRED_TOKEN)
    elif p.token:
        raise _fail("UnrecognizedClientException", errors.BAD_TOKEN)
    creq, sts, sig = sigv4.compute(req, p, cred.secret)
    if not sigv4.matches(sig, p.sig):
        msg = errors.SIG_MISMATCH
        if not p.presigned:
            msg += ("\n\nThe Canonical String for this request should have been\n'%s'\n\n"
                    "The String-to-Sign should have been\n'%s'\n" % (creq, sts))
        raise _fail("InvalidSignatureException", msg)
    return cred


def authenticate(handler, service, body):
    req = sigv4.Request(handler.command, handler.path, handler.header_pairs(), body)
    return check(handler.app, req, service)


def claimed_key(handler):
    """The access key id a request says it is signed with (for the request
    log, also when authentication failed), or None."""
    try:
        p = sigv4.parse(sigv4.Request(handler.command, handler.path, handler.header_pairs(), b""))
    except sigv4.SigError:
        return None
    return p.access_key if p is not None else None
