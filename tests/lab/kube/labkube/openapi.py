"""A minimal /openapi/v3 so kubectl's validation and apply work.

kubectl apply/create -f (with the default --validate=strict) first asks the
OpenAPI v3 document of the object's group-version whether the PATCH
operation for that kind takes the `fieldValidation` query parameter; if so
it leaves validation to the server and needs no schema.  These documents
describe every served path with its operations, the
x-kubernetes-group-version-kind / x-kubernetes-action extensions and the
query parameters, but no component schemas (so `kubectl explain` is not
supported).  Without request-body content types kubectl computes
strategic-merge patches from its built-in types, as it does for old servers.
"""

import hashlib

from . import resources as R
from . import util

_cache = {}

Q_PARAMS = ["dryRun", "fieldManager", "fieldValidation", "pretty"]


def _param(name):
    return {"name": name, "in": "query", "schema": {"type": "string", "uniqueItems": True}}


def _gv_path(group, version):
    return "api/v1" if not group else "apis/%s/%s" % (group, version)


def _op(r, action, op_id):
    params = [_param(p) for p in Q_PARAMS] if action in ("put", "patch", "post") else [_param("pretty")]
    if action == "patch":
        params.append(_param("force"))
    return {"operationId": op_id, "parameters": params,
            "responses": {"200": {"description": "OK"}, "401": {"description": "Unauthorized"}},
            "x-kubernetes-action": action,
            "x-kubernetes-group-version-kind": {"group": r.group, "version": r.version,
                                                "kind": r.kind}}


def document(group, version):
    key = (group, version, R.GENERATION)
    if key in _cache:
        return _cache[key]
    paths = {}
    prefix = "/" + _gv_path(group, version)
    for r in R.RESOURCES:
        if r.group != group or r.version != version or not r.stored:
            continue
        base = prefix + ("/namespaces/{namespace}/" if r.namespaced else "/") + r.name
        title = r.kind
        paths[base] = {"get": _op(r, "list", "list" + title), "post": _op(r, "post", "create" + title)}
        item = {"get": _op(r, "get", "read" + title), "put": _op(r, "put", "replace" + title),
                "patch": _op(r, "patch", "patch" + title),
                "delete": _op(r, "delete", "delete" + title)}
        paths[base + "/{name}"] = item
        for sub in r.subresources:
            if sub in ("status", "scale"):
                paths[base + "/{name}/" + sub] = {
                    "get": _op(r, "get", "read%s%s" % (title, sub.title())),
                    "put": _op(r, "put", "replace%s%s" % (title, sub.title()))}
    doc = {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": "v1.32.4"},
           "paths": paths, "components": {"schemas": {}}}
    body = util.dumpb(doc)
    _cache[key] = (body, hashlib.sha512(body).hexdigest().upper()[:128])
    return _cache[key]


def root():
    paths = {}
    for g, v in [("", "v1")] + R.group_versions():
        if not any(r.group == g and r.version == v and r.stored for r in R.RESOURCES):
            continue
        _, h = document(g, v)
        gp = _gv_path(g, v)
        paths[gp] = {"serverRelativeURL": "/openapi/v3/%s?hash=%s" % (gp, h)}
    return {"paths": paths}


def handle(h, path):
    if path == "/openapi/v3":
        return h.send_json(200, root())
    if path.startswith("/openapi/v3/"):
        rest = path[len("/openapi/v3/"):].split("/")
        if rest[0] == "api" and len(rest) == 2:
            g, v = "", rest[1]
        elif rest[0] == "apis" and len(rest) == 3:
            g, v = rest[1], rest[2]
        else:
            return h.send_status(R.not_found_path())
        if (g, v) != ("", "v1") and (g, v) not in R.group_versions():
            return h.send_status(R.not_found_path())
        body, etag = document(g, v)
        return h.send_bytes(200, body, "application/json",
                            {"Etag": '"%s"' % etag, "Vary": "Accept",
                             "Cache-Control": "public, immutable" if h.q("hash") else "no-cache"})
    return h.send_status(R.not_found_path())
