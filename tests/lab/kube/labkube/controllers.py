"""The simulation thread: work queues, timers, scheduler, events, GC, nodes, namespaces.

Store listeners only mark work (dirty keys); one background thread does
the reconciling, always under the store lock so API writes and controller
writes never interleave inside a read-modify-write.  The workload
controllers themselves (deployments, replicasets, statefulsets,
daemonsets, PDBs) are in workloads.py.
"""

import collections
import heapq
import random
import threading
import time
import traceback

from . import batch, objects, util, workloads
from .kubelet import Kubelet

OWNER_RES = {"ReplicaSet": "replicasets", "StatefulSet": "statefulsets",
             "DaemonSet": "daemonsets", "Deployment": "deployments", "Job": "jobs",
             "CronJob": "cronjobs"}
WORKLOADS = ("deployments", "replicasets", "statefulsets", "daemonsets",
             "poddisruptionbudgets", "jobs", "cronjobs", "horizontalpodautoscalers")
SCALABLE = ("deployments", "statefulsets", "replicasets")


def _app_of(o):
    app = (o["metadata"].get("labels") or {}).get("app")
    return "%s/%s" % (o["metadata"].get("namespace", ""), app) if app else None


def _owner_uids(o):
    return [r["uid"] for r in o["metadata"].get("ownerReferences") or ()]


def _node_of(o):
    return o["spec"].get("nodeName") or None


def tolerates(pod, taint):
    for t in pod["spec"].get("tolerations") or ():
        op = t.get("operator", "Equal")
        if t.get("key") and t["key"] != taint.get("key"):
            continue
        if not t.get("key") and op != "Exists":
            continue
        if op != "Exists" and t.get("value", "") != taint.get("value", ""):
            continue
        if t.get("effect") and t["effect"] != taint.get("effect"):
            continue
        return True
    return False


class Sim:
    def __init__(self, store, cfg):
        self.store = store
        self.cfg = cfg
        self.rng = random.Random(cfg.seed * 7919 + 17)
        self.cv = threading.Condition()
        self.timers = []
        self.seq = 0
        self.dirty = set()
        self.sched = set()
        self.sched_retry = set()
        self.gc = []
        self.pdb_ns = set()
        self.ns_dirty = set()
        self.nodes_changed = False
        self.event_keys = {}
        self.event_order = collections.deque()
        self.stopping = False
        self.kubelet = Kubelet(self)
        self.wl = workloads.Workloads(self)
        self.batch = batch.Batch(self)
        store.add_index("pods", "owner", _owner_uids)
        store.add_index("pods", "node", _node_of)
        store.add_index("pods", "app", _app_of)
        store.add_index("replicasets", "owner", _owner_uids)
        store.add_index("jobs", "owner", _owner_uids)
        store.listeners.append(self.on_event)
        self._last_sched_retry = 0.0
        self._last_pdb = 0.0

    # ------------------------------------------------------------ queues
    def timer(self, delay, kind, arg):
        with self.cv:
            self.seq += 1
            heapq.heappush(self.timers, (time.time() + delay, self.seq, kind, arg))
            self.cv.notify()

    def on_event(self, ev):
        """Store listener (runs under the store lock): only marks work."""
        res = ev.res
        o = ev.obj
        if res == "pods":
            ref = objects.controller_of(o)
            if ref and ref["kind"] in OWNER_RES:
                self.dirty.add((OWNER_RES[ref["kind"]], ev.ns, ref["name"]))
            # the endpoints of the services that select it
            for p in (o, ev.old):
                app = _app_of(p) if p is not None else None
                if app:
                    self.dirty.add(("endpoints-app", ev.ns, app.split("/", 1)[1]))
            if (ev.type != "DELETED" and not o["spec"].get("nodeName")
                    and not o["metadata"].get("deletionTimestamp")):
                self.sched.add((ev.ns, o["metadata"]["name"]))
            elif ev.type == "ADDED" and o["spec"].get("nodeName") and not o["status"].get("containerStatuses"):
                self.dirty.add(("kubelet-start", ev.ns, o["metadata"]["name"]))
            if ev.ns in self.pdb_ns_known():
                self.pdb_ns.add(ev.ns)
        elif res in WORKLOADS:
            if ev.type == "DELETED":
                self.gc.append(ev.old["metadata"]["uid"])
                if res == "poddisruptionbudgets":
                    self._pdb_cache = None
            else:
                self.dirty.add((res, ev.ns, o["metadata"]["name"]))
                if res == "poddisruptionbudgets":
                    self._pdb_cache = None
            if res == "replicasets":
                ref = objects.controller_of(o)
                if ref and ref["kind"] == "Deployment":
                    self.dirty.add(("deployments", ev.ns, ref["name"]))
            if res == "jobs":
                ref = objects.controller_of(o)
                if ref and ref["kind"] == "CronJob":
                    self.dirty.add(("cronjobs", ev.ns, ref["name"]))
            if res in SCALABLE:
                for h in self.store.all("horizontalpodautoscalers", ev.ns):
                    self.dirty.add(("horizontalpodautoscalers", ev.ns, h["metadata"]["name"]))
        elif res == "services":
            if ev.type != "DELETED":
                self.dirty.add(("endpoints-svc", ev.ns, o["metadata"]["name"]))
            else:
                for r in ("endpoints", "endpointslices"):
                    for e in self.store.all(r, ev.ns):
                        if e["metadata"]["name"] == o["metadata"]["name"] or \
                                (e["metadata"].get("labels") or {}).get("kubernetes.io/service-name") == o["metadata"]["name"]:
                            self.gc.append(("delete", r, ev.ns, e["metadata"]["name"]))
        elif res == "nodes":
            self.nodes_changed = True
            self.dirty.add(("nodes", "", o["metadata"]["name"]))
            if ev.type == "DELETED":
                for p in self.store.by_index("pods", "node", o["metadata"]["name"]):
                    self.dirty.add(("orphan-pod", p["metadata"]["namespace"], p["metadata"]["name"]))
        elif res == "namespaces":
            if o["metadata"].get("deletionTimestamp") and ev.type != "DELETED":
                self.ns_dirty.add(o["metadata"]["name"])
        elif res == "customresourcedefinitions":
            # the resource a CRD defines is served (again) as it says now
            from . import resources as R
            if ev.old is not None:
                R.remove_custom(ev.old)
            if ev.type != "DELETED":
                R.add_custom(o)
            else:
                sp = o.get("spec") or {}
                self.store.data.pop("%s.%s" % ((sp.get("names") or {}).get("plural", ""), sp.get("group", "")), None)
        if self.dirty or self.gc or self.sched:
            with self.cv:
                self.cv.notify()

    _pdb_cache = None

    def pdb_ns_known(self):
        if self._pdb_cache is None:
            self._pdb_cache = set(self.store.namespaces_of("poddisruptionbudgets"))
        return self._pdb_cache

    # ------------------------------------------------------------ loop
    def start(self):
        t = threading.Thread(target=self.run, name="sim", daemon=True)
        t.start()
        return t

    def run(self):
        last = time.time()
        while not self.stopping:
            with self.cv:
                now = time.time()
                wait = 0.1
                if self.timers:
                    wait = max(0.0, min(wait, self.timers[0][0] - now))
                if not (self.dirty or self.gc) and wait > 0:
                    self.cv.wait(wait)
            now = time.time()
            try:
                self.kubelet.churn(now - last)
                last = now
                self.run_timers(now)
                self.batch.cron_tick(now)
                self.process()
            except Exception:
                traceback.print_exc()

    def run_timers(self, now):
        due = []
        with self.cv:
            while self.timers and self.timers[0][0] <= now:
                due.append(heapq.heappop(self.timers))
        for _, _, kind, arg in due:
            try:
                if kind == "kubelet":
                    self.kubelet.handle(arg)
                elif kind == "dirty":
                    with self.store.lock:
                        self.dirty.add(arg)
            except Exception:
                traceback.print_exc()

    def process(self):
        st = self.store
        for _ in range(4):
            with st.lock:
                gc, self.gc = self.gc, []
                dirty, self.dirty = self.dirty, set()
            for uid in gc:
                with st.lock:
                    if isinstance(uid, tuple):
                        _, r, ns, name = uid
                        st.delete(r, ns, name)
                    else:
                        self.collect(uid)
            for key in sorted(dirty):
                with st.lock:
                    self.reconcile(key)
            if not (self.dirty or self.gc):
                break
        now = time.time()
        retry = self.sched_retry and (self.nodes_changed or now - self._last_sched_retry > 2.0)
        if self.sched or retry:
            self.schedule(retry)
        if self.pdb_ns and now - self._last_pdb > 0.5:
            self._last_pdb = now
            with st.lock:
                nss, self.pdb_ns = self.pdb_ns, set()
                for ns in nss:
                    for p in st.all("poddisruptionbudgets", ns):
                        self.wl.pdb(p)
        if self.ns_dirty:
            with st.lock:
                nss, self.ns_dirty = self.ns_dirty, set()
                for ns in nss:
                    self.finish_namespace(ns)

    def reconcile(self, key):
        res, ns, name = key
        st = self.store
        if res == "kubelet-start":
            p = st.get("pods", ns, name)
            if p is not None and not p["status"].get("containerStatuses") and p["spec"].get("nodeName"):
                self.kubelet.on_scheduled(p)
            return
        if res == "orphan-pod":
            p = st.get("pods", ns, name)
            if p is not None:
                st.delete("pods", ns, name)
            return
        if res == "endpoints-svc":
            svc = st.get("services", ns, name)
            if svc is not None:
                self.batch.endpoints(svc)
            return
        if res == "endpoints-app":
            for svc in st.all("services", ns):
                if ((svc.get("spec") or {}).get("selector") or {}).get("app") == name:
                    self.batch.endpoints(svc)
            return
        obj = st.get(res, ns, name)
        if obj is None:
            return
        if res == "nodes":
            self.node(obj)
            return
        if res == "deployments":
            self.wl.deployment(obj)
        elif res == "replicasets":
            self.wl.replicaset(obj)
        elif res == "statefulsets":
            self.wl.statefulset(obj)
        elif res == "daemonsets":
            self.wl.daemonset(obj)
        elif res == "poddisruptionbudgets":
            self.wl.pdb(obj)
        elif res == "jobs":
            self.batch.job(obj)
        elif res == "cronjobs":
            self.batch.cronjob(obj)
        elif res == "horizontalpodautoscalers":
            self.batch.hpa(obj)

    # ------------------------------------------------------------ events
    def emit(self, obj, kind, api_version, reason, message, etype, component, host=None,
             field=None):
        st = self.store
        if self.cfg.max_events <= 0:
            return
        md = obj["metadata"]
        key = (md.get("uid"), reason, message, field)
        now = time.time()
        with st.lock:
            loc = self.event_keys.get(key)
            if loc is not None:
                e = st.get("events", loc[0], loc[1])
                if e is not None:
                    e2 = dict(e)
                    e2["metadata"] = dict(e["metadata"])
                    e2["count"] = e.get("count", 1) + 1
                    e2["lastTimestamp"] = util.iso(now)
                    st.update("events", e2)
                    return
            e = objects.event(obj, kind, api_version, reason, message, etype, component,
                              host, now, field)
            while st.get("events", e["metadata"]["namespace"], e["metadata"]["name"]):
                e["metadata"]["name"] = "%s.%x" % (md["name"], int(now * 1e9) + self.rng.randrange(1 << 20))
            st.create("events", e)
            self.event_keys[key] = (e["metadata"]["namespace"], e["metadata"]["name"])
            self.event_order.append(key)
            while len(self.event_order) > self.cfg.max_events:
                old = self.event_order.popleft()
                loc = self.event_keys.pop(old, None)
                if loc:
                    st.delete("events", loc[0], loc[1])

    # ------------------------------------------------------------ scheduler
    def schedule(self, retry_too):
        st = self.store
        with st.lock:
            todo, self.sched = self.sched, set()
            if retry_too:
                todo |= self.sched_retry
                self.sched_retry = set()
                self.nodes_changed = False
                self._last_sched_retry = time.time()
            nodes = sorted(st.all("nodes"), key=lambda n: n["metadata"]["name"])
            node_idx = st.indexes["pods"]["node"][1]
            retry = set()
            for ns, name in sorted(todo):
                pod = st.get("pods", ns, name)
                if (pod is None or pod["spec"].get("nodeName")
                        or pod["metadata"].get("deletionTimestamp")):
                    continue
                best, why = None, collections.Counter()
                for n in nodes:
                    ok, reason = self.fits(pod, n, node_idx)
                    if not ok:
                        why[reason] += 1
                        continue
                    load = len(node_idx.get(n["metadata"]["name"], ()))
                    if best is None or load < best[0]:
                        best = (load, n)
                if best is None:
                    self.unschedulable(pod, len(nodes), why)
                    retry.add((ns, name))
                    continue
                self.bind(pod, best[1])
            self.sched_retry |= retry

    def fits(self, pod, n, node_idx):
        name = n["metadata"]["name"]
        if n["metadata"].get("deletionTimestamp") or not objects.node_ready(n):
            return False, "node(s) were not ready"
        spec = n["spec"]
        if spec.get("unschedulable") and not tolerates(
                pod, {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}):
            return False, "node(s) were unschedulable"
        for t in spec.get("taints") or ():
            if t.get("effect") in ("NoSchedule", "NoExecute") and not tolerates(pod, t):
                if t["key"] == "node.kubernetes.io/unschedulable":
                    return False, "node(s) were unschedulable"
                return False, "node(s) had untolerated taint {%s: %s}" % (t["key"], t.get("value", ""))
        labels = n["metadata"].get("labels") or {}
        for k, v in (pod["spec"].get("nodeSelector") or {}).items():
            if labels.get(k) != v:
                return False, "node(s) didn't match Pod's node affinity/selector"
        aff = ((pod["spec"].get("affinity") or {}).get("nodeAffinity") or {}).get(
            "requiredDuringSchedulingIgnoredDuringExecution")
        if aff:
            ok = False
            for term in aff.get("nodeSelectorTerms") or ():
                good = True
                for mf in term.get("matchFields") or ():
                    if mf.get("key") == "metadata.name" and mf.get("operator") == "In":
                        good = good and name in (mf.get("values") or ())
                for me in term.get("matchExpressions") or ():
                    if me.get("operator") == "In":
                        good = good and labels.get(me["key"]) in (me.get("values") or ())
                ok = ok or good
            if not ok:
                return False, "node(s) didn't match Pod's node affinity/selector"
        cap = int((n["status"].get("allocatable") or {}).get("pods", "110"))
        if len(node_idx.get(name, ())) >= cap:
            return False, "Too many pods"
        return True, None

    def unschedulable(self, pod, total, why):
        parts = ", ".join("%d %s" % (c, r) for r, c in sorted(why.items()))
        msg = "0/%d nodes are available: %s. preemption: 0/%d nodes are available: %d Preemption is not helpful for scheduling." % (
            total, parts, total, total)
        old = pod["status"].get("conditions") or []
        if old and old[-1].get("message") == msg:
            return
        st = {"phase": "Pending",
              "conditions": [objects.cond("PodScheduled", "False", util.iso(),
                                          "Unschedulable", msg)],
              "qosClass": pod["status"].get("qosClass", "Burstable")}
        p = self.store.update("pods", {"metadata": dict(pod["metadata"]), "spec": pod["spec"],
                                       "status": st})
        self.emit(p, "Pod", "v1", "FailedScheduling", msg, "Warning", "default-scheduler")

    def bind(self, pod, node):
        name = node["metadata"]["name"]
        now_iso = util.iso()
        st = dict(pod["status"])
        st["conditions"] = [objects.cond("PodScheduled", "True", now_iso)]
        p = self.store.update("pods", {"metadata": dict(pod["metadata"]),
                                       "spec": objects.with_node(pod["spec"], name),
                                       "status": objects.order_pod_status(st)})
        md = p["metadata"]
        self.emit(p, "Pod", "v1", "Scheduled", "Successfully assigned %s/%s to %s" % (
            md["namespace"], md["name"], name), "Normal", "default-scheduler")
        self.kubelet.on_scheduled(p)

    # ------------------------------------------------------------ nodes
    def node(self, n):
        """Node lifecycle controller: the unschedulable taint follows spec.unschedulable."""
        spec = n["spec"]
        taints = list(spec.get("taints") or [])
        has = any(t.get("key") == "node.kubernetes.io/unschedulable" for t in taints)
        want = bool(spec.get("unschedulable"))
        if has == want:
            return
        if want:
            taints.append({"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule",
                           "timeAdded": util.iso()})
            self.emit(n, "Node", "v1", "NodeNotSchedulable",
                      "Node %s status is now: NodeNotSchedulable" % n["metadata"]["name"],
                      "Normal", "kubelet", n["metadata"]["name"])
        else:
            taints = [t for t in taints if t.get("key") != "node.kubernetes.io/unschedulable"]
            self.emit(n, "Node", "v1", "NodeSchedulable",
                      "Node %s status is now: NodeSchedulable" % n["metadata"]["name"],
                      "Normal", "kubelet", n["metadata"]["name"])
        spec2 = dict(spec)
        if taints:
            spec2["taints"] = taints
        else:
            spec2.pop("taints", None)
        n2 = dict(n)
        n2["metadata"] = dict(n["metadata"])
        n2["spec"] = spec2
        self.store.update("nodes", n2)
        self.nodes_changed = True
        for ds in self.store.all("daemonsets"):
            self.dirty.add(("daemonsets", ds["metadata"]["namespace"], ds["metadata"]["name"]))

    # ------------------------------------------------------------ GC
    def collect(self, owner_uid):
        st = self.store
        objects.forget_shared(owner_uid)
        for rs in st.by_index("replicasets", "owner", owner_uid):
            st.delete("replicasets", rs["metadata"]["namespace"], rs["metadata"]["name"])
        for j in st.by_index("jobs", "owner", owner_uid):
            st.delete("jobs", j["metadata"]["namespace"], j["metadata"]["name"])
        for p in st.by_index("pods", "owner", owner_uid):
            self.kubelet.delete_pod(p)

    def finish_namespace(self, ns):
        st = self.store
        n = st.get("namespaces", "", ns)
        if n is None or not n["metadata"].get("deletionTimestamp"):
            return
        for res in list(st.data.keys()):
            if res in ("namespaces", "nodes"):
                continue
            for o in st.all(res, ns):
                st.delete(res, ns, o["metadata"]["name"])
        st.delete("namespaces", "", ns)
