"""A token bucket per client address, so a public page cannot be used to load the hub.

Each address may make ``burst`` requests at once and ``per_second`` more every
second after that; a request over the limit is told how long to wait
(``Retry-After``). At most ``max_clients`` addresses are remembered: the ones
not seen longest are forgotten first (a forgotten address starts with a full
bucket, which is what it would have had by then anyway, or nearly).
Durations come from ``time.monotonic`` (kiosk/clock.py: never the wall clock).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimit:
    burst: int = 30
    per_second: float = 1.0
    max_clients: int = 20_000

    @property
    def off(self) -> bool:
        return self.burst <= 0


DEFAULT_LIMIT = RateLimit()
NO_LIMIT = RateLimit(burst=0)


class TokenBuckets:
    """``take(address)`` -> 0.0 when allowed, else the seconds until a token is back."""

    def __init__(self, limit: RateLimit, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.monotonic = limit, monotonic
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # tokens, at
        self._lock = threading.Lock()  # the LAN server and tests call from threads

    def take(self, address: str) -> float:
        if self.limit.off:
            return 0.0
        now = self.monotonic()
        with self._lock:
            tokens, at = self._buckets.pop(address, (float(self.limit.burst), now))
            tokens = min(float(self.limit.burst), tokens + (now - at) * self.limit.per_second)
            wait = 0.0
            if tokens >= 1.0:
                tokens -= 1.0
            else:
                wait = (1.0 - tokens) / self.limit.per_second if self.limit.per_second > 0 \
                    else math.inf
            self._buckets[address] = (tokens, now)
            while len(self._buckets) > self.limit.max_clients:
                self._buckets.popitem(last=False)
        return wait

    def __len__(self) -> int:
        return len(self._buckets)
