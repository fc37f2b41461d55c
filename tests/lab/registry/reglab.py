#!/usr/bin/env python3
"""reglab: a real registry (CNCF distribution 2.8) in one auth mode, for tests.

Runs docker-registry for binnacle's tests in one of its authentication
modes, plus the lab token server when the mode needs one.  Foreground; reglab.sh runs it in the
background.  Standard library only (openssl and htpasswd as commands).

  python3 reglab.py --state-dir DIR [--auth none|htpasswd|token|ecr] [--tls]
      [--delete] [--port N] [--catalog-max N] [--user NAME:PASSWORD]
      [--ecr-password PW] [--token-ttl S] [--exp-shift S] [--jwt-header x5c|kid]
      [--policy FILE]

Once the registry answers it writes DIR/env, DIR/state.json, DIR/auth.json
and DIR/credentials.json (see README.md) and prints the env lines.  Stops
on SIGTERM/SIGINT, taking the registry down with it.
"""

import argparse
import base64
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True   # keep the source tree clean

from labreg import distconfig, jwt, pki, policy, tokenserver  # noqa: E402

SERVICE = "binnacle-lab-registry"
ISSUER = "binnacle-lab-token-issuer"


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    a = p.add_argument
    a("--state-dir", required=True)
    a("--port", type=int, default=0, help="registry port; 0 picks a free one")
    a("--auth", choices=["none", "htpasswd", "token", "ecr"], default=None)
    a("--tls", action="store_true", help="HTTPS with a certificate from a private CA")
    a("--delete", action="store_true", help="storage.delete.enabled")
    a("--catalog-max", type=int, default=1000, help="catalog.maxentries")
    a("--user", action="append", default=[], metavar="NAME:PASSWORD",
      help="htpasswd users (default lab:labpass)")
    g = p.add_argument_group("ECR mode")
    g.add_argument("--ecr-password", default=None, help="password of user AWS (implies --auth ecr)")
    g.add_argument("--ecr-account", default="123456789012")
    g.add_argument("--ecr-region", default="us-east-1")
    g = p.add_argument_group("token mode")
    g.add_argument("--token-ttl", type=int, default=300, help="expires_in of issued tokens")
    g.add_argument("--exp-shift", type=int, default=-60,
                   help="added to the JWT exp claim; -60 cancels distribution's 60 s leeway")
    g.add_argument("--jwt-header", choices=["x5c", "kid"], default="x5c")
    g.add_argument("--policy", default="", help="users and grants (default DIR/policy.json)")
    g.add_argument("--service", default=SERVICE)
    g.add_argument("--issuer", default=ISSUER)
    args = p.parse_args(argv)
    if args.auth is None:
        args.auth = "ecr" if args.ecr_password is not None else "none"
    if args.auth == "ecr" and not args.ecr_password:
        p.error("--auth ecr needs --ecr-password PW")
    return args


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def write_file(path, text, mode=0o644):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def v2_status(port, ctx):
    """HTTP status of GET /v2/ (0 when nothing answers)."""
    if ctx is None:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    else:
        c = http.client.HTTPSConnection("127.0.0.1", port, timeout=2, context=ctx)
    try:
        c.request("GET", "/v2/")
        r = c.getresponse()
        r.read()
        return r.status
    except (OSError, http.client.HTTPException):
        return 0
    finally:
        c.close()


class Registry:
    """The docker-registry child process."""

    def __init__(self, sd):
        self.sd = sd
        self.proc = None

    def start(self, port, write_config, ctx, want_port):
        """Start on port (a new free one per retry when want_port is 0)."""
        log = open(os.path.join(self.sd, "registry.log"), "ab")
        cmd = ["docker-registry", "serve", os.path.join(self.sd, "config.yml")]
        if shutil.which("setpriv"):
            # dies with us even if we are killed without a chance to stop it
            cmd = ["setpriv", "--pdeathsig", "TERM"] + cmd
        try:
            for _attempt in range(5):
                write_config(port)
                log.write(("--- %s starting on 127.0.0.1:%d\n" %
                           (time.strftime("%F %T"), port)).encode())
                log.flush()
                self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log,
                                             stderr=subprocess.STDOUT, env=distconfig.registry_env())
                deadline = time.time() + 30
                while time.time() < deadline:
                    if v2_status(port, ctx) in (200, 401):
                        return port
                    if self.proc.poll() is not None:
                        break
                    time.sleep(0.1)
                else:
                    self.stop()
                    raise RuntimeError("the registry did not answer on 127.0.0.1:%d within 30 s"
                                       % port)
                if want_port:
                    break
                port = free_port()   # lost a race for the port: try another
        finally:
            log.close()
        raise RuntimeError("docker-registry exited (status %s), see %s/registry.log"
                           % (self.proc.returncode, self.sd))

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def setup_token(args, sd, tls, scheme):
    keys = pki.make_token_keys(sd)
    bundle = keys["ca"]
    if args.jwt_header == "kid":
        # kid names a key of rootcertbundle itself: put the signer there too
        bundle = os.path.join(sd, "token", "bundle.crt")
        with open(keys["ca"]) as a, open(keys["cert"]) as b:
            write_file(bundle, a.read() + b.read())
    policy_path = os.path.join(sd, "policy.json")
    if args.policy:
        shutil.copyfile(args.policy, policy_path)
    elif not os.path.exists(policy_path):
        write_file(policy_path, json.dumps(policy.DEFAULT, indent=2) + "\n")
    pol = policy.Policy(policy_path)
    signer = jwt.Signer(keys["key"], keys["cert"], args.jwt_header)
    log_path = os.path.join(sd, "token.log")
    open(log_path, "a").close()
    svc = tokenserver.TokenService(pol, signer, args.issuer, args.service, args.token_ttl,
                                   args.exp_shift, log_path)
    ctx = None
    if tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(tls["cert"], tls["key"])
    srv = tokenserver.serve(svc, "127.0.0.1", 0, ctx)
    realm = "%s://127.0.0.1:%d/token" % (scheme, srv.server_address[1])
    info = {"realm": realm, "service": args.service, "issuer": args.issuer,
            "rootcertbundle": bundle, "log": log_path, "policy": policy_path,
            "jwt_header": args.jwt_header, "ttl": args.token_ttl, "exp_shift": args.exp_shift}
    return srv, info, pol


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    try:
        os.setsid()   # a Ctrl-C meant for the caller's terminal is not for us
    except OSError:
        pass          # already a process group leader
    sd = os.path.abspath(args.state_dir)
    os.makedirs(os.path.join(sd, "data"), exist_ok=True)
    for stale in ("env", "state.json"):
        if os.path.exists(os.path.join(sd, stale)):
            os.unlink(os.path.join(sd, stale))
    scheme = "https" if args.tls else "http"
    tls = pki.make_tls(sd) if args.tls else None
    client_ctx = None
    if tls:
        client_ctx = ssl.create_default_context(cafile=tls["ca"])

    cfg = {"data": os.path.join(sd, "data"), "delete": args.delete,
           "catalog_max": args.catalog_max, "tls": tls, "auth": args.auth,
           "secret": base64.b64encode(os.urandom(18)).decode()}
    users, token_srv, token, pol = [], None, None, None
    if args.auth == "htpasswd":
        users = [tuple(u.split(":", 1)) for u in args.user] or [("lab", "labpass")]
        cfg["realm"] = "binnacle-lab"
    elif args.auth == "ecr":
        users = [("AWS", args.ecr_password)]
        cfg["realm"] = "https://%s.dkr.ecr.%s.amazonaws.com/" % (args.ecr_account,
                                                                 args.ecr_region)
    elif args.auth == "token":
        token_srv, token, pol = setup_token(args, sd, tls, scheme)
        cfg.update({k: token[k] for k in ("realm", "service", "issuer", "rootcertbundle")})
        users = [(n, u["password"]) for n, u in pol.snapshot()["users"].items()]
    if args.auth in ("htpasswd", "ecr"):
        cfg["htpasswd"] = os.path.join(sd, "htpasswd")
        distconfig.write_htpasswd(cfg["htpasswd"], users)

    def write_config(port):
        cfg["addr"] = "127.0.0.1:%d" % port
        distconfig.write_config(os.path.join(sd, "config.yml"), cfg)

    reg = Registry(sd)
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        port = reg.start(args.port or free_port(), write_config, client_ctx, args.port)
    except RuntimeError as e:
        sys.stderr.write("reglab: %s\n" % e)
        return 1
    registry = "127.0.0.1:%d" % port
    write_file(os.path.join(sd, "registry.pid"), "%d\n" % reg.proc.pid)
    write_file(os.path.join(sd, "lab.pid"), "%d\n" % os.getpid())

    main_user = users[0] if users else None
    env = [("REGISTRY", registry), ("REGISTRY_URL", "%s://%s" % (scheme, registry)),
           ("REGISTRY_MODE", args.auth), ("REGISTRY_DIR", sd)]
    if tls:
        env += [("REGISTRY_CA", tls["ca"]), ("REGISTRY_CERT_DIR", tls["cert_dir"])]
    if main_user:
        env += [("REGISTRY_USER", main_user[0]), ("REGISTRY_PASSWORD", main_user[1])]
    if token:
        env += [("TOKEN_REALM", token["realm"]), ("TOKEN_SERVICE", token["service"]),
                ("TOKEN_ISSUER", token["issuer"]), ("TOKEN_LOG", token["log"])]
    state = {"dir": sd, "registry": registry, "url": "%s://%s" % (scheme, registry),
             "scheme": scheme, "mode": args.auth, "delete": args.delete,
             "catalog_max": args.catalog_max, "tls": tls, "users": dict(users),
             "seed_user": list(main_user) if main_user else None, "token": token,
             "realm": cfg.get("realm"), "registry_pid": reg.proc.pid, "pid": os.getpid()}
    if args.auth == "ecr":
        state["ecr"] = {"account": args.ecr_account, "region": args.ecr_region}
    write_file(os.path.join(sd, "state.json"), json.dumps(state, indent=2) + "\n")
    if main_user:
        basic = base64.b64encode(("%s:%s" % main_user).encode()).decode()
        write_file(os.path.join(sd, "auth.json"),
                   json.dumps({"auths": {registry: {"auth": basic}}}, indent=2) + "\n", 0o600)
        write_file(os.path.join(sd, "credentials.json"),
                   json.dumps({registry: {"Username": main_user[0], "Secret": main_user[1]}},
                              indent=2) + "\n", 0o600)
    lines = "".join("%s=%s\n" % kv for kv in env)
    write_file(os.path.join(sd, "env"), lines)
    sys.stderr.write("reglab: %s registry on %s://%s%s\n" % (
        args.auth, scheme, registry, " (token server %s)" % token["realm"] if token else ""))
    sys.stdout.write(lines)
    sys.stdout.flush()

    rc = 0
    while not stop.is_set():
        if reg.proc.poll() is not None:
            sys.stderr.write("reglab: docker-registry exited (status %s)\n" % reg.proc.returncode)
            rc = 1
            break
        stop.wait(0.5)
    reg.stop()
    if token_srv is not None:
        token_srv.shutdown()
        token_srv.server_close()
    for name in ("registry.pid", "lab.pid"):
        try:
            os.unlink(os.path.join(sd, name))
        except OSError:
            pass
    return rc


if __name__ == "__main__":
    sys.exit(main())
