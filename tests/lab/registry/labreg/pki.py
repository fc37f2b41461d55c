"""Certificates for the registry lab, made with the openssl command line.

Two private CAs, so that a certificate made for one job cannot do the other:
  DIR/ca.crt, ca.key            the TLS CA; it signs DIR/server.crt (+ .key),
                                valid for IP:127.0.0.1 and DNS:localhost
  DIR/token/ca.crt, ca.key      the token CA named in the registry's
                                auth.token.rootcertbundle; it signs
                                DIR/token/signer.crt (+ .key), the key the
                                token server signs its JWTs with
DIR/certs/ca.crt is a copy of the TLS CA alone in a directory, the shape
`skopeo --cert-dir`, `podman --cert-dir` and /etc/docker/certs.d/HOST/ want.
Existing files are kept, so a restarted lab keeps its CA.
"""

import os
import secrets
import shutil
import subprocess


def _run(args, cwd):
    r = subprocess.run(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise RuntimeError("%s failed: %s" % (" ".join(args[:3]),
                                              r.stderr.decode(errors="replace").strip()))


def _rsa_key(path, cwd):
    _run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
          "-out", path], cwd)
    os.chmod(os.path.join(cwd, path), 0o600)


def make_ca(cwd, cn):
    """cwd/ca.key and cwd/ca.crt, a self-signed CA, unless they exist."""
    os.makedirs(cwd, exist_ok=True)
    if os.path.exists(os.path.join(cwd, "ca.crt")):
        return
    _rsa_key("ca.key", cwd)
    _run(["openssl", "req", "-x509", "-new", "-key", "ca.key", "-days", "3650", "-sha256",
          "-subj", "/O=binnacle lab/CN=" + cn,
          "-addext", "basicConstraints=critical,CA:TRUE",
          "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
          "-out", "ca.crt"], cwd)


def make_leaf(cwd, name, cn, ext):
    """cwd/NAME.key and cwd/NAME.crt signed by cwd/ca.*, unless they exist."""
    if os.path.exists(os.path.join(cwd, name + ".crt")):
        return
    _rsa_key(name + ".key", cwd)
    with open(os.path.join(cwd, name + ".ext"), "w") as f:
        f.write(ext)
    _run(["openssl", "req", "-new", "-key", name + ".key", "-subj", "/O=binnacle lab/CN=" + cn,
          "-out", name + ".csr"], cwd)
    _run(["openssl", "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key",
          "-set_serial", "0x" + secrets.token_hex(12), "-days", "3650", "-sha256",
          "-extfile", name + ".ext", "-out", name + ".crt"], cwd)
    for suffix in (".csr", ".ext"):
        os.unlink(os.path.join(cwd, name + suffix))


def make_tls(d):
    """The TLS CA and server certificate; returns the paths the lab prints."""
    make_ca(d, "binnacle lab registry CA")
    make_leaf(d, "server", "127.0.0.1",
              "basicConstraints=CA:FALSE\n"
              "keyUsage=critical,digitalSignature,keyEncipherment\n"
              "extendedKeyUsage=serverAuth\n"
              "subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    certs = os.path.join(d, "certs")
    os.makedirs(certs, exist_ok=True)
    shutil.copyfile(os.path.join(d, "ca.crt"), os.path.join(certs, "ca.crt"))
    return {"ca": os.path.join(d, "ca.crt"), "cert": os.path.join(d, "server.crt"),
            "key": os.path.join(d, "server.key"), "cert_dir": certs}


def make_token_keys(d):
    """The token CA and the JWT signing certificate under d/token."""
    t = os.path.join(d, "token")
    make_ca(t, "binnacle lab token CA")
    make_leaf(t, "signer", "binnacle lab token signer",
              "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n")
    return {"ca": os.path.join(t, "ca.crt"), "cert": os.path.join(t, "signer.crt"),
            "key": os.path.join(t, "signer.key")}
