"""One contract for both service stores: SQLite (one machine) and PostgreSQL (several).

Every test runs against each backend: ``ServiceStore`` in a temporary data folder,
and ``PostgresServiceStore`` in a new database on a real PostgreSQL 15 server
(tests/service/pg_support.py; skipped with the reason when PostgreSQL is missing,
failed under CI).
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from api.service.store import (
    ApiKey,
    Job,
    ServiceStore,
    ServiceStoreProtocol,
    UnknownInstitution,
    open_service_store,
)
from api.settings import Settings


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request, tmp_path):
    """(backend name, a function that opens another store on the same state)."""
    if request.param == "sqlite":
        data = tmp_path / "data"
        return "sqlite", lambda: ServiceStore(data)
    url = request.getfixturevalue("pg_url")
    from api.service.store_pg import PostgresServiceStore

    opened: list[PostgresServiceStore] = []

    def open_pg() -> PostgresServiceStore:
        opened.append(PostgresServiceStore(url))
        return opened[-1]

    request.addfinalizer(lambda: [s.close() for s in opened])
    return "postgres", open_pg


@pytest.fixture()
def store(backend) -> ServiceStoreProtocol:
    return backend[1]()


def _job(store, sha="a" * 64, *, kind="add", institution="LU", webhook_url=None, path="/nowhere") -> tuple[Job, bool]:
    return store.create_job(kind=kind, institution=institution, key_id="k1", filename="darbs.pdf",
                            upload_sha256=sha, upload_path=path, metadata_json='{"title": "T"}',
                            supersedes=None, webhook_url=webhook_url)


def _recent(value: datetime) -> bool:
    now = datetime.now(UTC)
    return value.tzinfo is not None and value.utcoffset() == timedelta(0) and value.microsecond == 0 \
        and now - timedelta(minutes=1) < value <= now + timedelta(seconds=1)


# --- the protocol and the factory ------------------------------------------------------


def test_both_backends_implement_the_protocol(store):
    assert isinstance(store, ServiceStoreProtocol)
    store.ping()


def test_factory_chooses_the_backend(backend, tmp_path):
    name, _ = backend
    if name == "sqlite":
        store = open_service_store(Settings(data_dir=tmp_path / "d", _env_file=None))
        assert isinstance(store, ServiceStore) and store.path == tmp_path / "d" / "service.sqlite3"
    else:
        opened = backend[1]()
        url = opened._url  # noqa: SLF001 - the same database through the settings
        store = open_service_store(Settings(data_dir=tmp_path / "d", service_store_url=url, _env_file=None))
        assert type(store).__name__ == "PostgresServiceStore"
        assert url.split("@")[0].split(":")[-1] not in repr(store), "the password must not show"
        assert not (tmp_path / "d" / "service.sqlite3").exists()
        store.close()


def test_factory_refuses_other_urls_without_showing_them(tmp_path):
    settings = Settings(data_dir=tmp_path, service_store_url="mysql://u:hunter2@h/db", _env_file=None)
    with pytest.raises(ValueError) as err:
        open_service_store(settings)
    assert "hunter2" not in str(err.value)
    assert "hunter2" not in repr(settings) and "hunter2" not in str(settings.model_dump())
    from api.logs import scrub  # a URL that reaches a log line anyway is masked there

    assert "hunter2" not in scrub("cannot reach postgresql://kratuve:hunter2@db:5432/kratuve")
    assert "hunter2" not in scrub("connection: host=db user=kratuve password=hunter2")


def test_schema_is_created_once_and_stores_share_it(backend):
    first, second = backend[1](), backend[1]()  # opening twice is harmless
    first.add_institution("LU", "Latvijas Universitāte")
    assert [i.code for i in second.institutions()] == ["LU"]
    if backend[0] == "postgres":
        assert first.schema_version() == second.schema_version() == 1


def test_schema_creation_races_are_harmless(backend):
    if backend[0] != "postgres":
        pytest.skip("SQLite serialises schema creation by its file lock")
    from api.service.store_pg import PostgresServiceStore

    url = backend[1]()._url  # noqa: SLF001
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def open_one() -> None:
        try:
            barrier.wait()
            PostgresServiceStore(url).close()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


# --- institutions ----------------------------------------------------------------------


def test_institutions(store):
    inst = store.add_institution(" LU ", " Latvijas Universitāte ", webhook_url="https://lu.example/hook")
    assert (inst.code, inst.name, inst.webhook_url) == ("LU", "Latvijas Universitāte", "https://lu.example/hook")
    assert _recent(inst.created_at)
    store.add_institution("RTU", "Rīgas Tehniskā universitāte")
    with pytest.raises(ValueError, match="exists already"):
        store.add_institution("LU", "Again")
    with pytest.raises(ValueError):
        store.add_institution("", "No code")
    assert [i.code for i in store.institutions()] == ["LU", "RTU"]
    assert store.institution("LU") == inst
    assert store.institution("XX") is None

    secret = store.webhook_secret("LU")
    assert secret and len(secret) >= 32
    assert store.set_webhook("RTU", "https://rtu.example/h") == store.webhook_secret("RTU")
    assert store.institution("RTU").webhook_url == "https://rtu.example/h"
    assert store.set_webhook("RTU", None) and store.institution("RTU").webhook_url is None
    with pytest.raises(UnknownInstitution):
        store.set_webhook("XX", "https://x.example")
    assert store.webhook_secret("XX") is None


# --- API keys --------------------------------------------------------------------------


def test_keys_create_verify_revoke_list(store):
    store.add_institution("LU", "Latvijas Universitāte")
    key, secret = store.create_key("submitter", "LU", label="LUIS")
    assert isinstance(key, ApiKey) and secret.startswith(f"krt_{key.id}_")
    assert (key.role, key.institution, key.label, key.revoked) == ("submitter", "LU", "LUIS", False)
    assert _recent(key.created_at)
    assert store.verify_key(secret) == key
    assert store.verify_key(f"  {secret}  ") == key
    assert store.verify_key(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    assert store.verify_key("krt_nope_nope") is None
    assert store.verify_key("garbage") is None
    admin, admin_secret = store.create_key("admin", None)
    assert admin.institution is None and store.verify_key(admin_secret) == admin
    assert store.create_key("admin", "  ")[0].institution is None

    with pytest.raises(ValueError):
        store.create_key("examiner", None)
    with pytest.raises(ValueError):
        store.create_key("root", "LU")  # type: ignore[arg-type]
    with pytest.raises(UnknownInstitution):
        store.create_key("submitter", "XX")

    assert store.get_key(key.id) == key and store.get_key("nope") is None
    assert {k.id for k in store.keys()} >= {key.id, admin.id}
    assert [k.id for k in store.keys("LU")] == [key.id]
    assert store.keys("RTU") == []

    revoked = store.revoke_key(key.id)
    assert revoked.revoked and _recent(revoked.revoked_at)
    assert store.verify_key(secret) is None
    assert store.revoke_key(key.id).revoked_at == revoked.revoked_at  # revoking again keeps the first time
    with pytest.raises(KeyError):
        store.revoke_key("nope")


# --- uploads ---------------------------------------------------------------------------


def test_uploads_are_kept_and_read_back(store, tmp_path):
    payload = bytes(range(256)) * (5 * 4096 + 7)  # > 5 MiB: more than one chunk in PostgreSQL
    source = tmp_path / "in.pdf"
    source.write_bytes(payload)
    ref = store.put_upload(source, sha256="f" * 64, suffix=".pdf")
    source.unlink()  # the caller may delete its copy
    assert store.put_upload(tmp_path / "missing-but-kept-already.pdf", sha256="f" * 64, suffix=".pdf") == ref
    with store.open_upload(ref) as path:
        assert path is not None and path.name.endswith(".pdf") and path.read_bytes() == payload
        opened = path
    if not isinstance(store, ServiceStore):
        assert not opened.exists(), "the temporary copy is removed after use"
    with store.open_upload("db:" + "0" * 64 + ".pdf") as path:
        assert path is None
    with store.open_upload(str(tmp_path / "nothing.pdf")) as path:
        assert path is None


def test_uploads_stay_after_the_job_finishes(store, tmp_path):
    """As with SQLite always: the kept file is not removed when its job is done (a later
    submission of the same file reuses it)."""
    source = tmp_path / "t.txt"
    source.write_text("teksts")
    ref = store.put_upload(source, sha256="e" * 64, suffix=".txt")
    job, _ = _job(store, "e" * 64, path=ref)
    store.claim(job.id, 60)
    store.finish(job.id, report_id="r1", thesis_id="t1")
    with store.open_upload(ref) as path:
        assert path is not None and path.read_text() == "teksts"


# --- jobs ------------------------------------------------------------------------------


def test_create_and_dedupe(store):
    store.add_institution("LU", "Latvijas Universitāte")
    job, new = _job(store)
    assert new and job.state == "queued" and job.attempts == 0 and _recent(job.created_at)
    assert (job.kind, job.institution, job.key_id, job.filename) == ("add", "LU", "k1", "darbs.pdf")
    again, new2 = _job(store)
    assert not new2 and again.id == job.id
    assert _job(store, kind="check")[1], "another kind is another job"
    assert _job(store, institution="RTU")[1], "another institution is another job"
    none_inst, new3 = _job(store, institution=None)
    assert new3 and _job(store, institution=None) == (none_inst, False), "no institution dedupes too"
    store.claim(job.id, 60)
    assert _job(store)[0].id == job.id, "a running job still dedupes"
    store.finish(job.id, report_id="r1", thesis_id=None)
    third, new4 = _job(store)
    assert new4 and third.id != job.id, "a finished job does not"


def test_get_list_counts_unfinished(store):
    a, _ = _job(store, "1" * 64)
    b, _ = _job(store, "2" * 64, institution="RTU")
    c, _ = _job(store, "3" * 64)
    assert store.get_job(a.id) == a and store.get_job("nope") is None
    assert {j.id for j in store.jobs()} == {a.id, b.id, c.id}
    assert {j.id for j in store.jobs(institution="LU")} == {a.id, c.id}
    assert len(store.jobs(limit=2)) == 2 and len(store.jobs(limit=2, offset=2)) == 1
    store.claim(b.id, 60)
    store.claim(c.id, 60)
    store.fail(c.id, "bad")
    assert store.job_counts() == {"queued": 1, "running": 1, "failed": 1}
    assert set(store.unfinished_jobs()) == {a.id, b.id}


def test_claim_release_finish(store):
    job, _ = _job(store)
    work = store.claim(job.id, 60)
    assert work is not None and work.job.state == "running" and work.job.attempts == 1
    assert (work.upload_path, work.metadata_json, work.supersedes) == ("/nowhere", '{"title": "T"}', None)
    assert store.claim(job.id, 60) is None, "held by a live lease"
    store.release(job.id)
    assert store.get_job(job.id).state == "queued"
    again = store.claim(job.id, 60)
    assert again is not None and again.job.attempts == 2
    store.set_thesis(job.id, "t1")
    assert store.get_job(job.id).thesis_id == "t1"
    done = store.finish(job.id, report_id="r1", thesis_id=None, text="Ziņojuma teksts ā")
    assert (done.state, done.report_id, done.thesis_id, done.error) == ("done", "r1", "t1", None)
    assert _recent(done.finished_at)
    assert store.job_text(job.id) == "Ziņojuma teksts ā" and store.job_text("nope") is None
    assert store.job_for_report("r1") == done and store.job_for_report("nope") is None
    assert store.claim(job.id, 60) is None, "a finished job is never taken again"
    store.release(job.id)
    assert store.get_job(job.id).state == "done", "release leaves finished jobs alone"


def test_a_lapsed_lease_is_taken_again(store):
    job, _ = _job(store)
    assert store.claim(job.id, 1) is not None
    assert store.claim(job.id, 1) is None
    time.sleep(2.2)  # whole-second timestamps: more than a second past the lease
    work = store.claim(job.id, 60)
    assert work is not None and work.job.attempts == 2


def test_fail(store):
    job, _ = _job(store, kind="check")
    store.claim(job.id, 60)
    failed = store.fail(job.id, "x" * 5000)
    assert failed.state == "failed" and len(failed.error) == 2000 and _recent(failed.finished_at)
    assert store.claim(job.id, 60) is None


def test_concurrent_claims_have_one_winner(backend):
    """Eight stores (eight connections, as eight worker processes would have) race for one job."""
    first = backend[1]()
    stores = [backend[1]() for _ in range(8)]
    for round_ in range(3):
        job, _ = _job(first, f"{round_}" * 64)
        barrier = threading.Barrier(len(stores))
        wins: list[int] = []
        errors: list[BaseException] = []

        def race(i: int, s=None) -> None:
            try:
                barrier.wait()
                if stores[i].claim(job.id, 60) is not None:
                    wins.append(i)
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        threads = [threading.Thread(target=race, args=(i,)) for i in range(len(stores))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert len(wins) == 1, wins
        assert first.get_job(job.id).attempts == 1


def test_concurrent_submissions_of_one_file_make_one_job(backend):
    stores = [backend[1]() for _ in range(6)]
    barrier = threading.Barrier(len(stores))
    made: list[tuple[str, bool]] = []

    def submit(s) -> None:
        barrier.wait()
        job, new = _job(s, "9" * 64)
        made.append((job.id, new))

    threads = [threading.Thread(target=submit, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({job_id for job_id, _ in made}) == 1
    assert sum(new for _, new in made) == 1


# --- webhooks --------------------------------------------------------------------------


def test_webhook_target(store):
    store.add_institution("LU", "Latvijas Universitāte", webhook_url="https://lu.example/hook")
    own, _ = _job(store, "1" * 64, webhook_url="https://own.example/h")
    inherited, _ = _job(store, "2" * 64)
    blank, _ = _job(store, "3" * 64, webhook_url="")
    orphan, _ = _job(store, "4" * 64, institution=None)
    assert store.webhook_target(own.id) == "https://own.example/h"
    assert store.webhook_target(inherited.id) == "https://lu.example/hook"
    assert store.webhook_target(blank.id) == "https://lu.example/hook"
    assert store.webhook_target(orphan.id) is None
    assert store.webhook_target("nope") is None


def test_deliveries(store):
    job, _ = _job(store)
    d = store.add_delivery(job.id, "https://lu.example/hook")
    assert (d.job_id, d.url, d.state, d.attempts, d.last_status) == (job.id, "https://lu.example/hook", "pending", 0, None)
    second = store.add_delivery(job.id, "https://lu.example/other")
    assert second.id != d.id
    store.record_attempt(d.id, state="pending", status=500, error=None)
    store.record_attempt(d.id, state="delivered", status=204, error=None)
    got = store.delivery(d.id)
    assert (got.state, got.attempts, got.last_status) == ("delivered", 2, 204)
    store.record_attempt(second.id, state="failed", status=None, error="ConnectTimeout")
    assert store.delivery(second.id).last_error == "ConnectTimeout"
    assert [x.id for x in store.deliveries(job.id)] == [d.id, second.id]
    assert store.deliveries("nope") == [] and store.delivery(999999) is None


def test_stores_on_separate_handles_see_each_others_writes(backend, tmp_path):
    """What the API writes, a worker's own store reads (and back)."""
    api, worker = backend[1](), backend[1]()
    source = tmp_path / "t.txt"
    source.write_text("sveiki")
    ref = api.put_upload(source, sha256="c" * 64, suffix=".txt")
    job, _ = _job(api, "c" * 64, path=ref)
    work = worker.claim(job.id, 60)
    with worker.open_upload(work.upload_path) as path:
        assert Path(path).read_text() == "sveiki"
    worker.finish(job.id, report_id="r9", thesis_id="t9")
    assert api.get_job(job.id).state == "done"


# --- PostgreSQL only: connections the server dropped ----------------------------------


def _drop_connections(url: str) -> int:
    import psycopg

    dbname = url.rsplit("/", 1)[1]
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = %s AND pid <> pg_backend_pid()", (dbname,)).fetchall()
    return len(rows)


def test_postgres_store_recovers_when_the_server_drops_its_connections(backend, monkeypatch):
    if backend[0] != "postgres":
        pytest.skip("PostgreSQL connections only")
    import psycopg

    import api.service.store_pg as store_pg

    store = backend[1]()
    store.add_institution("LU", "Latvijas Universitāte")
    assert _drop_connections(store._url) >= 1  # noqa: SLF001 - a server restart, as the store sees it
    # A connection idle past the check interval is tested before use: no error at all.
    monkeypatch.setattr(store_pg, "_CHECK_IDLE_S", 0.0)
    assert [i.code for i in store.institutions()] == ["LU"]
    # Without the check, one call fails (a transient error: the job is retried), the next reconnects.
    monkeypatch.setattr(store_pg, "_CHECK_IDLE_S", 3600.0)
    _drop_connections(store._url)  # noqa: SLF001
    try:
        store.institutions()
    except psycopg.OperationalError as exc:
        assert isinstance(exc, store.transient_errors)
    assert [i.code for i in store.institutions()] == ["LU"]


# --- the service on PostgreSQL, in-process ---------------------------------------------


def test_the_rest_api_runs_on_the_postgres_store(pg_url, tmp_path):
    """The real app with service_store_url set: a submission is kept in the database, run,
    and its report and check-only text read back; the data folder gets no service state."""
    import json as json_

    from service_support import DEMO, make_service

    svc = make_service(tmp_path, service_store_url=pg_url)
    try:
        assert type(svc.app.state.store).__name__ == "PostgresServiceStore"
        headers = svc.auth("lu_sub")
        meta = json_.dumps({"title": "Cilvēktiesības", "institution": "LU", "year": 2024})
        text = (DEMO / "udhr.lv.txt").read_bytes()
        r = svc.client.post("/api/v1/theses", headers=headers, files={"file": ("darbs.txt", text)},
                            data={"metadata": meta})
        assert r.status_code == 202, r.text
        job = svc.client.get(f"/api/v1/jobs/{r.json()['id']}", headers=headers).json()
        assert job["state"] == "done" and job["thesis_id"] and job["report_id"], job
        copy = text + "\n\nMans secinājums ir tāds, ka tiesības ir svarīgas visiem.".encode()
        draft = svc.client.post("/api/v1/checks", headers=headers, files={"file": ("melnraksts.txt", copy)})
        assert draft.status_code == 202, draft.text
        checked = svc.client.get(f"/api/v1/jobs/{draft.json()['id']}", headers=headers).json()
        assert checked["state"] == "done", checked
        report = svc.client.get(f"/api/v1/reports/{checked['report_id']}", headers=svc.auth("lu_exam")).json()
        assert report["similarity_index"] > 90
        assert "Mans secinājums" in svc.app.state.store.job_text(checked["id"])
        assert svc.client.get("/readyz").json() == {"status": "ready"}
        data = svc.settings.data_dir
        assert not (data / "service.sqlite3").exists()
        assert not [p for p in (data / "uploads").glob("*") if p.is_file()]
    finally:
        svc.client.close()
        svc.app.state.store.close()
