#!/usr/bin/env python3
"""kubelab: a Kubernetes API server simulator for binnacle's tests and benchmarks.

Speaks the real wire protocol (HTTPS, client-certificate and bearer-token
auth, discovery incl. aggregated discovery, lists with paging, server-side
Tables, watches with bookmarks and 410s, patches, scale, eviction, logs,
exec over WebSocket, metrics) well enough for the real kubectl, and
simulates controllers, a scheduler and kubelets behind it.  Standard
library only.

  python3 kubelab.py --state-dir DIR [--port 0] [--nodes N] [--namespaces N]
      [--deployments N] [--replicas N] [--crashing N] [--churn RATE] ...

Writes DIR/kubeconfig (contexts lab, lab-token, lab-viewer, lab-expired,
lab-exec), DIR/ca.pem, DIR/port, DIR/pid, DIR/token, DIR/tokens.csv and
prints `KUBECONFIG=DIR/kubeconfig` once it is ready.
"""

import argparse
import base64
import os
import secrets
import shlex
import signal
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True   # keep the source tree clean

from labkube import authn, controllers, seed, server, store  # noqa: E402

DEFAULT_FORBID = ["lab-viewer:get,list,watch:nodes", "lab-viewer:*:secrets",
                  "lab-viewer:*:pods/exec,pods/attach,pods/portforward",
                  "lab-viewer:list,watch:pods:kube-system"]


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    a = p.add_argument
    a("--state-dir", required=True, help="directory for certificates, kubeconfig, pid, port")
    a("--host", default="127.0.0.1")
    a("--port", type=int, default=0, help="0 picks a free port")
    g = p.add_argument_group("cluster shape")
    g.add_argument("--nodes", type=int, default=4, help="nodes incl. the control plane")
    g.add_argument("--namespaces", type=int, default=3, help="application namespaces")
    g.add_argument("--deployments", type=int, default=6)
    g.add_argument("--replicas", type=int, default=2, help="replicas per deployment")
    g.add_argument("--crashing", type=int, default=1, help="deployments in CrashLoopBackOff")
    g.add_argument("--imagepull", type=int, default=1, help="deployments in ImagePullBackOff")
    g.add_argument("--statefulsets", type=int, default=1)
    g.add_argument("--sts-replicas", type=int, default=2)
    g.add_argument("--daemonsets", type=int, default=1, help="besides kube-proxy")
    g.add_argument("--seed", type=int, default=1, help="random seed for names")
    g = p.add_argument_group("behaviour")
    g.add_argument("--churn", type=float, default=0.0, help="random pod status changes per second")
    g.add_argument("--bookmark-interval", type=float, default=5.0)
    g.add_argument("--history", type=int, default=20000, help="watch history window (events)")
    g.add_argument("--continue-ttl", type=float, default=300.0,
                   help="seconds a list continue token stays valid")
    g.add_argument("--watch-timeout", type=float, default=1800.0)
    g.add_argument("--start-delay", type=float, default=2.0, help="scheduled -> running seconds")
    g.add_argument("--crash-after", type=float, default=4.0)
    g.add_argument("--crash-backoff", type=float, default=5.0)
    g.add_argument("--crash-backoff-max", type=float, default=60.0)
    g.add_argument("--delete-delay", type=float, default=1.0,
                   help="seconds a graceful pod deletion takes (capped by the grace period)")
    g.add_argument("--log-interval", type=float, default=1.0, help="seconds between log lines")
    g.add_argument("--log-max-lines", type=int, default=5000,
                   help="lines kept per container instance (log rotation)")
    g.add_argument("--max-events", type=int, default=2000)
    g.add_argument("--server-version", default="v1.32.4")
    g.add_argument("--no-gzip", dest="gzip", action="store_false")
    g.add_argument("--idle-timeout", type=float, default=600.0)
    g = p.add_argument_group("authentication")
    g.add_argument("--token", action="append", default=[],
                   help="TOKEN[,USER[,UID[,\"G1,G2\"[,EXPIRY]]]] (repeatable); EXPIRY is "
                        "RFC 3339, Unix seconds or +SECONDS")
    g.add_argument("--token-expiry", default="",
                   help="expiry of the generated lab-token token (RFC 3339, Unix s, +SECONDS)")
    g.add_argument("--tokens-file", default="", help="default STATE/tokens.csv, re-read on change")
    g.add_argument("--forbid", action="append", default=[],
                   help="USER:VERBS:RESOURCES[:NAMESPACE] denied with a 403 (repeatable)")
    g.add_argument("--no-default-forbid", action="store_true",
                   help="drop the built-in rules for lab-viewer")
    g.add_argument("--eks-sts", default="",
                   help="accept EKS tokens (k8s-aws-v1.*) checked against this STS endpoint "
                        "(the ECS lab's AWS_ENDPOINT_URL)")
    g.add_argument("--eks-cluster", action="append", default=[],
                   help="cluster name an EKS token must be signed for (repeatable; default "
                        "lab-eks and lab-eks-2)")
    g.add_argument("--eks-ca", default="", help="CA file for an https --eks-sts")
    g.add_argument("--anonymous", action="store_true",
                   help="treat requests without credentials as system:anonymous (403) not 401")
    a("--verbose", "-v", action="store_true", help="log requests to stderr")
    return p.parse_args(argv)


def b64file(path):
    with open(path, "rb") as f:
        return base64.b64encode(f.read()).decode()


def write_kubeconfig(path, port, pki, tokens, execcred):
    server_url = "https://127.0.0.1:%d" % port
    users = [
        ("lab-admin", {"client-certificate-data": b64file(os.path.join(pki, "client-lab-admin.pem")),
                       "client-key-data": b64file(os.path.join(pki, "client-lab-admin.key"))}),
        ("lab-viewer", {"client-certificate-data": b64file(os.path.join(pki, "client-lab-viewer.pem")),
                        "client-key-data": b64file(os.path.join(pki, "client-lab-viewer.key"))}),
        ("lab-token", {"token": tokens["main"]}),
        ("lab-expired", {"token": tokens["expired"]}),
    ]
    lines = ["apiVersion: v1", "kind: Config", "clusters:", "- name: binnacle-lab", "  cluster:",
             "    server: %s" % server_url,
             "    certificate-authority-data: %s" % b64file(os.path.join(pki, "ca.pem")),
             "contexts:"]
    for ctx, user in (("lab", "lab-admin"), ("lab-token", "lab-token"),
                      ("lab-viewer", "lab-viewer"), ("lab-expired", "lab-expired"),
                      ("lab-exec", "lab-exec")):
        lines += ["- name: %s" % ctx, "  context:", "    cluster: binnacle-lab",
                  "    user: %s" % user, "    namespace: default"]
    lines += ["current-context: lab", "preferences: {}", "users:"]
    for name, fields in users:
        lines += ["- name: %s" % name, "  user:"]
        lines += ["    %s: %s" % kv for kv in fields.items()]
    lines += ["- name: lab-exec", "  user:", "    exec:",
              "      apiVersion: client.authentication.k8s.io/v1",
              "      command: %s" % sys.executable,
              "      args:", "      - %s" % execcred, "      - --state-dir",
              "      - %s" % os.path.dirname(path), "      interactiveMode: Never",
              "      provideClusterInfo: false"]
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


class Config:
    def __init__(self, ns):
        self.__dict__.update(vars(ns))


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    cfg = Config(args)
    t0 = time.time()
    sd = os.path.abspath(args.state_dir)
    os.makedirs(sd, exist_ok=True)
    cfg.state_dir = sd
    pki = authn.make_certs(sd, [("lab-admin", "system:masters"), ("lab-viewer", "lab:viewers")])
    ssl_ctx = authn.server_context(pki)
    tok_path = os.path.join(sd, "token")
    if os.path.exists(tok_path):
        with open(tok_path) as f:
            main_token = f.read().strip()
    else:
        main_token = "lab-" + secrets.token_hex(16)
        with open(tok_path, "w") as f:
            f.write(main_token + "\n")
    expired_token = "lab-expired-" + secrets.token_hex(8)
    token_specs = ['%s,lab-token-user,lab-token-user,"lab:tokens",%s' % (main_token, args.token_expiry),
                   '%s,lab-expired-user,lab-expired-user,"lab:tokens",1' % expired_token]
    token_specs += args.token
    tokens_file = args.tokens_file or os.path.join(sd, "tokens.csv")
    if not os.path.exists(tokens_file):
        with open(tokens_file, "w") as f:
            f.write("# token,user,uid,\"group1,group2\",expiry (RFC 3339 | unix seconds | empty)\n")
    forbid = ([] if args.no_default_forbid else list(DEFAULT_FORBID)) + args.forbid
    auth = authn.Authenticator(tokens_file, token_specs, forbid, args.eks_sts, args.eks_cluster,
                               args.eks_ca)
    st = store.Store(history_size=args.history, continue_ttl=args.continue_ttl)
    sim = controllers.Sim(st, cfg)
    with open(os.path.join(sd, "ca.pem")) as f:
        ca_pem = f.read()
    seed.Seeder(sim, cfg, ca_pem).build()
    app = server.App(cfg, st, sim, auth, ssl_ctx, sd)
    srv = server.serve(app, args.host, args.port)
    port = srv.server_address[1]
    sim.start()
    write_kubeconfig(os.path.join(sd, "kubeconfig"), port, pki,
                     {"main": main_token, "expired": expired_token},
                     os.path.join(HERE, "execcred.py"))
    for name, val in (("port", port), ("pid", os.getpid())):
        with open(os.path.join(sd, name), "w") as f:
            f.write("%s\n" % val)
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGUSR1, lambda signum, frame: st.expire_history())
    sys.stderr.write("kubelab: %d pods, %d nodes, listening on https://127.0.0.1:%d "
                     "(ready in %.2fs)\n" % (st.count("pods"), st.count("nodes"), port,
                                             time.time() - t0))
    sys.stdout.write("KUBECONFIG=%s\n" % shlex.quote(os.path.join(sd, "kubeconfig")))
    sys.stdout.flush()
    while not stop.is_set():
        stop.wait(1.0)
    sim.stopping = True
    srv.server_close()
    try:
        os.unlink(os.path.join(sd, "pid"))
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
