"""Rate limits per API key (and per client address for the public): token buckets.

:class:`RateLimiter` keeps its buckets in the API process. :class:`RedisRateLimiter`
keeps them in Redis (one atomic script per request, the Redis server's clock), so
every API process on every machine draws on the same buckets: the limit an operator
sets is then a limit for the whole service. :func:`make_rate_limiter` picks one from
the settings (``rate_limit_store``).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Protocol

log = logging.getLogger("kratuve.api")


class Limiter(Protocol):
    def take(self, key: str) -> float:
        """0 when a request may go ahead, else the seconds to wait."""
        ...


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


# KEYS[1]: the bucket; ARGV: tokens per second, capacity. Returns the wait in seconds, as text
# (Lua numbers come back from Redis as integers). TIME is the Redis server's clock, so API
# processes whose clocks disagree still share one bucket correctly.
_TAKE = """
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local b = redis.call('HMGET', KEYS[1], 'tokens', 'seen')
local tokens = tonumber(b[1]) or capacity
local seen = tonumber(b[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - seen) * rate)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'seen', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate * 1000) + 1000)
return tostring(wait)
"""


class RedisRateLimiter:
    """Token buckets in Redis, shared by every API process that uses the same Redis.

    A bucket lives only as long as it takes to refill, so made-up keys cost Redis
    nothing for long. When Redis cannot be reached the API keeps answering: this
    process's own buckets stand in (a warning is logged once a minute at most).
    """

    def __init__(self, url: str, per_minute: int, *, name: str, burst: int | None = None,
                 timeout_s: float = 0.5) -> None:
        import redis

        self.rate = per_minute / 60.0
        self.capacity = float(burst if burst is not None else max(per_minute, 1))
        self.prefix = f"kratuve:ratelimit:{name}:"
        self._client = redis.Redis.from_url(url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s)
        self._script = self._client.register_script(_TAKE)
        self._errors = (redis.RedisError, OSError)
        self._local = RateLimiter(per_minute, burst)
        self._warned = 0.0

    def take(self, key: str) -> float:
        if self.rate <= 0:
            return 0.0
        try:
            return float(self._script(keys=[self.prefix + key], args=[self.rate, self.capacity]))
        except self._errors as exc:
            now = time.monotonic()
            if now - self._warned > 60:
                self._warned = now
                log.warning("rate limits: Redis unreachable (%s); this process's own buckets stand in", exc)
            return self._local.take(key)


def make_rate_limiter(settings, per_minute: int, *, name: str) -> Limiter:
    """Redis buckets when ``rate_limit_store`` says so ("auto": when the broker is Redis)."""
    store = settings.rate_limit_store
    url = settings.broker_url
    if store == "redis" or (store == "auto" and url.startswith(("redis://", "rediss://", "unix://"))):
        if not url.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("rate_limit_store 'redis' needs a Redis broker_url (redis://...)")
        return RedisRateLimiter(url, per_minute, name=name)
    return RateLimiter(per_minute)
