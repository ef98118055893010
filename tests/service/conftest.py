"""Fixtures for the service tests; the helpers live in ``service_support`` (a plain module, so
test files import them by a name no other test folder uses)."""

from __future__ import annotations

import pytest

from service_support import make_service


@pytest.fixture()
def svc(tmp_path):
    s = make_service(tmp_path)
    yield s
    s.client.close()


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL 15 server for the session (skipped, or failed under CI, when missing)."""
    from pg_support import start_server

    server = start_server()
    yield server
    server.stop()


@pytest.fixture()
def pg_url(pg_server) -> str:
    """The URL of a new empty database on the session's server."""
    return pg_server.create_database()
