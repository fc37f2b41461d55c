"""RS256 JSON Web Tokens in the shape CNCF distribution 2.8 verifies.

What distribution 2.8 (registry/auth/token/token.go, accesscontroller.go)
checks, in order:
  * three dot-separated base64url parts; the claims decode into
    {iss, sub, aud, exp, nbf, iat, jti, access}, where `aud` must be a
    single string (an array is a malformed token in 2.8);
  * iss == auth.token.issuer and aud == auth.token.service;
  * now <= exp + 60 s and now >= nbf - 60 s (a fixed 60 s leeway);
  * a non-empty signature, then the signing key, from the header's
    `x5c` (first choice: the first certificate, standard base64 DER, must
    chain to a certificate of rootcertbundle, any extended key usage;
    further entries are intermediates), else `jwk`, else `kid` (a libtrust
    fingerprint that must be the key of a certificate in rootcertbundle);
  * the signature over "header.claims" with that key and `alg` (RS256 is
    RSASSA-PKCS1-v1_5 with SHA-256);
  * every access the request needs is in `access`
    ([{type, name, actions}], where the action "*" allows any action).
The signature is made by `openssl dgst -sha256 -sign KEY` in a subprocess.
"""

import base64
import hashlib
import json
import subprocess


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def pem_der(path):
    """The DER bytes of the first PEM block of a file."""
    with open(path) as f:
        lines = f.read().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("-----BEGIN"))
    body = []
    for line in lines[start + 1:]:
        if line.startswith("-----END"):
            break
        body.append(line.strip())
    return base64.b64decode("".join(body))


def libtrust_key_id(cert_path):
    """libtrust's fingerprint of a certificate's public key: SHA-256 of the
    DER SubjectPublicKeyInfo, first 240 bits, base32 in 12 groups of 4."""
    r = subprocess.run(["openssl", "x509", "-in", cert_path, "-noout", "-pubkey"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
    spki = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=r.stdout,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True).stdout
    s = base64.b32encode(hashlib.sha256(spki).digest()[:30]).decode().rstrip("=")
    return ":".join(s[i:i + 4] for i in range(0, len(s), 4))


def rs256_sign(key_path, data):
    r = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key_path], input=data,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0 or not r.stdout:
        raise RuntimeError("openssl dgst -sign failed: %s" % r.stderr.decode(errors="replace"))
    return r.stdout


class Signer:
    """Signs claim sets with one key; header_mode is "x5c" or "kid"."""

    def __init__(self, key_path, cert_path, header_mode="x5c"):
        self.key_path = key_path
        self.header = {"typ": "JWT", "alg": "RS256"}
        if header_mode == "kid":
            self.header["kid"] = libtrust_key_id(cert_path)
        else:
            self.header["x5c"] = [base64.b64encode(pem_der(cert_path)).decode()]

    def sign(self, claims):
        head = b64url(json.dumps(self.header, separators=(",", ":")).encode())
        body = b64url(json.dumps(claims, separators=(",", ":")).encode())
        signing_input = (head + "." + body).encode()
        return head + "." + body + "." + b64url(rs256_sign(self.key_path, signing_input))


def decode(token):
    """(header, claims) of a token, unverified: for tests and logs."""
    head, body, _sig = token.split(".")
    return json.loads(b64url_decode(head)), json.loads(b64url_decode(body))
