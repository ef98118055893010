"""Rate limits per API key (and per client address for the public): token buckets in
the API process. Several API processes each keep their own buckets, so the limit an
operator sets is per process; put a shared limiter at the proxy for a hard global cap."""

from __future__ import annotations

import threading
import time


class RateLimiter:
    def __init__(self, per_minute: int, burst: int | None = None) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(burst if burst is not None else max(per_minute, 1))
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    MAX_BUCKETS = 100_000  # made-up keys each get a bucket: the map must not grow without end

    def _prune(self, now: float) -> None:
        """Forget the buckets that have refilled (forgetting them changes nothing); if that is
        not enough, all of them (a flood of made-up keys: better a fresh start than no memory)."""
        full_after = self.capacity / self.rate
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full_after}
        if len(self._buckets) >= self.MAX_BUCKETS:
            self._buckets.clear()

    def take(self, key: str) -> float:
        """0 when a request may go ahead, else the seconds to wait."""
        if self.rate <= 0:
            return 0.0
        now = time.monotonic()
        with self._lock:
            if len(self._buckets) >= self.MAX_BUCKETS:
                self._prune(now)
            tokens, seen = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - seen) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / self.rate
