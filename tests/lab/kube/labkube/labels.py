"""Label selectors and field selectors, parsed and matched as the API server does.

Label selector syntax: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`,
`a`, `!a`, `a>1`, `a<1`, comma separated.  Field selectors: `path=v`,
`path==v`, `path!=v`, comma separated, with `\\,` `\\=` `\\\\` escapes; the
supported field paths per resource mirror the real server, and an unsupported
one is a 400 "field label not supported".
"""


class SelectorError(ValueError):
    pass


def _split_top(s):
    parts, depth, cur = [], 0, []
    for ch in s:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


def parse_labels(s):
    """Return a list of (key, op, values) requirements; [] matches everything."""
    reqs = []
    if not s:
        return reqs
    for part in _split_top(s):
        part = part.strip()
        if not part:
            continue
        low = part
        for op in (" notin ", " in "):
            i = low.find(op)
            if i < 0:
                # allow "key in(x)" without the space before the paren
                i = low.find(op.rstrip() + "(")
            if i > 0:
                key = part[:i].strip()
                rest = part[i + len(op.rstrip()):].strip()
                if not (rest.startswith("(") and rest.endswith(")")):
                    raise SelectorError("unable to parse requirement: %s" % part)
                vals = frozenset(v.strip() for v in rest[1:-1].split(",") if v.strip())
                reqs.append((key, op.strip(), vals))
                break
        else:
            if part.startswith("!"):
                reqs.append((part[1:].strip(), "!", None))
            elif "!=" in part:
                k, v = part.split("!=", 1)
                reqs.append((k.strip(), "!=", v.strip()))
            elif "==" in part:
                k, v = part.split("==", 1)
                reqs.append((k.strip(), "=", v.strip()))
            elif "=" in part:
                k, v = part.split("=", 1)
                reqs.append((k.strip(), "=", v.strip()))
            elif ">" in part:
                k, v = part.split(">", 1)
                reqs.append((k.strip(), ">", _int(v)))
            elif "<" in part:
                k, v = part.split("<", 1)
                reqs.append((k.strip(), "<", _int(v)))
            else:
                reqs.append((part, "exists", None))
    return reqs


def _int(v):
    try:
        return int(v.strip())
    except ValueError:
        raise SelectorError("invalid integer value: %s" % v)


def match_labels(reqs, labels):
    if not reqs:
        return True
    labels = labels or {}
    for key, op, val in reqs:
        have = key in labels
        cur = labels.get(key)
        if op == "=":
            if cur != val:
                return False
        elif op == "!=":
            if cur == val:
                return False
        elif op == "in":
            if not have or cur not in val:
                return False
        elif op == "notin":
            if have and cur in val:
                return False
        elif op == "exists":
            if not have:
                return False
        elif op == "!":
            if have:
                return False
        elif op in (">", "<"):
            try:
                n = int(cur)
            except (TypeError, ValueError):
                return False
            if (op == ">" and not n > val) or (op == "<" and not n < val):
                return False
    return True


def selector_from_match_labels(sel):
    """A LabelSelector object ({matchLabels, matchExpressions}) -> requirements."""
    reqs = []
    if not sel:
        return reqs
    for k, v in sorted((sel.get("matchLabels") or {}).items()):
        reqs.append((k, "=", v))
    for e in sel.get("matchExpressions") or []:
        op = e.get("operator")
        vals = frozenset(e.get("values") or [])
        if op == "In":
            reqs.append((e["key"], "in", vals))
        elif op == "NotIn":
            reqs.append((e["key"], "notin", vals))
        elif op == "Exists":
            reqs.append((e["key"], "exists", None))
        elif op == "DoesNotExist":
            reqs.append((e["key"], "!", None))
    return reqs


def selector_string(sel):
    """metav1.FormatLabelSelector: the string form used in Scale.status.selector."""
    parts = []
    for k, v in sorted(((sel or {}).get("matchLabels") or {}).items()):
        parts.append("%s=%s" % (k, v))
    for e in (sel or {}).get("matchExpressions") or []:
        op = e.get("operator")
        vals = ",".join(sorted(e.get("values") or []))
        if op == "In":
            parts.append("%s in (%s)" % (e["key"], vals))
        elif op == "NotIn":
            parts.append("%s notin (%s)" % (e["key"], vals))
        elif op == "Exists":
            parts.append(e["key"])
        elif op == "DoesNotExist":
            parts.append("!" + e["key"])
    return ",".join(parts)


# ------------------------------------------------------------ field selectors

_COMMON = {"metadata.name", "metadata.namespace"}
FIELDS = {
    "pods": _COMMON | {"spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
                       "spec.serviceAccountName", "spec.hostNetwork", "status.phase",
                       "status.podIP", "status.podIPs", "status.nominatedNodeName"},
    "nodes": _COMMON | {"spec.unschedulable"},
    "events": _COMMON | {"involvedObject.kind", "involvedObject.namespace",
                         "involvedObject.name", "involvedObject.uid",
                         "involvedObject.apiVersion", "involvedObject.resourceVersion",
                         "involvedObject.fieldPath", "reason", "reportingComponent",
                         "source", "type", "regarding.kind", "regarding.name",
                         "regarding.namespace", "regarding.uid"},
    "namespaces": _COMMON | {"status.phase"},
    "secrets": _COMMON | {"type"},
    "replicasets": _COMMON | {"status.replicas"},
    "statefulsets": _COMMON | {"status.successful"},
}


def _unescape_split(s, sep):
    parts, cur, i = [], [], 0
    while i < len(s):
        ch = s[i]
        if ch == "\\" and i + 1 < len(s):
            cur.append(s[i + 1])
            i += 2
            continue
        if ch == sep:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    parts.append("".join(cur))
    return parts


def parse_fields(s, resource):
    reqs = []
    if not s:
        return reqs
    allowed = FIELDS.get(resource, _COMMON)
    # split on unescaped commas, keeping escapes for the value parsing
    raw, cur, i = [], [], 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            cur.append(s[i:i + 2])
            i += 2
            continue
        if s[i] == ",":
            raw.append("".join(cur))
            cur = []
        else:
            cur.append(s[i])
        i += 1
    raw.append("".join(cur))
    for part in raw:
        if not part.strip():
            continue
        if "!=" in part:
            k, v = part.split("!=", 1)
            op = "!="
        elif "==" in part:
            k, v = part.split("==", 1)
            op = "="
        elif "=" in part:
            k, v = part.split("=", 1)
            op = "="
        else:
            raise SelectorError("invalid selector: '%s'; can't understand '%s'" % (s, part))
        k = k.strip()
        v = "".join(_unescape_split(v, "\x00"))
        if k not in allowed:
            raise SelectorError('field label not supported: %s' % k)
        reqs.append((tuple(k.split(".")), op, v))
    return reqs


def _field_value(obj, path):
    cur = obj
    for p in path:
        if not isinstance(cur, dict):
            return ""
        cur = cur.get(p)
        if cur is None:
            return ""
    if isinstance(cur, bool):
        return "true" if cur else "false"
    if isinstance(cur, list):  # status.podIPs
        return ",".join(x.get("ip", "") if isinstance(x, dict) else str(x) for x in cur)
    if isinstance(cur, dict):
        if path == ("source",):
            return cur.get("component", "")
        return ""
    return str(cur)


def match_fields(reqs, obj):
    for path, op, val in reqs:
        have = _field_value(obj, path)
        if path == ("status", "podIPs") and op == "=":
            if val not in have.split(","):
                return False
            continue
        if op == "=" and have != val:
            return False
        if op == "!=" and have == val:
            return False
    return True
