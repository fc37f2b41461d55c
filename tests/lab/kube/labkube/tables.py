"""Server-side printing: meta.k8s.io/v1 Table output for `kubectl get`.

Columns and cell formats follow pkg/printers/internalversion/printers.go
(priority-1 columns are what `-o wide` shows).  Rows carry the object as
PartialObjectMetadata unless includeObject=Object|None is asked for.
"""

import time

from . import labels as sel
from . import util

NAME_DESC = ("Name must be unique within a namespace. Is required when creating resources, "
             "although some resources may allow a client to request the generation of an "
             "appropriate name automatically. Name is primarily intended for creation "
             "idempotence and configuration definition. Cannot be updated. More info: "
             "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names")
AGE_DESC = ("CreationTimestamp is a timestamp representing the server time when this object "
            "was created. It is not guaranteed to be set in happens-before order across "
            "separate operations. Clients may not set this value. It is represented in "
            "RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. "
            "More info: https://git.k8s.io/community/contributors/devel/sig-architecture/"
            "api-conventions.md#metadata")


def col(name, typ="string", priority=0, desc="", fmt=""):
    if name == "Name" and not desc:
        desc, fmt = NAME_DESC, "name"
    if name == "Age" and not desc:
        desc = AGE_DESC
    return {"name": name, "type": typ, "format": fmt, "description": desc or name,
            "priority": priority}


def _age(o, now):
    return util.age(o["metadata"].get("creationTimestamp"), now)


def _none(v):
    return v if v not in (None, "") else "<none>"


def _containers_images(tpl_spec):
    cs = tpl_spec.get("containers") or []
    return ",".join(c["name"] for c in cs), ",".join(c.get("image", "") for c in cs)


# ------------------------------------------------------------------ pods

def pod_status_reason(pod):
    st = pod.get("status") or {}
    reason = st.get("reason") or st.get("phase") or "Pending"
    has_running = False
    css = st.get("containerStatuses") or []
    for cs in reversed(css):
        s = cs.get("state") or {}
        if s.get("waiting") and s["waiting"].get("reason"):
            reason = s["waiting"]["reason"]
        elif s.get("terminated"):
            t = s["terminated"]
            if t.get("reason"):
                reason = t["reason"]
            elif t.get("signal"):
                reason = "Signal:%d" % t["signal"]
            else:
                reason = "ExitCode:%d" % t.get("exitCode", 0)
        elif cs.get("ready") and s.get("running"):
            has_running = True
    if reason == "Completed" and has_running:
        ready = any(c["type"] == "Ready" and c["status"] == "True" for c in st.get("conditions") or ())
        reason = "Running" if ready else "NotReady"
    if pod["metadata"].get("deletionTimestamp"):
        reason = "Terminating"
    return reason


def _restarts(pod, now):
    total, last = 0, None
    for cs in (pod.get("status") or {}).get("containerStatuses") or ():
        total += cs.get("restartCount", 0)
        t = ((cs.get("lastState") or {}).get("terminated") or {}).get("finishedAt")
        ts = util.parse_iso(t) if t else None
        if ts and (last is None or ts > last):
            last = ts
    if total and last:
        return "%d (%s ago)" % (total, util.human_duration(now - last))
    return str(total)


def pod_row(p, now):
    st = p.get("status") or {}
    css = st.get("containerStatuses") or []
    total = len((p.get("spec") or {}).get("containers") or ())
    ready = sum(1 for c in css if c.get("ready"))
    return ["%d/%d" % (ready, total), pod_status_reason(p), _restarts(p, now), _age(p, now),
            _none(st.get("podIP")), _none(p["spec"].get("nodeName")),
            _none(st.get("nominatedNodeName")), "<none>"]


POD_COLS = [col("Name"), col("Ready", desc="The aggregate readiness state of this pod for accepting traffic."),
            col("Status", desc="The aggregate status of the containers in this pod."),
            col("Restarts", desc="The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
            col("Age"), col("IP", priority=1, desc="podIP address allocated to the pod."),
            col("Node", priority=1, desc="NodeName indicates in which node this pod is scheduled."),
            col("Nominated Node", priority=1, desc="nominatedNodeName is set only when this pod preempts other pods on the node."),
            col("Readiness Gates", priority=1, desc="If specified, all readiness gates will be evaluated for pod readiness.")]


# ------------------------------------------------------------------ others

def node_row(n, now):
    st = n.get("status") or {}
    ready = "Unknown"
    for c in st.get("conditions") or ():
        if c["type"] == "Ready":
            ready = "Ready" if c["status"] == "True" else "NotReady"
    status = ready + (",SchedulingDisabled" if n["spec"].get("unschedulable") else "")
    roles = sorted(k.split("/", 1)[1] for k in (n["metadata"].get("labels") or {})
                   if k.startswith("node-role.kubernetes.io/"))
    info = st.get("nodeInfo") or {}
    ips = {a["type"]: a["address"] for a in st.get("addresses") or ()}
    return [status, ",".join(roles) or "<none>", _age(n, now), info.get("kubeletVersion", ""),
            _none(ips.get("InternalIP")), _none(ips.get("ExternalIP")), info.get("osImage", ""),
            info.get("kernelVersion", ""), info.get("containerRuntimeVersion", "")]


NODE_COLS = [col("Name"), col("Status"), col("Roles"), col("Age"), col("Version"),
             col("Internal-IP", priority=1), col("External-IP", priority=1),
             col("OS-Image", priority=1), col("Kernel-Version", priority=1),
             col("Container-Runtime", priority=1)]


def deploy_row(d, now):
    st = d.get("status") or {}
    c, i = _containers_images(d["spec"]["template"]["spec"])
    return ["%d/%d" % (st.get("readyReplicas", 0), d["spec"].get("replicas", 1)),
            st.get("updatedReplicas", 0), st.get("availableReplicas", 0), _age(d, now), c, i,
            sel.selector_string(d["spec"].get("selector"))]


DEPLOY_COLS = [col("Name"), col("Ready"), col("Up-to-date", "integer"),
               col("Available", "integer"), col("Age"), col("Containers", priority=1),
               col("Images", priority=1), col("Selector", priority=1)]


def rs_row(r, now):
    st = r.get("status") or {}
    c, i = _containers_images(r["spec"]["template"]["spec"])
    return [r["spec"].get("replicas", 1), st.get("replicas", 0), st.get("readyReplicas", 0),
            _age(r, now), c, i, sel.selector_string(r["spec"].get("selector"))]


RS_COLS = [col("Name"), col("Desired", "integer"), col("Current", "integer"),
           col("Ready", "integer"), col("Age"), col("Containers", priority=1),
           col("Images", priority=1), col("Selector", priority=1)]


def sts_row(s, now):
    st = s.get("status") or {}
    c, i = _containers_images(s["spec"]["template"]["spec"])
    return ["%d/%d" % (st.get("readyReplicas", 0), s["spec"].get("replicas", 1)), _age(s, now), c, i]


STS_COLS = [col("Name"), col("Ready"), col("Age"), col("Containers", priority=1),
            col("Images", priority=1)]


def ds_row(d, now):
    st = d.get("status") or {}
    c, i = _containers_images(d["spec"]["template"]["spec"])
    nsel = d["spec"]["template"]["spec"].get("nodeSelector") or {}
    return [st.get("desiredNumberScheduled", 0), st.get("currentNumberScheduled", 0),
            st.get("numberReady", 0), st.get("updatedNumberScheduled", 0),
            st.get("numberAvailable", 0),
            ",".join("%s=%s" % kv for kv in sorted(nsel.items())) or "<none>", _age(d, now), c, i,
            sel.selector_string(d["spec"].get("selector"))]


DS_COLS = [col("Name"), col("Desired", "integer"), col("Current", "integer"),
           col("Ready", "integer"), col("Up-to-date", "integer"), col("Available", "integer"),
           col("Node Selector"), col("Age"), col("Containers", priority=1),
           col("Images", priority=1), col("Selector", priority=1)]


def svc_row(s, now):
    sp = s["spec"]
    ports = []
    for p in sp.get("ports") or ():
        if p.get("nodePort"):
            ports.append("%d:%d/%s" % (p["port"], p["nodePort"], p.get("protocol", "TCP")))
        else:
            ports.append("%d/%s" % (p["port"], p.get("protocol", "TCP")))
    ext = ",".join(i.get("ip", "") for i in (s.get("status") or {}).get("loadBalancer", {}).get("ingress") or ())
    if not ext:
        ext = "<pending>" if sp.get("type") == "LoadBalancer" else "<none>"
    return [sp.get("type", "ClusterIP"), sp.get("clusterIP", ""), ext,
            ",".join(ports) or "<none>", _age(s, now),
            ",".join("%s=%s" % kv for kv in sorted((sp.get("selector") or {}).items())) or "<none>"]


SVC_COLS = [col("Name"), col("Type"), col("Cluster-IP"), col("External-IP"), col("Port(s)"),
            col("Age"), col("Selector", priority=1)]


def ns_row(n, now):
    return [(n.get("status") or {}).get("phase", "Active"), _age(n, now)]


NS_COLS = [col("Name"), col("Status"), col("Age")]


def event_row(e, now):
    inv = e.get("involvedObject") or {}
    last = e.get("lastTimestamp") or e.get("eventTime") or e["metadata"].get("creationTimestamp")
    first = e.get("firstTimestamp") or last
    src = e.get("source") or {}
    source = src.get("component", "") + (", " + src["host"] if src.get("host") else "")
    return [util.age(last, now), e.get("type", ""), e.get("reason", ""),
            "%s/%s" % (inv.get("kind", "").lower(), inv.get("name", "")),
            inv.get("fieldPath", ""), source, (e.get("message") or "").strip(),
            util.age(first, now), e.get("count", 1), e["metadata"]["name"]]


EVENT_COLS = [col("Last Seen"), col("Type"), col("Reason"), col("Object"),
              col("Subobject", priority=1), col("Source", priority=1), col("Message"),
              col("First Seen", priority=1), col("Count", "integer", 1),
              col("Name", priority=1)]


def pdb_row(p, now):
    sp = p["spec"]
    return [str(sp["minAvailable"]) if "minAvailable" in sp else "N/A",
            str(sp["maxUnavailable"]) if "maxUnavailable" in sp else "N/A",
            (p.get("status") or {}).get("disruptionsAllowed", 0), _age(p, now)]


PDB_COLS = [col("Name"), col("Min Available"), col("Max Unavailable"),
            col("Allowed Disruptions", "integer"), col("Age")]


def cm_row(c, now):
    return [len(c.get("data") or {}) + len(c.get("binaryData") or {}), _age(c, now)]


def secret_row(s, now):
    return [s.get("type", "Opaque"), len(s.get("data") or {}), _age(s, now)]


def lease_row(lease, now):
    return [_none((lease.get("spec") or {}).get("holderIdentity")), _age(lease, now)]


def default_row(o, now):
    return [_age(o, now)]


TABLES = {
    "pods": (POD_COLS, pod_row),
    "nodes": (NODE_COLS, node_row),
    "deployments": (DEPLOY_COLS, deploy_row),
    "replicasets": (RS_COLS, rs_row),
    "statefulsets": (STS_COLS, sts_row),
    "daemonsets": (DS_COLS, ds_row),
    "services": (SVC_COLS, svc_row),
    "namespaces": (NS_COLS, ns_row),
    "events": (EVENT_COLS, event_row),
    "poddisruptionbudgets": (PDB_COLS, pdb_row),
    "configmaps": ([col("Name"), col("Data", "integer"), col("Age")], cm_row),
    "secrets": ([col("Name"), col("Type"), col("Data", "integer"), col("Age")], secret_row),
    "leases": ([col("Name"), col("Holder"), col("Age")], lease_row),
}
DEFAULT = ([col("Name"), col("Age")], default_row)


def _row_object(r, obj, include):
    if include == "None":
        return None
    if include == "Object":
        return dict({"kind": r.kind, "apiVersion": r.api_version}, **obj)
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
            "metadata": obj["metadata"]}


def columns_and_row(r):
    """The columns and row function for resource r."""
    from . import tables_more as more
    if r.custom is not None:
        return more.custom_table(r)
    if r.store_key == "storageclasses":
        return more.storageclass_table()
    key = r.store_key if r.group != "events.k8s.io" else "events"
    return TABLES.get(key) or more.TABLES.get(key) or DEFAULT


def table(r, objs, list_meta, include="Metadata", headers=True, view=None):
    """Build a Table for resource r from stored objects.

    `view` converts a stored object into the served form first (events.k8s.io)."""
    from . import tables_more as more
    cols, rowfn = columns_and_row(r)
    now = time.time()
    rows = []
    for o in objs:
        cells = [more.name_of(r, o)] + rowfn(o, now) if rowfn is not event_row else rowfn(o, now)
        served = view(o) if view else o
        row = {"cells": cells}
        ro = _row_object(r, served, include)
        if ro is not None:
            row["object"] = ro
        rows.append(row)
    t = {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": list_meta,
         "columnDefinitions": cols if headers else None, "rows": rows}
    return t
