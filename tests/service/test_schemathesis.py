"""Property-based run of the whole OpenAPI description (schemathesis): no input gives a 5xx."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from conftest import make_service

_holder: dict = {}


def _app(tmp_path_factory=None):
    if "svc" not in _holder:
        import tempfile
        from pathlib import Path

        svc = make_service(Path(tempfile.mkdtemp(prefix="kratuve-st-")), rate_limit_per_minute=0,
                           public_rate_limit_per_minute=0)
        svc.app.state.enqueue = lambda job_id: None  # jobs stay queued: the API is under test here
        _holder["svc"] = svc
    return _holder["svc"]


schema = schemathesis.openapi.from_asgi("/openapi.json", _app().app)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.parametrize("who", ["public", "admin", "lu_sub"])
def test_no_server_errors(case, who):
    svc = _app()
    headers = {} if who == "public" else svc.auth(who)
    response = case.call(headers=headers)
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
