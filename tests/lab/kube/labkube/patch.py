"""PATCH bodies: JSON patch (RFC 6902), JSON merge patch (RFC 7386), strategic merge.

Strategic merge covers what kubectl sends: maps merge recursively, null
deletes, lists of objects with a known merge key (containers by name,
ports by containerPort, conditions by type, ...) merge element-wise,
`$patch: replace|delete` and `$retainKeys` directives, `$setElementOrder/`
and `$deleteFromPrimitiveList/` keys; any other list is replaced.
"""

from . import util


class PatchError(ValueError):
    pass


MERGE_KEYS = {
    "containers": "name", "initContainers": "name", "ephemeralContainers": "name",
    "volumes": "name", "volumeMounts": "mountPath", "volumeDevices": "devicePath",
    "env": "name", "ports": "containerPort", "imagePullSecrets": "name",
    "conditions": "type", "ownerReferences": "uid", "hostAliases": "ip",
    "topologySpreadConstraints": "topologyKey", "resourceClaims": "name",
    "containerStatuses": "name", "addresses": "type", "taints": "key",
    "tolerations": None, "finalizers": None,
}
# Service ports merge by port, pod/containers ports by containerPort
SERVICE_PORT_KEY = "port"
PRIMITIVE_MERGE = {"finalizers"}


# ------------------------------------------------------------------ JSON patch

def _ptr(path):
    if path == "":
        return []
    if not path.startswith("/"):
        raise PatchError("invalid JSON pointer: %s" % path)
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _walk(doc, parts):
    cur = doc
    for p in parts:
        if isinstance(cur, list):
            try:
                cur = cur[int(p)]
            except (ValueError, IndexError):
                raise PatchError("unable to find path element %s" % p)
        elif isinstance(cur, dict):
            if p not in cur:
                raise PatchError("doc is missing path: %s" % p)
            cur = cur[p]
        else:
            raise PatchError("invalid path element %s" % p)
    return cur


def _add(doc, parts, value):
    if not parts:
        return value
    parent = _walk(doc, parts[:-1])
    last = parts[-1]
    if isinstance(parent, list):
        if last == "-":
            parent.append(value)
        else:
            i = int(last)
            if i > len(parent):
                raise PatchError("index out of range")
            parent.insert(i, value)
    elif isinstance(parent, dict):
        parent[last] = value
    else:
        raise PatchError("cannot add to a scalar")
    return doc


def _remove(doc, parts):
    parent = _walk(doc, parts[:-1])
    last = parts[-1]
    if isinstance(parent, list):
        return parent.pop(int(last))
    if last not in parent:
        raise PatchError("unable to remove nonexistent key: %s: missing value" % last)
    return parent.pop(last)


def json_patch(doc, ops):
    if not isinstance(ops, list):
        raise PatchError("json patch must be a list of operations")
    doc = util.clone(doc)
    for op in ops:
        kind = op.get("op")
        parts = _ptr(op.get("path", ""))
        if kind == "add":
            doc = _add(doc, parts, util.clone(op.get("value")))
        elif kind == "remove":
            _remove(doc, parts)
        elif kind == "replace":
            if parts:
                _walk(doc, parts)  # must exist
                parent = _walk(doc, parts[:-1])
                if isinstance(parent, list):
                    parent[int(parts[-1])] = util.clone(op.get("value"))
                else:
                    parent[parts[-1]] = util.clone(op.get("value"))
            else:
                doc = util.clone(op.get("value"))
        elif kind == "move":
            v = _remove(doc, _ptr(op["from"]))
            doc = _add(doc, parts, v)
        elif kind == "copy":
            v = util.clone(_walk(doc, _ptr(op["from"])))
            doc = _add(doc, parts, v)
        elif kind == "test":
            if _walk(doc, parts) != op.get("value"):
                raise PatchError("testing value %s failed" % op.get("path"))
        else:
            raise PatchError("Unexpected kind: %s" % kind)
    return doc


# ------------------------------------------------------------------ merge patch

def merge_patch(doc, patch):
    if not isinstance(patch, dict):
        return util.clone(patch)
    out = dict(doc) if isinstance(doc, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        elif isinstance(v, dict):
            out[k] = merge_patch(out.get(k), v)
        else:
            out[k] = util.clone(v)
    return out


# ------------------------------------------------------------------ strategic

def strategic_merge(doc, patch, field=None, parent_is_service=False):
    if not isinstance(patch, dict):
        return util.clone(patch)
    if patch.get("$patch") == "replace":
        p = {k: v for k, v in patch.items() if k != "$patch"}
        return util.clone(p)
    if patch.get("$patch") == "delete":
        return None
    out = dict(doc) if isinstance(doc, dict) else {}
    retain = patch.get("$retainKeys")
    for k, v in patch.items():
        if k in ("$patch", "$retainKeys"):
            continue
        if k.startswith("$setElementOrder/"):
            continue
        if k.startswith("$deleteFromPrimitiveList/"):
            name = k.split("/", 1)[1]
            cur = out.get(name) or []
            out[name] = [x for x in cur if x not in (v or [])]
            continue
        if v is None:
            out.pop(k, None)
        elif isinstance(v, dict):
            out[k] = strategic_merge(out.get(k), v, k, k == "spec" and "clusterIP" in (out.get(k) or {}))
        elif isinstance(v, list):
            out[k] = _merge_list(out.get(k), v, k, parent_is_service or _is_service_spec(out))
        else:
            out[k] = util.clone(v)
    if retain is not None:
        out = {k: v for k, v in out.items() if k in retain}
    return out


def _is_service_spec(d):
    return isinstance(d, dict) and ("clusterIP" in d or "sessionAffinity" in d)


def _merge_list(cur, patch, field, service=False):
    key = MERGE_KEYS.get(field, None)
    if field == "ports" and service:
        key = SERVICE_PORT_KEY
    if field in PRIMITIVE_MERGE:
        base = list(cur or [])
        for x in patch:
            if x not in base:
                base.append(x)
        return base
    if key is None or not all(isinstance(x, dict) for x in patch):
        # a plain list: replaced, except for directive-only lists
        if any(isinstance(x, dict) and x.get("$patch") == "replace" for x in patch):
            return [util.clone(x) for x in patch if not (isinstance(x, dict) and "$patch" in x)]
        return util.clone(patch)
    out = [dict(x) if isinstance(x, dict) else x for x in (cur or [])]
    if any(x.get("$patch") == "replace" for x in patch):
        return [util.clone({k: v for k, v in x.items() if k != "$patch"})
                for x in patch if x.get("$patch") != "replace"]
    for item in patch:
        kv = item.get(key)
        idx = next((i for i, x in enumerate(out) if isinstance(x, dict) and x.get(key) == kv), None)
        if item.get("$patch") == "delete":
            if idx is not None:
                out.pop(idx)
            continue
        if idx is None:
            out.append(util.clone({k: v for k, v in item.items() if k != "$patch"}))
        else:
            out[idx] = strategic_merge(out[idx], item, field)
    return out


def apply(doc, patch_body, content_type):
    """Apply a PATCH body of the given content type; returns the new document."""
    ct = (content_type or "").split(";")[0].strip().lower()
    try:
        patch = util.loads(patch_body)
    except ValueError as e:
        raise PatchError("couldn't get version/kind; json parse error: %s" % e)
    if ct == "application/json-patch+json":
        return json_patch(doc, patch)
    if ct == "application/merge-patch+json":
        return merge_patch(doc, patch)
    if ct == "application/strategic-merge-patch+json":
        return strategic_merge(doc, patch)
    if ct == "application/apply-patch+yaml":
        # server-side apply: JSON is valid YAML; treat the applied config as a merge
        return strategic_merge(doc, patch)
    raise PatchError("unsupported patch type: %s" % content_type)
