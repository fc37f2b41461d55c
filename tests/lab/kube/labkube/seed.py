"""Build the initial cluster straight into the store (no watch events).

The default cluster is small and hand-shaped for tests: `web` in default,
`frontend` (with a sidecar) / `cart` / `checkout` (crash loop) / `payments`
(ImagePullBackOff) in shop, statefulset `db` with a PDB that refuses every
eviction in data, daemonsets `node-exporter` and kube-system/kube-proxy,
coredns, and the control plane's static (mirror) pods.  The same code scales
to 50,000 pods: pods of one ReplicaSet share labels, ownerReferences,
spec and conditions by reference, and are created in the Running state.
"""

import math
import time

from . import kubelet as kl
from . import batch, objects, util

NS_NAMES = ["shop", "data", "monitoring", "payments", "search", "platform", "analytics",
            "auth", "messaging", "media", "billing", "logistics", "identity", "ml",
            "reporting", "edge", "mobile", "partners", "growth", "infra"]
APP_NAMES = ["web", "frontend", "cart", "checkout", "payments", "catalog", "search", "auth",
             "api", "worker", "cache", "notifications", "billing", "reports", "gateway",
             "inventory", "shipping", "recommendations", "email", "ads"]
IMAGES = {"web": "nginx:1.27", "cache": "redis:7.2", "frontend": "ghcr.io/binnacle-lab/frontend:2.4.1"}


def _spread(n, count, start):
    if count <= 0 or n <= 0:
        return set()
    stride = max(1, n // count)
    return {(start + k * stride) % n for k in range(min(count, n))}


class Seeder:
    def __init__(self, sim, cfg, ca_pem):
        self.sim = sim
        self.store = sim.store
        self.cfg = cfg
        self.rng = util.seeded(cfg.seed)
        self.now = time.time()
        self.ca_pem = ca_pem
        self.node_load = {}
        self.workers = []
        self.rr = 0
        self.svc_ip = 10
        self.out = {}

    def add(self, res, obj):
        self.out.setdefault(res, []).append(obj)
        return obj

    def ts(self, ago):
        return util.iso(self.now - ago)

    # ------------------------------------------------------------ cluster
    def build(self):
        cfg = self.cfg
        t_cluster = 3 * 86400 + 3600 * 5
        nslist = ["default", "kube-system", "kube-public", "kube-node-lease"]
        lab_ns = [NS_NAMES[i] if i < len(NS_NAMES) else "team-%02d" % i
                  for i in range(cfg.namespaces)]
        for ns in nslist + lab_ns:
            ago = t_cluster if ns in nslist else t_cluster - 600
            self.add("namespaces", objects.namespace(ns, self.ts(ago)))
            self.add("configmaps", objects.configmap("kube-root-ca.crt", ns, self.ts(ago),
                                                     {"ca.crt": self.ca_pem}))
            self.add("serviceaccounts", objects.service_account(ns, self.ts(ago)))
        self.add("services", objects.service("kubernetes", "default", "apiserver", self.ts(t_cluster),
                                             "10.96.0.1", 443, 6443))
        # nodes
        total = cfg.deployments * cfg.replicas + cfg.statefulsets * cfg.sts_replicas + 4
        nworkers = max(1, cfg.nodes - 1)
        cap = max(110, int(math.ceil(total / nworkers * 1.3)) + 4)
        for i in range(cfg.nodes):
            cp = i == 0
            name = "lab-control-plane" if cp else ("lab-worker" if i == 1 else "lab-worker%d" % i)
            n = objects.node(name, i, cp, self.ts(t_cluster - i * 7), cap, cfg.nodes > 1)
            self.add("nodes", n)
            self.node_load[name] = 0
            if not cp or cfg.nodes == 1:
                self.workers.append(name)
        self.store.bulk_load("nodes", self.out.pop("nodes"))
        self.control_plane()
        # system workloads
        coredns = objects.pod_template({"k8s-app": "kube-dns"}, [objects.container(
            "coredns", "registry.k8s.io/coredns/coredns:v1.11.3", 53, "100m", "170Mi")])
        coredns["spec"]["tolerations"] = [{"key": "CriticalAddonsOnly", "operator": "Exists"},
                                          {"key": "node-role.kubernetes.io/control-plane",
                                           "effect": "NoSchedule"}]
        coredns["spec"]["priorityClassName"] = "system-cluster-critical"
        self.deployment("coredns", "kube-system", coredns, 2, "normal", t_cluster - 30)
        self.add("services", objects.service("kube-dns", "kube-system", "kube-dns",
                                             self.ts(t_cluster), "10.96.0.10", 53, 53))
        proxy = objects.pod_template({"k8s-app": "kube-proxy"}, [objects.container(
            "kube-proxy", "registry.k8s.io/kube-proxy:v1.32.4", 0, "0", "64Mi")])
        proxy["spec"]["tolerations"] = [{"operator": "Exists"}]
        proxy["spec"]["priorityClassName"] = "system-node-critical"
        self.daemonset("kube-proxy", "kube-system", proxy, t_cluster - 20)
        if cfg.daemonsets > 0:
            exporter = objects.pod_template({"app": "node-exporter"}, [objects.container(
                "node-exporter", "quay.io/prometheus/node-exporter:v1.8.2", 9100, "50m", "64Mi")])
            exporter["spec"]["tolerations"] = [{"operator": "Exists"}]
            self.daemonset("node-exporter", lab_ns[2] if len(lab_ns) > 2 else "kube-system",
                           exporter, t_cluster - 900)
        for k in range(1, cfg.daemonsets):
            tpl = objects.pod_template({"app": "agent-%d" % k}, [objects.container(
                "agent", "ghcr.io/binnacle-lab/agent:0.%d.0" % k, 0, "20m", "32Mi")])
            self.daemonset("agent-%d" % k, lab_ns[k % len(lab_ns)] if lab_ns else "default",
                           tpl, t_cluster - 900)
        # application deployments
        n = cfg.deployments
        crash = _spread(n, cfg.crashing, 3 if n > 3 else n - 1)
        pull = _spread(n, cfg.imagepull, 4 if n > 4 else 0) - crash
        for i in range(n):
            base = APP_NAMES[i % len(APP_NAMES)]
            name = base if i < len(APP_NAMES) else "%s-%d" % (base, i // len(APP_NAMES))
            if i == 0 or not lab_ns:
                ns = "default"
            elif i <= 4:
                ns = lab_ns[0]
            else:
                ns = lab_ns[(i - 5) % len(lab_ns)]
            image = IMAGES.get(base, "ghcr.io/binnacle-lab/%s:1.%d.%d" % (base, i % 10, i % 7))
            cs = [objects.container(base, image, 80 if base == "web" else 8080)]
            if i % 4 == 1:
                cs.append(objects.container("log-shipper", "fluent/fluent-bit:3.1", 0, "20m", "64Mi"))
            beh = "crashloop" if i in crash else ("imagepull" if i in pull else "normal")
            tpl = objects.pod_template({"app": name}, cs, beh)
            if beh == "imagepull":
                cs[0]["image"] = "ghcr.io/binnacle-lab/%s:doesnotexist" % base
            ago = 3600 * 2 + self.rng.random() * (t_cluster - 7200)
            self.deployment(name, ns, tpl, cfg.replicas, beh, ago)
            self.svc(name, ns, ago, 80 if base == "web" else 8080)
        # statefulsets
        sts_names = ["db", "kafka", "zookeeper", "elasticsearch", "rabbitmq"]
        for k in range(cfg.statefulsets):
            name = sts_names[k % 5] if k < 5 else "%s-%d" % (sts_names[k % 5], k // 5)
            ns = lab_ns[1 % len(lab_ns)] if lab_ns else "default"
            img = {"db": "postgres:16.4"}.get(name, "ghcr.io/binnacle-lab/%s:3.7" % name)
            tpl = objects.pod_template({"app": name}, [objects.container(name, img, 5432)])
            self.statefulset(name, ns, tpl, cfg.sts_replicas, 86400)
            if k == 0:
                self.add("poddisruptionbudgets", objects.pdb(
                    name + "-pdb", ns, self.ts(86400), {"matchLabels": {"app": name}},
                    max_unavailable=0))
        if n > 1 and lab_ns:
            self.add("poddisruptionbudgets", objects.pdb(
                "frontend-pdb", lab_ns[0], self.ts(86400), {"matchLabels": {"app": "frontend"}},
                min_available=1))
        self.add("secrets", {"metadata": {"name": "db-credentials", "namespace": lab_ns[1 % len(lab_ns)] if lab_ns else "default",
                                          "uid": util.new_uid(), "creationTimestamp": self.ts(86400)},
                             "type": "Opaque", "data": {"password": "bGFiLXBhc3N3b3Jk"}})
        self.incident_kinds(lab_ns)
        for res, objs in self.out.items():
            self.store.bulk_load(res, objs)
        self.store.mark_seeded()
        for res in ("deployments", "replicasets", "statefulsets", "daemonsets",
                    "poddisruptionbudgets", "horizontalpodautoscalers"):
            for o in self.store.all(res):
                self.sim.dirty.add((res, o["metadata"].get("namespace", ""), o["metadata"]["name"]))
        # the services' endpoints, worked out by their controller
        for o in self.store.all("services"):
            self.sim.dirty.add(("endpoints-svc", o["metadata"]["namespace"], o["metadata"]["name"]))

    # ------------------------------------------------------------ incident kinds
    def meta(self, name, ns, ago, labels=None):
        md = {"name": name}
        if ns:
            md["namespace"] = ns
        md.update({"uid": util.new_uid(), "creationTimestamp": self.ts(ago)})
        if labels:
            md["labels"] = labels
        return md

    def incident_kinds(self, lab_ns):
        """What operators reach for in incidents, a few of each: a cronjob and
        the job it ran, an autoscaler, an ingress, volumes and claims, and a
        secret with values to decode."""
        shop = lab_ns[0] if lab_ns else "default"
        data = lab_ns[1 % len(lab_ns)] if lab_ns else "default"
        day = 86400
        self.add("storageclasses", {
            "metadata": dict(self.meta("standard", None, 3 * day),
                             annotations={"storageclass.kubernetes.io/is-default-class": "true"}),
            "provisioner": "rancher.io/local-path", "reclaimPolicy": "Delete",
            "volumeBindingMode": "WaitForFirstConsumer", "allowVolumeExpansion": True})
        for i in range(min(2, self.cfg.sts_replicas) if self.cfg.statefulsets else 0):
            claim = "data-db-%d" % i
            pvc_md = self.meta(claim, data, day, {"app": "db"})
            pv = "pvc-" + pvc_md["uid"]
            self.add("persistentvolumes", {
                "metadata": self.meta(pv, None, day),
                "spec": {"capacity": {"storage": "10Gi"}, "accessModes": ["ReadWriteOnce"],
                         "persistentVolumeReclaimPolicy": "Delete", "storageClassName": "standard",
                         "volumeMode": "Filesystem", "hostPath": {"path": "/var/lib/lab/" + pv},
                         "claimRef": {"kind": "PersistentVolumeClaim", "namespace": data, "name": claim,
                                      "uid": pvc_md["uid"], "apiVersion": "v1"}},
                "status": {"phase": "Bound"}})
            self.add("persistentvolumeclaims", {
                "metadata": pvc_md,
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}},
                         "storageClassName": "standard", "volumeMode": "Filesystem", "volumeName": pv},
                "status": {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "10Gi"}}})
        self.add("persistentvolumeclaims", {
            "metadata": self.meta("scratch", shop, 3600),
            "spec": {"accessModes": ["ReadWriteMany"], "resources": {"requests": {"storage": "1Gi"}},
                     "storageClassName": "nfs", "volumeMode": "Filesystem"},
            "status": {"phase": "Pending"}})
        self.add("ingressclasses", {"metadata": self.meta("nginx", None, 3 * day),
                                    "spec": {"controller": "k8s.io/ingress-nginx"}})
        self.add("ingresses", {
            "metadata": self.meta("shop", shop, 2 * day),
            "spec": {"ingressClassName": "nginx",
                     "rules": [{"host": "shop.lab.example", "http": {"paths": [{
                         "path": "/", "pathType": "Prefix",
                         "backend": {"service": {"name": "frontend", "port": {"number": 80}}}}]}}],
                     "tls": [{"hosts": ["shop.lab.example"], "secretName": "shop-tls"}]},
            "status": {"loadBalancer": {"ingress": [{"ip": "172.18.0.200"}]}}})
        self.add("horizontalpodautoscalers", {
            "metadata": self.meta("web", "default", 2 * day),
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                     "minReplicas": 2, "maxReplicas": 6,
                     "metrics": [{"type": "Resource", "resource": {
                         "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}]},
            "status": {"currentReplicas": 2, "desiredReplicas": 2}})
        self.add("secrets", {"metadata": self.meta("api-keys", shop, 2 * day),
                             "type": "Opaque",
                             "data": {"token": "czNjcjN0LXRva2VuLTQy",
                                      "config.yaml": "ZW5kcG9pbnQ6IGh0dHBzOi8vYXBpLmxhYgpyZXRyaWVzOiAzCg==",
                                      "blob": "AAEC/w=="}})
        # a cronjob, and the job it ran last
        container = {"name": "report", "image": "busybox:1.36", "command": ["sh", "-c", "echo report done"],
                     "resources": {}, "terminationMessagePath": "/dev/termination-log",
                     "terminationMessagePolicy": "File", "imagePullPolicy": "IfNotPresent"}
        pod_spec = {"containers": [container], "restartPolicy": "OnFailure", "terminationGracePeriodSeconds": 30,
                    "dnsPolicy": "ClusterFirst", "securityContext": {}, "schedulerName": "default-scheduler"}
        cj_md = self.meta("report", data, 2 * day, {"app": "report"})
        # its last run is the schedule's latest time, so that no run is due
        # when the lab starts (a fixed age would make one due, and its job,
        # pod and events appear, whenever the schedule fell within it)
        schedule = "17 3 * * *"
        ago = self.now - batch.last_schedule(schedule, self.now, self.now - 2 * day)

        def after(s):  # s seconds into the run, never in the future
            return max(ago - s, 0)
        cj = {"metadata": cj_md,
              "spec": {"schedule": schedule, "concurrencyPolicy": "Forbid", "suspend": False,
                       "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 1,
                       "jobTemplate": {"metadata": {"labels": {"app": "report"}},
                                       "spec": {"template": {"metadata": {"labels": {"app": "report"}},
                                                             "spec": pod_spec}}}},
              "status": {"lastScheduleTime": self.ts(ago), "lastSuccessfulTime": self.ts(after(40))}}
        self.add("cronjobs", cj)
        jname = "report-%d" % (int(self.now - ago) // 60)
        j_md = self.meta(jname, data, ago, {"app": "report"})
        j_md["ownerReferences"] = [objects.owner_ref("CronJob", "batch/v1", cj)]
        uid = j_md["uid"]
        plabels = {"app": "report", "batch.kubernetes.io/controller-uid": uid,
                   "batch.kubernetes.io/job-name": jname, "controller-uid": uid, "job-name": jname}
        j_md["labels"].update({k: v for k, v in plabels.items() if k != "app"})
        job = {"metadata": j_md,
               "spec": {"parallelism": 1, "completions": 1, "backoffLimit": 6, "completionMode": "NonIndexed",
                        "suspend": False, "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}},
                        "template": {"metadata": {"labels": plabels}, "spec": pod_spec}},
               "status": {"startTime": self.ts(ago), "completionTime": self.ts(after(38)),
                          "succeeded": 1, "active": 0, "ready": 0, "terminating": 0,
                          "uncountedTerminatedPods": {},
                          "conditions": [{"type": "SuccessCriteriaMet", "status": "True",
                                          "lastProbeTime": self.ts(after(38)),
                                          "lastTransitionTime": self.ts(after(38))},
                                         {"type": "Complete", "status": "True",
                                          "lastProbeTime": self.ts(after(38)),
                                          "lastTransitionTime": self.ts(after(38))}]}}
        self.add("jobs", job)
        cj["status"]["active"] = []
        del cj["status"]["active"]
        pod = objects.new_pod("%s-%s" % (jname, util.rand_suffix(self.rng)), data, plabels,
                              [objects.owner_ref("Job", "batch/v1", job)],
                              objects.pod_spec_base(pod_spec, util.hash_suffix(uid, 5)),
                              job["spec"]["template"], self.ts(ago), jname + "-", self.workers[0])
        cs = kl.cstatus(container, {"terminated": {"exitCode": 0, "reason": "Completed",
                                                   "startedAt": self.ts(after(2)),
                                                   "finishedAt": self.ts(after(36)),
                                                   "containerID": objects.container_id()}},
                        False, 0, cid=objects.container_id())
        pod["status"] = {"phase": "Succeeded",
                         "conditions": [objects.cond("Initialized", "True", self.ts(ago)),
                                        objects.cond("Ready", "False", self.ts(after(38)), "PodCompleted"),
                                        objects.cond("ContainersReady", "False", self.ts(after(38)), "PodCompleted"),
                                        objects.cond("PodScheduled", "True", self.ts(ago))],
                         "hostIP": self.node_ips[self.workers[0]], "podIP": "10.244.99.7",
                         "podIPs": [{"ip": "10.244.99.7"}], "startTime": self.ts(ago),
                         "containerStatuses": [cs], "qosClass": "BestEffort"}
        self.add("pods", pod)

    def svc(self, name, ns, ago, port):
        self.svc_ip += 1
        ip = "10.96.%d.%d" % (self.svc_ip // 250, 1 + self.svc_ip % 250)
        self.add("services", objects.service(name, ns, name, self.ts(ago), ip, 80, port))

    def pick_node(self):
        for _ in range(len(self.workers)):
            name = self.workers[self.rr % len(self.workers)]
            self.rr += 1
            return name
        return None

    # ------------------------------------------------------------ pods
    def running_pod(self, name, ns, labels, refs, spec, tpl, created_ago, node, beh,
                    shared_conds, generate_name=None):
        kube = self.sim.kubelet
        created = self.ts(created_ago)
        started = self.ts(created_ago - 4)
        pod = objects.new_pod(name, ns, labels, refs, spec, tpl, created, generate_name, node)
        hip = self.node_ips[node]
        css = []
        for i, c in enumerate(pod["spec"]["containers"]):
            if beh == "crashloop" and i == 0:
                css.append(self.crash_cs(c, pod))
            elif beh == "imagepull" and i == 0:
                css.append(kl.cstatus(c, {"waiting": {"reason": "ImagePullBackOff",
                                                      "message": 'Back-off pulling image "%s"' % c["image"]}},
                                      False, 0, pulled=False))
            elif beh == "imagepull":
                css.append(kl.cstatus(c, {"waiting": {"reason": "PodInitializing"}}, False, 0,
                                      pulled=False))
            else:
                css.append(kl.cstatus(c, {"running": {"startedAt": started}}, True, 0, None,
                                      objects.container_id(), started=True))
        st = {"phase": "Pending" if beh == "imagepull" else "Running"}
        if beh == "normal" and shared_conds is not None:
            st["conditions"] = shared_conds
        else:
            st["conditions"] = kl.pod_conditions(pod, css, started,
                                                 started_any=beh != "imagepull")
        st["hostIP"] = hip
        st["hostIPs"] = [{"ip": hip}]
        if beh != "imagepull":
            ip = kube.pod_ip(node)
            st["podIP"] = ip
            st["podIPs"] = [{"ip": ip}]
        st["startTime"] = created
        st["containerStatuses"] = css
        st["qosClass"] = "Burstable"
        pod["status"] = st
        self.node_load[node] += 1
        if beh == "crashloop":
            kube._timer(self.rng.random() * 5, "restart", pod)
        elif beh == "imagepull":
            kube._timer(2 + self.rng.random() * 8, "pull_retry", pod, 3)
        return self.add("pods", pod)

    def crash_cs(self, c, pod):
        md = pod["metadata"]
        restarts = 2 + self.rng.randrange(6)
        fin = self.now - 2 - self.rng.random() * 5
        last = {"terminated": {"exitCode": 1, "reason": "Error",
                               "startedAt": util.iso(fin - self.sim.cfg.crash_after),
                               "finishedAt": util.iso(fin),
                               "containerID": objects.container_id()}}
        msg = "back-off %s restarting failed container=%s pod=%s_%s(%s)" % (
            kl._go_duration(self.sim.kubelet.backoff_for(restarts)), c["name"], md["name"],
            md["namespace"], md["uid"])
        return kl.cstatus(c, {"waiting": {"reason": "CrashLoopBackOff", "message": msg}},
                          False, restarts, last, last["terminated"]["containerID"])

    def ready_conds(self, ts):
        return [objects.cond("PodReadyToStartContainers", "True", ts),
                objects.cond("Initialized", "True", ts), objects.cond("Ready", "True", ts),
                objects.cond("ContainersReady", "True", ts), objects.cond("PodScheduled", "True", ts)]

    @property
    def node_ips(self):
        if not hasattr(self, "_node_ips"):
            self._node_ips = {n["metadata"]["name"]: objects.node_ip(n)
                              for n in self.store.all("nodes")}
        return self._node_ips

    # ------------------------------------------------------------ workloads
    def deployment(self, name, ns, tpl, replicas, beh, ago):
        created = self.ts(ago)
        d = objects.deployment(name, ns, created, replicas, tpl)
        h = objects.template_hash(tpl)
        rs = objects.replicaset(d, tpl, h, replicas, 1, created)
        labels, refs, spec = objects.shared_parts("ReplicaSet", "apps/v1", rs, rs["spec"]["template"], "1", {})
        conds = self.ready_conds(self.ts(ago - 5))
        ready = 0
        for _ in range(replicas):
            node = self.pick_node()
            pname = "%s-%s" % (rs["metadata"]["name"], util.rand_suffix(self.rng))
            self.running_pod(pname, ns, labels, refs, spec, rs["spec"]["template"], ago, node,
                             beh, conds, rs["metadata"]["name"] + "-")
            ready += beh == "normal"
        rs["status"] = {k: v for k, v in (("replicas", replicas), ("fullyLabeledReplicas", replicas),
                                          ("readyReplicas", ready), ("availableReplicas", ready),
                                          ("observedGeneration", 1)) if v or k == "replicas"}
        self.add("replicasets", rs)
        self.add("deployments", d)

    def statefulset(self, name, ns, tpl, replicas, ago):
        s = objects.statefulset(name, ns, self.ts(ago), replicas, tpl, name)
        rev = "%s-%s" % (name, objects.template_hash(tpl, 10))
        labels, refs, spec = objects.shared_parts("StatefulSet", "apps/v1", s, tpl, rev, {})
        for i in range(replicas):
            pname = "%s-%d" % (name, i)
            lab = dict(labels, **{"apps.kubernetes.io/pod-index": str(i),
                                  "controller-revision-hash": rev,
                                  "statefulset.kubernetes.io/pod-name": pname})
            sp = dict(spec, hostname=pname, subdomain=name)
            self.running_pod(pname, ns, lab, refs, sp, tpl, ago - i * 20, self.pick_node(),
                             "normal", self.ready_conds(self.ts(ago - i * 20 - 5)), name + "-")
        self.add("statefulsets", s)
        svc = objects.service(name, ns, name, self.ts(ago), "None", 5432, 5432)
        svc["spec"]["clusterIPs"] = ["None"]
        self.add("services", svc)

    def daemonset(self, name, ns, tpl, ago):
        ds = objects.daemonset(name, ns, self.ts(ago), tpl)
        rev = objects.template_hash(tpl, 10)
        labels, refs, spec = objects.shared_parts(
            "DaemonSet", "apps/v1", ds, tpl, rev,
            {"controller-revision-hash": rev, "pod-template-generation": "1"}, daemon=True)
        conds = self.ready_conds(self.ts(ago - 5))
        for node in sorted(self.node_load):
            sp = dict(spec, affinity={"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In",
                                                        "values": [node]}]}]}}})
            pname = "%s-%s" % (name, util.rand_suffix(self.rng))
            self.running_pod(pname, ns, labels, refs, sp, tpl, ago, node, "normal", conds,
                             name + "-")
        self.add("daemonsets", ds)

    def control_plane(self):
        cp = "lab-control-plane"
        if cp not in self.node_load:
            return
        node = self.store.get("nodes", "", cp)
        ip = objects.node_ip(node)
        ago = 3 * 86400 + 3600 * 5 - 10
        comps = [("etcd", "registry.k8s.io/etcd:3.5.16-0"),
                 ("kube-apiserver", "registry.k8s.io/kube-apiserver:v1.32.4"),
                 ("kube-controller-manager", "registry.k8s.io/kube-controller-manager:v1.32.4"),
                 ("kube-scheduler", "registry.k8s.io/kube-scheduler:v1.32.4")]
        for comp, img in comps:
            tpl = objects.pod_template({"component": comp, "tier": "control-plane"},
                                       [objects.container(comp, img, 0, "100m", "100Mi")])
            spec = dict(tpl["spec"], hostNetwork=True, priorityClassName="system-node-critical",
                        priority=2000001000, nodeName=cp,
                        tolerations=[{"operator": "Exists", "effect": "NoExecute"}])
            h = util.hash_suffix(comp + img, 32)
            tpl["metadata"]["annotations"] = {"kubernetes.io/config.hash": h,
                                              "kubernetes.io/config.mirror": h,
                                              "kubernetes.io/config.seen": self.ts(ago),
                                              "kubernetes.io/config.source": "file"}
            refs = [{"apiVersion": "v1", "kind": "Node", "name": cp,
                     "uid": node["metadata"]["uid"], "controller": True}]
            pod = self.running_pod("%s-%s" % (comp, cp), "kube-system",
                                   dict(tpl["metadata"]["labels"]), refs, spec, tpl, ago, cp,
                                   "normal", self.ready_conds(self.ts(ago - 5)))
            pod["status"]["podIP"] = ip
            pod["status"]["podIPs"] = [{"ip": ip}]
            pod["status"]["qosClass"] = "Burstable"
