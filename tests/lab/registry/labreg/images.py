"""Container images built by hand: layers (reproducible tar.gz), image
configs, manifests and indexes in both OCI and Docker schema 2 media types,
and an OCI image layout on disk for skopeo to copy from.  Every digest is
the sha256 of the exact bytes stored.

OCI manifests are written compact and Docker ones indented by 3 spaces (as
`docker push` does), so a client that re-serialises JSON before hashing
gets a wrong digest either way.
"""

import gzip
import hashlib
import io
import json
import os
import struct
import tarfile

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"

TYPES = {"oci": (OCI_MANIFEST, OCI_INDEX, OCI_CONFIG, OCI_LAYER),
         "docker": (DOCKER_MANIFEST, DOCKER_LIST, DOCKER_CONFIG, DOCKER_LAYER)}

MTIME = 1704067200   # 2024-01-01T00:00:00Z, the files' time in every layer
APPLETS = ("sh ls cat echo env sleep true false ps top wget httpd nc id uname date "
           "printf grep sed awk head tail wc mkdir rm cp mv ln test hostname").split()


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


class Blob:
    __slots__ = ("data", "digest", "size", "media_type")

    def __init__(self, data, media_type):
        self.data = data
        self.digest = sha256(data)
        self.size = len(data)
        self.media_type = media_type

    def descriptor(self, **extra):
        d = {"mediaType": self.media_type, "digest": self.digest, "size": self.size}
        d.update(extra)
        return d


class Layer:
    """A gzipped tar layer and its diff_id (sha256 of the uncompressed tar)."""

    def __init__(self, entries, comment):
        raw = io.BytesIO()
        with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for path, kind, payload, mode in entries:
                info = tarfile.TarInfo(path)
                info.mtime = MTIME
                info.uid = info.gid = 0
                info.mode = mode
                if kind == "dir":
                    info.type = tarfile.DIRTYPE
                    tar.addfile(info)
                elif kind == "symlink":
                    info.type = tarfile.SYMTYPE
                    info.linkname = payload
                    tar.addfile(info)
                else:
                    info.size = len(payload)
                    tar.addfile(info, io.BytesIO(payload))
        self.tar = raw.getvalue()
        self.diff_id = sha256(self.tar)
        self.gz = gzip.compress(self.tar, compresslevel=6, mtime=0)
        self.comment = comment


def is_static_elf(path):
    """True for an ELF executable without a PT_INTERP (dynamic loader)."""
    try:
        with open(path, "rb") as f:
            head = f.read(64)
            if head[:4] != b"\x7fELF" or head[4] != 2:    # 64-bit only
                return False
            end = "<" if head[5] == 1 else ">"
            phoff, = struct.unpack(end + "Q", head[32:40])
            phentsize, phnum = struct.unpack(end + "HH", head[54:58])
            f.seek(phoff)
            for _ in range(phnum):
                ptype, = struct.unpack(end + "I", f.read(phentsize)[:4])
                if ptype == 3:
                    return False
            return True
    except OSError:
        return False


def base_entries(platform):
    """/etc files every lab image has."""
    return [("etc", "dir", None, 0o755),
            ("etc/passwd", "file", b"root:x:0:0:root:/root:/bin/sh\n"
                                   b"app:x:1000:1000:app:/srv:/bin/sh\n", 0o644),
            ("etc/group", "file", b"root:x:0:\napp:x:1000:\n", 0o644),
            ("etc/lab-platform", "file", platform.encode() + b"\n", 0o644),
            ("tmp", "dir", None, 0o1777)]


def busybox_layer(busybox, platform):
    """A runnable root file system from a static busybox, or (for other
    platforms, or without one) a small stand-in with the same shape."""
    entries = base_entries(platform) + [("bin", "dir", None, 0o755)]
    if busybox and platform == "linux/amd64":
        with open(busybox, "rb") as f:
            entries.append(("bin/busybox", "file", f.read(), 0o755))
        comment = "busybox"
    else:
        fake = ("#!/bin/false\n# stand-in busybox for %s\n" % platform).encode()
        entries.append(("bin/busybox", "file", fake, 0o755))
        comment = "stand-in"
    entries += [("bin/" + a, "symlink", "busybox", 0o777) for a in APPLETS]
    return Layer(entries, "ADD rootfs-%s.tar / # %s" % (platform.replace("/", "-"), comment))


def files_layer(files, comment):
    """A layer of text files {path: content}, with their directories."""
    entries, dirs = [], set()
    for path in sorted(files):
        parts = path.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            if d not in dirs:
                dirs.add(d)
                entries.append((d, "dir", None, 0o755))
        entries.append((path, "file", files[path].encode(), 0o644))
    return Layer(entries, comment)


def split_platform(platform):
    """'linux/arm/v7' -> {"os": "linux", "architecture": "arm", "variant": "v7"}."""
    parts = platform.split("/")
    p = {"os": parts[0], "architecture": parts[1]}
    if len(parts) > 2:
        p["variant"] = parts[2]
    return p


def config_blob(fmt, platform, layers, created, config, history_extra=(), author=None):
    """An image config; history has one entry per layer plus history_extra
    (empty_layer entries such as ENV/EXPOSE/LABEL) after them."""
    p = split_platform(platform)
    history = [{"created": created, "created_by": "/bin/sh -c #(nop) " + layer.comment,
                "comment": "binnacle lab"} for layer in layers]
    history += [{"created": created, "created_by": "/bin/sh -c #(nop) " + h,
                 "empty_layer": True} for h in history_extra]
    doc = {"created": created}
    if author:
        doc["author"] = author
    doc.update({"architecture": p["architecture"], "os": p["os"]})
    if "variant" in p:
        doc["variant"] = p["variant"]
    doc["config"] = config
    doc["rootfs"] = {"type": "layers", "diff_ids": [layer.diff_id for layer in layers]}
    doc["history"] = history
    return Blob(json.dumps(doc, separators=(",", ":")).encode(), TYPES[fmt][2])


def _dump(fmt, doc):
    if fmt == "docker":
        return json.dumps(doc, indent=3).encode()
    return json.dumps(doc, separators=(",", ":")).encode()


class Image:
    """One platform's manifest with its config and layer blobs."""

    def __init__(self, fmt, platform, layers, config, annotations=None):
        self.fmt = fmt
        self.platform = platform
        self.config = config
        self.layers = [Blob(layer.gz, TYPES[fmt][3]) for layer in layers]
        doc = {"schemaVersion": 2, "mediaType": TYPES[fmt][0],
               "config": config.descriptor(),
               "layers": [b.descriptor() for b in self.layers]}
        if annotations and fmt == "oci":
            doc["annotations"] = annotations
        self.manifest = Blob(_dump(fmt, doc), TYPES[fmt][0])

    def blobs(self):
        return [self.config] + self.layers


class Index:
    """A multi-platform OCI index or Docker manifest list over images."""

    def __init__(self, fmt, images, annotations=None):
        self.fmt = fmt
        self.images = images
        doc = {"schemaVersion": 2, "mediaType": TYPES[fmt][1],
               "manifests": [im.manifest.descriptor(platform=split_platform(im.platform))
                             for im in images]}
        if annotations and fmt == "oci":
            doc["annotations"] = annotations
        self.manifest = Blob(_dump(fmt, doc), TYPES[fmt][1])


class Layout:
    """An OCI image layout directory (oci-layout, index.json, blobs/sha256)."""

    def __init__(self, root):
        self.root = root
        self.entries = []
        os.makedirs(os.path.join(root, "blobs", "sha256"), exist_ok=True)
        with open(os.path.join(root, "oci-layout"), "w") as f:
            f.write('{"imageLayoutVersion":"1.0.0"}')

    def add_blob(self, blob):
        path = os.path.join(self.root, "blobs", "sha256", blob.digest.split(":", 1)[1])
        if not os.path.exists(path):
            with open(path + ".tmp", "wb") as f:
                f.write(blob.data)
            os.replace(path + ".tmp", path)

    def add(self, ref, thing):
        """Store an Image or Index under the reference name ref."""
        images = thing.images if isinstance(thing, Index) else [thing]
        for im in images:
            for b in im.blobs():
                self.add_blob(b)
            self.add_blob(im.manifest)
        self.add_blob(thing.manifest)
        self.entries.append(thing.manifest.descriptor(
            annotations={"org.opencontainers.image.ref.name": ref}))

    def save(self):
        doc = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": self.entries}
        path = os.path.join(self.root, "index.json")
        with open(path + ".tmp", "w") as f:
            json.dump(doc, f, separators=(",", ":"))
        os.replace(path + ".tmp", path)
