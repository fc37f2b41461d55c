"""Defaulting and light validation for objects written through the API (POST/PUT/PATCH).

Mirrors what the real API server adds on create (uid, timestamps,
generation, container/pod/workload defaults, a service clusterIP, pod
status Pending) and what it preserves on update (immutable metadata,
status when writing the main resource, spec when writing /status), and
bumps metadata.generation when a workload's spec changes.
"""

import base64
import random

from . import objects, util
from . import labels as sel
from . import resources as R

META_ORDER = ["name", "generateName", "namespace", "selfLink", "uid", "resourceVersion",
              "generation", "creationTimestamp", "deletionTimestamp",
              "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences",
              "finalizers", "managedFields"]
GENERATION = {"deployments", "replicasets", "statefulsets", "daemonsets",
              "poddisruptionbudgets", "jobs", "cronjobs", "horizontalpodautoscalers",
              "customresourcedefinitions", "ingresses"}


class Invalid(Exception):
    def __init__(self, status):
        Exception.__init__(self, status.get("message"))
        self.status = status


def norm_meta(md):
    out = {k: md[k] for k in META_ORDER if k in md and md[k] is not None}
    for k, v in md.items():
        if k not in out and v is not None and k != "creationTimestamp":
            out[k] = v
    return out


def _container_defaults(c):
    c = dict(c)
    img = c.get("image", "")
    c.setdefault("resources", {})
    c.setdefault("terminationMessagePath", "/dev/termination-log")
    c.setdefault("terminationMessagePolicy", "File")
    tag = img.rsplit("/", 1)[-1]
    c.setdefault("imagePullPolicy", "Always" if ":" not in tag or tag.endswith(":latest") else "IfNotPresent")
    if c.get("ports"):
        c["ports"] = [dict(p, protocol=p.get("protocol", "TCP")) for p in c["ports"]]
    return c


def template_spec_defaults(spec):
    spec = dict(spec or {})
    spec["containers"] = [_container_defaults(c) for c in spec.get("containers") or []]
    if spec.get("initContainers"):
        spec["initContainers"] = [_container_defaults(c) for c in spec["initContainers"]]
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("securityContext", {})
    spec.setdefault("schedulerName", "default-scheduler")
    return spec


def _template(tpl):
    tpl = dict(tpl or {})
    tpl["metadata"] = dict(tpl.get("metadata") or {})
    tpl["metadata"].pop("creationTimestamp", None)
    tpl["spec"] = template_spec_defaults(tpl.get("spec"))
    return tpl


def _check_selector(r, name, spec):
    s = spec.get("selector")
    if not s:
        raise Invalid(R.invalid(r, name, "spec.selector", "Required value", "FieldValueRequired"))
    labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
    if not sel.match_labels(sel.selector_from_match_labels(s), labels):
        raise Invalid(R.invalid(r, name, "spec.template.metadata.labels",
                                "Invalid value: %s: `selector` does not match template `labels`"
                                % util.dumps(labels)))


def _b64(s):
    return base64.b64encode(s.encode()).decode()


def prepare_new(r, body, store, now_iso):
    """Turn a POSTed body into the stored form. Raises Invalid."""
    obj = {k: v for k, v in body.items() if k not in ("kind", "apiVersion")}
    md = dict(obj.get("metadata") or {})
    md["uid"] = util.new_uid()
    md["creationTimestamp"] = now_iso
    for k in ("resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink",
              "managedFields"):
        md.pop(k, None)
    key = r.store_key
    name = md["name"]
    if key in GENERATION:
        md["generation"] = 1
    spec = obj.get("spec")
    if key == "pods":
        if not (spec or {}).get("containers"):
            raise Invalid(R.invalid(r, name, "spec.containers", "Required value", "FieldValueRequired"))
        base = objects.pod_spec_base(template_spec_defaults(spec), util.rand_suffix(random, 5))
        obj["spec"] = objects.with_node(base, spec.get("nodeName"))
        obj["status"] = {"phase": "Pending", "qosClass": "BestEffort"}
    elif key in ("deployments", "replicasets", "statefulsets", "daemonsets"):
        spec = dict(spec or {})
        _check_selector(r, name, spec)
        spec["template"] = _template(spec.get("template"))
        if key != "daemonsets":
            spec.setdefault("replicas", 1)
        spec.setdefault("revisionHistoryLimit", 10)
        if key == "deployments":
            spec.setdefault("strategy", {"type": "RollingUpdate", "rollingUpdate": {
                "maxUnavailable": "25%", "maxSurge": "25%"}})
            spec.setdefault("progressDeadlineSeconds", 600)
            md.setdefault("annotations", {})
        elif key == "statefulsets":
            spec.setdefault("serviceName", "")
            spec.setdefault("podManagementPolicy", "OrderedReady")
            spec.setdefault("updateStrategy", {"type": "RollingUpdate",
                                               "rollingUpdate": {"partition": 0}})
            spec.setdefault("persistentVolumeClaimRetentionPolicy",
                            {"whenDeleted": "Retain", "whenScaled": "Retain"})
        elif key == "daemonsets":
            spec.setdefault("updateStrategy", {"type": "RollingUpdate", "rollingUpdate": {
                "maxUnavailable": 1, "maxSurge": 0}})
        if key == "replicasets":
            spec.pop("revisionHistoryLimit", None)
        obj["spec"] = spec
        obj["status"] = {"replicas": 0} if key in ("replicasets", "statefulsets") else {}
    elif key == "services":
        spec = dict(spec or {})
        spec["ports"] = [dict(p, protocol=p.get("protocol", "TCP"),
                              targetPort=p.get("targetPort", p.get("port")))
                         for p in spec.get("ports") or []]
        spec.setdefault("type", "ClusterIP")
        if "clusterIP" not in spec:
            used = {s["spec"].get("clusterIP") for s in store.all("services")}
            while True:
                ip = "10.96.%d.%d" % (random.randrange(1, 250), random.randrange(2, 250))
                if ip not in used:
                    break
            spec["clusterIP"] = ip
        spec.setdefault("clusterIPs", [spec["clusterIP"]])
        spec.setdefault("sessionAffinity", "None")
        spec.setdefault("ipFamilies", ["IPv4"])
        spec.setdefault("ipFamilyPolicy", "SingleStack")
        spec.setdefault("internalTrafficPolicy", "Cluster")
        obj["spec"] = spec
        obj["status"] = {"loadBalancer": {}}
    elif key == "namespaces":
        md.setdefault("labels", {})["kubernetes.io/metadata.name"] = name
        obj["spec"] = {"finalizers": ["kubernetes"]}
        obj["status"] = {"phase": "Active"}
    elif key == "poddisruptionbudgets":
        if not (spec or {}).get("selector"):
            spec = dict(spec or {}, selector={})
            obj["spec"] = spec
        obj["status"] = {"disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0,
                         "expectedPods": 0}
    elif key == "secrets":
        data = dict(obj.get("data") or {})
        for k, v in (obj.pop("stringData", None) or {}).items():
            data[k] = _b64(v)
        if data:
            obj["data"] = data
        obj.setdefault("type", "Opaque")
    elif key == "jobs":
        spec = dict(spec or {})
        uid = md["uid"]
        tpl = _template(spec.get("template"))
        tpl["spec"]["restartPolicy"] = (spec.get("template") or {}).get("spec", {}).get("restartPolicy") or "Never"
        labels = tpl["metadata"].setdefault("labels", {})
        labels.update({"batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": name,
                       "controller-uid": uid, "job-name": name})
        spec["template"] = tpl
        spec.setdefault("selector", {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}})
        spec.setdefault("parallelism", 1)
        spec.setdefault("completions", 1)
        spec.setdefault("backoffLimit", 6)
        spec.setdefault("completionMode", "NonIndexed")
        spec.setdefault("suspend", False)
        spec.setdefault("podReplacementPolicy", "TerminatingOrFailed")
        md.setdefault("labels", {}).update({"batch.kubernetes.io/controller-uid": uid,
                                            "batch.kubernetes.io/job-name": name,
                                            "controller-uid": uid, "job-name": name})
        obj["spec"] = spec
        obj["status"] = {}
    elif key == "cronjobs":
        spec = dict(spec or {})
        sched = spec.get("schedule", "")
        if not _cron_ok(sched):
            raise Invalid(R.invalid(r, name, "spec.schedule", 'Invalid value: "%s": expected exactly 5 fields' % sched))
        spec.setdefault("concurrencyPolicy", "Allow")
        spec.setdefault("suspend", False)
        spec.setdefault("successfulJobsHistoryLimit", 3)
        spec.setdefault("failedJobsHistoryLimit", 1)
        jt = dict(spec.get("jobTemplate") or {})
        jspec = dict(jt.get("spec") or {})
        tpl = _template(jspec.get("template"))
        tpl["spec"]["restartPolicy"] = (jspec.get("template") or {}).get("spec", {}).get("restartPolicy") or "OnFailure"
        jspec["template"] = tpl
        jt["spec"] = jspec
        jt.setdefault("metadata", {})
        spec["jobTemplate"] = jt
        obj["spec"] = spec
        obj["status"] = {}
    elif key == "horizontalpodautoscalers":
        spec = dict(spec or {})
        spec.setdefault("minReplicas", 1)
        spec.setdefault("metrics", [{"type": "Resource", "resource": {
            "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}])
        obj["spec"] = spec
        obj["status"] = {"currentReplicas": 0, "desiredReplicas": 0}
    elif key == "customresourcedefinitions":
        names = dict((spec or {}).get("names") or {})
        names.setdefault("singular", names.get("plural", "").rstrip("s"))
        names.setdefault("listKind", names.get("kind", "") + "List")
        obj["spec"] = dict(spec or {}, names=names)
        storage = [v["name"] for v in obj["spec"].get("versions") or () if v.get("storage")]
        obj["status"] = {"conditions": [
            {"type": "NamesAccepted", "status": "True", "lastTransitionTime": now_iso, "reason": "NoConflicts",
             "message": "no conflicts found"},
            {"type": "Established", "status": "True", "lastTransitionTime": now_iso, "reason": "InitialNamesAccepted",
             "message": "the initial names have been accepted"}],
            "acceptedNames": names, "storedVersions": storage}
    elif key == "persistentvolumeclaims":
        obj.setdefault("status", {"phase": "Pending"})
        spec = dict(spec or {})
        spec.setdefault("volumeMode", "Filesystem")
        obj["spec"] = spec
    elif key == "events":
        obj.setdefault("count", 1)
        obj.setdefault("firstTimestamp", now_iso)
        obj.setdefault("lastTimestamp", obj["firstTimestamp"])
    obj["metadata"] = norm_meta(md)
    order = ["metadata", "spec", "status"]
    return {k: obj[k] for k in order if k in obj} | {k: v for k, v in obj.items() if k not in order}


def _cron_ok(sched):
    from . import batch
    fields = sched.split()
    if len(fields) != 5:
        return False
    try:
        for i, (lo, hi) in enumerate(((0, 59), (0, 23), (1, 31), (1, 12), (0, 6))):
            batch._field(fields[i], lo, hi)
        return True
    except (ValueError, IndexError):
        return False


def prepare_update(r, cur, new, sub):
    """Merge a PUT/PATCH result with the current object. Returns the object to store."""
    if sub == "status":
        out = dict(cur)
        out["metadata"] = dict(cur["metadata"])
        if "status" in new:
            out["status"] = new["status"]
        return out
    obj = {k: v for k, v in new.items() if k not in ("kind", "apiVersion")}
    md = dict(obj.get("metadata") or {})
    cmd = cur["metadata"]
    for k in ("name", "namespace", "uid", "creationTimestamp", "generation", "deletionTimestamp",
              "deletionGracePeriodSeconds", "generateName"):
        if k in cmd:
            md[k] = cmd[k]
        else:
            md.pop(k, None)
    md.pop("resourceVersion", None)
    md.pop("managedFields", None)
    key = r.store_key
    if "status" in cur:
        obj["status"] = cur["status"]
    if key == "pods":
        spec = dict(obj.get("spec") or cur["spec"])
        if cur["spec"].get("nodeName"):
            spec = dict(spec, nodeName=cur["spec"]["nodeName"])
        for k in ("volumes", "serviceAccountName", "serviceAccount", "schedulerName"):
            if k in cur["spec"]:
                spec[k] = cur["spec"][k]
        obj["spec"] = spec
    if key in ("deployments", "replicasets", "statefulsets", "daemonsets") and "spec" in obj:
        spec = dict(obj["spec"])
        spec["selector"] = cur["spec"].get("selector", spec.get("selector"))
        spec["template"] = _template(spec.get("template"))
        obj["spec"] = spec
    if key == "namespaces":
        obj["spec"] = cur.get("spec", {})
    if key == "cronjobs":
        sched = (obj.get("spec") or {}).get("schedule", "")
        if not _cron_ok(sched):
            raise Invalid(R.invalid(r, cmd["name"], "spec.schedule",
                                    'Invalid value: "%s": expected exactly 5 fields' % sched))
    if key in GENERATION and obj.get("spec") != cur.get("spec"):
        md["generation"] = cmd.get("generation", 1) + 1
    obj["metadata"] = norm_meta(md)
    order = ["metadata", "spec", "status"]
    return {k: obj[k] for k in order if k in obj} | {k: v for k, v in obj.items() if k not in order}
