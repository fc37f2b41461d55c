"""CloudWatch Logs (JSON 1.1, Logs_20140328.*): the awslogs driver's streams.

A container whose task definition uses the awslogs driver gets the stream
PREFIX/CONTAINER/TASKID in its awslogs-group when it starts RUNNING (as
ECS names them) and writes one line every --log-interval seconds until it
stops; a container that exits on failure adds its last words.  Lines are
computed, not stored: line k of a stream is stamped start + k*interval and
its text is a function of (stream, k), so 20,000 tasks cost nothing until
read.  Only the newest --log-max-lines lines of a stream are kept.

Tokens: nextForwardToken "f/<56 digits>/s" and nextBackwardToken
"b/<56 digits>/s" carry an event index.  Reading forward at the end of a
stream returns the token that was passed in, as AWS does.  Timestamps are
epoch milliseconds.
"""

import base64
import heapq
import json
import shlex
import threading
import time
import zlib

from . import errors, paging, util

PATHS = ["/", "/health", "/api/orders", "/api/cart", "/static/app.js", "/api/users/42"]
LAST_WORDS = {
    "exit": ["Error: connect ECONNREFUSED 10.0.3.12:5432",
             "    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)",
             "fatal: cannot reach the database, giving up (exit status %d)"],
}


def not_found(what):
    return errors.AwsError("ResourceNotFoundException", "The specified %s does not exist." % what)


class Stream:
    __slots__ = ("group", "name", "start", "end", "interval", "last", "kind", "ip", "max_lines")

    def __init__(self, group, name, start, interval, kind, ip, max_lines):
        self.group = group
        self.name = name
        self.start = start
        self.end = None
        self.interval = interval
        self.last = []
        self.kind = kind
        self.ip = ip
        self.max_lines = max_lines

    def regular(self, now):
        stop = now if self.end is None else min(now, self.end)
        if stop < self.start:
            return 0
        return int((stop - self.start) / self.interval) + 1

    def bounds(self, now):
        """(first kept index, total count)."""
        n = self.regular(now)
        total = n + len(self.last)
        return max(0, total - self.max_lines), total

    def ts(self, k, n_regular):
        if k < n_regular:
            return int(round((self.start + k * self.interval) * 1000))
        return int(round(self.end * 1000)) + (k - n_regular)

    def text(self, k, n_regular):
        if k >= n_regular:
            return self.last[k - n_regular]
        h = zlib.crc32(("%s/%d" % (self.name, k)).encode())
        t = self.start + k * self.interval
        if self.kind == "web":
            return ('%s - - [%s] "GET %s HTTP/1.1" %d %d "-" "ELB-HealthChecker/2.0"'
                    % ("10.0.%d.%d" % (h % 4, 10 + h % 200),
                       time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(t)),
                       PATHS[h % len(PATHS)], 200 if h % 17 else 404, 100 + h % 9000))
        return ('level=info ts=%s caller=worker.go:%d msg="processed job" job=%d duration_ms=%d'
                % (util.iso(t), 40 + h % 60, k, h % 500))

    def index_at(self, ts_ms, n_regular, total):
        """First index whose timestamp is >= ts_ms."""
        lo, hi = 0, total
        while lo < hi:
            mid = (lo + hi) // 2
            if self.ts(mid, n_regular) < ts_ms:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def to_json(self, arn, now):
        first, total = self.bounds(now)
        n = self.regular(now)
        d = {"logStreamName": self.name, "creationTime": util.millis(self.start), "arn": arn,
             "storedBytes": 0, "uploadSequenceToken": "49039859%048d" % total}
        if total > first:
            d["firstEventTimestamp"] = self.ts(first, n)
            d["lastEventTimestamp"] = self.ts(total - 1, n)
            d["lastIngestionTime"] = self.ts(total - 1, n) + 200
        return d


def _token(kind, k):
    return "%s/%056d/s" % (kind, k)


def _parse_token(tok):
    try:
        kind, num, _ = tok.split("/")
        if kind not in ("f", "b"):
            raise ValueError
        return kind, int(num)
    except (ValueError, AttributeError):
        raise errors.invalid_param("The specified nextToken is invalid.")


def _terms(pattern):
    try:
        return [t for t in shlex.split(pattern or "") if t]
    except ValueError:
        raise errors.invalid_param("Invalid character(s) in term '%s'" % pattern)


class Logs:
    def __init__(self, app):
        self.app = app
        self.cfg = app.cfg
        self.lock = threading.Lock()
        self.groups = {}         # name -> {"created": ts, "streams": {name: Stream}}

    # ------------------------------------------------------------ sim hooks
    def ensure_group(self, name, ts):
        with self.lock:
            return self.groups.setdefault(name, {"created": ts, "streams": {}})

    def _config(self, c):
        lc = c.defn.get("logConfiguration") or {}
        if lc.get("logDriver") != "awslogs":
            return None
        o = lc.get("options") or {}
        group = o.get("awslogs-group")
        if not group:
            return None
        prefix = o.get("awslogs-stream-prefix")
        name = ("%s/%s/%s" % (prefix, c.name, c.task.id)) if prefix else c.runtime_id
        return group, name

    def open_stream(self, task, c, ts):
        cfg = self._config(c)
        if cfg is None:
            return
        group, name = cfg
        kind = "web" if any(w in c.image for w in ("nginx", "web", "frontend", "httpd")) else "app"
        g = self.ensure_group(group, ts)
        with self.lock:
            g["streams"][name] = Stream(group, name, ts, self.cfg.log_interval, kind,
                                        task.eni_ip, self.cfg.log_max_lines)

    def close_stream(self, task, c, ts):
        cfg = self._config(c)
        if cfg is None:
            return
        with self.lock:
            g = self.groups.get(cfg[0])
            s = g["streams"].get(cfg[1]) if g else None
            if s is None or s.end is not None:
                return
            s.end = ts
            # a container that failed says why; one stopped (0) or SIGTERMed (143) does not
            if c.exit_code not in (None, 0, 143):
                s.last = [w % c.exit_code if "%d" in w else w for w in LAST_WORDS["exit"]]

    # ------------------------------------------------------------ API
    def call(self, ctx, op, params):
        fn = getattr(self, "op_" + op, None)
        if fn is None:
            raise errors.AwsError("UnknownOperationException", "", coral=True)
        with self.lock:
            return fn(params, time.time())

    def _group(self, p):
        name = p.get("logGroupName") or p.get("logGroupIdentifier")
        if isinstance(name, str) and name.startswith("arn:"):
            name = name.split(":log-group:", 1)[-1].rstrip("*").rstrip(":")
        if not name:
            raise errors.invalid_param("Either logGroupName or logGroupIdentifier must be provided.")
        g = self.groups.get(name)
        if g is None:
            raise not_found("log group")
        return name, g

    def group_arn(self, name):
        return "arn:aws:logs:%s:%s:log-group:%s" % (self.cfg.region, self.cfg.account, name)

    def op_DescribeLogGroups(self, p, now):
        prefix = p.get("logGroupNamePrefix") or ""
        names = sorted(n for n in self.groups if n.startswith(prefix))
        out, nxt = paging.page(names, p, {"p": prefix}, 50, maximum=50, short=False,
                               limit_key="limit")
        groups = [{"logGroupName": n, "creationTime": util.millis(self.groups[n]["created"]),
                   "metricFilterCount": 0, "arn": self.group_arn(n) + ":*", "storedBytes": 0,
                   "logGroupClass": "STANDARD", "logGroupArn": self.group_arn(n)} for n in out]
        return {"logGroups": groups, "nextToken": nxt} if nxt else {"logGroups": groups}

    def op_DescribeLogStreams(self, p, now):
        name, g = self._group(p)
        prefix = p.get("logStreamNamePrefix") or ""
        order = p.get("orderBy") or "LogStreamName"
        if order == "LastEventTime" and prefix:
            raise errors.invalid_param("Cannot order by LastEventTime with a logStreamNamePrefix.")
        streams = [s for n, s in g["streams"].items() if n.startswith(prefix)]
        if order == "LastEventTime":
            def last(s):
                first, total = s.bounds(now)
                return s.ts(total - 1, s.regular(now)) if total else 0
            streams.sort(key=lambda s: (last(s), s.name))
        else:
            streams.sort(key=lambda s: s.name)
        if p.get("descending"):
            streams.reverse()
        idx = ["%010d" % i for i in range(len(streams))]
        out, nxt = paging.page(idx, p, {"g": name, "p": prefix, "o": order,
                                        "d": bool(p.get("descending"))},
                               50, maximum=50, short=False, limit_key="limit")
        arn = self.group_arn(name) + ":log-stream:"
        res = [streams[int(i)].to_json(arn + streams[int(i)].name, now) for i in out]
        return {"logStreams": res, "nextToken": nxt} if nxt else {"logStreams": res}

    def op_GetLogEvents(self, p, now):
        name, g = self._group(p)
        s = g["streams"].get(p.get("logStreamName") or "")
        if s is None:
            raise not_found("log stream")
        limit = p.get("limit", 10000)
        if not isinstance(limit, int) or limit < 1 or limit > 10000:
            raise errors.invalid_param("1 validation error detected: Value '%s' at 'limit' failed "
                                       "to satisfy constraint: Member must have value less than "
                                       "or equal to 10000" % limit)
        first, total = s.bounds(now)
        n = s.regular(now)
        lo, hi = first, total
        if p.get("startTime") is not None:
            lo = max(lo, s.index_at(p["startTime"], n, total))
        if p.get("endTime") is not None:
            hi = min(hi, s.index_at(p["endTime"], n, total))
        hi = max(lo, hi)
        tok = p.get("nextToken")
        if tok:
            kind, k = _parse_token(tok)
            forward = kind == "f"
        else:
            forward = bool(p.get("startFromHead"))
            k = lo if forward else hi
        if forward:
            a = max(k, lo)
            b = min(a + limit, hi)
            b = max(a, b)
        else:
            b = min(k, hi)
            a = max(lo, b - limit)
            a = min(a, b)
        events = [{"timestamp": s.ts(i, n), "message": s.text(i, n),
                   "ingestionTime": s.ts(i, n) + 200} for i in range(a, b)]
        if tok and not events:
            return {"events": [], "nextForwardToken": tok if forward else _token("f", k),
                    "nextBackwardToken": tok if not forward else _token("b", k)}
        return {"events": events, "nextForwardToken": _token("f", b),
                "nextBackwardToken": _token("b", a)}

    def op_FilterLogEvents(self, p, now):
        name, g = self._group(p)
        limit = p.get("limit", 10000)
        if not isinstance(limit, int) or limit < 1 or limit > 10000:
            raise errors.invalid_param("1 validation error detected: Value '%s' at 'limit' failed "
                                       "to satisfy constraint: Member must have value less than "
                                       "or equal to 10000" % limit)
        names = p.get("logStreamNames")
        prefix = p.get("logStreamNamePrefix")
        if names and prefix:
            raise errors.invalid_param("logStreamNames and logStreamNamePrefix are mutually exclusive")
        if names:
            streams = [g["streams"][n] for n in names if n in g["streams"]]
            if not streams:
                raise not_found("log stream")
        else:
            streams = [s for n, s in g["streams"].items() if n.startswith(prefix or "")]
        terms = _terms(p.get("filterPattern"))
        cursor = None
        if p.get("nextToken"):
            try:
                cursor = json.loads(base64.b64decode(p["nextToken"]))
                cursor = (cursor["t"], cursor["s"], cursor["k"])
            except (ValueError, KeyError, TypeError):
                raise errors.invalid_param("The specified nextToken is invalid.")
        start_ms, end_ms = p.get("startTime"), p.get("endTime")

        def gen(s):
            first, total = s.bounds(now)
            n = s.regular(now)
            lo, hi = first, total
            if start_ms is not None:
                lo = max(lo, s.index_at(start_ms, n, total))
            if end_ms is not None:
                hi = min(hi, s.index_at(end_ms + 1, n, total))
            if cursor is not None:
                lo = max(lo, s.index_at(cursor[0], n, total))
            for k in range(lo, hi):
                yield (s.ts(k, n), s.name, k, s, n)

        events = []
        more = False
        for ts, sname, k, s, n in heapq.merge(*[gen(s) for s in streams]):
            if cursor is not None and (ts, sname, k) <= cursor:
                continue
            msg = s.text(k, n)
            if terms and not all(t in msg for t in terms):
                continue
            if len(events) == limit:
                more = True
                break
            events.append({"logStreamName": sname, "timestamp": ts, "message": msg,
                           "ingestionTime": ts + 200,
                           "eventId": "%056d" % ((ts * 1000 + (zlib.crc32(sname.encode()) % 1000))
                                                 * 10 ** 10 + k)})
        out = {"events": events,
               "searchedLogStreams": [{"logStreamName": s.name, "searchedCompletely": not more}
                                      for s in streams]}
        if more:
            last = events[-1]
            k = int(last["eventId"][-10:])
            out["nextToken"] = base64.b64encode(json.dumps(
                {"t": last["timestamp"], "s": last["logStreamName"], "k": k}).encode()).decode()
        return out
