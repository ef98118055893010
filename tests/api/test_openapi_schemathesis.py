"""Property-based test of the REST API from its own OpenAPI schema (schemathesis, in-process ASGI).

Every operation under /api/v1, with generated parameters and bodies, as the public and
as a global administrator: no answer is a 5xx. The app is real (real SQLite stores, a
real repository with one stored thesis); submitted jobs are recorded, not run.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402

from api.settings import Settings  # noqa: E402


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    from api.service.app import create_app

    data = tmp_path_factory.mktemp("schemathesis") / "data"
    cfg = Settings(data_dir=data, rate_limit_per_minute=0, public_rate_limit_per_minute=0, max_file_mb=1,
                   _env_file=None)
    app = create_app(cfg)
    queued: list[str] = []
    app.state.enqueue = queued.append
    store = app.state.store
    store.add_institution("LU", "Latvijas Universitāte")
    admin_key = store.create_key("admin", None)[1]
    return app, admin_key


@pytest.fixture(scope="module")
def api_schema(service):
    app, _ = service
    return schemathesis.openapi.from_asgi("/openapi.json", app).include(path_regex="^/api/v1/")


def _operations(api_schema):
    for result in api_schema.get_all_operations():
        yield result.ok()


def _exercise(api_schema, headers: dict[str, str]) -> int:
    """Run every operation with generated cases; the number of operations tried."""
    tried = 0
    for operation in _operations(api_schema):
        tried += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case):
            response = case.call(headers=headers)
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}")
            assert "Traceback" not in response.text

        run()
    return tried


def test_no_server_errors_as_public(api_schema):
    assert _exercise(api_schema, {}) >= 10


def test_no_server_errors_as_admin(api_schema, service):
    _, admin_key = service
    assert _exercise(api_schema, {"Authorization": f"Bearer {admin_key}"}) >= 10
