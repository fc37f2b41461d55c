#!/usr/bin/env python3
"""Checks the lab's answers against botocore's service models: every key a
member of its shape, every value of the shape's type, every enum value one
the model lists.  ECS is checked against the subset of botocore's model in
../shared/reference/ecs (MODEL.json); when a botocore is importable (the
AWS CLI's own, v1 or v2), ECS again with the full model and CloudWatch Logs
and ECR too.

  test_shapes.py MODEL.json   (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID,
                               AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION set)
Prints TAP-like lines; exit 0 when every answer fits, 1 otherwise.
"""

import hashlib
import json
import os
import sys
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True

from labecs import sigv4  # noqa: E402

TARGETS = {"ecs": "AmazonEC2ContainerServiceV20141113.", "logs": "Logs_20140328.",
           "ecr": "AmazonEC2ContainerRegistry_V20150921."}


def botocore_model(service):
    """(the installed botocore's service-2 model, strict) or (None, False).
    Models older than botocore 1.40 (mid 2025) do not know every member AWS
    sends today, so only types and enums count against them."""
    # aws-cli v2 first: once imported it also answers to the name botocore
    for mod, pkg in (("awscli.botocore.loaders", "awscli"), ("botocore.loaders", "botocore")):
        try:
            loaders = __import__(mod, fromlist=["Loader"])
            version = tuple(int(x) for x in __import__(pkg).__version__.split(".")[:2])
            strict = pkg == "botocore" and version >= (1, 40)
            return loaders.Loader().load_service_model(service, "service-2"), strict
        except Exception:
            continue
    return None, False


def call(op, body, service="ecs"):
    ep = os.environ["AWS_ENDPOINT_URL"]
    region = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
    data = json.dumps(body).encode()
    host = urllib.parse.urlsplit(ep).netloc
    amz = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    headers = [("Content-Type", "application/x-amz-json-1.1"), ("Host", host),
               ("X-Amz-Date", amz), ("X-Amz-Target", TARGETS[service] + op)]
    signed = sorted(k.lower() for k, _ in headers)
    creq = sigv4.canonical_request("POST", "/", [], headers, signed,
                                   hashlib.sha256(data).hexdigest())
    scope = "%s/%s/%s/aws4_request" % (amz[:8], region, service)
    sts = sigv4.string_to_sign(amz, scope, creq)
    sig = sigv4.signature(os.environ["AWS_SECRET_ACCESS_KEY"], amz[:8], region, service, sts)
    auth = "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (
        os.environ["AWS_ACCESS_KEY_ID"], scope, ";".join(signed), sig)
    req = urllib.request.Request(ep + "/", data=data, method="POST",
                                 headers=dict(headers[:1] + headers[2:] + [("Authorization", auth)]))
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)


class Checker:
    def __init__(self, model, strict=True):
        self.strict = strict     # unknown members are errors
        self.shapes = model["shapes"]
        self.ops = model["operations"]
        self.problems = []

    def check(self, op, value):
        out = self.ops[op].get("output")
        if out:
            self.walk(out["shape"], value, op)

    def walk(self, name, v, path):
        s = self.shapes[name]
        t = s["type"]
        bad = lambda msg: self.problems.append("%s: %s" % (path, msg))  # noqa: E731
        if t == "structure":
            if not isinstance(v, dict):
                return bad("not an object")
            for k, x in v.items():
                m = s["members"].get(k)
                if m is None:
                    if self.strict:
                        bad("unknown member %r (shape %s)" % (k, name))
                elif x is not None:
                    self.walk(m["shape"], x, path + "." + k)
            for k in s.get("required", []):
                if k not in v:
                    bad("required member %r missing" % k)
        elif t == "list":
            if not isinstance(v, list):
                return bad("not a list")
            for i, x in enumerate(v):
                self.walk(s["member"]["shape"], x, "%s[%d]" % (path, i))
        elif t == "map":
            if not isinstance(v, dict):
                return bad("not a map")
        elif t == "string":
            if not isinstance(v, str):
                return bad("not a string: %r" % (v,))
            if "enum" in s and v not in s["enum"]:
                bad("%r is not one of %s" % (v, s["enum"]))
        elif t in ("integer", "long"):
            if not isinstance(v, int) or isinstance(v, bool):
                bad("not an integer: %r" % (v,))
        elif t in ("double", "float"):
            if not isinstance(v, (int, float)) or isinstance(v, bool):
                bad("not a number: %r" % (v,))
        elif t == "boolean":
            if not isinstance(v, bool):
                bad("not a boolean: %r" % (v,))
        elif t == "timestamp":
            if not isinstance(v, (int, float)) or isinstance(v, bool):
                bad("timestamp not epoch seconds: %r" % (v,))


def main():
    results = []
    checkers = {"ecs": [Checker(json.load(open(sys.argv[1])))]}
    for service in ("ecs", "logs", "ecr"):
        m, strict = botocore_model(service)
        if m is not None:
            checkers.setdefault(service, []).append(Checker(m, strict))

    def run(op, body, service="ecs"):
        r = call(op, body, service)
        for ck in checkers.get(service, []):
            if op not in ck.ops:
                continue
            before = len(ck.problems)
            ck.check(op, r)
            results.append((len(ck.problems) == before, "%s %s" % (service, op),
                            ck.problems[before:]))
        return r

    clusters = run("ListClusters", {})["clusterArns"]
    run("DescribeClusters", {"clusters": clusters + ["nope"],
                             "include": ["STATISTICS", "SETTINGS", "ATTACHMENTS", "CONFIGURATIONS", "TAGS"]})
    for c in clusters:
        svcs = []
        tok = None
        while True:
            r = run("ListServices", dict({"cluster": c}, **({"nextToken": tok} if tok else {})))
            svcs += r["serviceArns"]
            tok = r.get("nextToken")
            if not tok:
                break
        for i in range(0, len(svcs), 9):
            run("DescribeServices", {"cluster": c, "services": svcs[i:i + 9] + ["nope"]})
        for desired in ("RUNNING", "STOPPED"):
            tasks = run("ListTasks", {"cluster": c, "desiredStatus": desired})["taskArns"]
            if tasks:
                run("DescribeTasks", {"cluster": c, "tasks": tasks[:99] + ["0" * 32]})
        cis = run("ListContainerInstances", {"cluster": c})["containerInstanceArns"]
        if cis:
            run("DescribeContainerInstances", {"cluster": c, "containerInstances": cis})
    r = call("ListTasks", {"cluster": "lab-ec2", "serviceName": "api"})
    run("StopTask", {"cluster": "lab-ec2", "task": r["taskArns"][0], "reason": "shape check"})
    run("UpdateService", {"cluster": "lab-ec2", "service": "api", "desiredCount": 3})
    for fam in run("ListTaskDefinitionFamilies", {})["families"]:
        run("DescribeTaskDefinition", {"taskDefinition": fam})
    run("ListTaskDefinitions", {"sort": "DESC"})
    run("RegisterTaskDefinition", {"family": "shape", "containerDefinitions": [
        {"name": "c", "image": "busybox", "memory": 64, "logConfiguration": {
            "logDriver": "awslogs", "options": {"awslogs-group": "/ecs/shape"}}}]})
    groups = run("DescribeLogGroups", {}, "logs")["logGroups"]
    for g in groups:
        streams = run("DescribeLogStreams", {"logGroupName": g["logGroupName"], "limit": 5},
                      "logs")["logStreams"]
        if streams:
            run("GetLogEvents", {"logGroupName": g["logGroupName"], "limit": 20,
                                 "logStreamName": streams[0]["logStreamName"]}, "logs")
        run("FilterLogEvents", {"logGroupName": g["logGroupName"], "limit": 20}, "logs")
    for repo in run("DescribeRepositories", {}, "ecr")["repositories"]:
        run("DescribeImages", {"repositoryName": repo["repositoryName"]}, "ecr")
        run("ListImages", {"repositoryName": repo["repositoryName"]}, "ecr")
    run("GetAuthorizationToken", {}, "ecr")
    run("BatchDeleteImage", {"repositoryName": "worker", "imageIds": [
        {"imageTag": "0.9.1"}, {"imageTag": "nope"}]}, "ecr")
    failed = 0
    for ok, op, probs in results:
        if not ok:
            failed += 1
            print("not ok - shapes %s" % op)
            for p in probs[:10]:
                print("#   " + p)
    print("# shapes: %d answers checked against %s, %d did not fit" % (
        len(results), ", ".join("%s (%d model%s)" % (k, len(v), "s" if len(v) > 1 else "")
                               for k, v in sorted(checkers.items())), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
