"""Hostile bodies, generated as they are sent so the proxy never holds them:
huge, a gzip bomb, a list page that ignores limit=, an endless line, and a
real list with one item nested absurdly deep."""

import zlib

CHUNK = 1 << 16


def chunked(pieces):
    for p in pieces:
        if p:
            yield b"%x\r\n%s\r\n" % (len(p), p)
    yield b"0\r\n\r\n"


def huge(n):
    """A JSON string n bytes long."""
    yield b'{"kind":"PodList","metadata":{},"items":[],"filler":"'
    left = n
    while left > 0:
        k = min(CHUNK, left)
        yield b"x" * k
        left -= k
    yield b'"}'


def gzip_bomb(n):
    """n bytes of JSON-ish text once inflated, a few KiB on the wire."""
    z = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: the gzip wrapper
    yield z.compress(b'{"kind":"PodList","metadata":{},"items":[],"filler":"')
    left = n
    block = b" " * CHUNK
    while left > 0:
        k = min(CHUNK, left)
        out = z.compress(block[:k])
        if out:
            yield out
        left -= k
    yield z.compress(b'"}') + z.flush()


def items(count):
    """A PodList of count minimal running pods, one page, no continue."""
    yield b'{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":['
    batch = []
    for i in range(count):
        batch.append(b'%s{"metadata":{"name":"flood-%d","namespace":"flood","uid":"u%d",'
                     b'"creationTimestamp":"2024-01-01T00:00:00Z"},"spec":{"nodeName":"lab-worker",'
                     b'"containers":[{"name":"c","image":"busybox"}]},"status":{"phase":"Running"}}'
                     % (b"," if i else b"", i, i))
        if len(batch) >= 256:
            yield b"".join(batch)
            batch = []
    yield b"".join(batch) + b"]}"


def deep_item(depth):
    """One JSON value nested depth levels."""
    return b'{"a":' * depth + b"1" + b"}" * depth


def insert_first_item(body, item):
    """The list body with item as its first element."""
    key = body.find(b'"items":[')
    if key < 0:
        return body
    at = key + len(b'"items":[')
    rest = body[at:].lstrip()
    sep = b"" if rest.startswith(b"]") else b","
    return body[:at] + item + sep + body[at:]
