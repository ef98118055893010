"""/metrics shows the Redis queue depth: submissions wait there while no worker runs."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from service_support import DEMO
from test_workers_redis import pytestmark, redis_url  # noqa: F401 - the real Redis fixture (skips without it)

from api.settings import Settings


def test_queue_depth_in_metrics(tmp_path, redis_url):  # noqa: F811
    from api.service.app import create_app

    app = create_app(Settings(data_dir=tmp_path / "data", broker_url=redis_url, _env_file=None))
    app.state.store.add_institution("LU", "Latvijas Universitāte")
    auth = {"Authorization": f"Bearer {app.state.store.create_key('submitter', 'LU')[1]}"}
    with TestClient(app) as client:
        assert "kratuve_queue_depth 0.0" in client.get("/metrics").text
        for name in ("udhr.lv.txt", "udhr.en.txt"):
            r = client.post("/api/v1/theses", headers=auth, files={"file": (name, (DEMO / name).read_bytes())},
                            data={"metadata": json.dumps({"title": name, "institution": "LU"})})
            assert r.status_code == 202, r.text
        text = client.get("/metrics").text
        assert "kratuve_queue_depth 2.0" in text and 'kratuve_jobs{state="queued"} 2.0' in text
        assert client.get("/readyz").json() == {"status": "ready"}
