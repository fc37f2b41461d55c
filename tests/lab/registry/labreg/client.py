"""A small Docker Registry HTTP API v2 client for seeding the lab: blob
uploads (with cross-repository mounts), manifest PUT and HEAD, over HTTP or
HTTPS (private CA), answering 401 challenges with Basic credentials or with
a Bearer token fetched from the challenge's realm.  Not a model for
binnacle's client: it trusts the lab and retries nothing but one 401.
"""

import base64
import hashlib
import http.client
import json
import re
import ssl
import urllib.parse

ACCEPT = ", ".join([
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.docker.distribution.manifest.v2+json",
])

_PARAM = re.compile(r'\s*([a-zA-Z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*,?')


def parse_challenge(value):
    """'Bearer realm="r",service="s",scope="a b"' -> ('bearer', {...})."""
    scheme, _, rest = value.strip().partition(" ")
    params = {}
    for m in _PARAM.finditer(rest):
        v = m.group(2) if m.group(2) is not None else m.group(3)
        params[m.group(1).lower()] = re.sub(r"\\(.)", r"\1", v)
    return scheme.lower(), params


def digest_of(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


class RegistryError(Exception):
    pass


class Client:
    def __init__(self, url, ca=None, user=None, password=None, timeout=60):
        u = urllib.parse.urlsplit(url)
        self.scheme, self.host, self.port = u.scheme, u.hostname, u.port
        self.ctx = ssl.create_default_context(cafile=ca) if self.scheme == "https" else None
        self.user, self.password = user, password
        self.timeout = timeout
        self.conn = None
        self.auth = {}   # repository (or "" for the rest) -> Authorization value

    def _connection(self, scheme, host, port):
        if scheme == "https":
            return http.client.HTTPSConnection(host, port, timeout=self.timeout, context=self.ctx)
        return http.client.HTTPConnection(host, port, timeout=self.timeout)

    def _send(self, method, path, body, headers):
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = self._connection(self.scheme, self.host, self.port)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                r = self.conn.getresponse()
                data = r.read()
                return r.status, {k.lower(): v for k, v in r.getheaders()}, data
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # a kept-alive connection the server had closed: reconnect once
                self.conn.close()
                self.conn = None
                if attempt:
                    raise

    def _basic(self):
        cred = "%s:%s" % (self.user or "", self.password or "")
        return "Basic " + base64.b64encode(cred.encode()).decode()

    def _token(self, params):
        realm = urllib.parse.urlsplit(params["realm"])
        q = [("service", params.get("service", ""))]
        q += [("scope", s) for s in params.get("scope", "").split(" ") if s]
        if self.user:
            q.append(("account", self.user))
        path = realm.path + "?" + urllib.parse.urlencode(q)
        c = self._connection(realm.scheme, realm.hostname, realm.port)
        try:
            hdr = {"Authorization": self._basic()} if self.user else {}
            c.request("GET", path, headers=hdr)
            r = c.getresponse()
            data = r.read()
        finally:
            c.close()
        if r.status != 200:
            raise RegistryError("token request failed: %d %s" % (r.status, data[:200]))
        body = json.loads(data)
        return "Bearer " + (body.get("token") or body["access_token"])

    @staticmethod
    def _repo_of(path):
        m = re.match(r"^/v2/(.+?)/(blobs|manifests|tags)/", path)
        return m.group(1) if m else ""

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        repo = self._repo_of(path)
        if repo in self.auth:
            headers["Authorization"] = self.auth[repo]
        status, h, data = self._send(method, path, body, headers)
        if status != 401 or "www-authenticate" not in h:
            return status, h, data
        scheme, params = parse_challenge(h["www-authenticate"])
        if scheme == "basic":
            self.auth[repo] = self._basic()
        elif scheme == "bearer":
            self.auth[repo] = self._token(params)
        else:
            return status, h, data
        headers["Authorization"] = self.auth[repo]
        return self._send(method, path, body, headers)

    def check(self, status, want, what, data):
        if status not in want:
            raise RegistryError("%s: HTTP %d %s" % (what, status, data[:300].decode(errors="replace")))

    @staticmethod
    def _path_of(location):
        u = urllib.parse.urlsplit(location)
        return u.path + ("?" + u.query if u.query else "")

    def upload_blob(self, repo, data, mount_from=None):
        digest = digest_of(data)
        st, _, _ = self.request("HEAD", "/v2/%s/blobs/%s" % (repo, digest))
        if st == 200:
            return digest
        path = "/v2/%s/blobs/uploads/" % repo
        if mount_from:
            path += "?" + urllib.parse.urlencode({"mount": digest, "from": mount_from})
        st, h, body = self.request("POST", path, b"", {"Content-Length": "0"})
        if st == 201:
            return digest   # mounted from the other repository
        self.check(st, (202,), "POST %s" % path, body)
        loc = self._path_of(h["location"])
        loc += ("&" if "?" in loc else "?") + urllib.parse.urlencode({"digest": digest})
        st, h, body = self.request("PUT", loc, data, {"Content-Type": "application/octet-stream",
                                                       "Content-Length": str(len(data))})
        self.check(st, (201,), "PUT blob %s to %s" % (digest, repo), body)
        return digest

    def put_manifest(self, repo, ref, data, media_type):
        st, h, body = self.request("PUT", "/v2/%s/manifests/%s" % (repo, ref), data,
                                   {"Content-Type": media_type, "Content-Length": str(len(data))})
        self.check(st, (201,), "PUT manifest %s:%s" % (repo, ref), body)
        return h.get("docker-content-digest", digest_of(data))

    def head_manifest(self, repo, ref):
        """(digest, media type, size) or None when it is not there."""
        st, h, _ = self.request("HEAD", "/v2/%s/manifests/%s" % (repo, ref), None,
                                {"Accept": ACCEPT})
        if st == 404:
            return None
        self.check(st, (200,), "HEAD manifest %s:%s" % (repo, ref), b"")
        return h.get("docker-content-digest"), h.get("content-type"), int(h.get("content-length", 0))

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None
