#!/usr/bin/env python3
"""ecslab: a lab AWS endpoint for binnacle's Amazon ECS backend.

One port serves ECS, CloudWatch Logs, ECR (JSON 1.1), STS (Query), EKS
(REST-JSON), the SSO portal, IMDSv2 and the ECS container credentials
endpoint, with SigV4 verification, throttling and a request log, and a
simulation of clusters, container instances, services and tasks behind
it.  Standard library only.

  python3 ecslab.py --state-dir DIR [--port 0] [--clusters N] [--services N]
      [--tasks N] [--throttle SPEC] [--session-duration S] [--kube-dir DIR] ...

Writes DIR/port, DIR/pid, DIR/env, DIR/credentials, DIR/config and the other
files README.md lists, and prints the env lines (AWS_ENDPOINT_URL=... etc.)
once it is ready.
"""

import argparse
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

from labecs import (control, creds, ecr, ecs_api, eks, logs, metadata, model,  # noqa: E402
                    profiles, reqlog, seed, server, sim, sts, throttle)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    a = p.add_argument
    a("--state-dir", required=True, help="directory for credentials, config, logs, port, pid")
    a("--host", default="127.0.0.1")
    a("--port", type=int, default=0, help="0 picks a free port")
    a("--region", default="us-east-1")
    a("--account", default="123456789012")
    a("--tls", action="store_true", help="HTTPS with a private CA written to DIR/ca.pem")
    a("--proxy", action="store_true",
      help="answer CONNECT (HTTPS_PROXY) for *.amazonaws.com with a certificate from DIR/ca.pem")
    a("--verbose", "-v", action="store_true", help="log requests to stderr")
    g = p.add_argument_group("world shape (totals, the named seed included)")
    g.add_argument("--clusters", type=int, default=3)
    g.add_argument("--services", type=int, default=0)
    g.add_argument("--tasks", type=int, default=0)
    g.add_argument("--instances", type=int, default=3, help="container instances of lab-ec2")
    g.add_argument("--failing", type=int, default=1, help="services whose tasks exit (lab-ec2)")
    g.add_argument("--pull-failing", type=int, default=1,
                   help="services whose image cannot be pulled (lab-fargate)")
    g.add_argument("--seed", type=int, default=1)
    g = p.add_argument_group("behaviour")
    g.add_argument("--churn", type=float, default=0.0, help="random task replacements per second")
    g.add_argument("--start-delay", type=float, default=3.0,
                   help="seconds a task takes from PROVISIONING to RUNNING (and to stop)")
    g.add_argument("--crash-after", type=float, default=8.0,
                   help="seconds a failing container runs before it exits")
    g.add_argument("--crash-backoff", type=float, default=5.0)
    g.add_argument("--crash-backoff-max", type=float, default=60.0)
    g.add_argument("--stopped-ttl", type=float, default=3600.0,
                   help="seconds a STOPPED task stays visible")
    g.add_argument("--log-interval", type=float, default=1.0, help="seconds between log lines")
    g.add_argument("--log-max-lines", type=int, default=10000, help="lines kept per stream")
    g.add_argument("--no-short-pages", dest="short_pages", action="store_false",
                   help="never return a short page while more items remain")
    g.add_argument("--throttle", default="0", help="fraction 0..1, or RATE/s[:BURST] per operation")
    g = p.add_argument_group("credentials")
    g.add_argument("--session-duration", type=float, default=0,
                   help="lifetime of every temporary credential in seconds (default: asked for, 3600)")
    g.add_argument("--sso-token-lifetime", type=float, default=8 * 3600)
    g.add_argument("--imds-v1", action="store_true", help="IMDS answers GETs without a token")
    g = p.add_argument_group("peers")
    g.add_argument("--kube-dir", default="", help="a running kube lab's state dir: EKS clusters")
    g.add_argument("--eks-clusters", type=int, default=2)
    g.add_argument("--ecr-registry", default="", help="Docker registry URL ECR fronts")
    g.add_argument("--ecr-password", default="", help="password of user AWS at that registry")
    g.add_argument("--ecr-ca", default="", help="CA file for an https registry")
    g.add_argument("--ssm-loss", type=float, default=0.0, help="passed to the SSM agent")
    return p.parse_args(argv)


class App:
    def __init__(self, cfg):
        self.cfg = cfg
        self.started = time.time()
        self.world = model.World(cfg.region, cfg.account)
        self.creds = creds.CredStore(cfg.account, cfg.session_duration or None)
        self.throttle = throttle.Throttle(cfg.throttle)
        self.reqlog = reqlog.RequestLog(os.path.join(cfg.state_dir, "requests.log"))
        self.logs = logs.Logs(self)
        self.sim = sim.Sim(self.world, cfg, self.logs)
        self.profiles = profiles.Profiles(self)
        self.metadata = metadata.Metadata(self)
        self.control = control.Control(self)
        self.sts = sts.Sts(self)
        self.eks = eks.Eks(self)
        self.services = {"ecs": ecs_api.Ecs(self), "logs": self.logs, "ecr": ecr.Ecr(self)}
        self.ssl_ctx = None
        self.proxy_ctx = None
        self._ssm = None

    def start_ssm(self):
        """The SSM agent simulator (labecs/ssm.py, a separate piece of work):
        without it, or if it fails to start, ExecuteCommand answers
        TargetNotConnectedException and everything else works."""
        try:
            from labecs import ssm
        except ImportError:
            return None
        try:
            agent = ssm.SsmAgent(self.cfg.state_dir, host=self.cfg.host, port=0,
                                 ssl_context=self.ssl_ctx, loss=self.cfg.ssm_loss)
            agent.start()
        except Exception as e:
            sys.stderr.write("ecslab: the SSM agent did not start: %s\n" % e)
            return None
        self._ssm = agent
        return agent

    def ssm_agent(self):
        return self._ssm


def main(argv=None):
    cfg = parse_args(argv if argv is not None else sys.argv[1:])
    t0 = time.time()
    sd = os.path.abspath(cfg.state_dir)
    os.makedirs(sd, exist_ok=True)
    cfg.state_dir = sd
    if not cfg.ecr_password:
        cfg.ecr_password = secrets.token_urlsafe(24)
    with open(os.path.join(sd, "ecr-password"), "w") as f:
        f.write(cfg.ecr_password + "\n")
    app = App(cfg)
    if cfg.tls or cfg.proxy:
        from labecs import tls
        if cfg.tls:
            app.ssl_ctx = tls.make(sd)
        if cfg.proxy:
            app.proxy_ctx = tls.make_aws(sd, cfg.region)
    seed.Seeder(app).build()
    srv = server.serve(app, cfg.host, cfg.port)
    port = srv.server_address[1]
    app.profiles.setup(port)
    app.start_ssm()
    app.sim.start()
    scheme = "https" if cfg.tls else "http"
    env = [("AWS_ENDPOINT_URL", "%s://127.0.0.1:%d" % (scheme, port)),
           ("AWS_ACCESS_KEY_ID", app.profiles.admin.access_key),
           ("AWS_SECRET_ACCESS_KEY", app.profiles.admin.secret),
           ("AWS_DEFAULT_REGION", cfg.region),
           ("AWS_CONFIG_FILE", os.path.join(sd, "config")),
           ("AWS_SHARED_CREDENTIALS_FILE", os.path.join(sd, "credentials"))]
    if cfg.tls:
        env.append(("AWS_CA_BUNDLE", os.path.join(sd, "ca.pem")))
    lines = ["%s=%s" % (k, shlex.quote(v)) for k, v in env]
    with open(os.path.join(sd, "env"), "w") as f:
        f.write("\n".join(lines) + "\n")
    for name, val in (("port", port), ("pid", os.getpid())):
        with open(os.path.join(sd, name), "w") as f:
            f.write("%s\n" % val)
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    ntasks = sum(len(c.tasks) for c in app.world.clusters.values())
    nsvc = sum(len(c.services) for c in app.world.clusters.values())
    sys.stderr.write("ecslab: %d clusters, %d services, %d tasks, listening on %s://127.0.0.1:%d "
                     "(ready in %.2fs)\n" % (len(app.world.clusters), nsvc, ntasks, scheme, port,
                                             time.time() - t0))
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
    while not stop.is_set():
        stop.wait(1.0)
    app.sim.stopping = True
    if app._ssm is not None:
        try:
            app._ssm.stop()
        except Exception:
            pass
    srv.server_close()
    app.reqlog.close()
    try:
        os.unlink(os.path.join(sd, "pid"))
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
