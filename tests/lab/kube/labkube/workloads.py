"""Workload controllers: Deployment, ReplicaSet, StatefulSet, DaemonSet, PodDisruptionBudget.

Each reconcile gets the current object (the caller holds the store lock),
creates/deletes owned objects, and writes status only when it changed.
Status fields follow the Go structs' omitempty rules, so zero counts are
absent exactly where a real server omits them.
"""

import math
import time

from . import labels as sel
from . import objects, util


def _int_or_pct(v, total, round_up):
    if isinstance(v, str) and v.endswith("%"):
        x = int(v[:-1]) * total / 100.0
        return int(math.ceil(x)) if round_up else int(math.floor(x))
    return int(v or 0)


def _rev(rs):
    return int((rs["metadata"].get("annotations") or {}).get(
        "deployment.kubernetes.io/revision", "0") or 0)


def _owned(objs, uid):
    out = []
    for o in objs:
        ref = objects.controller_of(o)
        if ref and ref["uid"] == uid:
            out.append(o)
    return out


def _ordinal(name):
    tail = name.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else -1


def _omit_zero(d, keep=()):
    return {k: v for k, v in d.items() if v or k in keep}


def _keep_conds(old, new_conds, now_iso, times=("lastTransitionTime",)):
    prev = {c["type"]: c for c in old or ()}
    out = []
    for c in new_conds:
        p = prev.get(c["type"])
        if p and p["status"] == c["status"] and p.get("reason") == c.get("reason") \
                and p.get("message") == c.get("message"):
            out.append(p)
            continue
        c = dict(c)
        for t in times:
            if t == "lastTransitionTime" and p and p["status"] == c["status"]:
                c[t] = p[t]
            else:
                c[t] = now_iso
        out.append(c)
    return out


class Workloads:
    def __init__(self, sim):
        self.sim = sim
        self.store = sim.store
        self.kubelet = sim.kubelet

    def _put_status(self, res, obj, status):
        if status == obj.get("status"):
            return obj
        o = dict(obj)
        o["metadata"] = dict(obj["metadata"])
        o["status"] = status
        return self.store.update(res, o)

    def _put_spec(self, res, obj, spec, annotations=None):
        o = dict(obj)
        o["metadata"] = dict(obj["metadata"])
        if annotations is not None:
            o["metadata"]["annotations"] = annotations
        o["spec"] = spec
        return self.store.update(res, o)

    def pods_of(self, owner):
        return _owned(self.store.by_index("pods", "owner", owner["metadata"]["uid"]),
                      owner["metadata"]["uid"])

    # ------------------------------------------------------------ ReplicaSet
    def replicaset(self, rs):
        md = rs["metadata"]
        if md.get("deletionTimestamp"):
            return
        want = rs["spec"].get("replicas", 1)
        pods = self.pods_of(rs)
        active = [p for p in pods if objects.pod_active(p)]
        diff = len(active) - want
        if diff < 0:
            n = min(-diff, 500)
            for _ in range(n):
                self._create_rs_pod(rs)
            if -diff > n:
                self.sim.dirty.add(("replicasets", md["namespace"], md["name"]))
        elif diff > 0:
            def rank(p):
                st = p["status"]
                phase = {"Pending": 0, "Unknown": 1, "Running": 2}.get(st.get("phase"), 2)
                return (1 if p["spec"].get("nodeName") else 0, phase,
                        1 if objects.pod_ready(p) else 0,
                        -(util.parse_iso(p["metadata"]["creationTimestamp"]) or 0))
            for p in sorted(active, key=rank)[:diff]:
                self.kubelet.delete_pod(p)
                self.sim.emit(rs, "ReplicaSet", "apps/v1", "SuccessfulDelete",
                              "Deleted pod: %s" % p["metadata"]["name"], "Normal",
                              "replicaset-controller")
        pods = self.pods_of(rs)
        active = [p for p in pods if objects.pod_active(p)]
        ready = sum(1 for p in active if objects.pod_ready(p))
        status = _omit_zero({"replicas": len(active), "fullyLabeledReplicas": len(active),
                             "readyReplicas": ready, "availableReplicas": ready,
                             "observedGeneration": md.get("generation", 1)},
                            keep=("replicas",))
        self._put_status("replicasets", rs, status)

    def _create_rs_pod(self, rs):
        md = rs["metadata"]
        tpl = rs["spec"]["template"]
        labels, refs, spec = objects.shared_parts("ReplicaSet", "apps/v1", rs, tpl,
                                                  str(md.get("generation", 1)), {})
        ns = md["namespace"]
        while True:
            name = "%s-%s" % (md["name"], util.rand_suffix(self.sim.rng))
            if self.store.get("pods", ns, name) is None:
                break
        pod = objects.new_pod(name, ns, labels, refs, spec, tpl, util.iso(),
                              generate_name=md["name"] + "-")
        self.store.create("pods", pod)
        self.sim.emit(rs, "ReplicaSet", "apps/v1", "SuccessfulCreate", "Created pod: " + name,
                      "Normal", "replicaset-controller")

    # ------------------------------------------------------------ Deployment
    def deployment(self, d):
        md, spec = d["metadata"], d["spec"]
        if md.get("deletionTimestamp"):
            return
        uid = md["uid"]
        desired = spec.get("replicas", 1)
        tpl = spec["template"]
        h = objects.template_hash(tpl)
        rss = sorted(_owned(self.store.by_index("replicasets", "owner", uid), uid),
                     key=lambda r: (_rev(r), r["metadata"]["name"]))
        new = next((r for r in rss if (r["metadata"].get("labels") or {}).get(
            "pod-template-hash") == h), None)
        maxrev = max([_rev(r) for r in rss] or [0])
        now_iso = util.iso()
        strategy = spec.get("strategy") or {}
        ru = strategy.get("rollingUpdate") or {}
        surge = _int_or_pct(ru.get("maxSurge", "25%"), desired, True)
        unavail = _int_or_pct(ru.get("maxUnavailable", "25%"), desired, False)
        if surge == 0 and unavail == 0:
            unavail = 1
        if new is None and not spec.get("paused"):
            active_old = any(r["spec"].get("replicas", 0) > 0 for r in rss)
            init = 0 if active_old else desired
            new = objects.replicaset(d, tpl, h, init, maxrev + 1, now_iso)
            new["metadata"]["annotations"]["deployment.kubernetes.io/max-replicas"] = str(desired + surge)
            new = self.store.create("replicasets", new)
            rss.append(new)
            if init:
                self._scaled_event(d, new, 0, init)
            maxrev += 1
        elif new is not None and _rev(new) < maxrev:
            ann = dict(new["metadata"].get("annotations") or {})
            ann["deployment.kubernetes.io/revision"] = str(maxrev + 1)
            new = self._put_spec("replicasets", new, new["spec"], ann)
            rss = [new if r["metadata"]["uid"] == new["metadata"]["uid"] else r for r in rss]
            maxrev += 1
        if new is not None and (md.get("annotations") or {}).get(
                "deployment.kubernetes.io/revision") != str(_rev(new)):
            d2 = dict(d)
            d2["metadata"] = dict(md)
            d2["metadata"]["annotations"] = dict(md.get("annotations") or {})
            d2["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = str(_rev(new))
            d = self.store.update("deployments", d2)
            md = d["metadata"]
        olds = [r for r in rss if r is not new]
        target = {r["metadata"]["name"]: r["spec"].get("replicas", 0) for r in rss}
        avail = {r["metadata"]["name"]: r["status"].get("availableReplicas", 0) for r in rss}
        nn = new["metadata"]["name"] if new is not None else None
        if nn is not None and not spec.get("paused"):
            if strategy.get("type") == "Recreate":
                for o in olds:
                    target[o["metadata"]["name"]] = 0
                if all(o["status"].get("replicas", 0) == 0 for o in olds):
                    target[nn] = desired
            else:
                self._rolling(target, avail, nn, [o["metadata"]["name"] for o in olds],
                              desired, surge, unavail)
        for r in rss:
            name = r["metadata"]["name"]
            cur = r["spec"].get("replicas", 0)
            if target[name] != cur:
                ann = dict(r["metadata"].get("annotations") or {})
                ann["deployment.kubernetes.io/desired-replicas"] = str(desired)
                ann["deployment.kubernetes.io/max-replicas"] = str(desired + surge)
                self._put_spec("replicasets", r, dict(r["spec"], replicas=target[name]), ann)
                self._scaled_event(d, r, cur, target[name])
        # history limit
        limit = spec.get("revisionHistoryLimit", 10)
        dead = [r for r in olds if target[r["metadata"]["name"]] == 0
                and r["status"].get("replicas", 0) == 0]
        for r in dead[:max(0, len(dead) - limit)]:
            self.store.delete("replicasets", r["metadata"]["namespace"], r["metadata"]["name"])
        self._deployment_status(d, new, rss, target, desired, unavail, now_iso)

    def _rolling(self, target, avail, nn, olds, desired, surge, unavail):
        old_total = sum(target[o] for o in olds)
        if old_total == 0:
            target[nn] = desired
            return
        all_rep = old_total + target[nn]
        if target[nn] < desired:
            up = min(desired + surge - all_rep, desired - target[nn])
            if up > 0:
                target[nn] += up
        elif target[nn] > desired:
            target[nn] = desired
        all_rep = sum(target.values())
        min_avail = desired - unavail
        new_unavail = max(0, target[nn] - avail.get(nn, 0))
        max_down = all_rep - min_avail - new_unavail
        if max_down <= 0:
            return
        for o in olds:
            if max_down <= 0:
                break
            unhealthy = max(0, target[o] - avail.get(o, 0))
            dn = min(unhealthy, max_down, target[o])
            target[o] -= dn
            max_down -= dn
        can = min(max_down, sum(avail.values()) - min_avail)
        for o in olds:
            if can <= 0:
                break
            dn = min(target[o], can)
            target[o] -= dn
            can -= dn

    def _scaled_event(self, d, rs, frm, to):
        verb = "up" if to > frm else "down"
        self.sim.emit(d, "Deployment", "apps/v1", "ScalingReplicaSet",
                      "Scaled %s replica set %s from %d to %d" % (
                          verb, rs["metadata"]["name"], frm, to),
                      "Normal", "deployment-controller")

    def _deployment_status(self, d, new, rss, target, desired, unavail, now_iso):
        spec = d["spec"]
        cur = {r["metadata"]["name"]: r for r in rss}
        for name in list(cur):
            got = self.store.get("replicasets", d["metadata"]["namespace"], name)
            if got is not None:
                cur[name] = got
        sts = [r["status"] for r in cur.values()]
        replicas = sum(s.get("replicas", 0) for s in sts)
        updated = cur[new["metadata"]["name"]]["status"].get("replicas", 0) if new else 0
        ready = sum(s.get("readyReplicas", 0) for s in sts)
        available = sum(s.get("availableReplicas", 0) for s in sts)
        unavailable = max(0, sum(target.values()) - available)
        old = d.get("status") or {}
        conds = []
        if available >= desired - unavail:
            conds.append({"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
                          "message": "Deployment has minimum availability."})
        else:
            conds.append({"type": "Available", "status": "False",
                          "reason": "MinimumReplicasUnavailable",
                          "message": "Deployment does not have minimum availability."})
        rsname = new["metadata"]["name"] if new else ""
        complete = updated == desired and replicas == desired and available == desired
        if complete:
            prog = {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
                    "message": 'ReplicaSet "%s" has successfully progressed.' % rsname}
        else:
            prog = {"type": "Progressing", "status": "True", "reason": "ReplicaSetUpdated",
                    "message": 'ReplicaSet "%s" is progressing.' % rsname}
            for c in old.get("conditions") or ():
                if c["type"] == "Progressing" and c.get("reason") in ("ReplicaSetUpdated", "ProgressDeadlineExceeded"):
                    since = util.parse_iso(c.get("lastUpdateTime")) or time.time()
                    if time.time() - since > spec.get("progressDeadlineSeconds", 600):
                        prog = {"type": "Progressing", "status": "False",
                                "reason": "ProgressDeadlineExceeded",
                                "message": 'ReplicaSet "%s" has timed out progressing.' % rsname}
        conds.append(prog)
        conds = _keep_conds(old.get("conditions"), conds, now_iso,
                            ("lastUpdateTime", "lastTransitionTime"))
        # field order as the API server writes it
        conds = [{k: c[k] for k in ("type", "status", "lastUpdateTime", "lastTransitionTime",
                                    "reason", "message") if k in c} for c in conds]
        status = _omit_zero({"observedGeneration": d["metadata"].get("generation", 1),
                             "replicas": replicas, "updatedReplicas": updated,
                             "readyReplicas": ready, "availableReplicas": available,
                             "unavailableReplicas": unavailable, "conditions": conds})
        self._put_status("deployments", d, status)
        if not complete and not any(c.get("reason") == "ProgressDeadlineExceeded" for c in conds):
            self.sim.timer(5.0, "dirty", ("deployments", d["metadata"]["namespace"],
                                          d["metadata"]["name"]))

    # ------------------------------------------------------------ StatefulSet
    def statefulset(self, s):
        md, spec = s["metadata"], s["spec"]
        if md.get("deletionTimestamp"):
            return
        want = spec.get("replicas", 1)
        rev = "%s-%s" % (md["name"], objects.template_hash(spec["template"], 10))
        pods = {}
        for p in self.pods_of(s):
            pods[_ordinal(p["metadata"]["name"])] = p
        ordered = spec.get("podManagementPolicy", "OrderedReady") != "Parallel"

        def healthy(i):
            p = pods.get(i)
            return p is not None and objects.pod_ready(p) and not p["metadata"].get("deletionTimestamp")

        busy = False
        for i in range(want):
            if i not in pods:
                if ordered and not all(healthy(j) for j in range(i)):
                    busy = True
                    break
                self._create_sts_pod(s, i, rev)
                busy = True
                if ordered:
                    break
            elif ordered and not healthy(i):
                busy = True
                break
        extra = sorted((i for i in pods if i >= want), reverse=True)
        if extra:
            busy = True
            victim = pods[extra[0]]
            if not victim["metadata"].get("deletionTimestamp") and (
                    not ordered or all(healthy(j) for j in pods if j != extra[0])):
                self.kubelet.delete_pod(victim)
                self.sim.emit(s, "StatefulSet", "apps/v1", "SuccessfulDelete",
                              "delete Pod %s in StatefulSet %s successful" % (
                                  victim["metadata"]["name"], md["name"]),
                              "Normal", "statefulset-controller")
        if not busy:
            outdated = [i for i in range(want) if i in pods and (
                pods[i]["metadata"].get("labels") or {}).get("controller-revision-hash") != rev]
            if outdated and all(healthy(i) for i in range(want)):
                victim = pods[max(outdated)]
                self.kubelet.delete_pod(victim)
        pods = {_ordinal(p["metadata"]["name"]): p for p in self.pods_of(s)}
        live = [p for p in pods.values() if not p["metadata"].get("deletionTimestamp")]
        ready = sum(1 for p in live if objects.pod_ready(p))
        updated = sum(1 for p in live if p["metadata"]["labels"].get("controller-revision-hash") == rev)
        old = s.get("status") or {}
        current_rev = old.get("currentRevision") or rev
        if updated == want and ready == want:
            current_rev = rev
        current = sum(1 for p in live if p["metadata"]["labels"].get("controller-revision-hash") == current_rev)
        status = _omit_zero({"observedGeneration": md.get("generation", 1), "replicas": len(pods),
                             "readyReplicas": ready, "currentReplicas": current,
                             "updatedReplicas": updated, "currentRevision": current_rev,
                             "updateRevision": rev, "collisionCount": 0,
                             "availableReplicas": ready},
                            keep=("replicas", "availableReplicas", "collisionCount"))
        self._put_status("statefulsets", s, status)

    def _create_sts_pod(self, s, i, rev):
        md = s["metadata"]
        name = "%s-%d" % (md["name"], i)
        tpl = s["spec"]["template"]
        labels, refs, spec = objects.shared_parts("StatefulSet", "apps/v1", s, tpl, rev, {})
        labels = dict(labels)
        labels.update({"apps.kubernetes.io/pod-index": str(i), "controller-revision-hash": rev,
                       "statefulset.kubernetes.io/pod-name": name})
        spec = dict(spec, hostname=name, subdomain=s["spec"].get("serviceName", md["name"]))
        pod = objects.new_pod(name, md["namespace"], labels, refs, spec, tpl, util.iso(),
                              generate_name=md["name"] + "-")
        self.store.create("pods", pod)
        self.sim.emit(s, "StatefulSet", "apps/v1", "SuccessfulCreate",
                      "create Pod %s in StatefulSet %s successful" % (name, md["name"]),
                      "Normal", "statefulset-controller")

    # ------------------------------------------------------------ DaemonSet
    @staticmethod
    def ds_node(p):
        if p["spec"].get("nodeName"):
            return p["spec"]["nodeName"]
        aff = ((p["spec"].get("affinity") or {}).get("nodeAffinity") or {}).get(
            "requiredDuringSchedulingIgnoredDuringExecution") or {}
        for t in aff.get("nodeSelectorTerms") or ():
            for mf in t.get("matchFields") or ():
                if mf.get("key") == "metadata.name" and mf.get("values"):
                    return mf["values"][0]
        return None

    def daemonset(self, ds):
        from .controllers import tolerates
        md, spec = ds["metadata"], ds["spec"]
        if md.get("deletionTimestamp"):
            return
        tpl = spec["template"]
        rev = objects.template_hash(tpl, 10)
        probe = {"spec": {"tolerations": list(tpl["spec"].get("tolerations") or [])
                          + objects.DS_TOLERATIONS}}
        eligible = []
        for n in sorted(self.store.all("nodes"), key=lambda n: n["metadata"]["name"]):
            if n["metadata"].get("deletionTimestamp"):
                continue
            labels = n["metadata"].get("labels") or {}
            if any(labels.get(k) != v for k, v in (tpl["spec"].get("nodeSelector") or {}).items()):
                continue
            if any(t.get("effect") in ("NoSchedule", "NoExecute") and not tolerates(probe, t)
                   for t in n["spec"].get("taints") or ()):
                continue
            eligible.append(n["metadata"]["name"])
        by_node = {}
        for p in self.pods_of(ds):
            by_node.setdefault(self.ds_node(p), []).append(p)
        for node in eligible:
            if not [p for p in by_node.get(node, ()) if objects.pod_active(p)]:
                self._create_ds_pod(ds, node, rev)
        for node, ps in by_node.items():
            if node not in eligible:
                for p in ps:
                    self.kubelet.delete_pod(p)
        pods = [p for p in self.pods_of(ds) if objects.pod_active(p)]
        if all(objects.pod_ready(p) for p in pods) and len(pods) >= len(eligible):
            outdated = [p for p in pods if p["metadata"]["labels"].get("controller-revision-hash") != rev]
            if outdated:
                self.kubelet.delete_pod(sorted(outdated, key=lambda p: p["metadata"]["name"])[0])
        pods = [p for p in self.pods_of(ds) if objects.pod_active(p)]
        on = [p for p in pods if self.ds_node(p) in eligible]
        ready = sum(1 for p in on if objects.pod_ready(p))
        upd = sum(1 for p in on if p["metadata"]["labels"].get("controller-revision-hash") == rev)
        status = _omit_zero({"currentNumberScheduled": len(on),
                             "numberMisscheduled": len(pods) - len(on),
                             "desiredNumberScheduled": len(eligible), "numberReady": ready,
                             "observedGeneration": md.get("generation", 1),
                             "updatedNumberScheduled": upd, "numberAvailable": ready,
                             "numberUnavailable": max(0, len(eligible) - ready)},
                            keep=("currentNumberScheduled", "numberMisscheduled",
                                  "desiredNumberScheduled", "numberReady"))
        self._put_status("daemonsets", ds, status)

    def _create_ds_pod(self, ds, node, rev):
        md = ds["metadata"]
        tpl = ds["spec"]["template"]
        labels, refs, spec = objects.shared_parts(
            "DaemonSet", "apps/v1", ds, tpl, rev,
            {"controller-revision-hash": rev,
             "pod-template-generation": str(md.get("generation", 1))}, daemon=True)
        spec = dict(spec, affinity={"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In",
                                                    "values": [node]}]}]}}})
        ns = md["namespace"]
        while True:
            name = "%s-%s" % (md["name"], util.rand_suffix(self.sim.rng))
            if self.store.get("pods", ns, name) is None:
                break
        pod = objects.new_pod(name, ns, labels, refs, spec, tpl, util.iso(),
                              generate_name=md["name"] + "-")
        self.store.create("pods", pod)
        self.sim.emit(ds, "DaemonSet", "apps/v1", "SuccessfulCreate", "Created pod: " + name,
                      "Normal", "daemonset-controller")

    # ------------------------------------------------------------ PDB
    def pdb_eval(self, pdb):
        ns = pdb["metadata"]["namespace"]
        reqs = sel.selector_from_match_labels(pdb["spec"].get("selector"))
        pods = [p for p in self.store.all("pods", ns)
                if sel.match_labels(reqs, p["metadata"].get("labels"))
                and p["status"].get("phase") not in ("Succeeded", "Failed")]
        healthy = sum(1 for p in pods if objects.pod_ready(p)
                      and not p["metadata"].get("deletionTimestamp"))
        spec = pdb["spec"]
        expected = len(pods)
        if "maxUnavailable" in spec or isinstance(spec.get("minAvailable"), str):
            scale = 0
            seen = set()
            for p in pods:
                ref = objects.controller_of(p)
                if not ref or ref["uid"] in seen:
                    continue
                seen.add(ref["uid"])
                res = {"ReplicaSet": "replicasets", "StatefulSet": "statefulsets"}.get(ref["kind"])
                owner = self.store.get(res, ns, ref["name"]) if res else None
                scale += owner["spec"].get("replicas", 1) if owner else 1
            expected = scale or len(pods)
        if "maxUnavailable" in spec:
            desired = max(0, expected - _int_or_pct(spec["maxUnavailable"], expected, True))
        else:
            desired = _int_or_pct(spec.get("minAvailable", 1), expected, True)
        allowed = max(0, healthy - desired)
        return expected, desired, healthy, allowed

    def pdb(self, pdb):
        expected, desired, healthy, allowed = self.pdb_eval(pdb)
        old = pdb.get("status") or {}
        st = self._pdb_status(pdb, expected, desired, healthy, allowed, old)
        self._put_status("poddisruptionbudgets", pdb, st)

    def _pdb_status(self, pdb, expected, desired, healthy, allowed, old):
        gen = pdb["metadata"].get("generation", 1)
        c = {"type": "DisruptionAllowed", "status": "True" if allowed > 0 else "False",
             "observedGeneration": gen,
             "reason": "SufficientPods" if allowed > 0 else "InsufficientPods", "message": ""}
        conds = _keep_conds(old.get("conditions"), [c], util.iso())
        conds = [{k: x[k] for k in ("type", "status", "observedGeneration", "lastTransitionTime",
                                    "reason", "message") if k in x} for x in conds]
        return {"observedGeneration": gen, "disruptionsAllowed": allowed,
                "currentHealthy": healthy, "desiredHealthy": desired, "expectedPods": expected,
                "conditions": conds}

    def eviction_check(self, pod):
        """Return None if the pod may be evicted, else (code, message, causes)."""
        md = pod["metadata"]
        phase = pod["status"].get("phase")
        if md.get("deletionTimestamp") or phase in ("Succeeded", "Failed", "Pending"):
            return None
        matching = [p for p in self.store.all("poddisruptionbudgets", md["namespace"])
                    if sel.match_labels(sel.selector_from_match_labels(p["spec"].get("selector")),
                                        md.get("labels"))]
        if not matching:
            return None
        if len(matching) > 1:
            return (500, "This pod has more than one PodDisruptionBudget, which the eviction "
                         "subresource does not support.", None)
        pdb = matching[0]
        expected, desired, healthy, allowed = self.pdb_eval(pdb)
        if not objects.pod_ready(pod) and healthy >= desired:
            return None
        if allowed <= 0:
            return (429, "Cannot evict pod as it would violate the pod's disruption budget.",
                    [{"reason": "DisruptionBudget",
                      "message": "The disruption budget %s needs %d healthy pods and has %d currently"
                                 % (pdb["metadata"]["name"], desired, healthy)}])
        st = self._pdb_status(pdb, expected, desired, healthy - 1, allowed - 1,
                              pdb.get("status") or {})
        self._put_status("poddisruptionbudgets", pdb, st)
        return None
