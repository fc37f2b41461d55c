#!/usr/bin/env python3
"""Exec credential plugin for the lab (kubeconfig context lab-exec).

Mints a fresh bearer token, appends it to STATE/tokens.csv (which the lab
API server re-reads on change) with an expiry, and prints a
client.authentication.k8s.io/v1 ExecCredential carrying the token and its
expirationTimestamp, as client-go expects from a credential plugin.

  execcred.py --state-dir DIR [--ttl SECONDS] [--user NAME]
"""

import argparse
import json
import os
import secrets
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--state-dir", required=True)
    p.add_argument("--ttl", type=int, default=300)
    p.add_argument("--user", default="lab-exec-user")
    a = p.parse_args()
    info = os.environ.get("KUBERNETES_EXEC_INFO")
    api_version = "client.authentication.k8s.io/v1"
    if info:
        try:
            api_version = json.loads(info).get("apiVersion", api_version)
        except ValueError:
            pass
    token = "lab-exec-" + secrets.token_hex(16)
    exp = time.time() + a.ttl
    exp_iso = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(exp))
    with open(os.path.join(a.state_dir, "tokens.csv"), "a") as f:
        f.write('%s,%s,%s,"lab:exec",%s\n' % (token, a.user, a.user, exp_iso))
    json.dump({"kind": "ExecCredential", "apiVersion": api_version, "spec": {},
               "status": {"token": token, "expirationTimestamp": exp_iso}}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
