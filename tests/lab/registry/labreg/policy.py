"""Who may do what: the token server's users and grants (DIR/policy.json).

    {"users": {"lab": {"password": "labpass"},
               "short": {"password": "shortpass", "ttl": 5}},
     "grants": [{"account": "lab", "type": "repository", "name": "*",
                 "actions": ["pull", "push", "delete"]},
                {"account": "*", "type": "repository", "name": "lab/*",
                 "actions": ["pull"]}]}

`account` is a user name, "*" (everybody, anonymous included) or "+" (any
authenticated user).  `name` is a shell pattern (fnmatch: "team/*" also
matches "team/a/b").  The actions of all matching grants add up; the action
"*" grants every action, including the "*" that `registry:catalog:*` asks
for.  A user's optional `ttl` overrides --token-ttl for their tokens.  The
file is re-read whenever it changes, so a test can edit it at run time.
"""

import fnmatch
import hmac
import json
import os
import threading

DEFAULT = {
    "users": {
        "lab": {"password": "labpass"},
        "reader": {"password": "readerpass"},
        "short": {"password": "shortpass", "ttl": 5},
    },
    "grants": [
        {"account": "lab", "type": "repository", "name": "*",
         "actions": ["pull", "push", "delete"]},
        {"account": "lab", "type": "registry", "name": "catalog", "actions": ["*"]},
        {"account": "reader", "type": "repository", "name": "team/*", "actions": ["pull"]},
        {"account": "short", "type": "repository", "name": "*", "actions": ["pull"]},
        {"account": "*", "type": "repository", "name": "lab/*", "actions": ["pull"]},
    ],
}


def parse_scope(scope):
    """'repository:team/api:pull,push' -> ('repository', 'team/api', ['pull', 'push']).

    The name may itself hold colons (a host:port prefix), so the type ends
    at the first colon and the actions start after the last one.  A
    resource class ("repository(plugin)") is dropped.  None if malformed."""
    first, last = scope.find(":"), scope.rfind(":")
    if first <= 0 or last == first:
        return None
    rtype = scope[:first].split("(", 1)[0]
    name = scope[first + 1:last]
    actions = [a for a in scope[last + 1:].split(",") if a]
    if not name:
        return None
    return rtype, name, actions


def format_scope(rtype, name, actions):
    return "%s:%s:%s" % (rtype, name, ",".join(actions))


class Policy:
    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.mtime = None
        self.data = DEFAULT
        self._reload()

    def _reload(self):
        try:
            st = os.stat(self.path)
        except OSError:
            return
        key = (st.st_mtime_ns, st.st_size)
        if key == self.mtime:
            return
        with open(self.path) as f:
            data = json.load(f)
        data.setdefault("users", {})
        data.setdefault("grants", [])
        self.data, self.mtime = data, key

    def snapshot(self):
        with self.lock:
            try:
                self._reload()
            except (OSError, ValueError):
                pass   # a half-written file: keep the last good one
            return self.data

    def check_password(self, user, password):
        u = self.snapshot()["users"].get(user)
        if not isinstance(u, dict) or "password" not in u:
            return False
        return hmac.compare_digest(str(u["password"]).encode(), password.encode())

    def ttl(self, user, default):
        u = self.snapshot()["users"].get(user) if user else None
        if isinstance(u, dict) and "ttl" in u:
            return int(u["ttl"])
        return default

    def allowed(self, user, rtype, name):
        """The set of actions user (None: anonymous) may do on rtype:name."""
        acts = set()
        for g in self.snapshot()["grants"]:
            acct = g.get("account", "")
            if not (acct == "*" or (acct == "+" and user) or (user and acct == user)):
                continue
            if g.get("type", "repository") != rtype:
                continue
            if not fnmatch.fnmatchcase(name, g.get("name", "")):
                continue
            acts.update(g.get("actions", []))
        return acts

    def grant(self, user, rtype, name, requested):
        allowed = self.allowed(user, rtype, name)
        if "*" in allowed:
            return list(requested)
        return [a for a in requested if a in allowed]
