"""--tls: a private CA (DIR/ca.pem) and a server certificate for 127.0.0.1
and localhost, made with the openssl CLI; existing files are reused."""

import os
import ssl
import subprocess


def _run(args, cwd):
    subprocess.run(args, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def make(state_dir):
    pki = os.path.join(state_dir, "pki")
    os.makedirs(pki, exist_ok=True)
    if not os.path.exists(os.path.join(pki, "ca.pem")):
        _run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
              "-nodes", "-keyout", "ca.key", "-days", "3650", "-sha256",
              "-subj", "/CN=binnacle-ecslab-ca", "-addext", "basicConstraints=critical,CA:TRUE",
              "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
              "-out", "ca.pem"], pki)
    if not os.path.exists(os.path.join(pki, "server.pem")):
        with open(os.path.join(pki, "server.ext"), "w") as f:
            f.write("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                    "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n")
        _run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
              "-nodes", "-keyout", "server.key", "-subj", "/CN=localhost", "-out", "server.csr"], pki)
        _run(["openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
              "-CAcreateserial", "-days", "3650", "-sha256", "-extfile", "server.ext",
              "-out", "server.pem"], pki)
    with open(os.path.join(pki, "ca.pem")) as f:
        ca = f.read()
    with open(os.path.join(state_dir, "ca.pem"), "w") as f:
        f.write(ca)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(os.path.join(pki, "server.pem"), os.path.join(pki, "server.key"))
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx
