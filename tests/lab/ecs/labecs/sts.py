"""AWS STS (Query protocol, 2011-06-15): GetCallerIdentity, AssumeRole,
AssumeRoleWithWebIdentity, GetSessionToken.

Requests come as form bodies (POST) or query strings (GET, e.g. the
presigned GetCallerIdentity URL inside an EKS token).  Answers are XML as
STS sends them, or JSON when the request says Accept: application/json
(aws-iam-authenticator asks for that).  AssumeRoleWithWebIdentity is
unsigned, as in AWS; the web identity token must be the one in
DIR/web-identity-token (re-read on every call).
"""

import re
import urllib.parse
from xml.sax.saxutils import escape

from . import auth, errors, util

NS = "https://sts.amazonaws.com/doc/2011-06-15/"
UNSIGNED = {"AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"}
SESSION_RE = re.compile(r"^[\w+=,.@-]{2,64}$")
# JSON-protocol auth codes -> STS codes and statuses
AUTH_MAP = {
    "InvalidSignatureException": ("SignatureDoesNotMatch", 403),
    "UnrecognizedClientException": ("InvalidClientTokenId", 403),
    "ExpiredTokenException": ("ExpiredToken", 403),
    "MissingAuthenticationTokenException": ("MissingAuthenticationToken", 403),
    "IncompleteSignatureException": ("IncompleteSignature", 400),
    "ThrottlingException": ("Throttling", 400),
}


def _xml(tag, d, indent="    "):
    out = []
    for k, v in d.items():
        if v is None:
            continue
        if isinstance(v, dict):
            out.append("%s<%s>\n%s%s</%s>\n" % (indent, k, _xml(k, v, indent + "  "), indent, k))
        else:
            out.append("%s<%s>%s</%s>\n" % (indent, k, escape(str(v)), k))
    return "".join(out)


class Sts:
    def __init__(self, app):
        self.app = app

    def params(self, h, body):
        q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(h.path).query, keep_blank_values=True))
        ctype = (h.headers.get("Content-Type") or "").lower()
        if h.command == "POST" and (not ctype or "x-www-form-urlencoded" in ctype):
            q.update(urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        return q

    def respond(self, h, action, result, rid):
        if "application/json" in (h.headers.get("Accept") or ""):
            return h.send_json(200, {action + "Response": {
                action + "Result": result, "ResponseMetadata": {"RequestId": rid}}},
                "application/json", {"x-amzn-RequestId": rid})
        body = ('<%sResponse xmlns="%s">\n  <%sResult>\n%s  </%sResult>\n  <ResponseMetadata>\n'
                '    <RequestId>%s</RequestId>\n  </ResponseMetadata>\n</%sResponse>\n'
                % (action, NS, action, _xml(action, result), action, rid, action))
        h.send(200, body, "text/xml", {"x-amzn-RequestId": rid})

    def error(self, h, e, rid):
        code, status = e.code, e.status
        if e.code in AUTH_MAP:
            code, status = AUTH_MAP[e.code]
        msg = e.message.split("\n\nThe Canonical String")[0]
        kind = "Sender" if e.sender else "Receiver"
        if "application/json" in (h.headers.get("Accept") or ""):
            h.send_json(status, {"Error": {"Type": kind, "Code": code, "Message": msg},
                                 "RequestId": rid}, "application/json", {"x-amzn-RequestId": rid})
            return code
        body = ('<ErrorResponse xmlns="%s">\n  <Error>\n    <Type>%s</Type>\n    <Code>%s</Code>\n'
                '    <Message>%s</Message>\n  </Error>\n  <RequestId>%s</RequestId>\n'
                '</ErrorResponse>\n' % (NS, kind, code, escape(msg), rid))
        h.send(status, body, "text/xml", {"x-amzn-RequestId": rid})
        return code

    def handle(self, h):
        rid = util.request_id()
        body = h.read_body()
        p = self.params(h, body)
        action = p.get("Action")
        key = None
        try:
            if not action:
                h.send(404, "<UnknownOperationException/>\n", "text/xml", {"x-amzn-RequestId": rid})
                return h.log_call("sts", "-", None, "UnknownOperationException")
            fn = getattr(self, "op_" + action, None)
            if fn is None or p.get("Version") != "2011-06-15":
                raise errors.AwsError("InvalidAction", "Could not find operation %s for version %s"
                                      % (action, p.get("Version") or "NO_VERSION_SPECIFIED"))
            cred = None
            if action not in UNSIGNED:
                cred = auth.authenticate(h, "sts", body)
                key = cred.access_key
            if self.app.throttle.refuse("sts", action):
                raise errors.throttled()
            self.respond(h, action, fn(cred, p), rid)
            h.log_call("sts", action, key)
        except errors.AwsError as e:
            code = self.error(h, e, rid)
            h.log_call("sts", action, key or auth.claimed_key(h), code or e.code)

    # ------------------------------------------------------------ actions
    def _creds_xml(self, c):
        return {"AccessKeyId": c.access_key, "SecretAccessKey": c.secret,
                "SessionToken": c.token, "Expiration": util.iso(c.expires)}

    def _duration(self, p):
        d = p.get("DurationSeconds")
        if d is None:
            return None
        try:
            n = int(d)
        except ValueError:
            raise errors.AwsError("ValidationError", "Value '%s' at 'durationSeconds' failed to "
                                  "satisfy constraint: Member must be a number" % d)
        if n < 900 or n > 43200:
            raise errors.AwsError("ValidationError",
                                  "1 validation error detected: Value '%d' at 'durationSeconds' "
                                  "failed to satisfy constraint: Member must have value %s" % (
                                      n, "greater than or equal to 900" if n < 900
                                      else "less than or equal to 43200"))
        return n

    def _role(self, cred, p, action):
        arn = p.get("RoleArn") or ""
        session = p.get("RoleSessionName") or ""
        if not SESSION_RE.match(session):
            raise errors.AwsError("ValidationError",
                                  "1 validation error detected: Value '%s' at 'roleSessionName' "
                                  "failed to satisfy constraint: Member must satisfy regular "
                                  "expression pattern: [\\w+=,.@-]*" % session)
        m = re.match(r"^arn:aws:iam::(\d{12}):role/(?:[\w+=,.@-]+/)*([\w+=,.@-]+)$", arn)
        who = cred.identity.arn if cred else "arn:aws:sts::%s:assumed-role/web-identity" % (
            self.app.cfg.account)
        if not m or m.group(1) != self.app.cfg.account or (cred is not None and cred.readonly):
            raise errors.AwsError("AccessDenied", "User: %s is not authorized to perform: %s on "
                                  "resource: %s" % (who, action, arn), 403)
        return m.group(2), session

    def op_GetCallerIdentity(self, cred, p):
        i = cred.identity
        return {"Arn": i.arn, "UserId": i.user_id, "Account": i.account}

    def op_AssumeRole(self, cred, p):
        role, session = self._role(cred, p, "sts:AssumeRole")
        c = self.app.creds.issue(role, session, self._duration(p))
        return {"AssumedRoleUser": {"AssumedRoleId": c.identity.user_id, "Arn": c.identity.arn},
                "Credentials": self._creds_xml(c), "PackedPolicySize": None}

    def op_GetSessionToken(self, cred, p):
        if cred.token is not None:
            raise errors.AwsError("AccessDenied", "Cannot call GetSessionToken with session "
                                  "credentials", 403)
        c = self.app.creds.issue("session", "session", self._duration(p))
        c.identity = cred.identity
        return {"Credentials": self._creds_xml(c)}

    def op_AssumeRoleWithWebIdentity(self, cred, p):
        token = (p.get("WebIdentityToken") or "").strip()
        if token not in self.app.profiles.web_identity_tokens():
            raise errors.AwsError("InvalidIdentityToken", "The web identity token that was passed "
                                  "could not be validated by AWS. Get a new identity token from "
                                  "the identity provider and then retry the request.")
        role, session = self._role(None, p, "sts:AssumeRoleWithWebIdentity")
        c = self.app.creds.issue(role, session, self._duration(p))
        return {"Audience": "sts.amazonaws.com",
                "AssumedRoleUser": {"AssumedRoleId": c.identity.user_id, "Arn": c.identity.arn},
                "Provider": "arn:aws:iam::%s:oidc-provider/oidc.lab.binnacle.test" % (
                    self.app.cfg.account),
                "Credentials": self._creds_xml(c),
                "SubjectFromWebIdentityToken": "system:serviceaccount:default:lab"}
