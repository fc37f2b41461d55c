"""Controllers for jobs, cronjobs, autoscalers and endpoints.

- Job: keeps parallelism pods running until completions pods have
  succeeded (the kubelet runs a job's pods to completion), then marks the
  job SuccessCriteriaMet and Complete with its completionTime.
- CronJob: every few seconds, starts the job of each schedule time that has
  come (a five-field cron expression) and is not suspended, named
  CRONJOB-<minutes since the epoch> as the real controller names them;
  keeps lastScheduleTime, active and lastSuccessfulTime, and the last
  successfulJobsHistoryLimit finished jobs.
- HorizontalPodAutoscaler: status only (currentReplicas from the target,
  a steady CPU figure); the lab scales nothing by itself.
- Endpoints and EndpointSlices follow each service's selected pods.
"""

import time

from . import objects, util
from . import labels as sel

CRON_EVERY = 5.0


# ------------------------------------------------------------------ cron

def _field(spec, lo, hi):
    out = set()
    for part in spec.split(","):
        step = 1
        if "/" in part:
            part, s = part.split("/", 1)
            step = int(s)
        if part == "*":
            a, b = lo, hi
        elif "-" in part:
            a, b = (int(x) for x in part.split("-", 1))
        else:
            a = b = int(part)
            if step > 1:
                b = hi
        out.update(range(a, b + 1, step))
    return out


def cron_match(schedule, t):
    """Whether the minute starting at t matches a five-field cron schedule."""
    fields = schedule.split()
    if len(fields) != 5:
        return False
    try:
        mins, hours, doms, months, dows = (_field(fields[0], 0, 59), _field(fields[1], 0, 23),
                                           _field(fields[2], 1, 31), _field(fields[3], 1, 12),
                                           _field(fields[4], 0, 6))
    except ValueError:
        return False
    tm = time.gmtime(t)
    dow = (tm.tm_wday + 1) % 7
    return (tm.tm_min in mins and tm.tm_hour in hours and tm.tm_mday in doms and tm.tm_mon in months
            and dow in dows)


def last_schedule(schedule, now, since):
    """The latest minute after since and not after now that the schedule names, or None."""
    t = int(now // 60) * 60
    limit = max(since, now - 3 * 86400)
    while t > limit:
        if cron_match(schedule, t):
            return t
        t -= 60
    return None


# ------------------------------------------------------------------ jobs

def job_pod_labels(job):
    md = job["metadata"]
    return {"batch.kubernetes.io/controller-uid": md["uid"], "batch.kubernetes.io/job-name": md["name"],
            "controller-uid": md["uid"], "job-name": md["name"]}


def _cond(ctype, now_iso, reason=None, message=None):
    c = {"type": ctype, "status": "True", "lastProbeTime": now_iso, "lastTransitionTime": now_iso}
    if reason:
        c["reason"] = reason
    if message:
        c["message"] = message
    return c


class Batch:
    def __init__(self, sim):
        self.sim = sim
        self.store = sim.store
        self._last_cron = 0.0

    def _put_status(self, res, obj, status):
        if status == obj.get("status"):
            return obj
        o = dict(obj)
        o["metadata"] = dict(obj["metadata"])
        o["status"] = status
        return self.store.update(res, o)

    def job(self, j):
        md, sp = j["metadata"], j.get("spec") or {}
        st = dict(j.get("status") or {})
        if md.get("deletionTimestamp"):
            return
        finished = any(c.get("type") in ("Complete", "Failed") and c.get("status") == "True"
                       for c in st.get("conditions") or ())
        pods = [p for p in self.store.by_index("pods", "owner", md["uid"])]
        succeeded = sum(1 for p in pods if p["status"].get("phase") == "Succeeded")
        failed = sum(1 for p in pods if p["status"].get("phase") == "Failed")
        active = [p for p in pods if objects.pod_active(p)]
        completions = sp.get("completions") or 1
        parallelism = sp.get("parallelism", 1)
        now_iso = util.iso()
        if not finished and not sp.get("suspend"):
            want = min(parallelism, completions - succeeded) - len(active)
            for _ in range(max(0, want)):
                self._create_pod(j)
            if want > 0:
                pods = list(self.store.by_index("pods", "owner", md["uid"]))
                active = [p for p in pods if objects.pod_active(p)]
        st.setdefault("startTime", now_iso)
        st["active"] = len(active)
        st["succeeded"] = succeeded
        st["failed"] = failed
        st["ready"] = sum(1 for p in active if objects.pod_ready(p))
        st["terminating"] = 0
        st["uncountedTerminatedPods"] = {}
        if not finished and succeeded >= completions:
            st["conditions"] = [_cond("SuccessCriteriaMet", now_iso, "CompletionsReached",
                                      "Reached expected number of succeeded pods"),
                                _cond("Complete", now_iso, "CompletionsReached",
                                      "Reached expected number of succeeded pods")]
            st["completionTime"] = now_iso
            st["active"] = 0
            self.sim.emit(j, "Job", "batch/v1", "Completed", "Job completed", "Normal", "job-controller")
            ref = objects.controller_of(j)
            if ref and ref.get("kind") == "CronJob":
                self.sim.dirty.add(("cronjobs", md["namespace"], ref["name"]))
        st = {k: v for k, v in st.items() if v or k in ("active", "succeeded", "ready", "terminating",
                                                          "uncountedTerminatedPods", "startTime")}
        self._put_status("jobs", j, st)

    def _create_pod(self, j):
        md = j["metadata"]
        tpl = (j.get("spec") or {}).get("template") or {"metadata": {}, "spec": {}}
        labels = dict((tpl.get("metadata") or {}).get("labels") or {})
        labels.update(job_pod_labels(j))
        refs = [objects.owner_ref("Job", "batch/v1", j)]
        spec = objects.pod_spec_base(tpl.get("spec") or {}, util.hash_suffix(md["uid"], 5))
        ns = md["namespace"]
        while True:
            name = "%s-%s" % (md["name"], util.rand_suffix(self.sim.rng))
            if self.store.get("pods", ns, name) is None:
                break
        pod = objects.new_pod(name, ns, labels, refs, spec, tpl, util.iso(), generate_name=md["name"] + "-")
        self.store.create("pods", pod)
        self.sim.emit(j, "Job", "batch/v1", "SuccessfulCreate", "Created pod: " + name, "Normal",
                      "job-controller")

    # ------------------------------------------------------------ cronjobs
    def cron_tick(self, now):
        if now - self._last_cron < CRON_EVERY:
            return
        self._last_cron = now
        with self.store.lock:
            for cj in self.store.all("cronjobs"):
                self.cronjob(cj, now)

    def cronjob(self, cj, now=None):
        now = now or time.time()
        md, sp = cj["metadata"], cj.get("spec") or {}
        st = dict(cj.get("status") or {})
        jobs = [j for j in self.store.by_index("jobs", "owner", md["uid"])]
        if not sp.get("suspend"):
            since = util.parse_iso(st.get("lastScheduleTime") or md.get("creationTimestamp")) or now
            t = last_schedule(sp.get("schedule", ""), now, since)
            if t is not None:
                name = "%s-%d" % (md["name"][:52], t // 60)
                if self.store.get("jobs", md["namespace"], name) is None:
                    jobs.append(self._create_job(cj, name, t))
                st["lastScheduleTime"] = util.iso(t)
        done = sorted((j for j in jobs if (j.get("status") or {}).get("completionTime")),
                      key=lambda j: j["status"]["completionTime"])
        if done:
            st["lastSuccessfulTime"] = done[-1]["status"]["completionTime"]
        keep = sp.get("successfulJobsHistoryLimit", 3)
        for old in done[:max(0, len(done) - keep)]:
            self.store.delete("jobs", old["metadata"]["namespace"], old["metadata"]["name"])
        active = [{"kind": "Job", "namespace": j["metadata"]["namespace"], "name": j["metadata"]["name"],
                   "uid": j["metadata"]["uid"], "apiVersion": "batch/v1",
                   "resourceVersion": j["metadata"].get("resourceVersion", "")}
                  for j in jobs if not (j.get("status") or {}).get("completionTime")
                  and self.store.get("jobs", j["metadata"]["namespace"], j["metadata"]["name"]) is not None]
        if active:
            st["active"] = active
        else:
            st.pop("active", None)
        self._put_status("cronjobs", cj, st)

    def _create_job(self, cj, name, t):
        md = cj["metadata"]
        tpl = (cj.get("spec") or {}).get("jobTemplate") or {}
        job = {"metadata": {"name": name, "namespace": md["namespace"],
                            "labels": dict((tpl.get("metadata") or {}).get("labels") or {}),
                            "annotations": {"batch.kubernetes.io/cronjob-scheduled-timestamp": util.iso(t)},
                            "ownerReferences": [objects.owner_ref("CronJob", "batch/v1", cj)]},
               "spec": util.clone(tpl.get("spec") or {})}
        from . import defaults
        from . import resources as R
        job = defaults.prepare_new(R.lookup("batch", "v1", "jobs"), job, self.store, util.iso())
        job = self.store.create("jobs", job)
        self.sim.emit(cj, "CronJob", "batch/v1", "SuccessfulCreate", "Created job " + name, "Normal",
                      "cronjob-controller")
        self.sim.dirty.add(("jobs", md["namespace"], name))
        return job

    # ------------------------------------------------------------ autoscalers
    def hpa(self, h):
        sp = h.get("spec") or {}
        ref = sp.get("scaleTargetRef") or {}
        res = {"Deployment": "deployments", "StatefulSet": "statefulsets",
               "ReplicaSet": "replicasets"}.get(ref.get("kind"))
        target = self.store.get(res, h["metadata"]["namespace"], ref.get("name", "")) if res else None
        st = dict(h.get("status") or {})
        if target is None:
            st["currentReplicas"] = 0
            st["desiredReplicas"] = 0
        else:
            cur = (target.get("status") or {}).get("replicas", 0)
            st["currentReplicas"] = cur
            st["desiredReplicas"] = min(max(cur, sp.get("minReplicas", 1)), sp.get("maxReplicas", cur))
            st["currentMetrics"] = [{"type": "Resource", "resource": {
                "name": "cpu", "current": {"averageUtilization": 23, "averageValue": "23m"}}}]
        self._put_status("horizontalpodautoscalers", h, st)

    # ------------------------------------------------------------ endpoints
    def endpoints(self, svc):
        md, sp = svc["metadata"], svc.get("spec") or {}
        ns, name = md["namespace"], md["name"]
        selector = sp.get("selector")
        if not selector:
            return
        req = sel.selector_from_match_labels({"matchLabels": selector})
        app = selector.get("app")
        cands = self.store.by_index("pods", "app", "%s/%s" % (ns, app)) if app else self.store.all("pods", ns)
        pods = [p for p in cands if sel.match_labels(req, p["metadata"].get("labels"))
                and p["status"].get("podIP") and not p["metadata"].get("deletionTimestamp")]
        pods.sort(key=lambda p: p["metadata"]["name"])
        ports = [{"name": p.get("name", ""), "port": p.get("targetPort", p.get("port")),
                  "protocol": p.get("protocol", "TCP")} for p in sp.get("ports") or ()]
        for p in ports:
            if not p["name"]:
                del p["name"]
        ready = [p for p in pods if objects.pod_ready(p)]
        notready = [p for p in pods if not objects.pod_ready(p)]

        def addr(p):
            pm = p["metadata"]
            return {"ip": p["status"]["podIP"], "nodeName": p["spec"].get("nodeName"),
                    "targetRef": {"kind": "Pod", "namespace": ns, "name": pm["name"], "uid": pm["uid"]}}
        subset = {}
        if ready:
            subset["addresses"] = [addr(p) for p in ready]
        if notready:
            subset["notReadyAddresses"] = [addr(p) for p in notready]
        if subset:
            subset["ports"] = ports
        ep = {"metadata": {"name": name, "namespace": ns, "labels": dict(md.get("labels") or {})},
              "subsets": [subset] if subset else []}
        if not ep["subsets"]:
            del ep["subsets"]
        self._put("endpoints", ns, name, ep, md.get("creationTimestamp"))
        slice_name = "%s-%s" % (name, util.hash_suffix(md["uid"], 5))
        es = {"metadata": {"name": slice_name, "namespace": ns, "generateName": name + "-",
                           "labels": {"kubernetes.io/service-name": name,
                                      "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"},
                           "ownerReferences": [objects.owner_ref("Service", "v1", svc, False)]},
              "addressType": "IPv4",
              "endpoints": [{"addresses": [p["status"]["podIP"]],
                             "conditions": {"ready": objects.pod_ready(p), "serving": objects.pod_ready(p),
                                            "terminating": False},
                             "nodeName": p["spec"].get("nodeName"),
                             "targetRef": {"kind": "Pod", "namespace": ns, "name": p["metadata"]["name"],
                                           "uid": p["metadata"]["uid"]}} for p in pods],
              "ports": [dict(p, name=p.get("name", "")) for p in ports]}
        self._put("endpointslices", ns, slice_name, es, md.get("creationTimestamp"))

    def _put(self, res, ns, name, obj, created):
        cur = self.store.get(res, ns, name)
        if cur is None:
            obj["metadata"]["creationTimestamp"] = created or util.iso()
            self.store.create(res, obj)
            return
        body = {k: v for k, v in obj.items() if k != "metadata"}
        if all(cur.get(k) == v for k, v in body.items()) and len(body) == len(cur) - 1:
            return
        new = dict(body)
        new["metadata"] = dict(cur["metadata"])
        new["metadata"]["labels"] = obj["metadata"].get("labels", {})
        self.store.update(res, new)
