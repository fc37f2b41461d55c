"""Object store: objects as dicts, one global resourceVersion, watch history, paging.

Objects are treated as immutable once stored: every change stores a new dict
(sharing unchanged sub-structures with the old one), so the watch history can
hold old versions by reference and serialisation happens only on demand.
Stored objects have no kind/apiVersion, like list items on the wire.

Every committed change bumps the global resourceVersion by one and lands in
a ring buffer indexed by rv, so a watch finds "events after rv R" in O(1)
and knows exactly when R has fallen out of the window (410 Expired).
Paged lists take a sorted snapshot on the first page and serve later pages
from it; the continue token is the real format (base64 of
{"v":"meta.k8s.io/v1","rv":N,"start":"ns/name\\u0000"}).
"""

import base64
import bisect
import json
import threading
import time

from . import util


META_ORDER = ["name", "generateName", "namespace", "selfLink", "uid", "resourceVersion",
              "generation", "creationTimestamp", "deletionTimestamp",
              "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences",
              "finalizers", "managedFields"]
_META_RANK = {k: i for i, k in enumerate(META_ORDER)}


def _set_rv(obj, rv):
    """Set metadata.resourceVersion, keeping the API server's metadata key order."""
    md = obj["metadata"]
    md["resourceVersion"] = rv
    obj["metadata"] = dict(sorted(md.items(), key=lambda kv: _META_RANK.get(kv[0], 99)))
    return obj["metadata"]


class Event:
    __slots__ = ("rv", "res", "type", "obj", "old", "ns", "cache")

    def __init__(self, rv, res, etype, obj, old, ns):
        self.rv = rv
        self.res = res
        self.type = etype
        self.obj = obj
        self.old = old
        self.ns = ns
        self.cache = None


class ContinueError(Exception):
    pass


class TooOld(Exception):
    def __init__(self, rv, oldest):
        Exception.__init__(self, "too old resource version: %d (%d)" % (rv, oldest))


class Store:
    def __init__(self, history_size=20000, continue_ttl=300.0):
        self.lock = threading.RLock()
        self.rv = 1
        self.data = {}            # res -> ns -> name -> obj
        self.size = history_size
        self.ring = [None] * history_size
        self.hist_start = 2       # first rv that is in the ring
        self._wake = threading.Event()
        self.indexes = {}         # res -> {index name: (fn, {value: set((ns,name))})}
        self.listeners = []       # fn(event) called under lock after each commit
        self.snapshots = {}       # key -> (created, keys, objs)
        self.continue_ttl = continue_ttl
        self.counts = {}

    # ------------------------------------------------------------ basics
    def table(self, res):
        t = self.data.get(res)
        if t is None:
            t = self.data[res] = {}
        return t

    def add_index(self, res, name, fn):
        self.indexes.setdefault(res, {})[name] = (fn, {})

    def by_index(self, res, name, value):
        """Current objects of res whose index `name` has `value`."""
        with self.lock:
            idx = self.indexes[res][name][1].get(value)
            if not idx:
                return []
            t = self.table(res)
            out = []
            for ns, n in idx:
                o = t.get(ns, {}).get(n)
                if o is not None:
                    out.append(o)
            return out

    def _index(self, res, obj, add):
        ix = self.indexes.get(res)
        if not ix:
            return
        md = obj["metadata"]
        key = (md.get("namespace", ""), md["name"])
        for fn, m in ix.values():
            v = fn(obj)
            if v is None:
                continue
            vals = v if isinstance(v, (list, tuple)) else (v,)
            for one in vals:
                if add:
                    m.setdefault(one, set()).add(key)
                else:
                    s = m.get(one)
                    if s is not None:
                        s.discard(key)
                        if not s:
                            del m[one]

    def get(self, res, ns, name):
        t = self.data.get(res)
        if t is None:
            return None
        d = t.get(ns or "")
        return d.get(name) if d else None

    def count(self, res):
        t = self.data.get(res)
        return sum(len(d) for d in t.values()) if t else 0

    def all(self, res, ns=None):
        """Unsorted iteration over current objects (callers hold the lock)."""
        t = self.data.get(res)
        if not t:
            return []
        if ns is not None:
            return list(t.get(ns, {}).values())
        out = []
        for d in t.values():
            out.extend(d.values())
        return out

    def namespaces_of(self, res):
        t = self.data.get(res)
        return list(t.keys()) if t else []

    # ------------------------------------------------------------ commits
    def _commit(self, res, etype, obj, old, ns):
        self.rv += 1
        ev = Event(self.rv, res, etype, obj, old, ns)
        self.ring[self.rv % self.size] = ev
        for fn in self.listeners:
            fn(ev)
        w = self._wake
        self._wake = threading.Event()
        w.set()
        return ev

    def create(self, res, obj):
        """Store a new object (metadata.name set). Returns the stored object."""
        with self.lock:
            md = obj["metadata"]
            ns = md.get("namespace", "")
            md.setdefault("uid", util.new_uid())
            md.setdefault("creationTimestamp", util.iso())
            md = _set_rv(obj, str(self.rv + 1))
            t = self.table(res).setdefault(ns, {})
            t[md["name"]] = obj
            self._index(res, obj, True)
            self._commit(res, "ADDED", obj, None, ns)
            return obj

    def update(self, res, obj):
        """Replace the stored object with the same ns/name by `obj` (a new dict)."""
        with self.lock:
            md = obj["metadata"]
            ns = md.get("namespace", "")
            t = self.table(res).setdefault(ns, {})
            old = t.get(md["name"])
            md = _set_rv(obj, str(self.rv + 1))
            if old is not None:
                self._index(res, old, False)
            t[md["name"]] = obj
            self._index(res, obj, True)
            self._commit(res, "MODIFIED" if old is not None else "ADDED", obj, old, ns)
            return obj

    def delete(self, res, ns, name):
        with self.lock:
            t = self.table(res).get(ns or "")
            if not t or name not in t:
                return None
            old = t.pop(name)
            if not t:
                del self.table(res)[ns or ""]
            self._index(res, old, False)
            gone = dict(old)
            gone["metadata"] = dict(old["metadata"], resourceVersion=str(self.rv + 1))
            self._commit(res, "DELETED", gone, old, ns or "")
            return gone

    def bulk_load(self, res, objs):
        """Insert many objects without watch events (initial cluster)."""
        with self.lock:
            tab = self.table(res)
            for obj in objs:
                md = obj["metadata"]
                self.rv += 1
                md = _set_rv(obj, str(self.rv))
                tab.setdefault(md.get("namespace", ""), {})[md["name"]] = obj
                self._index(res, obj, True)
            self.hist_start = self.rv + 1

    def mark_seeded(self):
        with self.lock:
            self.hist_start = self.rv + 1

    def expire_history(self):
        """Forgets the watch history, as an etcd compaction does: every
        watch, and every watch resumed from a resourceVersion handed out
        before, ends with a 410 Expired once the next change arrives."""
        with self.lock:
            self.hist_start = self.rv + 2
            w = self._wake
            self._wake = threading.Event()
            w.set()

    # ------------------------------------------------------------ watch
    def wake_handle(self):
        return self._wake

    def oldest_rv(self):
        return max(self.hist_start, self.rv - self.size + 1)

    def events_since(self, rv):
        """Events with resourceVersion > rv; raises TooOld when out of window."""
        with self.lock:
            cur = self.rv
            if rv >= cur:
                return [], cur
            oldest = self.oldest_rv()
            if rv + 1 < oldest:
                raise TooOld(rv, oldest - 1)
            out = [self.ring[r % self.size] for r in range(rv + 1, cur + 1)]
            return out, cur

    # ------------------------------------------------------------ lists
    def snapshot(self, res, ns, filt):
        """All matching objects sorted by (namespace, name), with the current rv."""
        with self.lock:
            t = self.data.get(res) or {}
            rv = self.rv
            keys, objs = [], []
            nss = [ns] if ns is not None else sorted(t.keys())
            for n in nss:
                d = t.get(n)
                if not d:
                    continue
                for name in sorted(d):
                    o = d[name]
                    if filt is None or filt(o):
                        keys.append(n + "/" + name if n else name)
                        objs.append(o)
            return rv, keys, objs

    def list_page(self, res, ns, filt, qkey, limit, cont, has_selector):
        """Return (items, list_rv, continue_token, remaining) for one page."""
        now = time.time()
        if cont:
            try:
                tok = json.loads(base64.b64decode(cont.encode() + b"==="))
                rv = int(tok["rv"])
                start = tok["start"]
            except Exception:
                raise ContinueError("continue key is not valid: illegal base64 data")
            skey = (res, ns, qkey, rv)
            with self.lock:
                snap = self.snapshots.get(skey)
            if snap is None or now - snap[0] > self.continue_ttl:
                raise TooOld(rv, self.oldest_rv())
            _, keys, objs = snap
            pos = bisect.bisect_left(keys, start.rstrip("\x00"))
            if pos < len(keys) and keys[pos] == start.rstrip("\x00") and start.endswith("\x00"):
                pos += 1
        else:
            rv, keys, objs = self.snapshot(res, ns, filt)
            pos = 0
            if limit and len(keys) > limit:
                with self.lock:
                    self._gc_snapshots(now)
                    self.snapshots[(res, ns, qkey, rv)] = (now, keys, objs)
        if not limit:
            return objs[pos:], rv, None, None
        end = pos + limit
        page = objs[pos:end]
        if end >= len(objs):
            return page, rv, None, None
        token = base64.b64encode(util.dumpb(
            {"v": "meta.k8s.io/v1", "rv": rv, "start": keys[end - 1] + "\x00"})).decode()
        remaining = None if has_selector else len(objs) - end
        return page, rv, token, remaining

    def _gc_snapshots(self, now):
        dead = [k for k, v in self.snapshots.items() if now - v[0] > self.continue_ttl]
        for k in dead:
            del self.snapshots[k]
        while len(self.snapshots) >= 64:
            oldest = min(self.snapshots, key=lambda k: self.snapshots[k][0])
            del self.snapshots[oldest]
