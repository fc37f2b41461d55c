"""Resource handlers: get, list, watch, create, update, patch, delete and subresources.

Called by server.Handler.route with the parsed (resource, namespace, name,
subresource).  Authorization (the --forbid knob) happens here, with the
verb the real authorizer would see (list/watch/get/create/update/patch/
delete/deletecollection; a WebSocket exec is a `get` on pods/exec).
"""

import random

from . import defaults, objects, patch, podexec, podlogs, tables, util, watch
from . import labels as sel
from . import metrics as metrics_api
from . import resources as R
from .store import ContinueError, TooOld


class ApiError(Exception):
    def __init__(self, status):
        Exception.__init__(self, status.get("message"))
        self.status = status


VERB = {"GET": "get", "HEAD": "get", "POST": "create", "PUT": "update", "PATCH": "patch",
        "DELETE": "delete"}


def served(r, obj):
    """The stored object as this resource's version serves it (no kind)."""
    if r.group == "events.k8s.io":
        return objects.event_v1(obj)
    return obj


def with_kind(r, obj):
    out = {"kind": r.kind, "apiVersion": r.api_version}
    out.update(served(r, obj))
    return out


def _json_body(h):
    try:
        body = util.loads(h.read_body() or b"{}")
    except ValueError as e:
        raise ApiError(R.bad_request("the body of the request was in an unknown format - "
                                     "accepted media types include: application/json, "
                                     "application/yaml, application/vnd.kubernetes.protobuf "
                                     "(%s)" % e))
    if not isinstance(body, (dict, list)):
        raise ApiError(R.bad_request("the body of the request was in an unknown format"))
    return body


def _selectors(h, r):
    try:
        lreq = sel.parse_labels(h.q("labelSelector", ""))
        freq = sel.parse_fields(h.q("fieldSelector", ""), r.store_key)
    except sel.SelectorError as e:
        raise ApiError(R.bad_request(str(e)))
    return lreq, freq


def make_filter(lreq, freq):
    if not lreq and not freq:
        return None

    def filt(o):
        return sel.match_labels(lreq, o["metadata"].get("labels")) and sel.match_fields(freq, o)
    return filt


def handle(h, r, ns, name, sub):
    app = h.app
    m = h.method
    if name is None:
        verb = {"GET": "list", "HEAD": "list", "POST": "create",
                "DELETE": "deletecollection"}.get(m)
        if verb == "list" and h.qbool("watch"):
            verb = "watch"
    else:
        verb = VERB.get(m)
        if verb == "get" and h.qbool("watch"):
            verb = "watch"
    if verb is None:
        raise ApiError(R.method_not_allowed())
    label = r.name + ("/" + sub if sub else "")
    if app.auth.forbidden(h.user, verb, label, ns or ""):
        raise ApiError(R.forbidden(h.user.name, verb, r, label, ns, name))
    if r.group == "metrics.k8s.io":
        return metrics_api.handle(h, r, ns, name)
    if r.name in ("selfsubjectaccessreviews", "selfsubjectreviews"):
        if m != "POST" or name:
            raise ApiError(R.method_not_allowed())
        return review(h, r)
    if sub is not None:
        return subresource(h, r, ns, name, sub)
    if not sub and verb not in r.verbs and verb != "watch":
        raise ApiError(R.method_not_allowed())
    if r.namespaced and ns is None and (name is not None or verb in ("create", "deletecollection")):
        raise ApiError(R.not_found_path() if name is not None else R.method_not_allowed())
    if name is None:
        if verb in ("list", "watch"):
            return list_or_watch(h, r, ns)
        if verb == "create":
            return create(h, r, ns)
        return delete_collection(h, r, ns)
    if verb == "watch":
        h.query["fieldSelector"] = ["metadata.name=" + name]
        return list_or_watch(h, r, ns)
    if m in ("GET", "HEAD"):
        return get(h, r, ns, name)
    if m == "PUT":
        return update(h, r, ns, name, None)
    if m == "PATCH":
        return patch_obj(h, r, ns, name, None)
    if m == "DELETE":
        return delete(h, r, ns, name)
    raise ApiError(R.method_not_allowed())


def _current(h, r, ns, name):
    o = h.app.store.get(r.store_key, ns or "", name)
    if o is None:
        raise ApiError(R.not_found(r, name))
    return o


def respond_obj(h, r, obj, code=200):
    kind, ver = h.accept()
    if kind == "none":
        raise ApiError(R.status_failure(406, "NotAcceptable", "only the following media types "
                                        "are accepted: application/json"))
    if kind == "Table":
        t = tables.table(r, [obj], {"resourceVersion": obj["metadata"].get("resourceVersion", "")},
                         h.q("includeObject", "Metadata"),
                         view=(objects.event_v1 if r.group == "events.k8s.io" else None))
        t["apiVersion"] = "meta.k8s.io/" + ver
        return h.send_json(code, t)
    if kind == "PartialObjectMetadata":
        return h.send_json(code, {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/" + ver,
                                  "metadata": obj["metadata"]})
    return h.send_json(code, with_kind(r, obj))


def get(h, r, ns, name):
    respond_obj(h, r, _current(h, r, ns, name))


# ------------------------------------------------------------------ list / watch

def list_or_watch(h, r, ns):
    app = h.app
    lreq, freq = _selectors(h, r)
    filt = make_filter(lreq, freq)
    if h.qbool("watch"):
        return watch.serve(h, r, ns, lreq, freq)
    try:
        limit = int(h.q("limit") or 0)
    except ValueError:
        limit = 0
    cont = h.q("continue") or None
    rvm = h.q("resourceVersionMatch")
    rvq = h.q("resourceVersion")
    if rvm == "Exact" and rvq and rvq != str(app.store.rv):
        raise ApiError(R.expired("too old resource version: %s (%d)" % (rvq, app.store.oldest_rv() - 1)))
    qkey = (h.q("labelSelector", ""), h.q("fieldSelector", ""))
    try:
        items, rv, token, remaining = app.store.list_page(
            r.store_key, ns, filt, qkey, limit, cont, bool(lreq or freq))
    except ContinueError as e:
        raise ApiError(R.bad_request(str(e)))
    except TooOld:
        raise ApiError(R.expired())
    meta = {"resourceVersion": str(rv)}
    if token:
        meta["continue"] = token
        if remaining is not None:
            meta["remainingItemCount"] = remaining
    kind, ver = h.accept()
    view = objects.event_v1 if r.group == "events.k8s.io" else None
    if kind == "none":
        raise ApiError(R.status_failure(406, "NotAcceptable", "only the following media types "
                                        "are accepted: application/json"))
    if kind == "Table":
        t = tables.table(r, items, meta, h.q("includeObject", "Metadata"), view=view)
        t["apiVersion"] = "meta.k8s.io/" + ver
        return h.send_json(200, t)
    if kind.startswith("PartialObjectMetadata"):
        return h.send_json(200, {
            "kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/" + ver,
            "metadata": meta,
            "items": [{"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/" + ver,
                       "metadata": o["metadata"]} for o in items]})
    if view:
        items = [view(o) for o in items]
    body = '{"kind":"%s","apiVersion":"%s","metadata":%s,"items":%s}' % (
        r.list_kind, r.api_version, util.dumps(meta), util.dumps(items))
    h.send_bytes(200, body)


# ------------------------------------------------------------------ writes

def _dry_run(h, body=None):
    if h.query.get("dryRun"):
        return True
    return bool(body and isinstance(body, dict) and body.get("dryRun"))


def create(h, r, ns):
    app = h.app
    st = app.store
    body = _json_body(h)
    if not isinstance(body, dict):
        raise ApiError(R.bad_request("expected an object"))
    if r.group == "events.k8s.io":
        body = objects.event_from_v1(body)
    md = body.setdefault("metadata", {})
    if r.namespaced:
        if md.get("namespace") and md["namespace"] != ns:
            raise ApiError(R.bad_request("the namespace of the provided object does not match "
                                         "the namespace sent on the request"))
        md["namespace"] = ns
    else:
        md.pop("namespace", None)
    if not md.get("name"):
        if md.get("generateName"):
            md["name"] = md["generateName"] + util.rand_suffix(random, 5)
        else:
            raise ApiError(R.invalid(r, "", "metadata.name",
                                     "Required value: name or generateName is required",
                                     "FieldValueRequired"))
    name = md["name"]
    with st.lock:
        if r.namespaced:
            nso = st.get("namespaces", "", ns)
            if nso is None:
                raise ApiError(R.not_found(R.lookup("", "v1", "namespaces"), ns))
            if nso["metadata"].get("deletionTimestamp"):
                raise ApiError(R.status_failure(
                    403, "Forbidden", "%s \"%s\" is forbidden: unable to create new content in "
                    "namespace %s because it is being terminated" % (r.qualified, name, ns),
                    {"name": name, "kind": r.name}))
        if st.get(r.store_key, ns or "", name) is not None:
            raise ApiError(R.already_exists(r, name))
        try:
            obj = defaults.prepare_new(r, body, st, util.iso())
        except defaults.Invalid as e:
            raise ApiError(e.status)
        if _dry_run(h):
            obj["metadata"]["resourceVersion"] = ""
            return respond_obj(h, r, obj, 201)
        obj = st.create(r.store_key, obj)
        if r.store_key == "namespaces":
            from . import objects as O
            now = util.iso()
            st.create("serviceaccounts", O.service_account(name, now))
            ca = st.get("configmaps", "default", "kube-root-ca.crt")
            st.create("configmaps", O.configmap("kube-root-ca.crt", name, now,
                                                dict((ca or {}).get("data") or {})))
    respond_obj(h, r, obj, 201)


def _write(h, r, ns, name, sub, new_doc, cur):
    st = h.app.store
    rv = (new_doc.get("metadata") or {}).get("resourceVersion")
    if rv and rv != cur["metadata"].get("resourceVersion"):
        raise ApiError(R.conflict(r, name))
    if r.group == "events.k8s.io":
        new_doc = objects.event_from_v1(new_doc)
    try:
        obj = defaults.prepare_update(r, cur, new_doc, sub)
    except defaults.Invalid as e:
        raise ApiError(e.status)
    if _dry_run(h):
        return obj
    if obj == cur:
        return cur
    return st.update(r.store_key, obj)


def update(h, r, ns, name, sub):
    body = _json_body(h)
    if not isinstance(body, dict):
        raise ApiError(R.bad_request("expected an object"))
    if (body.get("metadata") or {}).get("name") not in (None, name):
        raise ApiError(R.bad_request("the name of the object (%s) does not match the name on the "
                                     "URL (%s)" % (body["metadata"]["name"], name)))
    with h.app.store.lock:
        cur = _current(h, r, ns, name)
        obj = _write(h, r, ns, name, sub, body, cur)
    respond_obj(h, r, obj)


def patch_obj(h, r, ns, name, sub):
    ctype = h.headers.get("Content-Type") or ""
    st = h.app.store
    with st.lock:
        cur = st.get(r.store_key, ns or "", name)
        if cur is None:
            if ctype.startswith("application/apply-patch"):
                h._body = h.read_body()
                return create(h, r, ns)
            raise ApiError(R.not_found(r, name))
        doc = with_kind(r, cur)
        try:
            new_doc = patch.apply(doc, h.read_body(), ctype)
        except patch.PatchError as e:
            code = 415 if "unsupported patch type" in str(e) else 422
            if code == 415:
                raise ApiError(R.status_failure(415, "UnsupportedMediaType", str(e)))
            raise ApiError(R.status_failure(422, "Invalid", str(e)))
        obj = _write(h, r, ns, name, sub, new_doc, cur)
    respond_obj(h, r, obj)


def _delete_options(h):
    opts = {}
    raw = h.read_body()
    if raw:
        try:
            opts = util.loads(raw) or {}
        except ValueError:
            opts = {}
    if h.q("gracePeriodSeconds") is not None:
        opts["gracePeriodSeconds"] = int(h.q("gracePeriodSeconds"))
    if h.q("propagationPolicy"):
        opts["propagationPolicy"] = h.q("propagationPolicy")
    if h.query.get("dryRun"):
        opts["dryRun"] = ["All"]
    return opts


def delete(h, r, ns, name):
    app = h.app
    st = app.store
    opts = _delete_options(h)
    with st.lock:
        cur = _current(h, r, ns, name)
        pre = opts.get("preconditions") or {}
        if pre.get("uid") and pre["uid"] != cur["metadata"]["uid"]:
            raise ApiError(R.status_failure(
                409, "Conflict", "Precondition failed: UID in precondition: %s, UID in object meta: %s"
                % (pre["uid"], cur["metadata"]["uid"]), {"name": name, "kind": r.name}))
        if pre.get("resourceVersion") and pre["resourceVersion"] != cur["metadata"]["resourceVersion"]:
            raise ApiError(R.conflict(r, name))
        if opts.get("dryRun"):
            return respond_obj(h, r, cur)
        res = _delete_one(app, r, cur, opts)
    if res is not None:
        return respond_obj(h, r, res)
    d = {"name": name}
    if r.group:
        d["group"] = r.group
    d["kind"] = r.name
    d["uid"] = cur["metadata"]["uid"]
    h.send_json(200, R.status_success(d))


def _delete_one(app, r, cur, opts):
    """Delete under the store lock. Returns an object to answer with, or None for Status."""
    st = app.store
    md = cur["metadata"]
    key = r.store_key
    if key == "pods":
        return app.sim.kubelet.delete_pod(cur, opts.get("gracePeriodSeconds"))
    if key == "namespaces":
        if md["name"] in ("default", "kube-system", "kube-public"):
            raise ApiError(R.status_failure(
                403, "Forbidden", 'namespaces "%s" is forbidden: this namespace may not be deleted'
                % md["name"], {"name": md["name"], "kind": "namespaces"}))
        if md.get("deletionTimestamp"):
            return cur
        md2 = dict(md, deletionTimestamp=util.iso())
        obj = dict(cur, metadata=md2, status={"phase": "Terminating"})
        return st.update("namespaces", obj)
    if opts.get("propagationPolicy") == "Orphan":
        for dep_res in ("replicasets", "pods"):
            for dep in st.by_index(dep_res, "owner", md["uid"]):
                d2 = dict(dep)
                d2["metadata"] = dict(dep["metadata"])
                d2["metadata"]["ownerReferences"] = [
                    x for x in dep["metadata"].get("ownerReferences") or () if x["uid"] != md["uid"]]
                if not d2["metadata"]["ownerReferences"]:
                    del d2["metadata"]["ownerReferences"]
                st.update(dep_res, d2)
    st.delete(key, md.get("namespace", ""), md["name"])
    return None


def delete_collection(h, r, ns):
    app = h.app
    lreq, freq = _selectors(h, r)
    filt = make_filter(lreq, freq)
    opts = _delete_options(h)
    with app.store.lock:
        objs = [o for o in app.store.all(r.store_key, ns) if filt is None or filt(o)]
        if not opts.get("dryRun"):
            for o in objs:
                _delete_one(app, r, o, opts)
    h.send_json(200, R.status_success())


# ------------------------------------------------------------------ subresources

def scale_doc(r, obj):
    md = obj["metadata"]
    return {"kind": "Scale", "apiVersion": "autoscaling/v1",
            "metadata": {"name": md["name"], "namespace": md["namespace"], "uid": md["uid"],
                         "resourceVersion": md["resourceVersion"],
                         "creationTimestamp": md["creationTimestamp"]},
            "spec": {"replicas": obj["spec"].get("replicas", 1)},
            "status": {"replicas": (obj.get("status") or {}).get("replicas", 0),
                       "selector": sel.selector_string(obj["spec"].get("selector"))}}


def scale(h, r, ns, name):
    st = h.app.store
    m = h.method
    with st.lock:
        cur = _current(h, r, ns, name)
        if m == "GET":
            return h.send_json(200, scale_doc(r, cur))
        doc = scale_doc(r, cur)
        if m == "PUT":
            new = _json_body(h)
        elif m == "PATCH":
            try:
                new = patch.apply(doc, h.read_body(), h.headers.get("Content-Type"))
            except patch.PatchError as e:
                raise ApiError(R.status_failure(422, "Invalid", str(e)))
        else:
            raise ApiError(R.method_not_allowed())
        rv = (new.get("metadata") or {}).get("resourceVersion")
        if rv and rv != cur["metadata"]["resourceVersion"]:
            raise ApiError(R.conflict(r, name))
        replicas = (new.get("spec") or {}).get("replicas")
        if not isinstance(replicas, int) or replicas < 0:
            raise ApiError(R.status_failure(
                422, "Invalid", 'Scale.autoscaling "%s" is invalid: spec.replicas: Invalid value: %s: '
                'must be greater than or equal to 0' % (name, replicas),
                {"name": name, "group": "autoscaling", "kind": "Scale"}))
        if replicas != cur["spec"].get("replicas", 1) and not _dry_run(h):
            obj = dict(cur)
            obj["metadata"] = dict(cur["metadata"], generation=cur["metadata"].get("generation", 1) + 1)
            obj["spec"] = dict(cur["spec"], replicas=replicas)
            cur = st.update(r.store_key, obj)
        return h.send_json(200, scale_doc(r, cur))


def eviction(h, r, ns, name):
    app = h.app
    body = _json_body(h)
    bname = (body.get("metadata") or {}).get("name")
    if bname and bname != name:
        raise ApiError(R.bad_request("name in URL does not match name in Eviction object"))
    opts = body.get("deleteOptions") or {}
    with app.store.lock:
        pod = _current(h, r, ns, name)
        err = app.sim.wl.eviction_check(pod)
        if err is not None:
            code, msg, causes = err
            if code == 429:
                raise ApiError(R.too_many_requests(msg, causes))
            raise ApiError(R.status_failure(code, "InternalError", msg))
        if not opts.get("dryRun"):
            app.sim.kubelet.delete_pod(pod, opts.get("gracePeriodSeconds"))
    h.send_json(201, R.status_success(code=201))


def binding(h, r, ns, name):
    app = h.app
    body = _json_body(h)
    target = (body.get("target") or {}).get("name")
    with app.store.lock:
        pod = _current(h, r, ns, name)
        node = app.store.get("nodes", "", target or "")
        if pod["spec"].get("nodeName"):
            raise ApiError(R.status_failure(409, "Conflict", 'Operation cannot be fulfilled on pods/binding "%s": pod %s is already assigned to node "%s"' % (name, name, pod["spec"]["nodeName"])))
        if node is None:
            raise ApiError(R.not_found(R.lookup("", "v1", "nodes"), target or ""))
        app.sim.bind(pod, node)
    h.send_json(201, R.status_success(code=201))


def subresource(h, r, ns, name, sub):
    m = h.method
    if name is None:
        raise ApiError(R.not_found_path())
    if sub == "scale":
        return scale(h, r, ns, name)
    if sub == "status":
        if m in ("GET", "HEAD"):
            return get(h, r, ns, name)
        if m == "PUT":
            return update(h, r, ns, name, "status")
        if m == "PATCH":
            return patch_obj(h, r, ns, name, "status")
        raise ApiError(R.method_not_allowed())
    if r.store_key == "pods":
        if sub == "log":
            pod = _current(h, r, ns, name)
            return podlogs.serve(h, pod)
        if sub in ("exec", "attach"):
            pod = _current(h, r, ns, name)
            return podexec.serve(h, pod, sub)
        if sub == "eviction" and m == "POST":
            return eviction(h, r, ns, name)
        if sub == "binding" and m == "POST":
            return binding(h, r, ns, name)
        if sub == "portforward":
            from . import portforward
            return portforward.serve(h, _current(h, r, ns, name))
    if sub == "finalize" and m == "PUT":
        return update(h, r, ns, name, "status")
    if sub == "proxy":
        raise ApiError(R.status_failure(503, "ServiceUnavailable",
                                        "lab API server: the %s proxy is not implemented" % r.singular))
    raise ApiError(R.method_not_allowed())


def review(h, r):
    app = h.app
    body = _json_body(h)
    u = h.user
    if r.name == "selfsubjectreviews":
        return h.send_json(201, {"kind": "SelfSubjectReview", "apiVersion": "authentication.k8s.io/v1",
                                 "metadata": {"creationTimestamp": None},
                                 "status": {"userInfo": {"username": u.name, "uid": u.uid,
                                                         "groups": u.groups}}})
    spec = body.get("spec") or {}
    ra = spec.get("resourceAttributes")
    allowed, reason = True, ""
    if ra:
        res = ra.get("resource", "")
        if ra.get("subresource"):
            res += "/" + ra["subresource"]
        if app.auth.forbidden(u, ra.get("verb", ""), res, ra.get("namespace", "")):
            allowed = False
    out = {"kind": "SelfSubjectAccessReview", "apiVersion": "authorization.k8s.io/v1",
           "metadata": {"creationTimestamp": None}, "spec": spec,
           "status": {"allowed": allowed}}
    if allowed:
        out["status"]["reason"] = reason or "lab: allowed"
    else:
        out["status"]["denied"] = False
    h.send_json(201, out)

