"""The embedded default, live: ``kratuve admin`` makes an institution and keys, ``kratuve serve``
(no broker URL: the file broker, and a worker process it starts itself) takes a submission
over HTTP, and the job finishes with a report. Real processes, real files, real SQLite."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from service_support import DEMO
from local_servers import free_port

ROOT = Path(__file__).resolve().parents[2]


def kratuve(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "api.cli", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture()
def env(tmp_path):
    e = {k: v for k, v in os.environ.items() if not k.startswith("KRATUVE_")}
    e["KRATUVE_DATA_DIR"] = str(tmp_path / "data")
    return e


def test_admin_cli_manages_institutions_and_keys(env):
    assert kratuve(env, "admin", "institution", "add", "LU", "Latvijas Universitāte").returncode == 0
    again = kratuve(env, "admin", "institution", "add", "LU", "Cits nosaukums")
    assert again.returncode != 0 and "LU" in again.stderr
    made = kratuve(env, "admin", "key", "create", "--institution", "LU", "--role", "submitter", "--json")
    assert made.returncode == 0, made.stderr
    key = json.loads(made.stdout)
    assert key["key"].startswith("krt_") and key["role"] == "submitter" and key["institution"] == "LU"
    unknown = kratuve(env, "admin", "key", "create", "--institution", "XX", "--role", "examiner")
    assert unknown.returncode != 0 and "unknown institution" in unknown.stderr
    listed = kratuve(env, "admin", "key", "list")
    assert key["id"] in listed.stdout and "active" in listed.stdout
    assert key["key"].split("_", 2)[2] not in listed.stdout  # the secret is shown at creation only
    assert kratuve(env, "admin", "key", "revoke", key["id"]).returncode == 0
    assert "revoked" in kratuve(env, "admin", "key", "list").stdout
    assert kratuve(env, "admin", "key", "revoke", "nosuchkey").returncode != 0


def test_serve_with_the_embedded_broker_runs_jobs(env):
    assert kratuve(env, "admin", "institution", "add", "LU", "Latvijas Universitāte").returncode == 0
    made = kratuve(env, "admin", "key", "create", "--institution", "LU", "--role", "submitter", "--json")
    secret = json.loads(made.stdout)["key"]
    port = free_port()
    log = Path(env["KRATUVE_DATA_DIR"]) / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
                                  env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            pytest.fail(f"kratuve serve did not answer: {log.read_text(errors='replace')[-2000:]}")
        assert httpx.get(f"{base}/readyz").json() == {"status": "ready"}
        auth = {"Authorization": f"Bearer {secret}"}
        r = httpx.post(f"{base}/api/v1/theses", headers=auth, timeout=60,
                       files={"file": ("darbs.txt", (DEMO / "udhr.lv.txt").read_bytes())},
                       data={"metadata": json.dumps({"title": "Cilvēktiesības", "institution": "LU", "year": 2024})})
        assert r.status_code == 202, r.text
        job_id = r.json()["id"]
        deadline = time.monotonic() + 240  # a bound, not a measurement: the worker process starts cold
        job = r.json()
        while job["state"] in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.5)
            job = httpx.get(f"{base}/api/v1/jobs/{job_id}", headers=auth).json()
        assert job["state"] == "done", (job, log.read_text(errors="replace")[-3000:])
        report = httpx.get(f"{base}/api/v1/reports/{job['report_id']}", headers=auth)
        assert report.status_code == 200 and report.json()["submission"]["name"] == "darbs.txt"
        thesis = httpx.get(f"{base}/api/v1/theses/{job['thesis_id']}").json()
        assert thesis["metadata"]["title"] == "Cilvēktiesības"
        found = httpx.get(f"{base}/api/v1/search", params={"q": "tiesības"}).json()
        assert [h["thesis_id"] for h in found["hits"]] == [job["thesis_id"]]
        metrics = httpx.get(f"{base}/metrics").text
        assert 'kratuve_jobs{state="done"} 1.0' in metrics
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(10)
