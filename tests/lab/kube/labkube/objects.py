"""Factories for realistic API objects, modelled on the captured payloads.

Pods of one owner/revision share their labels, ownerReferences and most of
their spec (containers, volumes, tolerations) by reference: objects are never
mutated in place, so sharing is safe and 50,000 pods stay small.
"""

import hashlib

from . import util

BEHAVIOR = "lab.binnacle.dev/behavior"       # normal | crashloop | imagepull
DEFAULT_CONTAINER = "kubectl.kubernetes.io/default-container"

_shared = {}   # (owner uid, revision) -> (labels, ownerReferences, spec base)


def owner_ref(kind, api_version, obj, controller=True):
    md = obj["metadata"]
    return {"apiVersion": api_version, "kind": kind, "name": md["name"],
            "uid": md["uid"], "controller": controller, "blockOwnerDeletion": True}


def controller_of(obj):
    for ref in obj["metadata"].get("ownerReferences") or ():
        if ref.get("controller"):
            return ref
    return None


def image_id(image):
    """What a kubelet reports as a container's imageID: the repository and
    the digest it pulled. An image named by digest is that digest; a tag
    (which the lab cannot resolve) gets a stable made-up one. The tag is
    cut after the last '/', so a registry's port stays in the name."""
    name, _, digest = image.partition("@")
    slash = name.rfind("/")
    colon = name.rfind(":")
    repo = name[:colon] if colon > slash else name
    first = repo.split("/")[0]
    if "/" not in repo:
        repo = "docker.io/library/" + repo
    elif "." not in first and ":" not in first and first != "localhost":
        repo = "docker.io/" + repo
    if not digest:
        digest = "sha256:" + hashlib.sha256(image.encode()).hexdigest()
    return "%s@%s" % (repo, digest)


def container_id():
    return "containerd://" + util.new_uid().replace("-", "") + util.new_uid().replace("-", "")


def cond(ctype, status, ts, reason=None, message=None, probe=True):
    c = {"type": ctype, "status": status}
    if probe:
        c["lastProbeTime"] = None
    c["lastTransitionTime"] = ts
    if reason:
        c["reason"] = reason
    if message:
        c["message"] = message
    return c


# ------------------------------------------------------------------ nodes

def node(name, idx, control_plane, created, pods_cap, taint_cp):
    ip = "172.18.%d.%d" % (2 + idx // 250, 2 + idx % 250)
    cidr = "10.%d.%d.0/22" % (244 + (idx * 4) // 256, (idx * 4) % 256)
    zone = "lab-zone-" + "abc"[idx % 3]
    labels = {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
              "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name,
              "kubernetes.io/os": "linux", "topology.kubernetes.io/zone": zone}
    if control_plane:
        labels["node-role.kubernetes.io/control-plane"] = ""
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
    spec = {"podCIDR": cidr, "podCIDRs": [cidr],
            "providerID": "kind://docker/lab/" + name}
    if control_plane and taint_cp:
        spec["taints"] = [{"key": "node-role.kubernetes.io/control-plane",
                           "effect": "NoSchedule"}]
    res = {"cpu": "8", "ephemeral-storage": "102626232Ki", "hugepages-1Gi": "0",
           "hugepages-2Mi": "0", "memory": "32767876Ki", "pods": str(pods_cap)}
    msgs = [("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
            ("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            ("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available")]
    conds = [{"type": t, "status": "False", "lastHeartbeatTime": created,
              "lastTransitionTime": created, "reason": r, "message": m} for t, r, m in msgs]
    conds.append({"type": "Ready", "status": "True", "lastHeartbeatTime": created,
                  "lastTransitionTime": created, "reason": "KubeletReady",
                  "message": "kubelet is posting ready status"})
    mid = hashlib.md5(name.encode()).hexdigest()
    return {
        "metadata": {"name": name, "uid": util.new_uid(), "creationTimestamp": created,
                     "labels": labels,
                     "annotations": {
                         "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///run/containerd/containerd.sock",
                         "node.alpha.kubernetes.io/ttl": "0",
                         "volumes.kubernetes.io/controller-managed-attach-detach": "true"}},
        "spec": spec,
        "status": {
            "capacity": res, "allocatable": dict(res, cpu="7900m", memory="32153476Ki"),
            "conditions": conds,
            "addresses": [{"type": "InternalIP", "address": ip},
                          {"type": "Hostname", "address": name}],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {"machineID": mid, "systemUUID": mid[:8] + "-" + mid[8:12] + "-" + mid[12:16]
                         + "-" + mid[16:20] + "-" + mid[20:], "bootID": util.new_uid(),
                         "kernelVersion": "6.1.0-28-amd64",
                         "osImage": "Debian GNU/Linux 12 (bookworm)",
                         "containerRuntimeVersion": "containerd://1.7.24",
                         "kubeletVersion": "v1.32.4", "kubeProxyVersion": "v1.32.4",
                         "operatingSystem": "linux", "architecture": "amd64"},
            "images": [{"names": ["registry.k8s.io/kube-proxy:v1.32.4"], "sizeBytes": 30231528},
                       {"names": ["docker.io/library/nginx:1.27"], "sizeBytes": 72080558}],
        },
    }


def node_ready(n):
    for c in n["status"].get("conditions") or ():
        if c["type"] == "Ready":
            return c["status"] == "True"
    return False


def node_ip(n):
    for a in n["status"].get("addresses") or ():
        if a["type"] == "InternalIP":
            return a["address"]
    return ""


# ------------------------------------------------------------------ namespaces etc

def namespace(name, created):
    return {"metadata": {"name": name, "uid": util.new_uid(), "creationTimestamp": created,
                         "labels": {"kubernetes.io/metadata.name": name}},
            "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}


def service(name, ns, app, created, cluster_ip, port=80, target=8080):
    return {"metadata": {"name": name, "namespace": ns, "uid": util.new_uid(),
                         "creationTimestamp": created, "labels": {"app": app}},
            "spec": {"ports": [{"name": "http", "protocol": "TCP", "port": port,
                                "targetPort": target}],
                     "selector": {"app": app}, "clusterIP": cluster_ip,
                     "clusterIPs": [cluster_ip], "type": "ClusterIP",
                     "sessionAffinity": "None", "ipFamilies": ["IPv4"],
                     "ipFamilyPolicy": "SingleStack", "internalTrafficPolicy": "Cluster"},
            "status": {"loadBalancer": {}}}


def configmap(name, ns, created, data):
    return {"metadata": {"name": name, "namespace": ns, "uid": util.new_uid(),
                         "creationTimestamp": created}, "data": data}


def service_account(ns, created):
    return {"metadata": {"name": "default", "namespace": ns, "uid": util.new_uid(),
                         "creationTimestamp": created}}


# ------------------------------------------------------------------ templates

def container(name, image, port=8080, cpu="100m", mem="128Mi"):
    c = {"name": name, "image": image}
    if port:
        c["ports"] = [{"containerPort": port, "protocol": "TCP"}]
    c["resources"] = {"limits": {"memory": mem}, "requests": {"cpu": cpu, "memory": mem}}
    c["terminationMessagePath"] = "/dev/termination-log"
    c["terminationMessagePolicy"] = "File"
    c["imagePullPolicy"] = "IfNotPresent"
    return c


def pod_template(labels, containers, behavior=None, annotations=None, volumes=None):
    md = {"labels": dict(labels)}
    ann = dict(annotations or {})
    if behavior and behavior != "normal":
        ann[BEHAVIOR] = behavior
    if len(containers) > 1:
        ann[DEFAULT_CONTAINER] = containers[0]["name"]
    if ann:
        md["annotations"] = ann
    spec = {}
    if volumes:
        spec["volumes"] = volumes
    spec.update({"containers": containers, "restartPolicy": "Always",
                 "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
                 "securityContext": {}, "schedulerName": "default-scheduler"})
    return {"metadata": md, "spec": spec}


def template_hash(template, n=10):
    return util.hash_suffix(util.dumps(template), n)


def deployment(name, ns, created, replicas, template, labels=None):
    sel = {"matchLabels": dict(template["metadata"]["labels"])}
    return {"metadata": {"name": name, "namespace": ns, "uid": util.new_uid(),
                         "generation": 1, "creationTimestamp": created,
                         "labels": dict(labels or template["metadata"]["labels"]),
                         "annotations": {"deployment.kubernetes.io/revision": "1"}},
            "spec": {"replicas": replicas, "selector": sel, "template": template,
                     "strategy": {"type": "RollingUpdate",
                                  "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
                     "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600},
            "status": {}}


def replicaset(dep, template, tmpl_hash, replicas, revision, created):
    dmd = dep["metadata"]
    tpl = util.clone(template)
    tpl["metadata"].setdefault("labels", {})["pod-template-hash"] = tmpl_hash
    sel = util.clone(dep["spec"]["selector"])
    sel.setdefault("matchLabels", {})["pod-template-hash"] = tmpl_hash
    d = dep["spec"].get("replicas", 1)
    return {"metadata": {"name": "%s-%s" % (dmd["name"], tmpl_hash),
                         "namespace": dmd["namespace"], "uid": util.new_uid(),
                         "generation": 1, "creationTimestamp": created,
                         "labels": dict(tpl["metadata"]["labels"]),
                         "annotations": {"deployment.kubernetes.io/desired-replicas": str(d),
                                         "deployment.kubernetes.io/max-replicas": str(d + max(1, -(-d // 4))),
                                         "deployment.kubernetes.io/revision": str(revision)},
                         "ownerReferences": [owner_ref("Deployment", "apps/v1", dep)]},
            "spec": {"replicas": replicas, "selector": sel, "template": tpl},
            "status": {"replicas": 0, "observedGeneration": 1}}


def statefulset(name, ns, created, replicas, template, service_name):
    return {"metadata": {"name": name, "namespace": ns, "uid": util.new_uid(),
                         "generation": 1, "creationTimestamp": created,
                         "labels": dict(template["metadata"]["labels"])},
            "spec": {"replicas": replicas,
                     "selector": {"matchLabels": dict(template["metadata"]["labels"])},
                     "template": template, "serviceName": service_name,
                     "podManagementPolicy": "OrderedReady",
                     "updateStrategy": {"type": "RollingUpdate",
                                        "rollingUpdate": {"partition": 0}},
                     "revisionHistoryLimit": 10,
                     "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain",
                                                              "whenScaled": "Retain"}},
            "status": {"replicas": 0, "availableReplicas": 0}}


def daemonset(name, ns, created, template):
    return {"metadata": {"name": name, "namespace": ns, "uid": util.new_uid(),
                         "generation": 1, "creationTimestamp": created,
                         "labels": dict(template["metadata"]["labels"]),
                         "annotations": {"deprecated.daemonset.template.generation": "1"}},
            "spec": {"selector": {"matchLabels": dict(template["metadata"]["labels"])},
                     "template": template,
                     "updateStrategy": {"type": "RollingUpdate",
                                        "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}},
                     "revisionHistoryLimit": 10},
            "status": {"currentNumberScheduled": 0, "numberMisscheduled": 0,
                       "desiredNumberScheduled": 0, "numberReady": 0}}


def pdb(name, ns, created, selector, min_available=None, max_unavailable=None):
    spec = {}
    if min_available is not None:
        spec["minAvailable"] = min_available
    if max_unavailable is not None:
        spec["maxUnavailable"] = max_unavailable
    spec["selector"] = selector
    return {"metadata": {"name": name, "namespace": ns, "uid": util.new_uid(),
                         "generation": 1, "creationTimestamp": created},
            "spec": spec,
            "status": {"observedGeneration": 1, "disruptionsAllowed": 0, "currentHealthy": 0,
                       "desiredHealthy": 0, "expectedPods": 0}}


# ------------------------------------------------------------------ pods

TOLERATIONS = [
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
     "tolerationSeconds": 300},
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
     "tolerationSeconds": 300}]

DS_TOLERATIONS = [
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/disk-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/memory-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/pid-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"}]


def _api_volume(suffix):
    return {"name": "kube-api-access-" + suffix, "projected": {
        "sources": [{"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                    {"configMap": {"name": "kube-root-ca.crt",
                                   "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                    {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {
                        "apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}],
        "defaultMode": 420}}


def pod_spec_base(template_spec, suffix, daemon=False):
    """The pod spec the API server would store for a pod of this template."""
    ts = template_spec
    vol = _api_volume(suffix)
    mount = {"name": vol["name"], "readOnly": True,
             "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}
    containers = []
    for c in ts.get("containers") or []:
        c2 = dict(c)
        c2["volumeMounts"] = list(c.get("volumeMounts") or []) + [mount]
        containers.append(c2)
    spec = {"volumes": list(ts.get("volumes") or []) + [vol], "containers": containers}
    for k, v in ts.items():
        if k not in ("volumes", "containers"):
            spec[k] = v
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec["serviceAccountName"] = ts.get("serviceAccountName", "default")
    spec["serviceAccount"] = spec["serviceAccountName"]
    spec["nodeName"] = None
    spec.setdefault("securityContext", {})
    spec.setdefault("schedulerName", "default-scheduler")
    spec["tolerations"] = list(ts.get("tolerations") or []) + (DS_TOLERATIONS if daemon else TOLERATIONS)
    spec["priority"] = 0
    spec["enableServiceLinks"] = True
    spec["preemptionPolicy"] = "PreemptLowerPriority"
    return spec


POD_SPEC_ORDER = ["volumes", "initContainers", "containers", "ephemeralContainers",
                  "restartPolicy", "terminationGracePeriodSeconds", "activeDeadlineSeconds",
                  "dnsPolicy", "nodeSelector", "serviceAccountName", "serviceAccount",
                  "automountServiceAccountToken", "nodeName", "hostNetwork", "hostPID", "hostIPC",
                  "shareProcessNamespace", "securityContext", "imagePullSecrets", "hostname",
                  "subdomain", "affinity", "schedulerName", "tolerations", "hostAliases",
                  "priorityClassName", "priority", "dnsConfig", "readinessGates",
                  "runtimeClassName", "enableServiceLinks", "preemptionPolicy", "overhead",
                  "topologySpreadConstraints", "setHostnameAsFQDN", "os", "hostUsers",
                  "schedulingGates", "resourceClaims"]
_SPEC_RANK = {k: i for i, k in enumerate(POD_SPEC_ORDER)}
POD_STATUS_ORDER = ["observedGeneration", "phase", "conditions", "message", "reason",
                    "nominatedNodeName", "hostIP", "hostIPs", "podIP", "podIPs", "startTime",
                    "initContainerStatuses", "containerStatuses", "qosClass",
                    "ephemeralContainerStatuses", "resize", "resourceClaimStatuses"]
_STATUS_RANK = {k: i for i, k in enumerate(POD_STATUS_ORDER)}


def _ordered(d, rank):
    return dict(sorted(d.items(), key=lambda kv: rank.get(kv[0], 999)))


def order_pod_status(st):
    return _ordered(st, _STATUS_RANK)


def with_node(spec, node_name):
    """Pod spec with nodeName set (or dropped when None), keeping the API's key order."""
    if node_name:
        if "nodeName" in spec:
            return dict(spec, nodeName=node_name)
        return _ordered(dict(spec, nodeName=node_name), _SPEC_RANK)
    return {k: v for k, v in spec.items() if k != "nodeName"}


def shared_parts(owner_kind, owner_api, owner, template, rev, extra_labels, daemon=False):
    key = (owner["metadata"]["uid"], rev)
    got = _shared.get(key)
    if got is None:
        labels = dict(template["metadata"].get("labels") or {})
        labels.update(extra_labels)
        refs = [owner_ref(owner_kind, owner_api, owner)]
        spec = pod_spec_base(template["spec"], util.hash_suffix(key[0] + rev, 5), daemon)
        got = _shared[key] = (labels, refs, spec)
    return got


def forget_shared(owner_uid):
    for k in [k for k in _shared if k[0] == owner_uid]:
        del _shared[k]


def pending_status(created):
    return {"phase": "Pending", "qosClass": "Burstable"}


def new_pod(name, ns, labels, refs, spec, template, created, generate_name=None, node_name=None):
    md = {"name": name}
    if generate_name:
        md["generateName"] = generate_name
    md.update({"namespace": ns, "uid": util.new_uid(), "creationTimestamp": created,
               "labels": labels})
    ann = template["metadata"].get("annotations")
    if ann:
        md["annotations"] = ann
    md["ownerReferences"] = refs
    return {"metadata": md, "spec": with_node(spec, node_name),
            "status": pending_status(created)}


def pod_behavior(pod):
    ann = pod["metadata"].get("annotations") or {}
    b = ann.get(BEHAVIOR)
    if b:
        return b
    for c in pod["spec"].get("containers") or ():
        img = c.get("image", "")
        if "doesnotexist" in img or "invalid" in img.split("/")[-1]:
            return "imagepull"
    return "normal"


def pod_ready(pod):
    for c in pod.get("status", {}).get("conditions") or ():
        if c["type"] == "Ready":
            return c["status"] == "True"
    return False


def pod_active(pod):
    """Counted by controllers: not terminating and not finished."""
    return (not pod["metadata"].get("deletionTimestamp")
            and pod["status"].get("phase") not in ("Succeeded", "Failed"))


# ------------------------------------------------------------------ events

def event(obj, kind, api_version, reason, message, etype, component, host, ts, field_path=None):
    md = obj["metadata"]
    ns = md.get("namespace") or "default"
    inv = {"kind": kind, "namespace": ns if md.get("namespace") else "", "name": md["name"],
           "uid": md.get("uid", ""), "apiVersion": api_version,
           "resourceVersion": md.get("resourceVersion", "")}
    if not md.get("namespace"):
        del inv["namespace"]
    if field_path:
        inv["fieldPath"] = field_path
    iso = util.iso(ts)
    e = {"metadata": {"name": "%s.%x" % (md["name"], int(ts * 1e9)), "namespace": ns,
                      "uid": util.new_uid(), "creationTimestamp": iso},
         "involvedObject": inv, "reason": reason, "message": message,
         "source": {"component": component}, "firstTimestamp": iso, "lastTimestamp": iso,
         "count": 1, "type": etype, "eventTime": None,
         "reportingComponent": component, "reportingInstance": host or ""}
    if host:
        e["source"]["host"] = host
    return e


def event_v1(e):
    """core/v1 Event -> events.k8s.io/v1 Event view."""
    inv = e.get("involvedObject") or {}
    out = {"metadata": e["metadata"], "eventTime": e.get("eventTime")}
    out["reportingController"] = e.get("reportingComponent") or (e.get("source") or {}).get("component", "")
    out["reportingInstance"] = e.get("reportingInstance", "")
    out["action"] = e.get("action", e.get("reason", ""))
    out["reason"] = e.get("reason", "")
    out["regarding"] = inv
    out["note"] = e.get("message", "")
    out["type"] = e.get("type", "Normal")
    out["deprecatedSource"] = e.get("source") or {}
    out["deprecatedFirstTimestamp"] = e.get("firstTimestamp")
    out["deprecatedLastTimestamp"] = e.get("lastTimestamp")
    out["deprecatedCount"] = e.get("count", 1)
    return out


def event_from_v1(e):
    """events.k8s.io/v1 Event (from a POST) -> stored core/v1 form."""
    out = {"metadata": e.get("metadata") or {}, "involvedObject": e.get("regarding") or {},
           "reason": e.get("reason", ""), "message": e.get("note", ""),
           "source": e.get("deprecatedSource") or {"component": e.get("reportingController", "")},
           "firstTimestamp": e.get("deprecatedFirstTimestamp"),
           "lastTimestamp": e.get("deprecatedLastTimestamp"),
           "count": e.get("deprecatedCount", 1), "type": e.get("type", "Normal"),
           "eventTime": e.get("eventTime"),
           "reportingComponent": e.get("reportingController", ""),
           "reportingInstance": e.get("reportingInstance", "")}
    return out
