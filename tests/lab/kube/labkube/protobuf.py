"""Decode the Kubernetes protobuf request bodies kubectl sends, into JSON objects.

kubectl's typed clients (kubectl create namespace/deployment/service/...,
auth can-i, auth whoami) POST bodies as application/vnd.kubernetes.protobuf:
the 4-byte magic "k8s\\0", then a runtime.Unknown {typeMeta, raw} whose raw
bytes are the object's message.  The schemas below cover the objects those
commands create (field numbers from k8s.io/api generated.proto); unknown
fields are skipped.  Responses are always JSON, which the clients accept.
Anything else gets 415 UnsupportedMediaType.
"""

import base64
import struct
import time

from . import resources as R

# Field spec: "NUM name type" separated by ";".  Types: s string, i int, b bool,
# y bytes (base64 in JSON), t metav1.Time, q Quantity, x IntOrString,
# ms/my/mq map of string/bytes/Quantity, a message name; "*" prefix = repeated.
SCHEMA = {
    "Unknown": "1 typeMeta TypeMeta;2 raw y;3 contentEncoding s;4 contentType s",
    "TypeMeta": "1 apiVersion s;2 kind s",
    "ObjectMeta": "1 name s;2 generateName s;3 namespace s;5 uid s;6 resourceVersion s;"
                  "7 generation i;8 creationTimestamp t;11 labels ms;12 annotations ms;"
                  "13 ownerReferences *OwnerReference;14 finalizers *s",
    "OwnerReference": "1 kind s;3 name s;4 uid s;5 apiVersion s;6 controller b;"
                      "7 blockOwnerDeletion b",
    "LabelSelector": "1 matchLabels ms;2 matchExpressions *LabelSelectorRequirement",
    "LabelSelectorRequirement": "1 key s;2 operator s;3 values *s",
    "Namespace": "1 metadata ObjectMeta;2 spec NamespaceSpec",
    "NamespaceSpec": "1 finalizers *s",
    "ConfigMap": "1 metadata ObjectMeta;2 data ms;3 binaryData my;4 immutable b",
    "Secret": "1 metadata ObjectMeta;2 data my;3 type s;4 stringData ms;5 immutable b",
    "ServiceAccount": "1 metadata ObjectMeta;3 imagePullSecrets *LocalObjectReference;"
                      "4 automountServiceAccountToken b",
    "LocalObjectReference": "1 name s",
    "Service": "1 metadata ObjectMeta;2 spec ServiceSpec",
    "ServiceSpec": "1 ports *ServicePort;2 selector ms;3 clusterIP s;4 type s;5 externalIPs *s;"
                   "7 sessionAffinity s;8 loadBalancerIP s;10 externalName s;"
                   "11 externalTrafficPolicy s",
    "ServicePort": "1 name s;2 protocol s;3 port i;4 targetPort x;5 nodePort i;6 appProtocol s",
    "Deployment": "1 metadata ObjectMeta;2 spec DeploymentSpec",
    "DeploymentSpec": "1 replicas i;2 selector LabelSelector;3 template PodTemplateSpec;"
                      "4 strategy DeploymentStrategy;5 minReadySeconds i;"
                      "6 revisionHistoryLimit i;7 paused b;9 progressDeadlineSeconds i",
    "DeploymentStrategy": "1 type s;2 rollingUpdate RollingUpdateDeployment",
    "RollingUpdateDeployment": "1 maxUnavailable x;2 maxSurge x",
    "PodTemplateSpec": "1 metadata ObjectMeta;2 spec PodSpec",
    "PodSpec": "2 containers *Container;3 restartPolicy s;4 terminationGracePeriodSeconds i;"
               "6 dnsPolicy s;7 nodeSelector ms;8 serviceAccountName s;10 nodeName s;"
               "19 schedulerName s;20 initContainers *Container;22 tolerations *Toleration;"
               "24 priorityClassName s",
    "Container": "1 name s;2 image s;3 command *s;4 args *s;5 workingDir s;"
                 "6 ports *ContainerPort;7 env *EnvVar;8 resources ResourceRequirements;"
                 "13 terminationMessagePath s;14 imagePullPolicy s;16 stdin b;17 stdinOnce b;"
                 "18 tty b;20 terminationMessagePolicy s",
    "ContainerPort": "1 name s;2 hostPort i;3 containerPort i;4 protocol s;5 hostIP s",
    "EnvVar": "1 name s;2 value s",
    "ResourceRequirements": "1 limits mq;2 requests mq",
    "Toleration": "1 key s;2 operator s;3 value s;4 effect s;5 tolerationSeconds i",
    "PodDisruptionBudget": "1 metadata ObjectMeta;2 spec PodDisruptionBudgetSpec",
    "PodDisruptionBudgetSpec": "1 minAvailable x;2 selector LabelSelector;3 maxUnavailable x;"
                               "4 unhealthyPodEvictionPolicy s",
    "SelfSubjectAccessReview": "1 metadata ObjectMeta;2 spec SelfSubjectAccessReviewSpec",
    "SelfSubjectAccessReviewSpec": "1 resourceAttributes ResourceAttributes;"
                                   "2 nonResourceAttributes NonResourceAttributes",
    "ResourceAttributes": "1 namespace s;2 verb s;3 group s;4 version s;5 resource s;"
                          "6 subresource s;7 name s",
    "NonResourceAttributes": "1 path s;2 verb s",
    "SelfSubjectReview": "1 metadata ObjectMeta",
    "Job": "1 metadata ObjectMeta;2 spec JobSpec",
    "JobSpec": "1 parallelism i;2 completions i;3 activeDeadlineSeconds i;4 selector LabelSelector;"
               "5 manualSelector b;6 template PodTemplateSpec;7 backoffLimit i;"
               "8 ttlSecondsAfterFinished i;9 completionMode s;10 suspend b",
    "CronJob": "1 metadata ObjectMeta;2 spec CronJobSpec",
    "CronJobSpec": "1 schedule s;2 startingDeadlineSeconds i;3 concurrencyPolicy s;4 suspend b;"
                   "5 jobTemplate JobTemplateSpec;6 successfulJobsHistoryLimit i;"
                   "7 failedJobsHistoryLimit i;8 timeZone s",
    "JobTemplateSpec": "1 metadata ObjectMeta;2 spec JobSpec",
}
# ints that are pointers in Go (a zero is meaningful and must be kept)
KEEP_ZERO = {"replicas", "revisionHistoryLimit", "progressDeadlineSeconds",
             "terminationGracePeriodSeconds", "tolerationSeconds", "port", "backoffLimit",
             "successfulJobsHistoryLimit", "failedJobsHistoryLimit"}
KINDS = {"Namespace", "ConfigMap", "Secret", "ServiceAccount", "Service", "Deployment",
         "PodDisruptionBudget", "SelfSubjectAccessReview", "SelfSubjectReview", "Job", "CronJob"}

_parsed = {}


def _fields(msg):
    f = _parsed.get(msg)
    if f is None:
        f = {}
        for part in SCHEMA[msg].split(";"):
            num, name, typ = part.split()
            rep = typ.startswith("*")
            f[int(num)] = (name, typ.lstrip("*"), rep)
        _parsed[msg] = f
    return f


class DecodeError(ValueError):
    pass


def _varint(buf, pos):
    shift = result = 0
    while True:
        if pos >= len(buf):
            raise DecodeError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def _raw_fields(buf):
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        num, wt = key >> 3, key & 7
        if wt == 0:
            val, pos = _varint(buf, pos)
        elif wt == 2:
            n, pos = _varint(buf, pos)
            val = bytes(buf[pos:pos + n])
            pos += n
        elif wt == 1:
            val = struct.unpack("<q", buf[pos:pos + 8])[0]
            pos += 8
        elif wt == 5:
            val = struct.unpack("<i", buf[pos:pos + 4])[0]
            pos += 4
        else:
            raise DecodeError("unsupported wire type %d" % wt)
        yield num, wt, val


def _signed(v):
    return v - (1 << 64) if v >= 1 << 63 else v


def _scalar(typ, wt, val):
    if typ == "s":
        return val.decode("utf-8")
    if typ == "i":
        return _signed(val)
    if typ == "b":
        return bool(val)
    if typ == "y":
        return base64.b64encode(val).decode()
    if typ == "q":
        return _msg_plain(val).get(1, b"").decode()
    if typ == "t":
        m = _msg_plain(val)
        secs = _signed(m.get(1, 0))
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(secs)) if secs else None
    if typ == "x":
        m = _msg_plain(val)
        if m.get(1, 0) == 1:
            return m.get(3, b"").decode()
        return _signed(m.get(2, 0))
    return decode_message(typ, val)


def _msg_plain(buf):
    out = {}
    for num, _, val in _raw_fields(buf):
        out[num] = val
    return out


def decode_message(msg, buf):
    fields = _fields(msg)
    out = {}
    for num, wt, val in _raw_fields(buf):
        spec = fields.get(num)
        if spec is None:
            continue
        name, typ, rep = spec
        if typ in ("ms", "my", "mq"):
            entry = _msg_plain(val)
            k = entry.get(1, b"").decode()
            v = entry.get(2, b"")
            out.setdefault(name, {})[k] = (v.decode() if typ == "ms" else
                                           base64.b64encode(v).decode() if typ == "my" else
                                           _msg_plain(v).get(1, b"").decode())
            continue
        if rep and wt == 2 and typ in ("i", "b"):   # packed repeated scalars
            vals, pos = [], 0
            while pos < len(val):
                x, pos = _varint(val, pos)
                vals.append(_scalar(typ, 0, x))
            out.setdefault(name, []).extend(vals)
            continue
        v = _scalar(typ, wt, val)
        if rep:
            out.setdefault(name, []).append(v)
        else:
            out[name] = v
    return _prune(out)


def _prune(d):
    out = {}
    for k, v in d.items():
        if v is None or v == "" or v == {} or v == []:
            continue
        if v is False and k not in ("immutable", "automountServiceAccountToken"):
            continue
        if v == 0 and not isinstance(v, bool) and k not in KEEP_ZERO:
            continue
        out[k] = v
    return out


def decode(body):
    """Protobuf request body -> JSON-like dict with kind/apiVersion."""
    if body[:4] != b"k8s\x00":
        raise DecodeError("missing the k8s protobuf magic")
    unk = decode_message("Unknown", body[4:])
    tm = unk.get("typeMeta") or {}
    kind = tm.get("kind", "")
    if kind not in KINDS:
        raise DecodeError("no protobuf decoder for kind %r" % kind)
    raw = base64.b64decode(unk.get("raw", ""))
    obj = {"kind": kind, "apiVersion": tm.get("apiVersion", "")}
    obj.update(decode_message(kind, raw))
    obj.setdefault("metadata", {})
    return obj


def unsupported(h, why="the body of the request was in an unknown format - accepted media "
                       "types include: application/json, application/yaml"):
    h.send_status(R.status_failure(415, "UnsupportedMediaType", why))


def to_json_body(h):
    """Replace a protobuf request body by its JSON form; False if impossible."""
    from . import util
    try:
        obj = decode(h.read_body())
    except (DecodeError, UnicodeDecodeError, KeyError, struct.error) as e:
        unsupported(h, "lab API server: cannot decode this protobuf body (%s); "
                       "send application/json" % e)
        return False
    h._body = util.dumpb(obj)
    return True
