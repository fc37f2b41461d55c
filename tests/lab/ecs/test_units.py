#!/usr/bin/env python3
"""Unit checks of the lab's pieces that the AWS CLI cannot pin down:
paging (short pages, tokens bound to their filters), deterministic
throttling, CloudWatch Logs token semantics, presigned SigV4 requests and
the kube lab's EKS token checks that refuse before calling STS.
Prints TAP-like lines; exit 0 when all pass.  No network, no server.
"""

import base64
import hashlib
import os
import sys
import time
import types

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "kube"))
sys.dont_write_bytecode = True

from labecs import auth, creds, errors, logs, paging, sigv4, throttle  # noqa: E402
from labkube import authn  # noqa: E402

RESULTS = []


def check(name):
    def deco(fn):
        try:
            fn()
            RESULTS.append((True, name, ""))
        except Exception as e:  # an assertion or anything else is a failure
            RESULTS.append((False, name, "%s: %s" % (type(e).__name__, e)))
        return fn
    return deco


@check("paging: every item once, short pages while more remain, tokens bound to filters")
def _paging():
    keys = ["k%03d" % i for i in range(95)]
    seen, sizes, token = [], [], None
    while True:
        p = {"maxResults": 10}
        if token:
            p["nextToken"] = token
        out, token = paging.page(keys, p, {"f": 1}, 100)
        seen += out
        sizes.append(len(out))
        if not token:
            break
    assert seen == keys, "items lost or repeated"
    assert any(s < 10 for s in sizes[:-1]), sizes
    _, tok = paging.page(keys, {"maxResults": 10}, {"f": 1}, 100)
    try:
        paging.page(keys, {"nextToken": tok}, {"f": 2}, 100)
        raise AssertionError("token accepted with other filters")
    except errors.AwsError as e:
        assert e.code == "InvalidParameterException"
    for bad in (0, 101, "5"):
        try:
            paging.page(keys, {"maxResults": bad}, {}, 100)
            raise AssertionError("maxResults %r accepted" % (bad,))
        except errors.AwsError:
            pass
    out, tok = paging.page(keys, {}, {}, 10, short=False)
    assert len(out) == 10 and tok


@check("throttle: fraction is deterministic and refuses the first request; token bucket")
def _throttle():
    t = throttle.Throttle("0.5")
    got = [t.refuse("ecs", "ListClusters") for _ in range(6)]
    assert got == [True, False, True, False, True, False], got
    assert t.refuse("ecs", "DescribeTasks") is True
    t.set("0.25")
    got = [t.refuse("ecs", "X") for _ in range(8)]
    assert got.count(True) == 2 and got[0], got
    t.set("2/s:2")
    got = [t.refuse("ecs", "Y") for _ in range(3)]
    assert got == [False, False, True], got
    t.set("0")
    assert not any(t.refuse("ecs", "Z") for _ in range(5))


@check("logs: backward then forward tokens, the same token at the end of a stream")
def _logs():
    app = types.SimpleNamespace(cfg=types.SimpleNamespace(region="us-east-1", account="1",
                                                           log_interval=1.0, log_max_lines=100))
    lg = logs.Logs(app)
    now = time.time()
    g = lg.ensure_group("/g", now - 50)
    s = logs.Stream("/g", "ecs/c/t", now - 30.5, 1.0, "app", None, 100)
    s.end = now - 0.5
    s.last = ["fatal: bye"]
    g["streams"]["ecs/c/t"] = s
    r = lg.op_GetLogEvents({"logGroupName": "/g", "logStreamName": "ecs/c/t", "limit": 5}, now)
    assert [e["message"] for e in r["events"]][-1] == "fatal: bye", r["events"][-1]
    assert len(r["events"]) == 5
    end = lg.op_GetLogEvents({"logGroupName": "/g", "logStreamName": "ecs/c/t",
                              "nextToken": r["nextForwardToken"]}, now)
    assert end["events"] == [] and end["nextForwardToken"] == r["nextForwardToken"], end
    back = lg.op_GetLogEvents({"logGroupName": "/g", "logStreamName": "ecs/c/t", "limit": 5,
                               "nextToken": r["nextBackwardToken"]}, now)
    assert len(back["events"]) == 5
    assert back["events"][-1]["timestamp"] <= r["events"][0]["timestamp"]
    head = lg.op_GetLogEvents({"logGroupName": "/g", "logStreamName": "ecs/c/t",
                               "startFromHead": True, "limit": 3}, now)
    assert head["events"][0]["timestamp"] == int(round((now - 30.5) * 1000))
    f = lg.op_FilterLogEvents({"logGroupName": "/g", "filterPattern": "fatal"}, now)
    assert [e["message"] for e in f["events"]] == ["fatal: bye"], f
    page1 = lg.op_FilterLogEvents({"logGroupName": "/g", "limit": 20}, now)
    page2 = lg.op_FilterLogEvents({"logGroupName": "/g", "limit": 20,
                                   "nextToken": page1["nextToken"]}, now)
    assert len(page1["events"]) == 20 and len(page2["events"]) == 12 and "nextToken" not in page2


def presign(secret, key, host, params, when, expires=60, extra_headers=()):
    amz = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(when))
    signed = sorted(["host"] + [k.lower() for k, _ in extra_headers])
    q = dict(params)
    q.update({"X-Amz-Algorithm": sigv4.ALGORITHM,
              "X-Amz-Credential": "%s/%s/us-east-1/sts/aws4_request" % (key, amz[:8]),
              "X-Amz-Date": amz, "X-Amz-Expires": str(expires),
              "X-Amz-SignedHeaders": ";".join(signed)})
    headers = [("Host", host)] + list(extra_headers)
    creq = sigv4.canonical_request("GET", "/", list(q.items()), headers, signed,
                                   hashlib.sha256(b"").hexdigest())
    sts = sigv4.string_to_sign(amz, "%s/us-east-1/sts/aws4_request" % amz[:8], creq)
    q["X-Amz-Signature"] = sigv4.signature(secret, amz[:8], "us-east-1", "sts", sts)
    import urllib.parse
    return "/?" + urllib.parse.urlencode(q, quote_via=urllib.parse.quote), headers


@check("sigv4: presigned STS URLs verify, for 15 minutes, and not with another x-k8s-aws-id")
def _presigned():
    app = types.SimpleNamespace(cfg=types.SimpleNamespace(region="us-east-1"),
                                creds=creds.CredStore("123456789012"))
    c = app.creds.add_static("u", "AKIAEXAMPLEEXAMPLE00", "s3cr3t")
    now = time.time()
    target, headers = presign(c.secret, c.access_key, "sts.amazonaws.com",
                              {"Action": "GetCallerIdentity", "Version": "2011-06-15"}, now - 600,
                              extra_headers=[("x-k8s-aws-id", "lab-eks")])
    req = sigv4.Request("GET", target, headers, b"")
    assert auth.check(app, req, "sts", now) is c
    try:
        auth.check(app, req, "sts", now + 400)
        raise AssertionError("accepted after 15 minutes")
    except errors.AwsError as e:
        assert e.code == "AccessDenied", e.code
    wrong = sigv4.Request("GET", target, [("Host", "sts.amazonaws.com"),
                                          ("x-k8s-aws-id", "other")], b"")
    try:
        auth.check(app, wrong, "sts", now)
        raise AssertionError("accepted for another cluster")
    except errors.AwsError as e:
        assert e.code == "InvalidSignatureException", e.code


def signed_request(secret, key, when, service="ecs", region="us-east-1", token=None,
                   body=b"{}", tamper=None):
    amz = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(when))
    headers = [("Content-Type", "application/x-amz-json-1.1"), ("Host", "127.0.0.1:1"),
               ("X-Amz-Date", amz), ("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListClusters")]
    if token:
        headers.append(("X-Amz-Security-Token", token))
    signed = sorted(k.lower() for k, _ in headers)
    creq = sigv4.canonical_request("POST", "/", [], headers, signed, hashlib.sha256(body).hexdigest())
    scope = "%s/%s/%s/aws4_request" % (amz[:8], region, service)
    sig = sigv4.signature(secret, amz[:8], region, service, sigv4.string_to_sign(amz, scope, creq))
    headers.append(("Authorization", "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s"
                    % (key, scope, ";".join(signed), sig)))
    return sigv4.Request("POST", "/", headers, tamper if tamper is not None else body)


@check("sigv4: skew, scope, session token, payload and key errors as AWS words them")
def _auth_errors():
    app = types.SimpleNamespace(cfg=types.SimpleNamespace(region="us-east-1"),
                                creds=creds.CredStore("123456789012"))
    c = app.creds.add_static("u", "AKIAEXAMPLEEXAMPLE00", "s3cr3t")
    t = app.creds.issue("r", "s", 900)
    now = time.time()

    def code(req, service="ecs"):
        try:
            auth.check(app, req, service, now)
            return "ok", ""
        except errors.AwsError as e:
            return e.code, e.message
    assert code(signed_request(c.secret, c.access_key, now))[0] == "ok"
    k, m = code(signed_request(c.secret, c.access_key, now - 1200))
    assert k == "InvalidSignatureException" and m.startswith("Signature expired: ") and \
        m.endswith(" - 15 min.)"), m
    k, m = code(signed_request(c.secret, c.access_key, now + 1200))
    assert m.startswith("Signature not yet current: ") and m.endswith(" + 15 min.)"), m
    k, m = code(signed_request(c.secret, c.access_key, now, service="logs"))
    assert m == "Credential should be scoped to correct service: 'ecs'. ", m
    k, m = code(signed_request(c.secret, c.access_key, now, region="eu-west-1"))
    assert m == "Credential should be scoped to a valid region, not 'eu-west-1'. ", m
    assert code(signed_request(c.secret, "AKIAUNKNOWNUNKNOWN00", now))[0] == "UnrecognizedClientException"
    assert code(signed_request(t.secret, t.access_key, now))[0] == "UnrecognizedClientException"
    assert code(signed_request(t.secret, t.access_key, now, token=t.token))[0] == "ok"
    t.expires = now - 1
    assert code(signed_request(t.secret, t.access_key, now, token=t.token))[0] == "ExpiredTokenException"
    k, m = code(signed_request(c.secret, c.access_key, now, tamper=b'{"x":1}'))
    assert k == "InvalidSignatureException" and "The Canonical String for this request should have been" in m
    assert code(sigv4.Request("POST", "/", [("Host", "h")], b"{}"))[0] == \
        "MissingAuthenticationTokenException"
    assert code(sigv4.Request("POST", "/", [("Authorization", "AWS4-HMAC-SHA256 Credential=x")],
                              b""))[0] == "IncompleteSignatureException"


def eks_token(url):
    return "k8s-aws-v1." + base64.urlsafe_b64encode(url.encode()).decode().rstrip("=")


@check("kube lab EKS tokens: wrong host, scheme, action, parameters, unsigned id, age refused")
def _eks():
    v = authn.EksTokens("http://127.0.0.1:9", ["lab-eks"], "")
    v._call = lambda *a: (_ for _ in ()).throw(AssertionError("STS called"))
    amz = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    old = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() - 1000))
    base = ("Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIA%2F20260101%2Fus-east-1%2Fsts%2Faws4_request"
            "&X-Amz-Expires=60&X-Amz-Signature=00")
    good_q = base + "&X-Amz-Date=%s&X-Amz-SignedHeaders=host%%3Bx-k8s-aws-id" % amz
    for url in ("https://evil.example.com/?" + good_q,
                "http://sts.amazonaws.com/?" + good_q,
                "https://sts.amazonaws.com/other?" + good_q,
                "https://sts.amazonaws.com/?" + good_q.replace("GetCallerIdentity", "AssumeRole"),
                "https://sts.amazonaws.com/?" + good_q + "&Extra=1",
                "https://sts.amazonaws.com/?" + good_q.replace("%3Bx-k8s-aws-id", ""),
                "https://sts.amazonaws.com/?" + base + "&X-Amz-Date=%s"
                "&X-Amz-SignedHeaders=host%%3Bx-k8s-aws-id" % old,
                "https://127.0.0.1:9/?" + good_q):
        assert v.verify(eks_token(url)) is None, url
    assert v.verify("k8s-aws-v1.!!!") is None
    calls = []
    v._call = lambda url, host, cluster: calls.append((url, host, cluster)) or None
    v.verify(eks_token("https://sts.us-east-1.amazonaws.com/?" + good_q))
    assert calls and calls[0][0].startswith("http://127.0.0.1:9/?Action=GetCallerIdentity")
    assert calls[0][1] == "sts.us-east-1.amazonaws.com" and calls[0][2] == "lab-eks", calls


def main():
    failed = 0
    for ok, name, detail in RESULTS:
        print("%s - units %s" % ("ok" if ok else "not ok", name))
        if not ok:
            failed += 1
            print("#   " + detail)
    print("# units: %d checks, %d failed" % (len(RESULTS), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
