"""pods/log: deterministic container logs computed on demand (nothing is stored).

A container instance (identified by its containerID) "produces" one line
every --log-interval seconds from its startedAt; line i's text is derived
from a hash of (containerID, i) and carries `seq=i`, so tests can tell new
lines from old.  Some lines are WARN/ERROR "stderr" lines (select with
stream=Stdout|Stderr).  A crashed instance ends with a panic trace.
Supports container, follow, previous, tailLines, sinceSeconds, sinceTime,
timestamps, limitBytes, and the kubelet's error messages for containers
that are waiting or have no previous instance.
"""

import math
import time
import zlib

from . import objects, util
from . import resources as R

PANIC = ["panic: runtime error: invalid memory address or nil pointer dereference",
         "[signal SIGSEGV: segmentation violation code=0x1 addr=0x28 pc=0x6b4f2a]",
         "",
         "goroutine 1 [running]:",
         "main.(*Server).handle(0x0, {0x7ffd2c1e, 0x4})",
         "\t/src/cmd/server/main.go:142 +0x2a",
         "main.main()",
         "\t/src/cmd/server/main.go:57 +0x1c5"]


class LogError(Exception):
    pass


def _instance(pod, cname, previous):
    """(containerID, start_ts, end_ts or None, crashed) of the instance to read."""
    css = {c["name"]: c for c in pod["status"].get("containerStatuses") or ()}
    cs = css.get(cname)
    pname = pod["metadata"]["name"]
    if cs is None:
        raise LogError('container "%s" in pod "%s" is waiting to start: ContainerCreating' % (cname, pname))
    state = cs.get("state") or {}
    last = (cs.get("lastState") or {}).get("terminated")
    if previous:
        if not last or not last.get("containerID"):
            raise LogError('previous terminated container "%s" in pod "%s" not found' % (cname, pname))
        return _term(last)
    if state.get("running"):
        return (cs.get("containerID", ""), util.parse_iso(state["running"]["startedAt"]), None, False)
    if state.get("terminated"):
        t = state["terminated"]
        if t.get("containerID"):
            return _term(t)
        if last and last.get("containerID"):
            return _term(last)
        raise LogError('container "%s" in pod "%s" is terminated' % (cname, pname))
    if last:
        return _term(last)
    reason = (state.get("waiting") or {}).get("reason", "")
    if reason == "ErrImagePull":
        raise LogError('container "%s" in pod "%s" is waiting to start: image can\'t be pulled' % (cname, pname))
    if reason == "ImagePullBackOff":
        raise LogError('container "%s" in pod "%s" is waiting to start: trying and failing to pull image' % (cname, pname))
    if reason:
        raise LogError('container "%s" in pod "%s" is waiting to start: %s' % (cname, pname, reason))
    raise LogError('container "%s" in pod "%s" is waiting to start - no logs yet' % (cname, pname))


def _term(t):
    return (t.get("containerID", ""), util.parse_iso(t.get("startedAt")),
            util.parse_iso(t.get("finishedAt")), t.get("exitCode", 0) != 0)


def line(cid, cname, i):
    """Text of line i and whether it goes to stderr."""
    h = zlib.crc32(("%s:%d" % (cid, i)).encode())
    if i == 0:
        return "INFO  %s starting version=1.%d.%d seq=0" % (cname, h % 9, h % 17), False
    k = h % 20
    if k < 14:
        return ("INFO  GET /api/v1/items/%d 200 %dms request_id=%08x seq=%d"
                % (h % 1000, 1 + h % 97, h, i)), False
    if k < 16:
        return "DEBUG cache stats hits=%d misses=%d seq=%d" % (h % 5000, h % 300, i), False
    if k < 19:
        return "WARN  slow upstream response from db latency=%dms seq=%d" % (200 + h % 2000, i), True
    return "ERROR upstream request failed: connection reset by peer retry=%d seq=%d" % (h % 4, i), True


def produced(start, end, interval):
    """Number of lines produced between start and end (or now)."""
    stop = end if end is not None else time.time()
    if start is None or stop < start:
        return 0
    return int(math.floor((stop - start) / interval)) + 1


def render(cid, cname, i, start, interval, timestamps):
    text, err = line(cid, cname, i)
    if timestamps:
        text = util.iso_nano(start + i * interval + 0.000137 * (i % 7)) + " " + text
    return text, err


def serve(h, pod):
    app = h.app
    cfg = app.cfg
    spec_cs = [c["name"] for c in pod["spec"].get("containers") or ()]
    cname = h.q("container")
    if not cname:
        if len(spec_cs) == 1:
            cname = spec_cs[0]
        else:
            return h.send_status(R.bad_request(
                "a container name must be specified for pod %s, choose one of: [%s]"
                % (pod["metadata"]["name"], " ".join(spec_cs))))
    if cname not in spec_cs:
        return h.send_status(R.bad_request("container %s is not valid for pod %s"
                                           % (cname, pod["metadata"]["name"])))
    previous = h.qbool("previous")
    follow = h.qbool("follow") and not previous
    timestamps = h.qbool("timestamps")
    stream = h.q("stream") or "All"
    try:
        cid, start, end, crashed = _instance(pod, cname, previous)
    except LogError as e:
        return h.send_status(R.bad_request(str(e)))
    interval = cfg.log_interval
    n = produced(start, end, interval)
    first = 0
    since = h.q("sinceSeconds")
    since_time = h.q("sinceTime")
    if since or since_time:
        t0 = time.time() - float(since) if since else util.parse_iso(since_time)
        first = max(0, int(math.ceil((t0 - start) / interval)))
    # the kubelet rotates container logs: only the newest lines are kept
    first = max(first, n - cfg.log_max_lines)
    tail = h.q("tailLines")
    lines = []
    for i in range(first, n):
        text, err = render(cid, cname, i, start, interval, timestamps)
        if stream == "Stdout" and err or stream == "Stderr" and not err:
            continue
        lines.append(text)
    if crashed and end is not None and stream != "Stdout":
        for j, p in enumerate(PANIC):
            lines.append((util.iso_nano(end - 0.01 + j * 1e-5) + " " + p) if timestamps else p)
    if tail is not None:
        t = int(tail)
        lines = lines[-t:] if t > 0 else []
    body = "".join(x + "\n" for x in lines).encode()
    limit = h.q("limitBytes")
    if limit:
        body = body[:int(limit)]
    if not follow or end is not None:
        return h.send_bytes(200, body, "text/plain")
    h.close_connection = True
    h.start_chunked("text/plain")
    h.write_chunk(body)
    sent = len(body)
    ns, pname, uid = pod["metadata"]["namespace"], pod["metadata"]["name"], pod["metadata"]["uid"]
    i = n
    last_check = time.time()
    try:
        while True:
            due = start + i * interval
            now = time.time()
            if due > now:
                time.sleep(min(due - now, 0.5))
            else:
                text, err = render(cid, cname, i, start, interval, timestamps)
                i += 1
                if not (stream == "Stdout" and err or stream == "Stderr" and not err):
                    data = (text + "\n").encode()
                    if limit and sent + len(data) > int(limit):
                        data = data[:max(0, int(limit) - sent)]
                    h.write_chunk(data)
                    sent += len(data)
                    if limit and sent >= int(limit):
                        break
            if time.time() - last_check >= 0.5:
                last_check = time.time()
                cur = app.store.get("pods", ns, pname)
                if cur is None or cur["metadata"]["uid"] != uid or _ended(cur, cname, cid):
                    if cur is not None and cur["metadata"]["uid"] == uid and objects.pod_behavior(cur) == "crashloop":
                        for p in PANIC:
                            h.write_chunk((p + "\n").encode())
                    break
                if h.client_gone():
                    return
    except OSError:
        return
    h.end_chunked()


def _ended(pod, cname, cid):
    for cs in pod["status"].get("containerStatuses") or ():
        if cs["name"] == cname:
            return not (cs.get("state") or {}).get("running") or cs.get("containerID") != cid
    return True
