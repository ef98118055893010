"""Rate limits shared through Redis: several API processes draw on one bucket per caller.

Real redis-server (Debian's), real API apps; skipped where redis-server is missing
(``scripts/setup.sh --dev`` installs it).
"""

from __future__ import annotations

import time

import pytest

from api.service.ratelimit import RateLimiter, RedisRateLimiter, make_rate_limiter
from api.settings import Settings
from local_servers import REDIS
from local_servers import redis_server as start_redis
from service_support import make_service

pytestmark = pytest.mark.skipif(REDIS is None, reason="redis-server is not installed (apt-get install redis-server)")


@pytest.fixture()
def redis_server():
    with start_redis() as server:
        yield server


def test_two_api_processes_share_one_bucket(tmp_path, redis_server):
    _, url = redis_server
    a = make_service(tmp_path / "a", broker_url=url, public_rate_limit_per_minute=4, rate_limit_per_minute=0)
    b = make_service(tmp_path / "b", broker_url=url, public_rate_limit_per_minute=4, rate_limit_per_minute=0)
    try:
        codes = [(a if n % 2 else b).client.get("/api/v1/search", params={"q": "x"}).status_code for n in range(7)]
        # four for the caller in all, whichever process answers; alone each would have allowed four
        assert codes == [200] * 4 + [429] * 3
        r = a.client.get("/api/v1/search")
        assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    finally:
        a.client.close()
        b.client.close()


def test_buckets_refill_and_are_kept_apart(redis_server):
    _, url = redis_server
    one = RedisRateLimiter(url, 600, name="t", burst=2)  # 10 tokens a second
    two = RedisRateLimiter(url, 600, name="t", burst=2)
    assert one.take("k") == 0 and two.take("k") == 0
    wait = one.take("k")
    assert 0 < wait <= 0.1
    assert two.take("other") == 0  # another caller has its own bucket
    assert RedisRateLimiter(url, 600, name="other-limiter", burst=2).take("k") == 0  # and another limiter
    time.sleep(wait + 0.05)
    assert two.take("k") == 0


def test_redis_gone_falls_back_to_the_process_buckets(redis_server, caplog):
    proc, url = redis_server
    limiter = RedisRateLimiter(url, 60, name="t", burst=2)
    assert limiter.take("k") == 0
    proc.terminate()
    proc.wait(10)
    # the API keeps answering and still limits, with this process's own bucket
    assert limiter.take("k") == 0 and limiter.take("k") == 0 and limiter.take("k") > 0
    assert "Redis unreachable" in caplog.text


def test_choice_of_store(tmp_path):
    redis_settings = Settings(data_dir=tmp_path, broker_url="redis://127.0.0.1:1/0", _env_file=None)
    assert isinstance(make_rate_limiter(redis_settings, 10, name="k"), RedisRateLimiter)
    memory = redis_settings.model_copy(update={"rate_limit_store": "memory"})
    assert isinstance(make_rate_limiter(memory, 10, name="k"), RateLimiter)
    files = Settings(data_dir=tmp_path, _env_file=None)
    assert isinstance(make_rate_limiter(files, 10, name="k"), RateLimiter)
    with pytest.raises(ValueError, match="Redis broker_url"):
        make_rate_limiter(files.model_copy(update={"rate_limit_store": "redis"}), 10, name="k")
