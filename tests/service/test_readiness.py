"""/readyz says which dependency is down, and nothing more (no addresses, no tracebacks)."""

from __future__ import annotations

import socket

from fastapi.testclient import TestClient

from api.settings import Settings


def test_unreachable_broker_is_not_ready(tmp_path):
    from api.service.app import create_app

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(Settings(data_dir=tmp_path / "data", broker_url=f"redis://127.0.0.1:{port}/0", _env_file=None))
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200  # alive, though not ready
        r = client.get("/readyz")
        assert r.status_code == 503
        assert list(r.json()["problems"]) == ["broker"]
        assert str(port) not in r.text and "Traceback" not in r.text
