"""Certificates made with the openssl CLI under DIR/pki (existing files are
reused), all signed by one private CA written to DIR/ca.pem:

  server  127.0.0.1 and localhost, for --tls
  aws     *.amazonaws.com, *.REGION.amazonaws.com, *.sso.REGION.amazonaws.com,
          *.dkr.ecr.REGION.amazonaws.com, *.awsapps.com: the names the lab
          answers to behind CONNECT (--proxy)
"""

import os
import ssl
import subprocess


def _run(args, cwd):
    subprocess.run(args, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _ca(state_dir):
    pki = os.path.join(state_dir, "pki")
    os.makedirs(pki, exist_ok=True)
    if not os.path.exists(os.path.join(pki, "ca.pem")):
        _run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
              "-nodes", "-keyout", "ca.key", "-days", "3650", "-sha256",
              "-subj", "/CN=binnacle-ecslab-ca", "-addext", "basicConstraints=critical,CA:TRUE",
              "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
              "-out", "ca.pem"], pki)
    with open(os.path.join(pki, "ca.pem")) as f:
        ca = f.read()
    with open(os.path.join(state_dir, "ca.pem"), "w") as f:
        f.write(ca)
    return pki


def _context(state_dir, name, cn, sans):
    pki = _ca(state_dir)
    if not os.path.exists(os.path.join(pki, name + ".pem")):
        with open(os.path.join(pki, name + ".ext"), "w") as f:
            f.write("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                    "extendedKeyUsage=serverAuth\nsubjectAltName=%s\n" % ",".join(sans))
        _run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
              "-nodes", "-keyout", name + ".key", "-subj", "/CN=" + cn, "-out", name + ".csr"], pki)
        _run(["openssl", "x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
              "-CAcreateserial", "-days", "3650", "-sha256", "-extfile", name + ".ext",
              "-out", name + ".pem"], pki)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(os.path.join(pki, name + ".pem"), os.path.join(pki, name + ".key"))
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


def make(state_dir):
    """--tls: the context for 127.0.0.1."""
    return _context(state_dir, "server", "localhost", ["IP:127.0.0.1", "DNS:localhost"])


def make_aws(state_dir, region):
    """--proxy: the context for the AWS host names reached through CONNECT."""
    return _context(state_dir, "aws", "amazonaws.com", [
        "DNS:*.amazonaws.com", "DNS:*.%s.amazonaws.com" % region,
        "DNS:*.sso.%s.amazonaws.com" % region, "DNS:*.dkr.ecr.%s.amazonaws.com" % region,
        "DNS:*.awsapps.com"])
