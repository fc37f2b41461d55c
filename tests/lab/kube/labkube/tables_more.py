"""Server-side printing of the kinds added for incidents and of custom
resources: the columns `kubectl get` 1.32 shows for jobs, cronjobs,
autoscalers, ingresses, volumes and claims, endpoints and their slices,
storage classes, CRDs; and a CRD's additionalPrinterColumns, read from
each object through the JSONPath subset CRDs use (.a.b, .a[0].b, .a[*].b).
"""

import json
import time

from . import util
from . import labels as sel

DATE_DESC = "CreationTimestamp is a timestamp representing the server time when this object was created."


def col(name, typ="string", priority=0, desc="", fmt=""):
    from .tables import col as base
    return base(name, typ, priority, desc, fmt)


def _age(o, now):
    return util.age(o["metadata"].get("creationTimestamp"), now)


def _none(v):
    return v if v not in (None, "", []) else "<none>"


def _since(ts, now):
    return util.age(ts, now) if ts else "<none>"


def _cond(obj, ctype):
    return any(c.get("type") == ctype and c.get("status") == "True"
               for c in (obj.get("status") or {}).get("conditions") or ())


def _containers_images(tpl_spec):
    cs = (tpl_spec or {}).get("containers") or []
    return ",".join(c["name"] for c in cs), ",".join(c.get("image", "") for c in cs)


# ------------------------------------------------------------------ batch

def job_status(j):
    if _cond(j, "Complete"):
        return "Complete"
    if _cond(j, "Failed"):
        return "Failed"
    if j["metadata"].get("deletionTimestamp"):
        return "Terminating"
    if _cond(j, "Suspended"):
        return "Suspended"
    if _cond(j, "FailureTarget"):
        return "FailureTarget"
    return "Running"


def job_row(j, now):
    sp, st = j.get("spec") or {}, j.get("status") or {}
    done = st.get("succeeded", 0)
    if sp.get("completions") is not None:
        comp = "%d/%d" % (done, sp["completions"])
    elif sp.get("parallelism", 1) > 1:
        comp = "%d/1 of %d" % (done, sp["parallelism"])
    else:
        comp = "%d/1" % done
    start = util.parse_iso(st.get("startTime")) if st.get("startTime") else None
    end = util.parse_iso(st.get("completionTime")) if st.get("completionTime") else None
    dur = util.human_duration((end or now) - start) if start else ""
    c, i = _containers_images(((sp.get("template") or {}).get("spec")))
    return [job_status(j), comp, dur, _age(j, now), c, i,
            sel.selector_string(sp.get("selector"))]


JOB_COLS = [col("Name"), col("Status"), col("Completions"), col("Duration"), col("Age"),
            col("Containers", priority=1), col("Images", priority=1), col("Selector", priority=1)]


def cronjob_row(cj, now):
    sp, st = cj.get("spec") or {}, cj.get("status") or {}
    tpl = (((sp.get("jobTemplate") or {}).get("spec") or {}).get("template") or {}).get("spec")
    c, i = _containers_images(tpl)
    js = ((sp.get("jobTemplate") or {}).get("spec") or {}).get("selector")
    return [sp.get("schedule", ""), _none(sp.get("timeZone")), "True" if sp.get("suspend") else "False",
            len(st.get("active") or ()), _since(st.get("lastScheduleTime"), now), _age(cj, now), c, i,
            sel.selector_string(js) if js else "<none>"]


CRONJOB_COLS = [col("Name"), col("Schedule"), col("Timezone"), col("Suspend", "boolean"),
                col("Active", "integer"), col("Last Schedule"), col("Age"),
                col("Containers", priority=1), col("Images", priority=1), col("Selector", priority=1)]


# ------------------------------------------------------------------ autoscaling

def hpa_row(h, now):
    sp, st = h.get("spec") or {}, h.get("status") or {}
    ref = sp.get("scaleTargetRef") or {}
    targets = []
    current = {}
    for m in st.get("currentMetrics") or ():
        res = m.get("resource") or {}
        current[res.get("name")] = (res.get("current") or {}).get("averageUtilization")
    for m in sp.get("metrics") or ():
        res = m.get("resource") or {}
        want = (res.get("target") or {}).get("averageUtilization")
        cur = current.get(res.get("name"))
        targets.append("%s: %s/%s%%" % (res.get("name", "?"), "%d%%" % cur if cur is not None else "<unknown>",
                                        want if want is not None else "?"))
    return ["%s/%s" % (ref.get("kind", ""), ref.get("name", "")), ", ".join(targets) or "<none>",
            sp.get("minReplicas", 1), sp.get("maxReplicas", 0), st.get("currentReplicas", 0), _age(h, now)]


HPA_COLS = [col("Name"), col("Reference"), col("Targets"), col("MinPods", "integer"),
            col("MaxPods", "integer"), col("Replicas", "integer"), col("Age")]


# ------------------------------------------------------------------ networking

def ingress_row(i, now):
    sp = i.get("spec") or {}
    hosts = [r.get("host") or "*" for r in sp.get("rules") or ()]
    addr = [x.get("ip") or x.get("hostname", "") for x in
            ((i.get("status") or {}).get("loadBalancer") or {}).get("ingress") or ()]
    ports = "80, 443" if sp.get("tls") else "80"
    return [_none(sp.get("ingressClassName")), ",".join(hosts) or "*", ",".join(addr), ports, _age(i, now)]


INGRESS_COLS = [col("Name"), col("Class"), col("Hosts"), col("Address"), col("Ports"), col("Age")]


def ingressclass_row(c, now):
    sp = c.get("spec") or {}
    return [sp.get("controller", ""), "<none>", _age(c, now)]


INGRESSCLASS_COLS = [col("Name"), col("Controller"), col("Parameters"), col("Age")]


def _ep_addrs(addrs, port_text):
    out = ["%s:%s" % (a, port_text) if port_text else a for a in addrs]
    if len(out) > 3:
        return ",".join(out[:3]) + " + %d more..." % (len(out) - 3)
    return ",".join(out) or "<none>"


def endpoints_row(e, now):
    addrs, port = [], ""
    for s in e.get("subsets") or ():
        ps = s.get("ports") or []
        port = str(ps[0]["port"]) if ps else ""
        addrs += [a["ip"] for a in s.get("addresses") or ()]
    return [_ep_addrs(addrs, port), _age(e, now)]


ENDPOINTS_COLS = [col("Name"), col("Endpoints"), col("Age")]


def endpointslice_row(s, now):
    ports = ",".join(str(p.get("port")) for p in s.get("ports") or ()) or "<unset>"
    addrs = [a for ep in s.get("endpoints") or () for a in ep.get("addresses") or ()]
    return [s.get("addressType", "IPv4"), ports, _ep_addrs(addrs, ""), _age(s, now)]


ENDPOINTSLICE_COLS = [col("Name"), col("AddressType"), col("Ports"), col("Endpoints"), col("Age")]


# ------------------------------------------------------------------ storage

MODES = {"ReadWriteOnce": "RWO", "ReadOnlyMany": "ROX", "ReadWriteMany": "RWX", "ReadWriteOncePod": "RWOP"}


def _modes(sp):
    return ",".join(MODES.get(m, m) for m in sp.get("accessModes") or ())


def pvc_row(c, now):
    sp, st = c.get("spec") or {}, c.get("status") or {}
    cap = (st.get("capacity") or {}).get("storage", "")
    return [st.get("phase", "Pending"), sp.get("volumeName", ""), cap, _modes(st) if cap else "",
            _none(sp.get("storageClassName")), "<unset>", _age(c, now), sp.get("volumeMode", "Filesystem")]


PVC_COLS = [col("Name"), col("Status"), col("Volume"), col("Capacity"), col("Access Modes"),
            col("StorageClass"), col("VolumeAttributesClass"), col("Age"), col("VolumeMode", priority=1)]


def pv_row(v, now):
    sp, st = v.get("spec") or {}, v.get("status") or {}
    ref = sp.get("claimRef") or {}
    claim = "%s/%s" % (ref.get("namespace"), ref.get("name")) if ref else ""
    return [(sp.get("capacity") or {}).get("storage", ""), _modes(sp),
            sp.get("persistentVolumeReclaimPolicy", "Delete"), st.get("phase", "Available"), claim,
            sp.get("storageClassName", ""), "<unset>", st.get("reason", ""), _age(v, now),
            sp.get("volumeMode", "Filesystem")]


PV_COLS = [col("Name"), col("Capacity"), col("Access Modes"), col("Reclaim Policy"), col("Status"),
           col("Claim"), col("StorageClass"), col("VolumeAttributesClass"), col("Reason"), col("Age"),
           col("VolumeMode", priority=1)]


def storageclass_row(c, now):
    default = (c["metadata"].get("annotations") or {}).get("storageclass.kubernetes.io/is-default-class") == "true"
    return [c.get("provisioner", ""), c.get("reclaimPolicy", "Delete"),
            c.get("volumeBindingMode", "Immediate"), str(bool(c.get("allowVolumeExpansion"))).lower(),
            _age(c, now)], default


SC_COLS = [col("Name"), col("Provisioner"), col("ReclaimPolicy"), col("VolumeBindingMode"),
           col("AllowVolumeExpansion"), col("Age")]


def crd_row(c, now):
    return [c["metadata"].get("creationTimestamp", "")]


CRD_COLS = [col("Name"), col("Created At", "date", desc=DATE_DESC, fmt="date-time")]


def sa_row(a, now):
    return [len(a.get("secrets") or ()), _age(a, now)]


SA_COLS = [col("Name"), col("Secrets", "integer"), col("Age")]


# ------------------------------------------------------------------ custom resources

def jsonpath(obj, path):
    """The JSONPath subset printer columns use: .a.b, .a[0].b, .a[*].b."""
    cur = [obj]
    for part in path.strip().lstrip(".").replace("[", ".[").split("."):
        if not part:
            continue
        nxt = []
        for c in cur:
            if part.startswith("["):
                idx = part[1:-1]
                if isinstance(c, list):
                    nxt += c if idx == "*" else ([c[int(idx)]] if idx.lstrip("-").isdigit() and -len(c) <= int(idx) < len(c) else [])
            elif isinstance(c, dict) and part in c:
                nxt.append(c[part])
        cur = nxt
    return cur


def custom_cell(obj, pc, now):
    vals = jsonpath(obj, pc.get("jsonPath", ""))
    if not vals:
        return None
    typ = pc.get("type", "string")
    # the API server takes the first result of a path, as kubectl shows it
    v = vals[0]
    if typ == "date" and isinstance(v, str):
        return util.age(v, now)
    if typ == "integer" and isinstance(v, (int, float)) and not isinstance(v, bool):
        return int(v)
    if typ == "boolean" and isinstance(v, bool):
        return v
    if typ == "number" and isinstance(v, (int, float)):
        return v
    if isinstance(v, (dict, list)):
        return json.dumps(v, separators=(",", ":"))
    return v if isinstance(v, str) else json.dumps(v)


def custom_table(r):
    pcs = r.printer_columns or [{"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}]
    cols = [col("Name")] + [col(pc["name"], pc.get("type", "string"), pc.get("priority", 0),
                                pc.get("description", ""), pc.get("format", "")) for pc in pcs]

    def row(o, now):
        return [custom_cell(o, pc, now) for pc in pcs]
    return cols, row


TABLES = {
    "jobs": (JOB_COLS, job_row),
    "cronjobs": (CRONJOB_COLS, cronjob_row),
    "horizontalpodautoscalers": (HPA_COLS, hpa_row),
    "ingresses": (INGRESS_COLS, ingress_row),
    "ingressclasses": (INGRESSCLASS_COLS, ingressclass_row),
    "endpoints": (ENDPOINTS_COLS, endpoints_row),
    "endpointslices": (ENDPOINTSLICE_COLS, endpointslice_row),
    "persistentvolumeclaims": (PVC_COLS, pvc_row),
    "persistentvolumes": (PV_COLS, pv_row),
    "customresourcedefinitions": (CRD_COLS, crd_row),
    "serviceaccounts": (SA_COLS, sa_row),
}


def storageclass_table():
    def row(c, now):
        cells, _ = storageclass_row(c, now)
        return cells
    return SC_COLS, row


def name_of(r, o):
    """The Name cell: a default storage class says so, as kubectl prints it."""
    if r.store_key == "storageclasses":
        _, default = storageclass_row(o, time.time())
        return o["metadata"]["name"] + (" (default)" if default else "")
    return o["metadata"]["name"]
