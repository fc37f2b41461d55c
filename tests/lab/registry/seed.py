#!/usr/bin/env python3
"""seed: fills a running registry lab with the images the tests need.

  python3 seed.py DIR [--tags N] [--bulk N] [--busybox PATH]

DIR is a lab started by reglab.sh (its state.json says where the registry
is and which credentials push).  OCI images and the multi-platform OCI
index are built by hand into an OCI layout (DIR/seed/layout) and copied by
skopeo (`copy --all --preserve-digests`); the Docker schema 2 images, the
manifest list, the many tags and the bulk repositories go through the lab's
own client (labreg/client.py).  Every tag is then read back with HEAD and
its Docker-Content-Digest checked against the sha256 of the bytes built.
Writes DIR/seed.json and DIR/seed.txt (see README.md) and prints a line.
"""

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True

from labreg import client as regclient, content, images as im  # noqa: E402


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("dir")
    p.add_argument("--tags", type=int, default=300, help="tags of lab/many (0: no lab/many)")
    p.add_argument("--bulk", type=int, default=0, help="extra repositories bulk/rNNNN")
    p.add_argument("--busybox", default=os.environ.get("LAB_BUSYBOX", "/bin/busybox"),
                   help="a static busybox for the runnable linux/amd64 root file system")
    return p.parse_args(argv)


def skopeo_copy(state, layout, ref, dest, is_index):
    args = ["skopeo", "copy", "--quiet", "--preserve-digests", "--retry-times", "0"]
    if is_index:
        args.append("--all")
    if state["tls"]:
        args += ["--dest-cert-dir", state["tls"]["cert_dir"]]
    else:
        args.append("--dest-tls-verify=false")
    if state["seed_user"]:
        args += ["--dest-creds", "%s:%s" % tuple(state["seed_user"])]
    else:
        args.append("--dest-no-creds")
    args += ["oci:%s:%s" % (layout, ref), "docker://%s/%s" % (state["registry"], dest)]
    r = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise RuntimeError("skopeo copy to %s failed: %s" %
                           (dest, r.stderr.decode(errors="replace").strip()))


def push_api(cl, repo, thing, mounted):
    """Blobs, then child manifests by digest, then nothing else (tags later)."""
    images = thing.images if isinstance(thing, im.Index) else [thing]
    for image in images:
        for b in image.blobs():
            src = mounted.get(b.digest)
            if src != repo:
                cl.upload_blob(repo, b.data, mount_from=src)
                mounted.setdefault(b.digest, repo)
        if isinstance(thing, im.Index):
            cl.put_manifest(repo, image.manifest.digest, image.manifest.data,
                            image.manifest.media_type)


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    sd = os.path.abspath(args.dir)
    with open(os.path.join(sd, "state.json")) as f:
        state = json.load(f)
    t0 = time.time()
    busybox = args.busybox if im.is_static_elf(args.busybox) else None
    if busybox is None:
        sys.stderr.write("seed: %s is not a static busybox: linux/amd64 images will not run\n"
                         % args.busybox)
    c = content.Content(busybox, many=args.tags, bulk=args.bulk)

    layout_dir = os.path.join(sd, "seed", "layout")
    layout = im.Layout(layout_dir)
    for repo, tags, thing, how in c.items:
        if how == "skopeo":
            layout.add("%s-%s" % (repo.replace("/", "-"), tags[0]), thing)
    layout.save()

    user = state["seed_user"] or [None, None]
    ca = state["tls"]["ca"] if state["tls"] else None
    cl = regclient.Client(state["url"], ca=ca, user=user[0], password=user[1])
    mounted = {}
    try:
        for repo, tags, thing, how in c.items:
            if how == "skopeo":
                skopeo_copy(state, layout_dir, "%s-%s" % (repo.replace("/", "-"), tags[0]),
                            "%s:%s" % (repo, tags[0]), isinstance(thing, im.Index))
                rest = tags[1:]
            else:
                push_api(cl, repo, thing, mounted)
                rest = tags
            for tag in rest:
                cl.put_manifest(repo, tag, thing.manifest.data, thing.manifest.media_type)
        summary = verify(cl, c.items)
    finally:
        cl.close()

    summary.update({"registry": state["registry"], "url": state["url"], "mode": state["mode"],
                    "busybox": busybox is not None,
                    "seconds": round(time.time() - t0, 1)})
    with open(os.path.join(sd, "seed.json.tmp"), "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")
    os.replace(os.path.join(sd, "seed.json.tmp"), os.path.join(sd, "seed.json"))
    with open(os.path.join(sd, "seed.txt.tmp"), "w") as f:
        for ref in sorted(summary["refs"]):
            r = summary["refs"][ref]
            f.write("%s %s %s %d\n" % (ref, r["digest"], r["mediaType"], r["size"]))
    os.replace(os.path.join(sd, "seed.txt.tmp"), os.path.join(sd, "seed.txt"))
    print("seeded %d repositories, %d tags in %.1f s: %s/seed.json" % (
        len(summary["repositories"]), sum(len(t) for t in summary["tags"].values()),
        time.time() - t0, sd))
    return 0


def verify(cl, items):
    """HEAD every tag; the registry's digest must be the one built."""
    refs, tags, platforms, configs = {}, {}, {}, {}
    for repo, tlist, thing, _how in items:
        for tag in tlist:
            got = cl.head_manifest(repo, tag)
            want = thing.manifest
            if got is None or got[0] != want.digest:
                raise RuntimeError("%s:%s: registry has %s, built %s" %
                                   (repo, tag, got and got[0], want.digest))
            ref = "%s:%s" % (repo, tag)
            refs[ref] = {"digest": want.digest, "mediaType": want.media_type, "size": want.size}
            tags.setdefault(repo, []).append(tag)
            children = thing.images if isinstance(thing, im.Index) else [thing]
            if isinstance(thing, im.Index):
                platforms[ref] = [ch.platform for ch in children]
            for ch in children:
                key = ref + ("@" + ch.platform if isinstance(thing, im.Index) else "")
                if key != ref:
                    refs[key] = {"digest": ch.manifest.digest, "size": ch.manifest.size,
                                 "mediaType": ch.manifest.media_type}
                configs[key] = ch.config.digest
    for repo in tags:
        tags[repo].sort(key=content.version_key)
    return {"repositories": sorted(tags), "tags": tags, "refs": refs,
            "platforms": platforms, "configs": configs}


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, regclient.RegistryError, OSError) as e:
        sys.stderr.write("seed: %s\n" % e)
        sys.exit(1)
