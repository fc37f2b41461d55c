"""nextToken paging as the AWS list APIs do it.

Tokens are opaque (base64 of the last key returned and a digest of the
request's filters, so a token used with other filters is refused).  Keys
are the sorted item keys, so items added or removed between pages neither
repeat nor vanish.  With short pages on (the default; --no-short-pages
turns it off) every second page holds fewer items than maxResults although
more remain, as AWS pages sometimes do: a client must follow nextToken,
never stop at a short page.
"""

import base64
import bisect
import hashlib
import json

from . import errors


def _digest(filters):
    return hashlib.sha1(json.dumps(filters, sort_keys=True).encode()).hexdigest()[:12]


def encode(after, filters, n):
    raw = json.dumps({"a": after, "f": _digest(filters), "n": n}, separators=(",", ":"))
    return base64.b64encode(raw.encode()).decode()


def decode(token, filters, bad):
    try:
        d = json.loads(base64.b64decode(token.encode(), validate=True))
        if d["f"] != _digest(filters):
            raise ValueError
        return d["a"], int(d.get("n", 0))
    except (ValueError, KeyError, TypeError):
        raise bad


def page(keys, params, filters, default, maximum=100, short=True, bad=None,
         limit_key="maxResults", range_msg=None):
    """keys: sorted list of distinct strings.  Returns (keys of this page, nextToken|None)."""
    if bad is None:
        bad = errors.invalid_param("Invalid token")
    n = params.get(limit_key)
    if n is None:
        n = default
    elif not isinstance(n, int) or isinstance(n, bool) or n < 1 or n > maximum:
        raise errors.invalid_param(range_msg or "%s must be between 1 and %d." % (limit_key, maximum))
    token = params.get("nextToken")
    start, pageno = 0, 0
    if token:
        after, pageno = decode(token, filters, bad)
        start = bisect.bisect_right(keys, after)
    size = n
    if short and n > 2 and pageno % 2 == 1:
        size = n - 1 - n // 4
    out = keys[start:start + size]
    nxt = None
    if start + size < len(keys) and out:
        nxt = encode(out[-1], filters, pageno + 1)
    return out, nxt
