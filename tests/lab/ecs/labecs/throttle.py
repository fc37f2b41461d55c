"""Throttling: a fraction of requests, or a token bucket per operation.

--throttle 0.25       every 4th request of each operation is refused, the
                      first one included (spread evenly and deterministically,
                      so a client that retries always gets through)
--throttle 5/s        a token bucket per (service, operation): 5 requests a
--throttle 5/s:10     second, burst 10 (default burst: the rate), like AWS's
                      per-action API rate limits
--throttle 0          off (the default)

The setting can be changed at runtime with POST /_lab/throttle?rate=SPEC.
"""

import math
import threading
import time


class Throttle:
    def __init__(self, spec="0"):
        self.lock = threading.Lock()
        self.set(spec)

    def set(self, spec):
        spec = (spec or "0").strip()
        with self.lock:
            self.fraction = 0.0
            self.rate = None
            self.burst = 0.0
            self.counts = {}
            self.buckets = {}
            if "/s" in spec:
                r, _, b = spec.partition("/s")
                self.rate = float(r)
                self.burst = float(b.lstrip(":") or r)
            else:
                f = float(spec)
                if not 0.0 <= f <= 1.0:
                    raise ValueError("--throttle wants a fraction 0..1 or RATE/s[:BURST]")
                self.fraction = f
            self.spec = spec

    def refuse(self, service, op):
        """True when this request is to be answered with a throttling error."""
        key = (service, op)
        with self.lock:
            if self.rate is not None:
                now = time.monotonic()
                tokens, last = self.buckets.get(key, (self.burst, now))
                tokens = min(self.burst, tokens + (now - last) * self.rate)
                if tokens >= 1.0:
                    self.buckets[key] = (tokens - 1.0, now)
                    return False
                self.buckets[key] = (tokens, now)
                return True
            if self.fraction <= 0.0:
                return False
            n = self.counts.get(key, 0)
            self.counts[key] = n + 1
            return math.ceil((n + 1) * self.fraction) > math.ceil(n * self.fraction)
