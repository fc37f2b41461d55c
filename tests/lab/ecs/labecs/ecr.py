"""Amazon ECR (JSON 1.1, AmazonEC2ContainerRegistry_V20150921.*).

Without --ecr-registry the repositories and images are seeded (one
repository per lab image, a few tags each, one untagged image).  With
--ecr-registry URL --ecr-password PW they come from that Docker registry's
v2 API (catalog, tags, manifests; Basic auth AWS:PW), so the ECR API and
the registry agree; BatchDeleteImage then deletes manifests by digest.
GetAuthorizationToken returns base64("AWS:" + password), valid 12 hours.
"""

import base64
import calendar
import hashlib
import json
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request

from . import errors, paging, util

MANIFEST_TYPES = ("application/vnd.oci.image.index.v1+json",
                  "application/vnd.docker.distribution.manifest.list.v2+json",
                  "application/vnd.oci.image.manifest.v1+json",
                  "application/vnd.docker.distribution.manifest.v2+json")
DOCKER_V2 = "application/vnd.docker.distribution.manifest.v2+json"
SEED = {"web": ["1.4.2", "1.4.1", "1.3.0"], "api": ["2.7.0", "2.6.3"], "worker": ["0.9.1"],
        "crashy": ["3.1.0", "3.0.9"], "frontend": ["5.2.0", "5.1.0"], "jobs": ["1.0.3"],
        "puller": ["1.0.0"], "svc": ["1.2.0"], "app": ["1.0.0"]}
WRITE_OPS = {"BatchDeleteImage"}
CACHE_TTL = 5.0


def _repo_missing(name, account):
    return errors.AwsError("RepositoryNotFoundException",
                           "The repository with name '%s' does not exist in the registry with id "
                           "'%s'" % (name, account))


class Registry:
    """The v2 API of the registry ECR fronts."""

    def __init__(self, url, password, ca=None):
        self.configs = {}        # config digest -> (created epoch, media type)
        self.cache = {}          # repo -> (when read, images)
        self.url = url.rstrip("/")
        self.auth = "Basic " + base64.b64encode(("AWS:" + password).encode()).decode()
        self.ctx = ssl.create_default_context(cafile=ca) if ca else ssl.create_default_context()

    def req(self, method, path, accept=None):
        r = urllib.request.Request(self.url + path, method=method,
                                   headers={"Authorization": self.auth})
        if accept:
            r.add_header("Accept", accept)
        try:
            with urllib.request.urlopen(r, context=self.ctx, timeout=10) as resp:
                return resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def catalog(self):
        out, path = [], "/v2/_catalog?n=1000"
        while path:
            code, hdrs, body = self.req("GET", path)
            if code != 200:
                raise errors.AwsError("ServerException", "registry catalog: HTTP %d" % code, 500,
                                      sender=False)
            out += json.loads(body).get("repositories") or []
            link = hdrs.get("Link") or ""
            path = link[link.find("<") + 1:link.find(">")] if "rel=\"next\"" in link else None
        return out

    def images(self, repo):
        """{digest: {"tags": [...], "size": n, "mediaType": t}}, read again
        after CACHE_TTL seconds (a page walk must not cost a manifest GET per
        tag and page) or after a delete."""
        hit = self.cache.get(repo)
        if hit is not None and time.time() - hit[0] < CACHE_TTL:
            return hit[1]
        out = self._images(repo)
        self.cache[repo] = (time.time(), out)
        return out

    def _images(self, repo):
        code, _, body = self.req("GET", "/v2/%s/tags/list" % repo)
        if code == 404:
            return None
        tags = json.loads(body).get("tags") or [] if code == 200 else []
        out = {}
        for tag in sorted(tags):
            code, hdrs, body = self.req("GET", "/v2/%s/manifests/%s" % (repo, tag),
                                        ", ".join(MANIFEST_TYPES))
            if code != 200:
                continue
            digest = hdrs.get("Docker-Content-Digest") or "sha256:" + hashlib.sha256(body).hexdigest()
            mt = (hdrs.get("Content-Type") or DOCKER_V2).split(";")[0]
            pushed, artifact = None, None
            try:
                m = json.loads(body)
                size = (m.get("config") or {}).get("size", 0) + sum(
                    x.get("size", 0) for x in m.get("layers") or m.get("manifests") or [])
                if (m.get("config") or {}).get("digest"):
                    pushed, artifact = self.config(repo, m["config"])
            except ValueError:
                size = len(body)
            img = out.setdefault(digest, {"tags": [], "size": size, "mediaType": mt})
            if pushed:
                img["pushed"] = pushed
            if artifact:
                img["artifact"] = artifact
            img["tags"].append(tag)
        return out

    def config(self, repo, desc):
        """(created time, media type) of an image config blob, cached by digest."""
        d = desc["digest"]
        if d not in self.configs:
            created = None
            code, _, body = self.req("GET", "/v2/%s/blobs/%s" % (repo, d))
            if code == 200:
                try:
                    c = json.loads(body).get("created")
                    if c:
                        created = calendar.timegm(time.strptime(c[:19], "%Y-%m-%dT%H:%M:%S"))
                except (ValueError, AttributeError):
                    pass
            self.configs[d] = (created, desc.get("mediaType"))
        return self.configs[d]

    def delete(self, repo, digest):
        self.cache.pop(repo, None)
        code, _, _ = self.req("DELETE", "/v2/%s/manifests/%s" % (repo, digest))
        return code in (200, 202)


class Ecr:
    def __init__(self, app):
        self.app = app
        cfg = app.cfg
        self.account = cfg.account
        self.region = cfg.region
        self.password = cfg.ecr_password
        self.registry = None
        if cfg.ecr_registry:
            self.registry = Registry(cfg.ecr_registry, cfg.ecr_password, cfg.ecr_ca or None)
            self.host = urllib.parse.urlsplit(cfg.ecr_registry).netloc
            self.proxy = cfg.ecr_registry.rstrip("/")
        else:
            self.host = "%s.dkr.ecr.%s.amazonaws.com" % (cfg.account, cfg.region)
            self.proxy = "https://" + self.host
        self.created = time.time() - 86400 * 60
        self.seeded = {}
        for repo, tags in SEED.items():
            imgs = {}
            for i, tag in enumerate(tags):
                d = "sha256:" + hashlib.sha256(("%s:%s" % (repo, tag)).encode()).hexdigest()
                imgs[d] = {"tags": [tag] + (["latest"] if i == 0 else []),
                           "size": 20000000 + int(d[7:13], 16) % 90000000,
                           "mediaType": DOCKER_V2, "pushed": time.time() - 86400 * (i * 7 + 1)}
            d = "sha256:" + hashlib.sha256(("%s:untagged" % repo).encode()).hexdigest()
            imgs[d] = {"tags": [], "size": 31000000, "mediaType": DOCKER_V2,
                       "pushed": time.time() - 86400 * 40}
            self.seeded[repo] = imgs

    def call(self, ctx, op, params):
        fn = getattr(self, "op_" + op, None)
        if fn is None:
            raise errors.AwsError("UnknownOperationException", "", coral=True)
        if op in WRITE_OPS and ctx.cred.readonly:
            raise errors.access_denied(ctx.cred.identity.arn, "ecr:" + op, self.repo_arn(
                params.get("repositoryName", "")))
        return fn(params)

    def repo_arn(self, name):
        return "arn:aws:ecr:%s:%s:repository/%s" % (self.region, self.account, name)

    def repos(self):
        if self.registry is not None:
            return sorted(self.registry.catalog())
        return sorted(self.seeded)

    def images(self, repo):
        if self.registry is not None:
            imgs = self.registry.images(repo)
            if imgs is None:
                raise _repo_missing(repo, self.account)
            for d, img in imgs.items():
                img.setdefault("pushed", self.app.started)
            return imgs
        if repo not in self.seeded:
            raise _repo_missing(repo, self.account)
        return self.seeded[repo]

    def repo_json(self, name):
        return {"repositoryArn": self.repo_arn(name), "registryId": self.account,
                "repositoryName": name, "repositoryUri": "%s/%s" % (self.host, name),
                "createdAt": util.epoch(self.created), "imageTagMutability": "MUTABLE",
                "imageScanningConfiguration": {"scanOnPush": True},
                "encryptionConfiguration": {"encryptionType": "AES256"}}

    def op_DescribeRepositories(self, p):
        all_repos = self.repos()
        names = p.get("repositoryNames")
        if names:
            for n in names:
                if n not in all_repos:
                    raise _repo_missing(n, self.account)
            keys = sorted(set(names))
            return {"repositories": [self.repo_json(n) for n in keys]}
        out, nxt = paging.page(all_repos, p, {}, 100, maximum=1000, short=False)
        res = {"repositories": [self.repo_json(n) for n in out]}
        if nxt:
            res["nextToken"] = nxt
        return res

    def _detail(self, repo, digest, img):
        d = {"registryId": self.account, "repositoryName": repo, "imageDigest": digest,
             "imageSizeInBytes": img["size"], "imagePushedAt": util.epoch(img["pushed"]),
             "imageManifestMediaType": img["mediaType"],
             "artifactMediaType": img.get("artifact") or
             "application/vnd.docker.container.image.v1+json",
             "imageScanStatus": {"status": "COMPLETE", "description": "The scan was completed successfully."},
             "imageScanFindingsSummary": {
                 "imageScanCompletedAt": util.epoch(img["pushed"] + 60),
                 "vulnerabilitySourceUpdatedAt": util.epoch(img["pushed"]),
                 "findingSeverityCounts": {"MEDIUM": int(digest[8], 16) % 5,
                                           "LOW": int(digest[9], 16) % 7}},
             "lastRecordedPullTime": util.epoch(img["pushed"] + 3600)}
        if img["tags"]:
            d["imageTags"] = list(img["tags"])
        return d

    def _match(self, imgs, ident):
        for d, img in imgs.items():
            if ident.get("imageDigest") and ident["imageDigest"] != d:
                continue
            if ident.get("imageTag") and ident["imageTag"] not in img["tags"]:
                continue
            return d, img
        return None, None

    def op_DescribeImages(self, p):
        repo = p.get("repositoryName") or ""
        imgs = self.images(repo)
        ids = p.get("imageIds")
        if ids:
            out = []
            for ident in ids:
                d, img = self._match(imgs, ident)
                if d is None:
                    raise errors.AwsError(
                        "ImageNotFoundException",
                        "The image with imageId {imageDigest:'%s', imageTag:'%s'} does not exist "
                        "within the repository with name '%s' in the registry with id '%s'"
                        % (ident.get("imageDigest") or "null", ident.get("imageTag") or "null",
                           repo, self.account))
                out.append(self._detail(repo, d, img))
            return {"imageDetails": out}
        status = ((p.get("filter") or {}).get("tagStatus")) or "ANY"
        keys = sorted(d for d, img in imgs.items()
                      if status == "ANY" or (status == "TAGGED") == bool(img["tags"]))
        out, nxt = paging.page(keys, p, {"r": repo, "s": status}, 100, maximum=1000, short=False)
        res = {"imageDetails": [self._detail(repo, d, imgs[d]) for d in out]}
        if nxt:
            res["nextToken"] = nxt
        return res

    def op_ListImages(self, p):
        repo = p.get("repositoryName") or ""
        imgs = self.images(repo)
        status = ((p.get("filter") or {}).get("tagStatus")) or "ANY"
        ids = []
        for d, img in sorted(imgs.items()):
            if img["tags"] and status in ("ANY", "TAGGED"):
                ids += ["%s|%s" % (d, t) for t in img["tags"]]
            elif not img["tags"] and status in ("ANY", "UNTAGGED"):
                ids.append(d + "|")
        ids.sort()
        out, nxt = paging.page(ids, p, {"r": repo, "s": status}, 100, maximum=1000, short=False)
        res = {"imageIds": []}
        for k in out:
            d, _, t = k.partition("|")
            res["imageIds"].append({"imageDigest": d, "imageTag": t} if t else {"imageDigest": d})
        if nxt:
            res["nextToken"] = nxt
        return res

    def op_BatchDeleteImage(self, p):
        repo = p.get("repositoryName") or ""
        imgs = self.images(repo)
        deleted, failures = [], []
        for ident in p.get("imageIds") or []:
            d, img = self._match(imgs, ident)
            if d is None:
                failures.append({"imageId": ident, "failureCode": "ImageNotFound",
                                 "failureReason": "Requested image not found"})
                continue
            if self.registry is not None:
                if not self.registry.delete(repo, d):
                    failures.append({"imageId": ident, "failureCode": "ImageReferencedByManifestList",
                                     "failureReason": "The registry refused to delete the manifest"})
                    continue
                deleted += [{"imageDigest": d, "imageTag": t} for t in img["tags"]] or [
                    {"imageDigest": d}]
                continue
            if ident.get("imageTag") and len(img["tags"]) > 1:
                img["tags"].remove(ident["imageTag"])
                deleted.append({"imageDigest": d, "imageTag": ident["imageTag"]})
            else:
                deleted += [{"imageDigest": d, "imageTag": t} for t in img["tags"]] or [
                    {"imageDigest": d}]
                del imgs[d]
        return {"imageIds": deleted, "failures": failures}

    def op_GetAuthorizationToken(self, p):
        tok = base64.b64encode(("AWS:" + self.password).encode()).decode()
        return {"authorizationData": [{"authorizationToken": tok,
                                       "expiresAt": util.epoch(time.time() + 12 * 3600),
                                       "proxyEndpoint": self.proxy}]}
