"""Fixed-window rate limits, counted in Django's default cache so that every process and
machine sharing that cache shares the counts.

For the few requests outside the API that a client could repeat to flood mailboxes or
storage (password reset e-mails, answers posted while signed out); the API has DRF's
throttles. A rate reads like DRF's: "3/hour", "10/15m" (a count per a number of seconds,
minutes, hours or days)."""

from __future__ import annotations

import hashlib
import math
import re
import time
from dataclasses import dataclass

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])[a-z]*\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """ "3/hour" → 3 per 3,600 s; "10/15m" → 10 per 900 s."""
        match = RATE.match(text or "")
        if not match:
            raise ValueError(f"Not a rate: {text!r} (expected e.g. '3/hour' or '10/15m').")
        count, multiplier, unit = match.groups()
        return cls(count=int(count), seconds=int(multiplier or 1) * UNITS[unit.lower()])


def rate_limited(scope: str, key: str, rate: Rate) -> int | None:
    """Count one request of `key` (an address, an e-mail…) in `scope`. None while the count
    stays within `rate`, otherwise the seconds until the current window ends. Keys are
    stored hashed: the cache holds no address in clear."""
    from django.core.cache import cache  # here, so that settings may import `Rate`

    now = time.time()
    window = int(now // rate.seconds)
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    cache_key = f"ratelimit:{scope}:{digest}:{window}"
    if cache.add(cache_key, 1, timeout=rate.seconds + 1):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add() and incr()
            cache.set(cache_key, 1, timeout=rate.seconds + 1)
            count = 1
    if count <= rate.count:
        return None
    return max(1, math.ceil((window + 1) * rate.seconds - now))
