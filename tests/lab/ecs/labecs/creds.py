"""Who may call the lab: static access keys and the temporary credentials
that STS, the SSO portal, IMDS and the container endpoint hand out.

Every temporary credential has an expiry (--session-duration, or the
DurationSeconds asked for); after it, requests signed with it get
ExpiredTokenException.  /_lab/expire-credentials (see server.py) expires
them all at once so a client's refresh can be tested without waiting.
"""

import threading
import time

from . import util


class Identity:
    def __init__(self, arn, user_id, account):
        self.arn = arn
        self.user_id = user_id
        self.account = account


class Cred:
    __slots__ = ("access_key", "secret", "token", "expires", "identity", "readonly")

    def __init__(self, access_key, secret, token, expires, identity, readonly=False):
        self.access_key = access_key
        self.secret = secret
        self.token = token
        self.expires = expires
        self.identity = identity
        self.readonly = readonly

    def expired(self, now=None):
        return self.expires is not None and (now or time.time()) >= self.expires


class CredStore:
    def __init__(self, account, session_duration=None):
        self.account = account
        self.session_duration = session_duration
        self.lock = threading.Lock()
        self.keys = {}

    def add_static(self, user, access_key, secret, readonly=False):
        ident = Identity("arn:aws:iam::%s:user/%s" % (self.account, user),
                         util.key_id("AIDA"), self.account)
        c = Cred(access_key, secret, None, None, ident, readonly)
        with self.lock:
            self.keys[access_key] = c
        return c

    def add_expired(self, role):
        """A temporary credential that expired an hour ago (profile lab-expired)."""
        c = self.issue(role, "expired-session", 900)
        c.expires = time.time() - 3600
        return c

    def role_arn(self, role):
        return "arn:aws:iam::%s:role/%s" % (self.account, role)

    def issue(self, role, session, duration=None, readonly=False):
        """Temporary credentials of an assumed role."""
        life = self.session_duration or duration or 3600
        ident = Identity("arn:aws:sts::%s:assumed-role/%s/%s" % (self.account, role, session),
                         "%s:%s" % (util.key_id("AROA"), session), self.account)
        c = Cred(util.key_id("ASIA"), util.secret_key(), util.session_token(),
                 time.time() + life, ident, readonly)
        with self.lock:
            self.keys[c.access_key] = c
            if len(self.keys) > 20000:
                self._prune()
        return c

    def _prune(self):
        now = time.time()
        for k in [k for k, c in self.keys.items() if c.expires and c.expires < now - 3600]:
            del self.keys[k]

    def lookup(self, access_key):
        with self.lock:
            return self.keys.get(access_key)

    def expire_all(self):
        now = time.time()
        n = 0
        with self.lock:
            for c in self.keys.values():
                if c.expires is not None and c.expires > now:
                    c.expires = now
                    n += 1
        return n
