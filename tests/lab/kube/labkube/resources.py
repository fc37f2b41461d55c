"""Resource registry, discovery documents and metav1.Status helpers.

Every resource the lab serves is described once here; the legacy discovery
documents (/api, /api/v1, /apis, /apis/G, /apis/G/V) and the aggregated
discovery (apidiscovery.k8s.io/v2 APIGroupDiscoveryList, which kubectl 1.32
asks for first) are both generated from this table.
"""

VERBS_ALL = ["create", "delete", "deletecollection", "get", "list", "patch",
             "update", "watch"]
VERBS_RO = ["get", "list"]
SUB_STATUS = ["get", "patch", "update"]


class Resource:
    """One API resource (plural name within a group/version)."""

    def __init__(self, name, kind, group, version, namespaced, singular,
                 short=(), categories=(), verbs=VERBS_ALL, subresources=None,
                 stored=True, list_kind=None):
        self.name = name
        self.kind = kind
        self.group = group
        self.version = version
        self.namespaced = namespaced
        self.singular = singular
        self.short = list(short)
        self.categories = list(categories)
        self.verbs = list(verbs)
        # subresource -> (group, version, kind, verbs)
        self.subresources = subresources or {}
        self.stored = stored
        self.list_kind = list_kind or kind + "List"
        self.api_version = (group + "/" + version) if group else version
        # key into the store; events.k8s.io events share core events
        self.store_key = name
        # a CustomResourceDefinition's resource: the CRD and its printer columns
        self.custom = None
        self.printer_columns = []

    @property
    def qualified(self):
        """pods, deployments.apps: the form used in error messages."""
        return self.name if not self.group else self.name + "." + self.group

    def base_path(self, namespace=None):
        root = "/api/v1" if not self.group else "/apis/%s/%s" % (self.group, self.version)
        if self.namespaced and namespace:
            return "%s/namespaces/%s/%s" % (root, namespace, self.name)
        return "%s/%s" % (root, self.name)


def _sub(g, v, k, verbs):
    return (g, v, k, list(verbs))


RESOURCES = [
    Resource("namespaces", "Namespace", "", "v1", False, "namespace", ["ns"],
             verbs=["create", "delete", "get", "list", "patch", "update", "watch"],
             subresources={"status": _sub("", "v1", "Namespace", SUB_STATUS),
                           "finalize": _sub("", "v1", "Namespace", ["update"])}),
    Resource("nodes", "Node", "", "v1", False, "node", ["no"],
             subresources={"status": _sub("", "v1", "Node", SUB_STATUS),
                           "proxy": _sub("", "v1", "NodeProxyOptions",
                                         ["create", "delete", "get", "patch", "update"])}),
    Resource("pods", "Pod", "", "v1", True, "pod", ["po"], ["all"],
             subresources={
                 "attach": _sub("", "v1", "PodAttachOptions", ["create", "get"]),
                 "binding": _sub("", "v1", "Binding", ["create"]),
                 "ephemeralcontainers": _sub("", "v1", "Pod", SUB_STATUS),
                 "eviction": _sub("policy", "v1", "Eviction", ["create"]),
                 "exec": _sub("", "v1", "PodExecOptions", ["create", "get"]),
                 "log": _sub("", "v1", "Pod", ["get"]),
                 "portforward": _sub("", "v1", "PodPortForwardOptions", ["create", "get"]),
                 "proxy": _sub("", "v1", "PodProxyOptions",
                               ["create", "delete", "get", "patch", "update"]),
                 "resize": _sub("", "v1", "Pod", SUB_STATUS),
                 "status": _sub("", "v1", "Pod", SUB_STATUS)}),
    Resource("services", "Service", "", "v1", True, "service", ["svc"], ["all"],
             verbs=["create", "delete", "deletecollection", "get", "list", "patch",
                    "update", "watch"],
             subresources={"status": _sub("", "v1", "Service", SUB_STATUS),
                           "proxy": _sub("", "v1", "ServiceProxyOptions",
                                         ["create", "delete", "get", "patch", "update"])}),
    Resource("events", "Event", "", "v1", True, "event", ["ev"]),
    Resource("configmaps", "ConfigMap", "", "v1", True, "configmap", ["cm"]),
    Resource("secrets", "Secret", "", "v1", True, "secret"),
    Resource("serviceaccounts", "ServiceAccount", "", "v1", True, "serviceaccount",
             ["sa"]),
    Resource("deployments", "Deployment", "apps", "v1", True, "deployment",
             ["deploy"], ["all"],
             subresources={"scale": _sub("autoscaling", "v1", "Scale", SUB_STATUS),
                           "status": _sub("apps", "v1", "Deployment", SUB_STATUS)}),
    Resource("replicasets", "ReplicaSet", "apps", "v1", True, "replicaset",
             ["rs"], ["all"],
             subresources={"scale": _sub("autoscaling", "v1", "Scale", SUB_STATUS),
                           "status": _sub("apps", "v1", "ReplicaSet", SUB_STATUS)}),
    Resource("statefulsets", "StatefulSet", "apps", "v1", True, "statefulset",
             ["sts"], ["all"],
             subresources={"scale": _sub("autoscaling", "v1", "Scale", SUB_STATUS),
                           "status": _sub("apps", "v1", "StatefulSet", SUB_STATUS)}),
    Resource("daemonsets", "DaemonSet", "apps", "v1", True, "daemonset",
             ["ds"], ["all"],
             subresources={"status": _sub("apps", "v1", "DaemonSet", SUB_STATUS)}),
    Resource("controllerrevisions", "ControllerRevision", "apps", "v1", True,
             "controllerrevision"),
    Resource("events", "Event", "events.k8s.io", "v1", True, "event", ["ev"]),
    Resource("poddisruptionbudgets", "PodDisruptionBudget", "policy", "v1", True,
             "poddisruptionbudget", ["pdb"],
             subresources={"status": _sub("policy", "v1", "PodDisruptionBudget",
                                          SUB_STATUS)}),
    Resource("leases", "Lease", "coordination.k8s.io", "v1", True, "lease"),
    Resource("persistentvolumeclaims", "PersistentVolumeClaim", "", "v1", True,
             "persistentvolumeclaim", ["pvc"],
             subresources={"status": _sub("", "v1", "PersistentVolumeClaim", SUB_STATUS)}),
    Resource("persistentvolumes", "PersistentVolume", "", "v1", False, "persistentvolume", ["pv"],
             subresources={"status": _sub("", "v1", "PersistentVolume", SUB_STATUS)}),
    Resource("endpoints", "Endpoints", "", "v1", True, "endpoints", ["ep"]),
    Resource("jobs", "Job", "batch", "v1", True, "job", [], ["all"],
             subresources={"status": _sub("batch", "v1", "Job", SUB_STATUS)}),
    Resource("cronjobs", "CronJob", "batch", "v1", True, "cronjob", ["cj"], ["all"],
             subresources={"status": _sub("batch", "v1", "CronJob", SUB_STATUS)}),
    Resource("horizontalpodautoscalers", "HorizontalPodAutoscaler", "autoscaling", "v2", True,
             "horizontalpodautoscaler", ["hpa"], ["all"],
             subresources={"status": _sub("autoscaling", "v2", "HorizontalPodAutoscaler",
                                          SUB_STATUS)}),
    Resource("ingresses", "Ingress", "networking.k8s.io", "v1", True, "ingress", ["ing"],
             subresources={"status": _sub("networking.k8s.io", "v1", "Ingress", SUB_STATUS)}),
    Resource("ingressclasses", "IngressClass", "networking.k8s.io", "v1", False, "ingressclass"),
    Resource("endpointslices", "EndpointSlice", "discovery.k8s.io", "v1", True, "endpointslice"),
    Resource("storageclasses", "StorageClass", "storage.k8s.io", "v1", False, "storageclass", ["sc"]),
    Resource("customresourcedefinitions", "CustomResourceDefinition", "apiextensions.k8s.io", "v1",
             False, "customresourcedefinition", ["crd", "crds"], ["api-extensions"],
             subresources={"status": _sub("apiextensions.k8s.io", "v1",
                                          "CustomResourceDefinition", SUB_STATUS)}),
    Resource("nodes", "NodeMetrics", "metrics.k8s.io", "v1beta1", False, "",
             verbs=VERBS_RO, stored=False),
    Resource("pods", "PodMetrics", "metrics.k8s.io", "v1beta1", True, "",
             verbs=VERBS_RO, stored=False),
    Resource("selfsubjectaccessreviews", "SelfSubjectAccessReview",
             "authorization.k8s.io", "v1", False, "selfsubjectaccessreview",
             verbs=["create"], stored=False),
    Resource("selfsubjectreviews", "SelfSubjectReview", "authentication.k8s.io",
             "v1", False, "selfsubjectreview", verbs=["create"], stored=False),
]
# events.k8s.io/v1 events are a second view of the core events.
for _r in RESOURCES:
    if _r.group == "events.k8s.io":
        _r.store_key = "events"

# group -> [versions] in preference order (the order of /apis)
GROUPS = [
    ("apps", ["v1"]),
    ("events.k8s.io", ["v1"]),
    ("authentication.k8s.io", ["v1"]),
    ("authorization.k8s.io", ["v1"]),
    ("autoscaling", ["v2"]),
    ("batch", ["v1"]),
    ("networking.k8s.io", ["v1"]),
    ("policy", ["v1"]),
    ("storage.k8s.io", ["v1"]),
    ("apiextensions.k8s.io", ["v1"]),
    ("coordination.k8s.io", ["v1"]),
    ("discovery.k8s.io", ["v1"]),
    ("metrics.k8s.io", ["v1beta1"]),
]

BY_PATH = {}      # (group, version, plural) -> Resource
BY_STORE = {}     # store key -> primary Resource (the one whose kind is stored)
for _r in RESOURCES:
    BY_PATH[(_r.group, _r.version, _r.name)] = _r
    if _r.stored and _r.store_key not in BY_STORE:
        BY_STORE[_r.store_key] = _r


def lookup(group, version, plural):
    return BY_PATH.get((group, version, plural))


# Changes whenever a CRD adds or removes resources (documents built from the
# list, such as /openapi/v3, are built again).
GENERATION = 0


def add_custom(crd):
    """Serve the resource a CustomResourceDefinition defines (its served
    versions, the storage one first); returns the Resources added."""
    spec = crd.get("spec") or {}
    names = spec.get("names") or {}
    group, plural = spec.get("group", ""), names.get("plural", "")
    versions = [v for v in spec.get("versions") or () if v.get("served", True)]
    versions.sort(key=lambda v: not v.get("storage"))
    added = []
    for v in versions:
        if (group, v["name"], plural) in BY_PATH:
            continue
        r = Resource(plural, names.get("kind", ""), group, v["name"],
                     spec.get("scope", "Namespaced") == "Namespaced",
                     names.get("singular", plural), names.get("shortNames") or (),
                     names.get("categories") or (),
                     subresources={"status": _sub(group, v["name"], names.get("kind", ""), SUB_STATUS)}
                     if (v.get("subresources") or {}).get("status") is not None else None,
                     list_kind=names.get("listKind"))
        r.store_key = plural + "." + group
        r.custom = crd
        r.printer_columns = v.get("additionalPrinterColumns") or []
        RESOURCES.append(r)
        BY_PATH[(group, v["name"], plural)] = r
        BY_STORE.setdefault(r.store_key, r)
        added.append(r)
    if versions:
        for g, vs in GROUPS:
            if g == group:
                vs.extend(v["name"] for v in versions if v["name"] not in vs)
                break
        else:
            GROUPS.append((group, [v["name"] for v in versions]))
    global GENERATION
    GENERATION += 1
    return added


def remove_custom(crd):
    spec = crd.get("spec") or {}
    group, plural = spec.get("group", ""), (spec.get("names") or {}).get("plural", "")
    for r in [r for r in RESOURCES if r.group == group and r.name == plural and getattr(r, "custom", None)]:
        RESOURCES.remove(r)
        BY_PATH.pop((r.group, r.version, r.name), None)
        if BY_STORE.get(r.store_key) is r:
            del BY_STORE[r.store_key]
    if not any(r.group == group for r in RESOURCES):
        GROUPS[:] = [(g, vs) for g, vs in GROUPS if g != group]
    global GENERATION
    GENERATION += 1


def group_versions():
    return [(g, v) for g, vs in GROUPS for v in vs]


# ---------------------------------------------------------------- discovery

def _legacy_entry(r):
    e = {"name": r.name, "singularName": r.singular, "namespaced": r.namespaced,
         "kind": r.kind, "verbs": r.verbs}
    if r.short:
        e["shortNames"] = r.short
    if r.categories:
        e["categories"] = r.categories
    return e


def resource_list(group, version):
    """The APIResourceList served at /api/v1 or /apis/G/V (legacy discovery)."""
    gv = (group + "/" + version) if group else version
    out = []
    for r in RESOURCES:
        if r.group != group or r.version != version:
            continue
        out.append(_legacy_entry(r))
        for sub, (sg, sv, sk, sverbs) in sorted(r.subresources.items()):
            e = {"name": r.name + "/" + sub, "singularName": r.singular,
                 "namespaced": r.namespaced, "kind": sk, "verbs": sverbs}
            if sg != group or sv != version:
                e["group"] = sg
                e["version"] = sv
            out.append(e)
    if not out:
        return None
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv,
            "resources": out}


def api_versions(server_address):
    return {"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0",
                                             "serverAddress": server_address}]}


def _gv_disc(g, v):
    gv = g + "/" + v
    return {"groupVersion": gv, "version": v}


def api_group(g):
    for name, versions in GROUPS:
        if name == g:
            return {"kind": "APIGroup", "apiVersion": "v1", "name": g,
                    "versions": [_gv_disc(g, v) for v in versions],
                    "preferredVersion": _gv_disc(g, versions[0])}
    return None


def api_group_list():
    groups = []
    for name, versions in GROUPS:
        groups.append({"name": name, "versions": [_gv_disc(name, v) for v in versions],
                       "preferredVersion": _gv_disc(name, versions[0])})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def _agg_resources(group, version):
    out = []
    for r in RESOURCES:
        if r.group != group or r.version != version:
            continue
        e = {"resource": r.name,
             "responseKind": {"group": group, "version": version, "kind": r.kind},
             "scope": "Namespaced" if r.namespaced else "Cluster",
             "singularResource": r.singular, "verbs": r.verbs}
        if r.short:
            e["shortNames"] = r.short
        if r.categories:
            e["categories"] = r.categories
        subs = []
        for sub, (sg, sv, sk, sverbs) in sorted(r.subresources.items()):
            subs.append({"subresource": sub,
                         "responseKind": {"group": sg, "version": sv, "kind": sk},
                         "verbs": sverbs})
        if subs:
            e["subresources"] = subs
        out.append(e)
    return out


AGG_V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
AGG_V2BETA1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"


def aggregated(core, version="v2"):
    """APIGroupDiscoveryList for /api (core=True) or /apis (core=False)."""
    items = []
    if core:
        items.append({"metadata": {"creationTimestamp": None},
                      "versions": [{"version": "v1", "resources": _agg_resources("", "v1"),
                                    "freshness": "Current"}]})
    else:
        for name, versions in GROUPS:
            items.append({"metadata": {"name": name, "creationTimestamp": None},
                          "versions": [{"version": v,
                                        "resources": _agg_resources(name, v),
                                        "freshness": "Current"} for v in versions]})
    return {"kind": "APIGroupDiscoveryList",
            "apiVersion": "apidiscovery.k8s.io/" + version,
            "metadata": {}, "items": items}


def version_info(git_version):
    parts = git_version.lstrip("v").split(".")
    return {"major": parts[0], "minor": parts[1] if len(parts) > 1 else "0",
            "emulationMajor": parts[0], "emulationMinor": parts[1] if len(parts) > 1 else "0",
            "minCompatibilityMajor": parts[0],
            "minCompatibilityMinor": str(max(0, int(parts[1]) - 1)) if len(parts) > 1 else "0",
            "gitVersion": git_version,
            "gitCommit": "3b1c3a4b5e4d0f1a2b7c8d9e0f1a2b3c4d5e6f70",
            "gitTreeState": "clean", "buildDate": "2025-04-22T16:03:13Z",
            "goVersion": "go1.23.8", "compiler": "gc", "platform": "linux/amd64"}


# ---------------------------------------------------------------- Status

def status_failure(code, reason, message, details=None):
    st = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
          "message": message, "reason": reason}
    if details:
        st["details"] = details
    st["code"] = code
    return st


def status_success(details=None, code=None):
    st = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}
    if details:
        st["details"] = details
    if code:
        st["code"] = code
    return st


def _details(r, name=None):
    d = {}
    if name:
        d["name"] = name
    if r is not None:
        if r.group:
            d["group"] = r.group
        d["kind"] = r.name
    return d


def not_found(r, name):
    return status_failure(404, "NotFound", '%s "%s" not found' % (r.qualified, name),
                          _details(r, name))


def already_exists(r, name):
    return status_failure(409, "AlreadyExists", '%s "%s" already exists' % (r.qualified, name),
                          _details(r, name))


def conflict(r, name):
    return status_failure(
        409, "Conflict",
        'Operation cannot be fulfilled on %s "%s": the object has been modified; '
        "please apply your changes to the latest version and try again"
        % (r.qualified, name), _details(r, name))


def bad_request(message):
    return status_failure(400, "BadRequest", message)


def invalid(r, name, field, message, cause_reason="FieldValueInvalid"):
    return status_failure(
        422, "Invalid", '%s "%s" is invalid: %s: %s' % (r.kind, name, field, message),
        dict(_details(r, name), kind=r.kind,
             causes=[{"reason": cause_reason, "message": message, "field": field}]))


def method_not_allowed():
    return status_failure(405, "MethodNotAllowed",
                          "the server does not allow this method on the requested resource")


def not_found_path():
    return status_failure(404, "NotFound", "the server could not find the requested resource",
                          {})


def unauthorized():
    return status_failure(401, "Unauthorized", "Unauthorized")


def forbidden(user, verb, r, resource_label, namespace, name=None):
    """Exactly the message the RBAC authorizer produces."""
    what = resource_label
    group = r.group if r is not None else ""
    prefix = '%s "%s" is forbidden' % (r.qualified if r else what, name) if name \
        else "%s is forbidden" % (r.qualified if r else what)
    scope = 'in the namespace "%s"' % namespace if namespace else "at the cluster scope"
    msg = '%s: User "%s" cannot %s resource "%s" in API group "%s" %s' % (
        prefix, user, verb, what, group, scope)
    return status_failure(403, "Forbidden", msg, _details(r, name))


def expired(message="The resourceVersion for the provided list is too old."):
    return status_failure(410, "Expired", message)


def too_many_requests(message, causes=None):
    d = {"causes": causes} if causes else None
    return status_failure(429, "TooManyRequests", message, d)
