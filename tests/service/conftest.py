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
