"""Callers without a key share a token bucket per client address; 429 says when to come back."""

from __future__ import annotations

from service_support import make_service


def test_anonymous_callers_are_limited_per_address(tmp_path):
    svc = make_service(tmp_path, public_rate_limit_per_minute=4, rate_limit_per_minute=0)
    codes = [svc.client.get("/api/v1/search", params={"q": "x"}).status_code for _ in range(6)]
    assert codes[:4] == [200] * 4 and codes[4:] == [429, 429]
    r = svc.client.get("/api/v1/search")
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1 and r.json() == {"detail": "too many requests"}
    # a keyed caller is counted in its own bucket (here: unlimited)
    assert svc.client.get("/api/v1/search", headers=svc.auth("lu_exam")).status_code == 200
    # liveness is never limited
    assert svc.client.get("/healthz").status_code == 200


def test_made_up_keys_do_not_grow_the_limiter_without_end(monkeypatch):
    from api.service.ratelimit import RateLimiter

    monkeypatch.setattr(RateLimiter, "MAX_BUCKETS", 50)
    limiter = RateLimiter(per_minute=60)
    for n in range(500):
        assert limiter.take(f"key:{n}") == 0
    assert len(limiter._buckets) <= 50
    limiter = RateLimiter(per_minute=1, burst=1)
    assert limiter.take("k") == 0 and limiter.take("k") > 0  # a real bucket still limits
