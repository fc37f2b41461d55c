"""Watch streams: newline-delimited WatchEvents over chunked transfer encoding.

- resourceVersion absent or "0": synthetic ADDED for every current object,
  then live events.
- resourceVersion=N: replay events after N from the history ring; N older
  than the window gives an in-stream ERROR with a 410 Expired Status (the
  HTTP status stays 200), exactly like a real server.
- sendInitialEvents=true&resourceVersionMatch=NotOlderThan: synthetic
  ADDED events, then a BOOKMARK annotated k8s.io/initial-events-end.
- allowWatchBookmarks=true: BOOKMARK every --bookmark-interval seconds.
- timeoutSeconds=N ends the stream cleanly after N seconds.
- Selectors are applied to both the old and the new object, so an object
  leaving the selection arrives as DELETED and one entering as ADDED.
- Table output (kubectl get --watch) converts each object to a one-row
  Table, with column definitions only in the first event.
"""

import time

from . import labels as sel
from . import objects, tables, util
from . import resources as R
from .store import TooOld

MAX_CHUNK = 256 * 1024


def _bookmark(r, rv, initial_end=False):
    md = {"resourceVersion": str(rv)}
    if initial_end:
        md["annotations"] = {"k8s.io/initial-events-end": "true"}
    obj = {"kind": r.kind, "apiVersion": r.api_version, "metadata": md}
    if r.store_key == "pods":
        obj["spec"] = {"containers": None}
        obj["status"] = {}
    elif r.store_key in ("deployments", "replicasets", "statefulsets", "daemonsets"):
        obj["spec"] = {"selector": None, "template": {"metadata": {}, "spec": {"containers": None}}}
        obj["status"] = {}
    elif r.store_key in ("nodes", "namespaces", "services"):
        obj["spec"] = {}
        obj["status"] = {}
    return util.dumpb({"type": "BOOKMARK", "object": obj}) + b"\n"


class Stream:
    def __init__(self, h, r, ns, lreq, freq):
        self.h = h
        self.r = r
        self.ns = ns
        self.lreq = lreq
        self.freq = freq
        self.filtered = bool(lreq or freq)
        kind, ver = h.accept()
        self.table = kind == "Table"
        self.table_ver = ver
        self.headers_sent = False
        self.include = h.q("includeObject", "Metadata")
        self.view = objects.event_v1 if r.group == "events.k8s.io" else None
        self.prefix = ('{"kind":"%s","apiVersion":"%s",' % (r.kind, r.api_version)).encode()
        self.cache_key = (r.group, r.version, "json")

    def match(self, o):
        if self.ns is not None and o["metadata"].get("namespace", "") != self.ns:
            return False
        if not self.filtered:
            return True
        return (sel.match_labels(self.lreq, o["metadata"].get("labels"))
                and sel.match_fields(self.freq, o))

    def encode(self, etype, obj, ev=None):
        if self.table:
            t = tables.table(self.r, [obj], {"resourceVersion": obj["metadata"].get("resourceVersion", "")},
                             self.include, headers=not self.headers_sent, view=self.view)
            t["apiVersion"] = "meta.k8s.io/" + self.table_ver
            self.headers_sent = True
            return util.dumpb({"type": etype, "object": t}) + b"\n"
        if ev is not None and ev.type == etype:
            c = ev.cache
            if c is not None and c[0] == self.cache_key:
                return c[1]
        o = self.view(obj) if self.view else obj
        data = b'{"type":"' + etype.encode() + b'","object":' + self.prefix + util.dumpb(o)[1:] + b"}\n"
        if ev is not None and ev.type == etype:
            ev.cache = (self.cache_key, data)
        return data

    def translate(self, ev):
        """Event -> (type, object) as this watcher sees it, or None."""
        if ev.res != self.r.store_key:
            return None
        if self.ns is not None and ev.ns != self.ns:
            return None
        if ev.type == "MODIFIED" and self.filtered:
            now_in = self.match(ev.obj)
            was_in = ev.old is not None and self.match(ev.old)
            if now_in and was_in:
                return "MODIFIED", ev.obj
            if now_in:
                return "ADDED", ev.obj
            if was_in:
                return "DELETED", ev.obj
            return None
        if ev.type == "DELETED":
            return ("DELETED", ev.obj) if self.match(ev.old or ev.obj) else None
        return (ev.type, ev.obj) if self.match(ev.obj) else None


def serve(h, r, ns, lreq, freq):
    app = h.app
    st = app.store
    cfg = app.cfg
    rvq = h.q("resourceVersion") or ""
    send_initial = h.qbool("sendInitialEvents")
    if send_initial and h.q("resourceVersionMatch") != "NotOlderThan":
        return h.send_status(R.status_failure(
            422, "Invalid", "ListOptions.meta.k8s.io \"\" is invalid: sendInitialEvents: Forbidden: "
            "sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled "
            "and resourceVersionMatch is set to NotOlderThan"))
    allow_bm = h.qbool("allowWatchBookmarks")
    try:
        timeout = float(h.q("timeoutSeconds") or cfg.watch_timeout)
    except ValueError:
        timeout = cfg.watch_timeout
    deadline = time.time() + timeout
    s = Stream(h, r, ns, lreq, freq)
    start = None
    if rvq not in ("", "0") and not send_initial:
        try:
            start = int(rvq)
        except ValueError:
            return h.send_status(R.status_failure(
                400, "BadRequest", 'resourceVersion: Invalid value: "%s": strconv.ParseUint: '
                'parsing "%s": invalid syntax' % (rvq, rvq)))
        waited = 0.0
        while start > st.rv and waited < 3.0:
            time.sleep(0.1)
            waited += 0.1
        if start > st.rv:
            return h.send_status(R.status_failure(
                504, "Timeout", "Too large resource version: %d, current: %d" % (start, st.rv),
                {"causes": [{"reason": "ResourceVersionTooLarge",
                             "message": "Too large resource version"}], "retryAfterSeconds": 1}))
    with app.lock:
        app.active_streams += 1
    h.close_connection = True
    h.start_chunked("application/json")
    try:
        out = []
        if start is None:
            with st.lock:
                start = st.rv
                objs = st.snapshot(r.store_key, ns, s.match if s.filtered else None)[2]
            for o in objs:
                out.append(s.encode("ADDED", o))
                if sum(len(x) for x in out) > MAX_CHUNK:
                    h.write_chunk(b"".join(out))
                    out = []
            if send_initial and allow_bm:
                out.append(_bookmark(r, start, True))
        if out:
            h.write_chunk(b"".join(out))
        _loop(h, s, start, allow_bm, deadline)
    except (BrokenPipeError, ConnectionResetError, OSError):
        return
    finally:
        with app.lock:
            app.active_streams -= 1
    h.end_chunked()


def _loop(h, s, pos, allow_bm, deadline):
    st = h.app.store
    interval = h.app.cfg.bookmark_interval
    last_bm = time.time()
    last_check = time.time()
    while True:
        wake = st.wake_handle()
        try:
            events, cur = st.events_since(pos)
        except TooOld as e:
            err = R.status_failure(410, "Expired", str(e))
            h.write_chunk(util.dumpb({"type": "ERROR", "object": err}) + b"\n")
            return
        if events:
            out, size = [], 0
            for ev in events:
                t = s.translate(ev)
                if t is None:
                    continue
                data = s.encode(t[0], t[1], ev)
                out.append(data)
                size += len(data)
                if size > MAX_CHUNK:
                    h.write_chunk(b"".join(out))
                    out, size = [], 0
            if out:
                h.write_chunk(b"".join(out))
        pos = cur
        now = time.time()
        if now >= deadline:
            return
        if allow_bm and interval > 0 and now - last_bm >= interval:
            h.write_chunk(_bookmark(s.r, pos))
            last_bm = now
        if now - last_check >= 1.0:
            last_check = now
            if h.client_gone():
                return
        wait = min(1.0, deadline - now)
        if allow_bm and interval > 0:
            wait = min(wait, max(0.01, interval - (now - last_bm)))
        wake.wait(wait)
        # coalesce bursts: let a few more commits land before draining
        time.sleep(0.005)
