#!/usr/bin/env python3
"""faultproxy: a fault-injecting HTTP/1.1 proxy in front of a lab server (the
lab Kubernetes API server, a Podman socket, the ECS lab), driven by a
control file, for binnacle's fault scenarios. Standard library only.

  python3 faultproxy.py --state-dir DIR --listen tcp:127.0.0.1:0 \\
      --upstream tcp:127.0.0.1:6443 [--upstream-tls --upstream-ca CA
      --upstream-cert CERT --upstream-key KEY] [--tls-cert C --tls-key K]

  --listen unix:PATH and --upstream unix:PATH work too (a Docker socket).

Writes DIR/port (TCP), DIR/pid, appends one line per request to
DIR/requests.log ("TIME METHOD TARGET -> STATUS ACTION") and reads
DIR/control.json (see labfault/control.py and README.md) whenever it
changes. Prints "FAULT_PORT=N" (or "FAULT_SOCK=PATH") once listening.
"""

import argparse
import os
import signal
import ssl
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # keep the source tree clean

from labfault.control import Control  # noqa: E402
from labfault.proxy import Proxy, Upstream  # noqa: E402


def address(text):
    if text.startswith("unix:"):
        return ("unix", text[5:])
    if text.startswith("tcp:"):
        host, _, port = text[4:].rpartition(":")
        return ("tcp", (host or "127.0.0.1", int(port)))
    raise argparse.ArgumentTypeError("an address is tcp:HOST:PORT or unix:PATH")


def bad_context(state_dir):
    """A TLS server context with a self-signed certificate nobody trusts."""
    cert, key = os.path.join(state_dir, "bad-cert.pem"), os.path.join(state_dir, "bad-key.pem")
    if not os.path.exists(cert):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=not-the-server",
                        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--state-dir", required=True)
    p.add_argument("--listen", type=address, default=address("tcp:127.0.0.1:0"))
    p.add_argument("--upstream", type=address, required=True)
    p.add_argument("--upstream-tls", action="store_true")
    p.add_argument("--upstream-ca")
    p.add_argument("--upstream-cert")
    p.add_argument("--upstream-key")
    p.add_argument("--upstream-name", help="TLS server name to expect upstream (default 127.0.0.1)")
    p.add_argument("--tls-cert", help="serve TLS with this certificate")
    p.add_argument("--tls-key")
    p.add_argument("--raw", action="store_true",
                   help="pass bytes through without reading HTTP (SSH): only down, blackhole and reset apply")
    a = p.parse_args(argv)
    sd = os.path.abspath(a.state_dir)
    os.makedirs(sd, exist_ok=True)
    good = bad = None
    if a.tls_cert:
        good = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        good.load_cert_chain(a.tls_cert, a.tls_key)
        good.set_alpn_protocols(["http/1.1"])
        bad = bad_context(sd)
    up = Upstream(a.upstream, a.upstream_tls, a.upstream_ca, a.upstream_cert, a.upstream_key, a.upstream_name)
    proxy = Proxy(a.listen, up, Control(os.path.join(sd, "control.json")), os.path.join(sd, "requests.log"),
                  good, bad, a.raw, applied_path=os.path.join(sd, "applied"))
    proxy.bind()
    with open(os.path.join(sd, "pid"), "w") as f:
        f.write(str(os.getpid()))
    if a.listen[0] == "tcp":
        with open(os.path.join(sd, "port"), "w") as f:
            f.write(str(proxy.port))
        print("FAULT_PORT=%d" % proxy.port, flush=True)
    else:
        print("FAULT_SOCK=%s" % a.listen[1], flush=True)

    def stop(signum, frame):
        proxy.stopping = True
        proxy.kill_all()
        proxy.unbind()
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    t = threading.Thread(target=proxy.serve_forever, daemon=True)
    t.start()
    t.join()


if __name__ == "__main__":
    main()
