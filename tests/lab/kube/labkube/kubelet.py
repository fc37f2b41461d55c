"""Simulated kubelets: pod status progression, crash loops, image pull errors.

Pods go Pending (scheduled) -> ContainerCreating -> Running/Ready after a
short delay.  A pod whose template carries lab.binnacle.dev/behavior:
crashloop has its first container crash every few seconds (terminated Error
-> CrashLoopBackOff with growing back-off, restartCount grows, lastState
keeps the dead instance so `logs --previous` works); behavior imagepull (or
an image whose name contains "doesnotexist") alternates ErrImagePull and
ImagePullBackOff.  Graceful deletion: MODIFIED with deletionTimestamp, then
containers terminate, then DELETED.  Also the churn generator.
"""

import ipaddress
import os
import time

from . import objects, util

PULL_MSG = ('rpc error: code = NotFound desc = failed to pull and unpack image "%s": '
            'failed to resolve reference "%s": %s: not found')


def image_ref(image):
    repo = image if "/" in image.split(":")[0] else "docker.io/library/" + image
    if ":" not in repo.rsplit("/", 1)[-1]:
        repo += ":latest"
    return repo


def set_conditions(old, want, now_iso):
    """Build the pod condition list, keeping lastTransitionTime when unchanged."""
    prev = {c["type"]: c for c in old or ()}
    out = []
    for ctype in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady",
                  "PodScheduled"):
        if ctype not in want:
            continue
        status, reason, msg = want[ctype]
        p = prev.get(ctype)
        ts = p["lastTransitionTime"] if p and p["status"] == status else now_iso
        if p and p["status"] == status and p.get("reason") == reason and p.get("message") == msg:
            out.append(p)
        else:
            out.append(objects.cond(ctype, status, ts, reason, msg))
    return out


def cstatus(c, state, ready, restarts, last=None, cid=None, started=False, pulled=True):
    d = {"name": c["name"], "state": state, "lastState": last or {}, "ready": ready,
         "restartCount": restarts, "image": c["image"],
         "imageID": objects.image_id(c["image"]) if pulled else ""}
    if cid:
        d["containerID"] = cid
    d["started"] = started
    return d


def pod_conditions(pod, cstatuses, now_iso, scheduled=True, started_any=True):
    names = [cs["name"] for cs in cstatuses if not cs["ready"]]
    terminating = bool(pod["metadata"].get("deletionTimestamp"))
    ready = not names and cstatuses and not terminating
    want = {"PodReadyToStartContainers": ("True" if started_any else "False", None, None),
            "Initialized": ("True", None, None),
            "PodScheduled": ("True" if scheduled else "False", None, None)}
    if ready:
        want["Ready"] = ("True", None, None)
        want["ContainersReady"] = ("True", None, None)
    else:
        msg = "containers with unready status: [%s]" % " ".join(names) if names else None
        want["Ready"] = ("False", "ContainersNotReady", msg)
        want["ContainersReady"] = ("False", "ContainersNotReady", msg)
    return set_conditions(pod["status"].get("conditions"), want, now_iso)


class Kubelet:
    def __init__(self, sim):
        self.sim = sim
        self.store = sim.store
        self.cfg = sim.cfg
        self.ip_next = {}
        self._churn_acc = 0.0
        self._churn_keys = []
        self._churn_refresh = 0.0
        self._churn_read = 0.0
        self._churn_file = None

    # ------------------------------------------------------------ helpers
    def pod_ip(self, node_name):
        got = self.ip_next.get(node_name)
        if got is None:
            n = self.store.get("nodes", "", node_name)
            cidr = (n or {}).get("spec", {}).get("podCIDR", "10.244.0.0/24")
            net = ipaddress.ip_network(cidr, strict=False)
            got = self.ip_next[node_name] = [int(net.network_address), net.num_addresses, 1]
        base, size, i = got
        got[2] = i + 1 if i + 2 < size else 1
        return str(ipaddress.IPv4Address(base + i))

    def _put(self, pod, status, spec=None):
        p = {"metadata": dict(pod["metadata"]), "spec": spec or pod["spec"],
             "status": objects.order_pod_status(status)}
        return self.store.update("pods", p)

    def _current(self, ns, name, uid):
        p = self.store.get("pods", ns, name)
        if p is None or p["metadata"]["uid"] != uid:
            return None
        return p

    def _event(self, pod, reason, msg, etype="Normal", field=None):
        self.sim.emit(pod, "Pod", "v1", reason, msg, etype, "kubelet",
                      pod["spec"].get("nodeName"), field)

    def _timer(self, delay, action, pod, arg=None):
        md = pod["metadata"]
        self.sim.timer(delay, "kubelet", (action, md.get("namespace", ""), md["name"], md["uid"], arg))

    # ------------------------------------------------------------ lifecycle
    def on_scheduled(self, pod):
        """Pod was bound to a node: containers are being created."""
        now = time.time()
        now_iso = util.iso(now)
        node = self.store.get("nodes", "", pod["spec"]["nodeName"])
        hip = objects.node_ip(node) if node else ""
        cs = [cstatus(c, {"waiting": {"reason": "ContainerCreating"}}, False, 0, pulled=False)
              for c in pod["spec"].get("containers") or ()]
        st = {"phase": "Pending",
              "conditions": pod_conditions(pod, cs, now_iso, started_any=False),
              "hostIP": hip, "hostIPs": [{"ip": hip}], "startTime": now_iso,
              "containerStatuses": cs, "qosClass": "Burstable"}
        pod = self._put(pod, st)
        beh = objects.pod_behavior(pod)
        for c in pod["spec"].get("containers") or ():
            self._event(pod, "Pulling", 'Pulling image "%s"' % c["image"],
                        field="spec.containers{%s}" % c["name"])
            if beh == "imagepull":
                break
        if beh == "imagepull":
            self._timer(self.cfg.start_delay, "pull_fail", pod, 1)
        else:
            self._timer(self.cfg.start_delay, "start", pod)

    def running_cs(self, c, now_iso, restarts, last=None, ready=True):
        return cstatus(c, {"running": {"startedAt": now_iso}}, ready, restarts, last,
                       objects.container_id(), started=True)

    def handle(self, arg):
        action, ns, name, uid, extra = arg
        with self.store.lock:
            pod = self._current(ns, name, uid)
            if pod is None:
                return
            if pod["metadata"].get("deletionTimestamp") and action not in ("kill", "remove"):
                return
            getattr(self, "_do_" + action)(pod, extra)

    def _do_start(self, pod, _):
        now = time.time()
        now_iso = util.iso(now)
        beh = objects.pod_behavior(pod)
        cs = []
        for i, c in enumerate(pod["spec"].get("containers") or ()):
            crash = beh == "crashloop" and i == 0
            cs.append(self.running_cs(c, now_iso, 0, ready=not crash))
            f = "spec.containers{%s}" % c["name"]
            self._event(pod, "Pulled", 'Successfully pulled image "%s" in 1.204s (1.204s including waiting). Image size: 48712345 bytes.' % c["image"], field=f)
            self._event(pod, "Created", "Created container: %s" % c["name"], field=f)
            self._event(pod, "Started", "Started container %s" % c["name"], field=f)
        ip = self.pod_ip(pod["spec"]["nodeName"])
        st = dict(pod["status"])
        st["phase"] = "Running"
        st["conditions"] = pod_conditions(pod, cs, now_iso)
        st["podIP"] = ip
        st["podIPs"] = [{"ip": ip}]
        st["containerStatuses"] = cs
        # keep key order realistic
        order = ["phase", "conditions", "hostIP", "hostIPs", "podIP", "podIPs", "startTime",
                 "containerStatuses", "qosClass"]
        st = {k: st[k] for k in order if k in st}
        pod = self._put(pod, st)
        if beh == "crashloop":
            self._timer(self.cfg.crash_after, "crash", pod)
        ref = objects.controller_of(pod)
        if ref and ref.get("kind") == "Job":
            # a job's containers do their work and exit 0
            self._timer(self.cfg.job_duration, "complete", pod)

    def _do_complete(self, pod, _):
        now_iso = util.iso()
        st = util.clone(pod["status"])
        for cs in st.get("containerStatuses") or ():
            run = cs["state"].get("running")
            if not run:
                continue
            cs["state"] = {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": run["startedAt"],
                                          "finishedAt": now_iso, "containerID": cs.get("containerID", "")}}
            cs["ready"] = False
            cs["started"] = False
        st["phase"] = "Succeeded"
        want = {"PodReadyToStartContainers": ("False", None, None), "Initialized": ("True", None, None),
                "Ready": ("False", "PodCompleted", None), "ContainersReady": ("False", "PodCompleted", None),
                "PodScheduled": ("True", None, None)}
        st["conditions"] = set_conditions(pod["status"].get("conditions"), want, now_iso)
        self._put(pod, st)

    def _do_crash(self, pod, _):
        now = time.time()
        now_iso = util.iso(now)
        st = util.clone(pod["status"])
        cs = st["containerStatuses"][0]
        run = cs["state"].get("running")
        if not run:
            return
        term = {"exitCode": 1, "reason": "Error", "startedAt": run["startedAt"],
                "finishedAt": now_iso, "containerID": cs.get("containerID", "")}
        cs["state"] = {"terminated": term}
        cs["ready"] = False
        cs["started"] = False
        st["conditions"] = pod_conditions(pod, st["containerStatuses"], now_iso)
        pod = self._put(pod, st)
        self._timer(1.0, "backoff", pod)

    def backoff_for(self, restarts):
        return min(self.cfg.crash_backoff * (2 ** min(restarts, 10)), self.cfg.crash_backoff_max)

    def _do_backoff(self, pod, _):
        st = util.clone(pod["status"])
        cs = st["containerStatuses"][0]
        term = cs["state"].get("terminated")
        if not term:
            return
        delay = self.backoff_for(cs["restartCount"])
        md = pod["metadata"]
        cs["lastState"] = {"terminated": term}
        cs["state"] = {"waiting": {
            "reason": "CrashLoopBackOff",
            "message": "back-off %s restarting failed container=%s pod=%s_%s(%s)" % (
                _go_duration(delay), cs["name"], md["name"], md["namespace"], md["uid"])}}
        cs.pop("containerID", None)
        cs["containerID"] = term["containerID"]
        pod = self._put(pod, st)
        self._event(pod, "BackOff", "Back-off restarting failed container %s in pod %s_%s(%s)" % (
            cs["name"], md["name"], md["namespace"], md["uid"]), "Warning",
            "spec.containers{%s}" % cs["name"])
        self._timer(delay, "restart", pod)

    def _do_restart(self, pod, _):
        now_iso = util.iso()
        st = util.clone(pod["status"])
        cs = st["containerStatuses"][0]
        if "waiting" not in cs["state"]:
            return
        c = pod["spec"]["containers"][0]
        st["containerStatuses"][0] = self.running_cs(c, now_iso, cs["restartCount"] + 1,
                                                     cs["lastState"], ready=False)
        st["conditions"] = pod_conditions(pod, st["containerStatuses"], now_iso)
        pod = self._put(pod, st)
        f = "spec.containers{%s}" % c["name"]
        self._event(pod, "Pulled", 'Container image "%s" already present on machine' % c["image"], field=f)
        self._event(pod, "Created", "Created container: %s" % c["name"], field=f)
        self._event(pod, "Started", "Started container %s" % c["name"], field=f)
        self._timer(self.cfg.crash_after, "crash", pod)

    def _do_pull_fail(self, pod, attempt):
        now_iso = util.iso()
        st = util.clone(pod["status"])
        c = pod["spec"]["containers"][0]
        ref = image_ref(c["image"])
        msg = PULL_MSG % (ref, ref, ref)
        cs = st["containerStatuses"]
        cs[0] = cstatus(c, {"waiting": {"reason": "ErrImagePull", "message": msg}}, False, 0,
                        pulled=False)
        st["conditions"] = pod_conditions(pod, cs, now_iso, started_any=False)
        pod = self._put(pod, st)
        f = "spec.containers{%s}" % c["name"]
        self._event(pod, "Failed", 'Failed to pull image "%s": %s' % (c["image"], msg), "Warning", f)
        self._event(pod, "Failed", "Error: ErrImagePull", "Warning", f)
        self._timer(1.5, "pull_backoff", pod, attempt)

    def _do_pull_backoff(self, pod, attempt):
        st = util.clone(pod["status"])
        c = pod["spec"]["containers"][0]
        cs = st["containerStatuses"]
        cs[0] = cstatus(c, {"waiting": {"reason": "ImagePullBackOff",
                                        "message": 'Back-off pulling image "%s"' % c["image"]}},
                        False, 0, pulled=False)
        pod = self._put(pod, st)
        f = "spec.containers{%s}" % c["name"]
        self._event(pod, "BackOff", 'Back-off pulling image "%s"' % c["image"], "Normal", f)
        self._event(pod, "Failed", "Error: ImagePullBackOff", "Warning", f)
        self._timer(self.backoff_for(attempt), "pull_retry", pod, attempt + 1)

    def _do_pull_retry(self, pod, attempt):
        c = pod["spec"]["containers"][0]
        self._event(pod, "Pulling", 'Pulling image "%s"' % c["image"],
                    field="spec.containers{%s}" % c["name"])
        self._timer(1.0, "pull_fail", pod, attempt)

    def _do_ready_back(self, pod, _):
        now_iso = util.iso()
        st = util.clone(pod["status"])
        changed = False
        for cs in st.get("containerStatuses") or ():
            if "running" in cs["state"] and not cs["ready"]:
                cs["ready"] = True
                changed = True
        if changed:
            st["conditions"] = pod_conditions(pod, st["containerStatuses"], now_iso)
            self._put(pod, st)

    # ------------------------------------------------------------ deletion
    def delete_pod(self, pod, grace=None):
        """Graceful delete (caller holds the store lock). Returns the stored pod."""
        md = pod["metadata"]
        if md.get("deletionTimestamp"):
            return pod
        if grace is None:
            grace = pod["spec"].get("terminationGracePeriodSeconds", 30)
        if not pod["spec"].get("nodeName") or grace == 0:
            return self.store.delete("pods", md["namespace"], md["name"])
        now = time.time()
        md2 = dict(md)
        md2["deletionTimestamp"] = util.iso(now + grace)
        md2["deletionGracePeriodSeconds"] = grace
        p = self.store.update("pods", {"metadata": md2, "spec": pod["spec"],
                                       "status": pod["status"]})
        for c in p["spec"].get("containers") or ():
            self._event(p, "Killing", "Stopping container %s" % c["name"],
                        field="spec.containers{%s}" % c["name"])
        delay = min(grace, self.cfg.delete_delay)
        self._timer(delay * 0.6, "kill", p)
        self._timer(delay, "remove", p)
        return p

    def _do_kill(self, pod, _):
        now_iso = util.iso()
        st = util.clone(pod["status"])
        for cs in st.get("containerStatuses") or ():
            run = cs["state"].get("running")
            if run:
                cs["state"] = {"terminated": {"exitCode": 0, "reason": "Completed",
                                              "startedAt": run["startedAt"],
                                              "finishedAt": now_iso,
                                              "containerID": cs.get("containerID", "")}}
            cs["ready"] = False
            cs["started"] = False
        if st.get("containerStatuses"):
            st["conditions"] = pod_conditions(pod, st["containerStatuses"], now_iso)
        self._put(pod, st)

    def _do_remove(self, pod, _):
        md = pod["metadata"]
        self.store.delete("pods", md["namespace"], md["name"])

    # ------------------------------------------------------------ churn
    def _churn_rate(self):
        """--churn, or what STATE/churn says (read at most once a second)."""
        now = time.time()
        if now - self._churn_read >= 1.0:
            self._churn_read = now
            try:
                with open(os.path.join(self.cfg.state_dir, "churn")) as f:
                    self._churn_file = float(f.read().strip())
            except (OSError, ValueError, AttributeError, TypeError):
                self._churn_file = None
        return self.cfg.churn if self._churn_file is None else self._churn_file

    def churn(self, dt):
        """N random pod status changes per second (benchmark load)."""
        rate = self._churn_rate()
        if rate <= 0:
            return
        self._churn_acc += rate * dt
        n = int(self._churn_acc)
        if n <= 0:
            return
        self._churn_acc -= n
        now = time.time()
        rng = self.sim.rng
        with self.store.lock:
            if now - self._churn_refresh > 5 or not self._churn_keys:
                self._churn_keys = [(p["metadata"]["namespace"], p["metadata"]["name"])
                                    for p in self.store.all("pods")]
                self._churn_refresh = now
            if not self._churn_keys:
                return
            for _ in range(n):
                ns, name = rng.choice(self._churn_keys)
                pod = self.store.get("pods", ns, name)
                if (pod is None or pod["metadata"].get("deletionTimestamp")
                        or pod["status"].get("phase") != "Running"
                        or objects.pod_behavior(pod) != "normal"):
                    continue
                r = rng.random()
                if r < 0.6:
                    self._churn_unready(pod)
                elif r < 0.9:
                    self._churn_restart(pod)
                elif objects.controller_of(pod) and objects.controller_of(pod)["kind"] == "ReplicaSet":
                    self.delete_pod(pod)
                else:
                    self._churn_restart(pod)

    def _churn_unready(self, pod):
        st = util.clone(pod["status"])
        css = st.get("containerStatuses") or []
        if not css or not css[0]["ready"]:
            return
        css[0]["ready"] = False
        st["conditions"] = pod_conditions(pod, css, util.iso())
        pod = self._put(pod, st)
        self._timer(2.0 + self.sim.rng.random() * 3, "ready_back", pod)

    def _churn_restart(self, pod):
        now_iso = util.iso()
        st = util.clone(pod["status"])
        css = st.get("containerStatuses") or []
        if not css or "running" not in css[0]["state"]:
            return
        cs = css[0]
        oom = self.sim.rng.random() < 0.3
        last = {"terminated": {"exitCode": 137 if oom else 2,
                               "reason": "OOMKilled" if oom else "Error",
                               "startedAt": cs["state"]["running"]["startedAt"],
                               "finishedAt": now_iso, "containerID": cs.get("containerID", "")}}
        c = pod["spec"]["containers"][0]
        css[0] = self.running_cs(c, now_iso, cs["restartCount"] + 1, last)
        st["conditions"] = pod_conditions(pod, css, now_iso)
        self._put(pod, st)


def _go_duration(secs):
    secs = int(secs)
    if secs < 60:
        return "%ds" % secs
    m, s = divmod(secs, 60)
    return "%dm%ds" % (m, s)
