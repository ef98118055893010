"""The production topology as real processes on loopback: Redis, two workers, one API server.

Nothing is faked: redis-server, two ``kratuve worker`` processes (concurrency 2
each, so four Celery processes compete for jobs), ``kratuve serve`` with the
broker set (no inline worker), keys made with ``kratuve admin``, theses sent
over HTTP. It checks what an operator relies on when scaling out: every job
finishes, each thesis is stored once, each job runs once, a thesis stored by
one worker is found by a check that runs on another, and reports arrive.

The second variant puts the service store in a real PostgreSQL server and gives the
API and each worker a data_dir of its own (as on separate machines): uploads reach
the workers through the database. Only the embedded thesis repository is one shared
folder (``repository_dir``), standing in for Elasticsearch, which cannot run here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from deploy_support import pg_support
from local_servers import free_port as _free_port

pytestmark = pytest.mark.slow

REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
DEMO = Path(__file__).resolve().parents[2] / "api" / "demo" / "data"
TERMINAL = {"done", "failed", "error", "succeeded", "completed", "cancelled"}
# Six distinct theses from the texts shipped with the package (Latvian and English).
THESES = [
    ("udhr.lv.txt", "Cilvēktiesību deklarācijas teksts", "lv"),
    ("udhr.en.txt", "The Universal Declaration of Human Rights", "en"),
    ("common_voice_terms.lv.txt", "Common Voice lietošanas noteikumi", "lv"),
    ("common_voice_terms.en.txt", "Common Voice terms of use", "en"),
    ("common_voice_privacy_notice.lv.txt", "Common Voice privātuma paziņojums", "lv"),
    ("common_voice_privacy_notice.en.txt", "Common Voice privacy notice", "en"),
]
DEADLINE_S = 600  # a hang fails the test instead of blocking CI; not a timing assertion


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen
    log: Path

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return f"--- {self.name} (exit {self.popen.poll()}) ---\n" + "\n".join(text.splitlines()[-lines:])


class Topology:
    """Starts processes, remembers them, stops exactly those."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.procs: list[Proc] = []
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("KRATUVE_")}

    def start(self, name: str, command: list[str], env: dict[str, str] | None = None) -> Proc:
        """``env``: this process's own variables over the shared ones (its own data_dir, say)."""
        log = self.root / f"{name}.log"
        handle = log.open("wb")
        popen = subprocess.Popen(command, cwd=self.root, env={**self.env, **(env or {})}, stdout=handle,
                                 stderr=subprocess.STDOUT, start_new_session=True)
        handle.close()
        proc = Proc(name, popen, log)
        self.procs.append(proc)
        return proc

    def kratuve(self, *args: str, timeout: float = 120, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "api.cli", *args], cwd=self.root, env={**self.env, **(env or {})},
                              capture_output=True, text=True, timeout=timeout)

    def check_alive(self) -> None:
        dead = [p for p in self.procs if p.popen.poll() is not None]
        if dead:
            pytest.fail("a process exited early:\n" + "\n".join(p.tail() for p in dead))

    def logs(self) -> str:
        return "\n".join(p.tail() for p in self.procs)

    def stop(self) -> None:
        # SIGTERM to each process group we started (Celery's pool children included), then SIGKILL.
        for proc in reversed(self.procs):
            if proc.popen.poll() is None:
                try:
                    os.killpg(proc.popen.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for proc in reversed(self.procs):
            try:
                proc.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.popen.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.popen.wait(timeout=10)


def _wait_for(what: str, predicate, topology: Topology, timeout: float = 90.0, every: float = 0.5):
    end = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        topology.check_alive()
        if time.monotonic() > end:
            pytest.fail(f"{what}: still not ready after {timeout:.0f} s\n{topology.logs()}")
        time.sleep(every)


@pytest.fixture
def topology(tmp_path):
    yield from _topology(tmp_path, {"api": {}, "worker1": {}, "worker2": {}})


@pytest.fixture(scope="module")
def pg_server():
    server = pg_support().start_server()
    yield server
    server.stop()


@pytest.fixture
def pg_topology(tmp_path, pg_server):
    """The service store in PostgreSQL; the API and each worker with a data_dir of its own
    (separate machines), one shared folder for the embedded thesis repository."""
    tmp_path.joinpath("repository").mkdir()
    top_env = {"KRATUVE_SERVICE_STORE_URL": pg_server.create_database(),
               "KRATUVE_REPOSITORY_DIR": str(tmp_path / "repository")}
    per_process = {name: {"KRATUVE_DATA_DIR": str(tmp_path / f"{name}-data")} for name in ("api", "worker1", "worker2")}
    yield from _topology(tmp_path, per_process, top_env)


def _topology(tmp_path: Path, per_process: dict[str, dict[str, str]], shared: dict[str, str] | None = None):
    if not Path(REDIS).exists():
        pytest.skip("redis-server is not installed (scripts/setup.sh --dev installs it)")
    import httpx
    import redis

    top = Topology(tmp_path)
    redis_port, http_port = _free_port(), _free_port()
    top.env.update({
        "KRATUVE_DATA_DIR": str(tmp_path / "data"),
        **(shared or {}),
        "KRATUVE_BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
        "KRATUVE_LOG_FORMAT": "json",
        "KRATUVE_LOG_LEVEL": "INFO",
        "KRATUVE_PUBLIC_BASE_URL": f"http://127.0.0.1:{http_port}",
        "OMP_NUM_THREADS": "1",
        "PYTHONUNBUFFERED": "1",
    })
    try:
        top.start("redis", [REDIS, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                            "--appendonly", "no"])
        client = redis.Redis(port=redis_port)
        _wait_for("redis", lambda: _ping(client), top, timeout=30, every=0.1)

        admin = top.kratuve("admin", "institution", "add", "LU", "Latvijas Universitāte", env=per_process["api"])
        assert admin.returncode == 0, admin.stdout + admin.stderr
        key_run = top.kratuve("admin", "key", "create", "--institution", "LU", "--role", "submitter",
                              env=per_process["api"])
        assert key_run.returncode == 0, key_run.stdout + key_run.stderr
        lines = [line.strip() for line in key_run.stdout.splitlines() if line.strip()]
        assert lines, "kratuve admin key create printed no key"
        top.key = lines[-1].split()[-1]

        for n in (1, 2):
            top.start(f"worker{n}", [sys.executable, "-m", "api.cli", "worker", "--concurrency", "2"],
                      env=per_process[f"worker{n}"])
        top.start("api", [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(http_port),
                          "--no-inline-worker"], env=per_process["api"])
        top.http = httpx.Client(base_url=f"http://127.0.0.1:{http_port}", timeout=60,
                                headers={"Authorization": f"Bearer {top.key}", "X-API-Key": top.key})
        _wait_for("the API's /readyz", lambda: _status(top.http, "/readyz") == 200, top, timeout=120)
        _wait_for("two workers on the broker", lambda: _workers_ready(client, top), top, timeout=120)
        yield top
    finally:
        if getattr(top, "http", None) is not None:
            top.http.close()
        top.stop()


def _ping(client) -> bool:
    try:
        return bool(client.ping())
    except Exception:
        return False


def _status(http, path: str) -> int:
    try:
        return http.get(path).status_code
    except Exception:
        return 0


def _workers_ready(client, top: Topology) -> bool:
    """Both workers listen: two pidbox bindings on the broker (one per worker node name), or
    both workers' logs say "ready" (two workers started with the same node name share a binding)."""
    try:
        bindings = len(client.smembers("_kombu.binding.celery.pidbox"))
    except Exception:
        bindings = 0
    if bindings >= 2:
        return True
    workers = [p for p in top.procs if p.name.startswith("worker")]
    return all(" ready" in p.log.read_text(errors="replace") for p in workers)


def _job_id(body: dict) -> str:
    for key in ("id", "job_id"):
        if key in body:
            return str(body[key])
    if "job" in body:
        return _job_id(body["job"])
    raise AssertionError(f"no job id in {body}")


def _job_status(job: dict) -> str:
    return str(job.get("status") or job.get("state") or "").lower()


def _submit(top: Topology, path: Path, title: str, language: str) -> str:
    metadata = {"title": title, "authors": ["Test Autors"], "institution": "LU", "degree": "master",
                "year": 2025, "languages": [language], "access": "open"}
    response = top.http.post(
        "/api/v1/theses",
        files={"file": (path.name, path.read_bytes(), "text/plain")},
        data={"metadata": json.dumps(metadata, ensure_ascii=False)},
    )
    assert response.status_code == 202, f"{response.status_code} {response.text}\n{top.logs()}"
    return _job_id(response.json())


def _wait_jobs(top: Topology, job_ids: list[str]) -> dict[str, dict]:
    jobs: dict[str, dict] = {}

    def all_done() -> bool:
        for job_id in job_ids:
            if job_id in jobs and _job_status(jobs[job_id]) in TERMINAL:
                continue
            response = top.http.get(f"/api/v1/jobs/{job_id}")
            assert response.status_code == 200, f"{response.status_code} {response.text}"
            jobs[job_id] = response.json()
        return all(_job_status(job) in TERMINAL for job in jobs.values()) and len(jobs) == len(job_ids)

    _wait_for("jobs to finish", all_done, top, timeout=DEADLINE_S, every=1.0)
    return jobs


def _report_id(job: dict) -> str:
    for key in ("report_id", "report"):
        value = job.get(key) or (job.get("result") or {}).get(key)
        if isinstance(value, dict):
            value = value.get("id")
        if value:
            return str(value)
    raise AssertionError(f"no report id in job {job}")


def _thesis_id(job: dict) -> str | None:
    value = job.get("thesis_id") or (job.get("result") or {}).get("thesis_id")
    return str(value) if value else None


JOB_START = re.compile(r"^job (\S+): (?:add|check), attempt \d+$")


def _job_runs_in_worker_logs(top: Topology) -> Counter:
    """(job id, worker) -> how many times that worker started the job, from its JSON log lines
    (``api/worker/process.py`` logs "job <id>: <kind>, attempt <n>" when it takes a job)."""
    runs: Counter = Counter()
    for proc in top.procs:
        if not proc.name.startswith("worker"):
            continue
        for line in proc.log.read_text(errors="replace").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if not isinstance(entry, dict):
                continue
            match = JOB_START.match(str(entry.get("message", "")))
            if match:
                runs[(entry.get("job_id") or match[1], proc.name)] += 1
    return runs


def test_two_workers_process_each_submission_once(topology):
    _two_workers_process_each_submission_once(topology, Path(topology.env["KRATUVE_DATA_DIR"]))


def test_separate_machines_share_a_postgres_service_store(pg_topology):
    """API and workers share no data folder for the service state: jobs, keys and the
    uploaded files travel through PostgreSQL; each job still runs exactly once."""
    top = pg_topology
    _two_workers_process_each_submission_once(top, Path(top.env["KRATUVE_REPOSITORY_DIR"]))
    # Nothing of the service state was written to any machine's own folder.
    for name in ("api", "worker1", "worker2"):
        data = top.root / f"{name}-data"
        assert not (data / "service.sqlite3").exists(), name
        kept = [p for p in (data / "uploads").glob("*") if p.is_file()] if (data / "uploads").exists() else []
        assert kept == [], f"{name} kept uploads on its own disk: {kept}"
    assert not (top.root / "data").exists(), "the shared default data_dir was not used"
    assert (top.root / "repository" / "kratuve.sqlite3").is_file()
    assert not any((top.root / f"{name}-data" / "kratuve.sqlite3").exists() for name in ("api", "worker1", "worker2"))


def _two_workers_process_each_submission_once(top: Topology, repository_dir: Path) -> None:
    from repository.embedded import EmbeddedRepository
    from ingest.checksum import sha256_file

    paths = [DEMO / name for name, _, _ in THESES]
    job_ids = [_submit(top, path, title, language) for path, (_, title, language) in zip(paths, THESES)]
    assert len(set(job_ids)) == len(job_ids)
    jobs = _wait_jobs(top, job_ids)
    failed = {j: job for j, job in jobs.items() if _job_status(job) != "done"}
    assert not failed, f"{failed}\n{top.logs()}"

    # A submission that copies paragraphs of the first thesis: whichever worker runs it must
    # find the thesis another worker stored.
    source_text = paths[0].read_text(encoding="utf-8")
    paragraphs = [p for p in source_text.split("\n") if len(p.split()) >= 25][:4]
    assert len(paragraphs) == 4
    own = ("Šajā darbā aplūkota universitāšu noslēguma darbu glabāšana un līdzības pārbaude. "
           "Autors apraksta repozitorija uzbūvi, datu plūsmu un pārbaudes ziņojumu. ") * 3
    composite = top.root / "composite.txt"
    composite.write_text("\n\n".join([own, *paragraphs, own]), encoding="utf-8")
    last = _submit(top, composite, "Darbs ar aizgūtām rindkopām", "lv")
    jobs.update(_wait_jobs(top, [last]))
    assert _job_status(jobs[last]) == "done", f"{jobs[last]}\n{top.logs()}"

    # Each job ran exactly once: attempts in the job store, and start lines in the worker logs.
    for job_id, job in jobs.items():
        assert job["attempts"] == 1, job
    runs = _job_runs_in_worker_logs(top)
    per_job = Counter(job_id for job_id, _ in runs.elements())
    assert set(per_job) == set(jobs), f"start lines for {sorted(per_job)}, jobs {sorted(jobs)}"
    assert all(count == 1 for count in per_job.values()), per_job
    assert len({worker for _, worker in runs}) == 2, f"both workers should have taken jobs: {runs}"

    # Reports arrive over HTTP.
    reports = {}
    for job_id, job in jobs.items():
        response = top.http.get(f"/api/v1/reports/{_report_id(job)}")
        assert response.status_code == 200, f"{response.status_code} {response.text}"
        reports[job_id] = response.json()
        assert "similarity_index" in reports[job_id]
    source_thesis = _thesis_id(jobs[job_ids[0]])
    copied = reports[last]
    assert copied["similarity_index"] > 10
    assert source_thesis is None or source_thesis in {s["source"]["id"] for s in copied["sources"]}

    # Each thesis is stored exactly once (the servers are still running: read-only look).
    repository = EmbeddedRepository(repository_dir)
    stored = repository.list(limit=100)
    assert repository.count() == len(paths) + 1 == len(stored)
    digests = Counter(record.sha256 for record in stored)
    assert all(n == 1 for n in digests.values())
    for path in [*paths, composite]:
        assert repository.find_by_sha256(sha256_file(path)) is not None, path.name

    # And the /metrics endpoint counts them.
    metrics = top.http.get("/metrics")
    assert metrics.status_code == 200 and "kratuve" in metrics.text
