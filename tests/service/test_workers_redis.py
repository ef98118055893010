"""Real Redis (Debian's redis-server), real Celery worker processes, real pipeline.

- a submission goes API -> Redis -> worker -> report;
- a worker killed with SIGKILL in the middle of a job loses nothing: a new worker
  takes the job again (late acknowledgement, visibility timeout) and it completes
  exactly once (one thesis, one report);
- the university's webhook is called, signed, and retried after a failure.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from local_servers import REDIS, redis_server
from service_support import DEMO

pytestmark = pytest.mark.skipif(REDIS is None, reason="redis-server is not installed (apt-get install redis-server)")
BIG_PDF = Path(__file__).resolve().parents[3] / "shared" / "data" / "theses" / "synthetic-lv" / "thesis.pdf"


@pytest.fixture()
def redis_url():
    with redis_server() as (_, url):
        yield url


@pytest.fixture()
def env(tmp_path, redis_url):
    return {**os.environ, "KRATUVE_DATA_DIR": str(tmp_path / "data"), "KRATUVE_BROKER_URL": redis_url,
            "KRATUVE_VISIBILITY_TIMEOUT_S": "4", "KRATUVE_JOB_LEASE_S": "3", "KRATUVE_WEBHOOK_BACKOFF_S": "0.5",
            "KRATUVE_TASK_RETRY_BACKOFF_S": "0.5", "OMP_NUM_THREADS": "1"}


def start_worker(env, log: Path) -> subprocess.Popen:
    out = log.open("ab")
    return subprocess.Popen([sys.executable, "-m", "api.cli", "worker", "--concurrency", "1"], env=env,
                            stdout=out, stderr=subprocess.STDOUT)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture()
def api(env, monkeypatch):
    from api.service.app import create_app
    from api.settings import Settings

    for k in ("KRATUVE_DATA_DIR", "KRATUVE_BROKER_URL", "KRATUVE_VISIBILITY_TIMEOUT_S", "KRATUVE_JOB_LEASE_S"):
        monkeypatch.setenv(k, env[k])
    app = create_app(Settings(_env_file=None))
    app.state.store.add_institution("LU", "Latvijas Universitāte")
    key = app.state.store.create_key("submitter", "LU")[1]
    with TestClient(app) as client:
        yield app, client, {"Authorization": f"Bearer {key}"}


def wait_for(fn, timeout: float, what: str):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def submit(client, auth, path: Path | None = None, data: bytes | None = None, name: str = "darbs.txt"):
    content = path.read_bytes() if path else data
    r = client.post("/api/v1/theses", headers=auth, files={"file": (path.name if path else name, content)},
                    data={"metadata": json.dumps({"title": "Darbs", "institution": "LU"})})
    assert r.status_code == 202, r.text
    return r.json()["id"]


def big_submission(tmp_path: Path) -> Path:
    if BIG_PDF.exists():
        return BIG_PDF
    text = (DEMO / "lvtb-docs.lv.txt").read_text(encoding="utf-8")
    path = tmp_path / "liels.txt"
    path.write_text("\n\n".join(f"{k}. {text}" for k in range(12)), encoding="utf-8")
    return path


def test_submission_through_redis(api, env, tmp_path):
    app, client, auth = api
    worker = start_worker(env, tmp_path / "worker.log")
    try:
        job_id = submit(client, auth, data=(DEMO / "udhr.lv.txt").read_bytes())
        job = wait_for(lambda: (j := app.state.store.get_job(job_id)).state in ("done", "failed") and j, 90, "the job")
        assert job.state == "done", job.error
        assert app.state.repository.get_report(job.report_id).thesis_id == job.thesis_id
    finally:
        stop(worker)


def test_worker_killed_mid_job_loses_nothing(api, env, tmp_path):
    app, client, auth = api
    store = app.state.store
    first = start_worker(env, tmp_path / "worker1.log")
    try:
        job_id = submit(client, auth, path=big_submission(tmp_path))
        wait_for(lambda: store.get_job(job_id).state == "running", 90, "the first worker to start the job")
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        assert store.get_job(job_id).state == "running"  # taken, unfinished, its worker gone
        assert app.state.repository.count() == 0
    finally:
        stop(first)
    second = start_worker(env, tmp_path / "worker2.log")
    try:
        job = wait_for(lambda: (j := store.get_job(job_id)).state in ("done", "failed") and j, 240,
                       "the second worker to finish the job")
        assert job.state == "done", job.error
        assert job.attempts == 2
        assert app.state.repository.count() == 1
        time.sleep(6)  # past the visibility timeout: no third run turns up
        assert store.get_job(job_id).attempts == 2
        assert app.state.repository.count() == 1
        assert len(store.jobs()) == 1
    finally:
        stop(second)


class _Hook(BaseHTTPRequestHandler):
    calls: list = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Hook.calls.append((dict(self.headers), body))
        self.send_response(500 if len(_Hook.calls) == 1 else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_webhook_signed_and_retried(api, env, tmp_path):
    app, client, auth = api
    _Hook.calls = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = app.state.store.set_webhook("LU", f"http://127.0.0.1:{server.server_address[1]}/hook")
    worker = start_worker(env, tmp_path / "worker.log")
    try:
        job_id = submit(client, auth, data=(DEMO / "udhr.en.txt").read_bytes())
        wait_for(lambda: len(_Hook.calls) >= 2, 90, "the webhook to be retried")
        for headers, body in _Hook.calls:
            expected = hmac.new(secret.encode(), headers["X-Kratuve-Timestamp"].encode() + b"." + body,
                                hashlib.sha256).hexdigest()
            assert headers["X-Kratuve-Signature"] == f"sha256={expected}"
            payload = json.loads(body)
            assert payload["job_id"] == job_id and payload["state"] == "done" and payload["report_id"]
        [delivery] = wait_for(lambda: [d for d in app.state.store.deliveries(job_id) if d.state == "delivered"], 30,
                              "the delivery to be recorded")
        assert delivery.attempts == 2 and delivery.last_status == 200
    finally:
        stop(worker)
        server.shutdown()
