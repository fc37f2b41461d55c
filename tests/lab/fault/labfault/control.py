"""The control file: what the proxy does to the requests it sees, re-read
whenever it changes, so a test can switch faults on and off while binnacle
runs.

    {"down": false,        listener closed, connections refused (no server)
     "blackhole": false,   nothing answered or forwarded (a partition)
     "tls": "good",        "bad": handshakes use a certificate nobody trusts
     "reset": 0,           a new value (not its removal) cuts every open connection once
     "rules": [{"match": "REGEX", "action": "...", "times": N, ...}]}

A rule applies to a request when its regular expression is found in
"METHOD TARGET" (target = path and query); the first rule that applies
wins; "times" limits a rule to its first N requests.
"""

import json
import os
import re
import threading


class Control:
    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.mtime = None
        self.ino = None      # inode of the control file now in force (see applied)
        self.doc = {}
        self.rules = []
        self.used = {}       # rule index -> requests it has taken

    def _reload(self):
        # a stat per request: a test that changes the fault expects the very
        # next request to see it
        try:
            st = os.stat(self.path)
            mtime = (st.st_mtime_ns, st.st_ino, st.st_size)
        except OSError:
            mtime = None
        if mtime == self.mtime:
            return
        doc = {}
        if mtime is not None:
            try:
                with open(self.path) as f:
                    doc = json.load(f) or {}
            except (OSError, ValueError):
                return  # half-written: the next look gets it whole (mtime not taken yet)
        self.mtime = mtime
        self.ino = mtime[1] if mtime else None
        rules = []
        for r in doc.get("rules", []):
            r = dict(r)
            r["_re"] = re.compile(r.get("match", ""))
            rules.append(r)
        self.doc, self.rules, self.used = doc, rules, {}

    def get(self, key, default=None):
        with self.lock:
            self._reload()
            return self.doc.get(key, default)

    def applied(self):
        """The inode of the control file in force (faultlab.sh set waits for it)."""
        with self.lock:
            self._reload()
            return self.ino

    def rule_for(self, method, target):
        """The rule for this request (counted against its times), or {}."""
        line = "%s %s" % (method, target)
        with self.lock:
            self._reload()
            for i, r in enumerate(self.rules):
                if not r["_re"].search(line):
                    continue
                times = r.get("times")
                if times is not None and self.used.get(i, 0) >= times:
                    continue
                self.used[i] = self.used.get(i, 0) + 1
                return r
        return {}
