"""metrics.k8s.io/v1beta1: NodeMetrics and PodMetrics (what `kubectl top` reads).

Usage numbers are deterministic per object and drift slowly with time
(30 s buckets), so repeated reads look like a live metrics-server.  Node
usage is a base load plus the sum of its running pods.
"""

import time
import zlib

from . import labels as sel
from . import resources as R
from . import util

GV = "metrics.k8s.io/v1beta1"


def _wobble(key, lo, hi):
    bucket = int(time.time() // 30)
    a = zlib.crc32(("%s/%d" % (key, bucket)).encode()) % 1000
    b = zlib.crc32(("%s/%d" % (key, bucket + 1)).encode()) % 1000
    frac = (time.time() % 30) / 30.0
    v = (a * (1 - frac) + b * frac) / 1000.0
    return int(lo + (hi - lo) * v)


def container_usage(pod, c):
    key = pod["metadata"].get("uid", "") + c["name"]
    cpu = _wobble(key + "cpu", 1_000_000, 250_000_000)      # nanocores
    mem = _wobble(key + "mem", 8 * 1024, 400 * 1024)         # KiB
    return cpu, mem


def _running(pod):
    return pod["status"].get("phase") == "Running" and any(
        (cs.get("state") or {}).get("running") for cs in pod["status"].get("containerStatuses") or ())


def pod_metrics(pod, now_iso):
    md = pod["metadata"]
    cs = []
    for c in pod["spec"].get("containers") or ():
        cpu, mem = container_usage(pod, c)
        cs.append({"name": c["name"], "usage": {"cpu": "%dn" % cpu, "memory": "%dKi" % mem}})
    return {"metadata": {"name": md["name"], "namespace": md["namespace"],
                         "creationTimestamp": now_iso, "labels": md.get("labels") or {}},
            "timestamp": util.iso(time.time() - 7), "window": "18.712s", "containers": cs}


def node_metrics(store, node, now_iso):
    name = node["metadata"]["name"]
    cpu = _wobble(name + "cpu", 150_000_000, 600_000_000)
    mem = _wobble(name + "mem", 900 * 1024, 2_400 * 1024)
    for p in store.by_index("pods", "node", name):
        if _running(p):
            for c in p["spec"].get("containers") or ():
                a, b = container_usage(p, c)
                cpu += a
                mem += b
    return {"metadata": {"name": name, "creationTimestamp": now_iso,
                         "labels": node["metadata"].get("labels") or {}},
            "timestamp": util.iso(time.time() - 5), "window": "20.041s",
            "usage": {"cpu": "%dn" % cpu, "memory": "%dKi" % mem}}


def handle(h, r, ns, name):
    from .api import ApiError
    st = h.app.store
    now_iso = util.iso()
    try:
        lreq = sel.parse_labels(h.q("labelSelector", ""))
        freq = sel.parse_fields(h.q("fieldSelector", ""), "pods" if r.name == "pods" else "nodes")
    except sel.SelectorError as e:
        raise ApiError(R.bad_request(str(e)))
    with st.lock:
        if r.name == "nodes":
            if name:
                n = st.get("nodes", "", name)
                if n is None:
                    raise ApiError(R.not_found(r, name))
                return h.send_json(200, dict({"kind": "NodeMetrics", "apiVersion": GV},
                                             **node_metrics(st, n, now_iso)))
            items = [node_metrics(st, n, now_iso) for n in sorted(
                st.all("nodes"), key=lambda n: n["metadata"]["name"])
                if sel.match_labels(lreq, n["metadata"].get("labels"))
                and sel.match_fields(freq, n)]
            return h.send_json(200, {"kind": "NodeMetricsList", "apiVersion": GV,
                                     "metadata": {}, "items": items})
        if name:
            p = st.get("pods", ns or "", name)
            if p is None or not _running(p):
                raise ApiError(R.not_found(r, name))
            return h.send_json(200, dict({"kind": "PodMetrics", "apiVersion": GV},
                                         **pod_metrics(p, now_iso)))
        pods = st.snapshot("pods", ns, None)[2]
    items = [pod_metrics(p, now_iso) for p in pods if _running(p)
             and sel.match_labels(lreq, p["metadata"].get("labels")) and sel.match_fields(freq, p)]
    h.send_json(200, {"kind": "PodMetricsList", "apiVersion": GV, "metadata": {}, "items": items})
