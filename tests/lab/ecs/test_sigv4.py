#!/usr/bin/env python3
"""Unit test of the lab's SigV4 verifier against AWS's official test suite
(../shared/reference/ecs/sigv4_testsuite) and the ECS vectors generated with
botocore (sigv4_ecs_generated_vectors.json).  Usage: test_sigv4.py REFDIR
Prints TAP-like lines and exits 0 when every vector agrees, 1 otherwise.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True

from labecs import sigv4  # noqa: E402

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


def parse_req(text):
    head, _, body = text.partition("\n\n")
    lines = head.split("\n")
    method, rest = lines[0].split(" ", 1)
    target = rest.rsplit(" ", 1)[0]
    headers = []
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and headers:
            headers[-1] = (headers[-1][0], headers[-1][1] + " " + line.strip())
            continue
        if not line:
            continue
        k, _, v = line.partition(":")
        headers.append((k, v))
    return sigv4.Request(method, target, headers, body.encode())


def check_suite(refdir, results):
    suite = os.path.join(refdir, "sigv4_testsuite")
    for root, dirs, files in sorted(os.walk(suite)):
        for f in sorted(files):
            if not f.endswith(".req"):
                continue
            name = f[:-4]
            base = os.path.join(root, name)
            with open(base + ".sreq") as fh:
                req = parse_req(fh.read())
            with open(base + ".creq") as fh:
                want_creq = fh.read()
            with open(base + ".sts") as fh:
                want_sts = fh.read()
            with open(base + ".authz") as fh:
                want_authz = fh.read().strip()
            # the server sees the Authorization header (.authz: one .sreq of the
            # suite carries a stale signature, the .authz files are right)
            req.headers = [(k, v) for k, v in req.headers if k.lower() != "authorization"]
            req.headers.append(("Authorization", want_authz))
            p = sigv4.parse(req)
            creq, sts, sig = sigv4.compute(req, p, SECRET)
            ok = (creq == want_creq and sts == want_sts and sigv4.matches(sig, p.sig))
            results.append((ok, "suite %s" % os.path.relpath(base, suite),
                            "" if ok else "creq:\n%s\nwant:\n%s" % (creq, want_creq)))


def check_vectors(refdir, results):
    with open(os.path.join(refdir, "sigv4_ecs_generated_vectors.json")) as fh:
        vectors = json.load(fh)["vectors"]
    for i, v in enumerate(vectors):
        host = v["url"].split("/")[2]
        headers = [("Host", host)] + list(v["request_headers_after_signing"].items())
        if v.get("session_token") and not any(k.lower() == "x-amz-security-token"
                                              for k, _ in headers):
            headers.append(("X-Amz-Security-Token", v["session_token"]))
        req = sigv4.Request(v["method"], "/" + v["url"].split("/", 3)[3], headers,
                            v["body"].encode())
        p = sigv4.parse(req)
        creq, sts, sig = sigv4.compute(req, p, v["secret_key"])
        ok = (creq == v["canonical_request"] and sts == v["string_to_sign"]
              and sigv4.matches(sig, p.sig))
        results.append((ok, "ecs vector %d %s" % (i, v["operation"]),
                        "" if ok else "creq:\n%s\nwant:\n%s" % (creq, v["canonical_request"])))
        bad = sigv4.signature("wrong" + v["secret_key"], p.date, p.region, p.service, sts)
        results.append((not sigv4.matches(bad, p.sig), "ecs vector %d wrong secret refused" % i, ""))


def main():
    refdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "../../../../shared/reference/ecs")
    results = []
    check_suite(refdir, results)
    check_vectors(refdir, results)
    failed = 0
    for ok, name, detail in results:
        print("%s - sigv4 %s" % ("ok" if ok else "not ok", name))
        if not ok:
            failed += 1
            for line in detail.splitlines()[:20]:
                print("#   " + line)
    print("# sigv4: %d vectors, %d failed" % (len(results), failed))
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())
