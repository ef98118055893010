"""The service's own state: institutions, API keys (hashed), jobs, kept uploads and
webhook deliveries.

The thesis repository (embedded SQLite or Elasticsearch) holds theses and reports;
this store holds who may do what and what is being done. Two backends share one
interface (:class:`ServiceStoreProtocol`), chosen by ``service_store_url``
(:func:`open_service_store`):

- :class:`ServiceStore`: SQLite in ``<data_dir>/service.sqlite3`` (WAL), uploads kept in
  ``<data_dir>/uploads``. Every call opens a short connection, so the store is safe to
  share between threads and processes: the API and any number of workers on one machine.
- ``PostgresServiceStore`` (``api/service/store_pg.py``): a PostgreSQL database, uploads
  kept in it too, so API processes and workers may run on different machines.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sqlite3
import zlib
import shutil
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

from pydantic import BaseModel

if TYPE_CHECKING:
    from api.settings import Settings

Role = Literal["submitter", "examiner", "admin"]
JobState = Literal["queued", "running", "done", "failed"]
DB_FILENAME = "service.sqlite3"
UPLOADS_DIRNAME = "uploads"
KEY_PREFIX = "krt"

# The tables of both backends, written once: {ts} is a timestamp column (ISO text in SQLite,
# timestamptz in PostgreSQL), {blob} bytes, {serial} an id the database numbers.
_TABLES = """
CREATE TABLE IF NOT EXISTS institution (
    code           TEXT PRIMARY KEY,   -- the value of ThesisMetadata.institution
    name           TEXT NOT NULL,
    webhook_url    TEXT,
    webhook_secret TEXT,
    created_at     {ts} NOT NULL
);
CREATE TABLE IF NOT EXISTS api_key (
    id          TEXT PRIMARY KEY,      -- public part, shown in lists and logs
    secret_hash TEXT NOT NULL,         -- sha256 of the secret part
    role        TEXT NOT NULL,
    institution TEXT REFERENCES institution(code),
    label       TEXT NOT NULL DEFAULT '',
    created_at  {ts} NOT NULL,
    revoked_at  {ts}
);
CREATE TABLE IF NOT EXISTS job (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,       -- add | check
    state         TEXT NOT NULL,
    institution   TEXT,
    key_id        TEXT,
    filename      TEXT NOT NULL,
    upload_sha256 TEXT NOT NULL,
    upload_path   TEXT NOT NULL,
    metadata_json TEXT,
    supersedes    TEXT,
    webhook_url   TEXT,
    thesis_id     TEXT,
    report_id     TEXT,
    error         TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    lease_until   {ts},
    created_at    {ts} NOT NULL,
    updated_at    {ts} NOT NULL,
    finished_at   {ts}
);
CREATE INDEX IF NOT EXISTS job_report ON job(report_id);
CREATE INDEX IF NOT EXISTS job_dedupe ON job(institution, kind, upload_sha256, state);
CREATE INDEX IF NOT EXISTS job_state ON job(state);
CREATE TABLE IF NOT EXISTS job_text (       -- extracted text of check-only drafts, for the report viewer
    job_id TEXT PRIMARY KEY REFERENCES job(id) ON DELETE CASCADE,
    text_z {blob} NOT NULL
);
CREATE TABLE IF NOT EXISTS webhook_delivery (
    id           {serial},
    job_id       TEXT NOT NULL REFERENCES job(id),
    url          TEXT NOT NULL,
    state        TEXT NOT NULL,       -- pending | delivered | failed
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_status  INTEGER,
    last_error   TEXT,
    created_at   {ts} NOT NULL,
    delivered_at {ts}
);
CREATE INDEX IF NOT EXISTS webhook_delivery_job ON webhook_delivery(job_id);
"""


def tables_sql(*, ts: str, blob: str, serial: str) -> str:
    """The shared tables in one backend's column types."""
    return _TABLES.format(ts=ts, blob=blob, serial=serial)


_SCHEMA = tables_sql(ts="TEXT", blob="BLOB", serial="INTEGER PRIMARY KEY")


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _iso(value: datetime) -> str:
    return value.isoformat()


class Institution(BaseModel):
    code: str
    name: str
    webhook_url: str | None = None
    created_at: datetime


class ApiKey(BaseModel):
    id: str
    role: Role
    institution: str | None
    label: str = ""
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class Job(BaseModel):
    id: str
    kind: Literal["add", "check"]
    state: JobState
    institution: str | None
    key_id: str | None = None
    filename: str
    upload_sha256: str
    thesis_id: str | None = None
    report_id: str | None = None
    error: str | None = None
    attempts: int = 0
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None = None


class JobWork(BaseModel):
    """What a worker needs to run a job (never shown to clients: it holds the upload path)."""

    job: Job
    upload_path: str
    metadata_json: str | None
    supersedes: str | None
    webhook_url: str | None


class Delivery(BaseModel):
    id: int
    job_id: str
    url: str
    state: str
    attempts: int
    last_status: int | None = None
    last_error: str | None = None


class UnknownInstitution(ValueError):
    pass


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@runtime_checkable
class ServiceStoreProtocol(Protocol):
    """What the API, the workers and the admin commands use of the service store.

    Both backends implement it with the same behaviour (tests/service/test_store_contract.py
    runs one suite against each): timestamps are UTC, whole seconds.
    """

    #: errors worth retrying (a locked or unreachable database): a worker releases the job
    transient_errors: tuple[type[BaseException], ...]

    def ping(self) -> None: ...

    def close(self) -> None: ...

    # institutions
    def add_institution(self, code: str, name: str, *, webhook_url: str | None = None) -> Institution: ...
    def set_webhook(self, code: str, url: str | None) -> str: ...
    def institution(self, code: str) -> Institution | None: ...
    def webhook_secret(self, code: str) -> str | None: ...
    def institutions(self) -> list[Institution]: ...

    # API keys
    def create_key(self, role: Role, institution: str | None, *, label: str = "") -> tuple[ApiKey, str]: ...
    def verify_key(self, presented: str) -> ApiKey | None: ...
    def get_key(self, key_id: str) -> ApiKey | None: ...
    def keys(self, institution: str | None = None) -> list[ApiKey]: ...
    def revoke_key(self, key_id: str) -> ApiKey: ...

    # uploads: kept by checksum until removed by an operator (as the SQLite backend always did)
    def put_upload(self, source: Path, *, sha256: str, suffix: str) -> str:
        """Keep the file at ``source`` (the caller may delete it afterwards); returns the
        reference a job stores (``upload_path``). Keeping the same file twice is a no-op."""
        ...

    def open_upload(self, ref: str) -> AbstractContextManager[Path | None]:
        """The kept upload as a local file for the duration of the ``with`` block
        (None when it is gone); a copy in a temporary folder when the store is remote."""
        ...

    # jobs
    def create_job(self, *, kind: str, institution: str | None, key_id: str | None, filename: str,
                   upload_sha256: str, upload_path: str, metadata_json: str | None, supersedes: str | None,
                   webhook_url: str | None) -> tuple[Job, bool]: ...
    def get_job(self, job_id: str) -> Job | None: ...
    def job_for_report(self, report_id: str) -> Job | None: ...
    def jobs(self, *, institution: str | None = None, limit: int = 50, offset: int = 0) -> list[Job]: ...
    def job_counts(self) -> dict[str, int]: ...
    def unfinished_jobs(self) -> list[str]: ...
    def claim(self, job_id: str, lease_s: float) -> JobWork | None: ...
    def release(self, job_id: str) -> None: ...
    def set_thesis(self, job_id: str, thesis_id: str) -> None: ...
    def finish(self, job_id: str, *, report_id: str, thesis_id: str | None, text: str | None = None) -> Job: ...
    def fail(self, job_id: str, reason: str) -> Job: ...
    def job_text(self, job_id: str) -> str | None: ...
    def webhook_target(self, job_id: str) -> str | None:
        """Where the job's webhook goes: its own URL, else its institution's, else None."""
        ...

    # webhook deliveries
    def add_delivery(self, job_id: str, url: str) -> Delivery: ...
    def delivery(self, delivery_id: int) -> Delivery | None: ...
    def deliveries(self, job_id: str) -> list[Delivery]: ...
    def record_attempt(self, delivery_id: int, *, state: str, status: int | None, error: str | None) -> None: ...


def open_service_store(settings: Settings) -> ServiceStoreProtocol:
    """The service store the settings choose: PostgreSQL when ``service_store_url`` is set
    (psycopg is imported then, not before), else SQLite in ``data_dir``."""
    if settings.service_store_url is not None:
        url = settings.service_store_url.get_secret_value().strip()
        if not url.startswith(("postgresql://", "postgres://")):  # never echo the URL: it holds a password
            raise ValueError("service_store_url must be a postgresql:// URL, or unset for SQLite in data_dir")
        from api.service.store_pg import PostgresServiceStore

        return PostgresServiceStore(url)
    return ServiceStore(settings.data_dir)


class _SqlStore:
    """What both backends run as the same SQL: written once with ``?`` placeholders, which
    :meth:`_q` turns into the backend's own; timestamps go in through :meth:`_ts`."""

    _placeholder = "?"

    def _q(self, sql: str) -> str:
        return sql if self._placeholder == "?" else sql.replace("?", self._placeholder)

    @staticmethod
    def _ts(value: datetime) -> object:
        return _iso(value)

    def _conn(self) -> AbstractContextManager:  # pragma: no cover - each backend has its own
        raise NotImplementedError

    def _write(self) -> AbstractContextManager:  # pragma: no cover
        raise NotImplementedError

    def _one(self, sql: str, args: tuple = ()):
        with self._conn() as conn:
            return conn.execute(self._q(sql), args).fetchone()

    def _all(self, sql: str, args: tuple = ()) -> list:
        with self._conn() as conn:
            return conn.execute(self._q(sql), args).fetchall()

    def _update(self, sql: str, args: tuple = ()) -> None:
        with self._write() as conn:
            conn.execute(self._q(sql), args)

    def ping(self) -> None:
        self._one("SELECT 1")

    # --- institutions -----------------------------------------------------------------

    def add_institution(self, code: str, name: str, *, webhook_url: str | None = None) -> Institution:
        code, name = code.strip(), name.strip()
        if not code or not name:
            raise ValueError("an institution needs a code and a name")
        now = _now()
        with self._write() as conn:
            taken = not conn.execute(self._q(
                "INSERT INTO institution(code, name, webhook_url, webhook_secret, created_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING RETURNING code"),
                (code, name, webhook_url, secrets.token_urlsafe(32), self._ts(now))).fetchall()
        if taken:
            raise ValueError(f"institution {code!r} exists already")
        return Institution(code=code, name=name, webhook_url=webhook_url, created_at=now)

    def set_webhook(self, code: str, url: str | None) -> str:
        """Set the institution's webhook URL; returns its signing secret."""
        with self._write() as conn:
            rows = conn.execute(self._q("UPDATE institution SET webhook_url = ? WHERE code = ? RETURNING webhook_secret"),
                                (url, code)).fetchall()
        if not rows:
            raise UnknownInstitution(code)
        return rows[0]["webhook_secret"]

    def institution(self, code: str) -> Institution | None:
        row = self._one("SELECT code, name, webhook_url, created_at FROM institution WHERE code = ?", (code,))
        return None if row is None else Institution(**dict(row))

    def webhook_secret(self, code: str) -> str | None:
        row = self._one("SELECT webhook_secret FROM institution WHERE code = ?", (code,))
        return None if row is None else row["webhook_secret"]

    def institutions(self) -> list[Institution]:
        return [Institution(**dict(r))
                for r in self._all("SELECT code, name, webhook_url, created_at FROM institution ORDER BY code")]

    # --- API keys ---------------------------------------------------------------------

    def verify_key(self, presented: str) -> ApiKey | None:
        """The key for a presented ``krt_<id>_<secret>``, or None (unknown, wrong, revoked)."""
        parts = presented.strip().split("_", 2)
        if len(parts) != 3 or parts[0] != KEY_PREFIX:
            return None
        row = self._one("SELECT * FROM api_key WHERE id = ?", (parts[1],))
        if row is None or row["revoked_at"] is not None:
            return None
        if not hmac.compare_digest(row["secret_hash"], hash_secret(parts[2])):
            return None
        return _key(row)

    def get_key(self, key_id: str) -> ApiKey | None:
        row = self._one("SELECT * FROM api_key WHERE id = ?", (key_id,))
        return None if row is None else _key(row)

    def keys(self, institution: str | None = None) -> list[ApiKey]:
        if institution is None:
            rows = self._all("SELECT * FROM api_key ORDER BY created_at, id")
        else:
            rows = self._all("SELECT * FROM api_key WHERE institution = ? ORDER BY created_at, id", (institution,))
        return [_key(r) for r in rows]

    def revoke_key(self, key_id: str) -> ApiKey:
        with self._write() as conn:
            conn.execute(self._q("UPDATE api_key SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"),
                         (self._ts(_now()), key_id))
            row = conn.execute(self._q("SELECT * FROM api_key WHERE id = ?"), (key_id,)).fetchone()
        if row is None:
            raise KeyError(key_id)
        return _key(row)

    # --- jobs -------------------------------------------------------------------------

    def get_job(self, job_id: str) -> Job | None:
        row = self._one("SELECT * FROM job WHERE id = ?", (job_id,))
        return None if row is None else _job(row)

    def job_for_report(self, report_id: str) -> Job | None:
        row = self._one("SELECT * FROM job WHERE report_id = ? LIMIT 1", (report_id,))
        return None if row is None else _job(row)

    def jobs(self, *, institution: str | None = None, limit: int = 50, offset: int = 0) -> list[Job]:
        if institution is None:
            rows = self._all("SELECT * FROM job ORDER BY created_at DESC, id LIMIT ? OFFSET ?", (limit, offset))
        else:
            rows = self._all("SELECT * FROM job WHERE institution = ? ORDER BY created_at DESC, id LIMIT ? OFFSET ?",
                             (institution, limit, offset))
        return [_job(r) for r in rows]

    def job_counts(self) -> dict[str, int]:
        return {r["state"]: r["n"] for r in self._all("SELECT state, COUNT(*) AS n FROM job GROUP BY state")}

    def unfinished_jobs(self) -> list[str]:
        return [r["id"] for r in self._all("SELECT id FROM job WHERE state IN ('queued', 'running')")]

    def release(self, job_id: str) -> None:
        """Give a running job back to the queue (a transient error; it will be retried)."""
        self._update("UPDATE job SET state = 'queued', lease_until = NULL, updated_at = ? "
                     "WHERE id = ? AND state = 'running'", (self._ts(_now()), job_id))

    def set_thesis(self, job_id: str, thesis_id: str) -> None:
        self._update("UPDATE job SET thesis_id = ?, updated_at = ? WHERE id = ?", (thesis_id, self._ts(_now()), job_id))

    def job_text(self, job_id: str) -> str | None:
        row = self._one("SELECT text_z FROM job_text WHERE job_id = ?", (job_id,))
        return None if row is None else zlib.decompress(row["text_z"]).decode()

    def webhook_target(self, job_id: str) -> str | None:
        row = self._one(
            "SELECT COALESCE(NULLIF(job.webhook_url, ''), institution.webhook_url) AS url FROM job "
            "LEFT JOIN institution ON institution.code = job.institution WHERE job.id = ?", (job_id,))
        return None if row is None else row["url"] or None

    # --- webhook deliveries -----------------------------------------------------------

    def delivery(self, delivery_id: int) -> Delivery | None:
        row = self._one("SELECT * FROM webhook_delivery WHERE id = ?", (delivery_id,))
        return None if row is None else _delivery(row)

    def deliveries(self, job_id: str) -> list[Delivery]:
        return [_delivery(r) for r in self._all("SELECT * FROM webhook_delivery WHERE job_id = ? ORDER BY id", (job_id,))]

    def record_attempt(self, delivery_id: int, *, state: str, status: int | None, error: str | None) -> None:
        self._update(
            "UPDATE webhook_delivery SET attempts = attempts + 1, state = ?, last_status = ?, last_error = ?, "
            "delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END WHERE id = ?",
            (state, status, error, state, self._ts(_now()), delivery_id))


def check_key_request(role: str, institution: str | None) -> str | None:
    """The institution a new key belongs to ("" is none), or ValueError for a bad request."""
    institution = (institution or "").strip() or None
    if role not in ("submitter", "examiner", "admin"):
        raise ValueError(f"unknown role {role!r}")
    if role != "admin" and not institution:
        raise ValueError(f"a {role} key belongs to an institution")
    return institution


class ServiceStore(_SqlStore):
    """The SQLite backend (one machine): ``<data_dir>/service.sqlite3``, uploads in ``<data_dir>/uploads``."""

    transient_errors: tuple[type[BaseException], ...] = (sqlite3.OperationalError,)

    def __init__(self, data_dir: Path | str) -> None:
        self.path = Path(data_dir) / DB_FILENAME
        self.uploads = Path(data_dir) / UPLOADS_DIRNAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._conn() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA)

    @contextmanager
    def _conn(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        try:
            yield conn
        finally:
            conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._conn() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def close(self) -> None:
        """Nothing to close: every call opens and closes its own connection."""

    # --- uploads ----------------------------------------------------------------------

    def put_upload(self, source: Path, *, sha256: str, suffix: str) -> str:
        self.uploads.mkdir(parents=True, exist_ok=True)
        kept = self.uploads / f"{sha256}{suffix}"
        if not kept.exists():
            tmp = kept.with_name(f"{kept.name}.{secrets.token_hex(4)}.part")
            shutil.copyfile(source, tmp)
            tmp.replace(kept)
        return str(kept)

    @contextmanager
    def open_upload(self, ref: str) -> Iterator[Path | None]:
        path = Path(ref)
        yield path if path.is_file() else None

    # --- API keys ---------------------------------------------------------------------

    def create_key(self, role: Role, institution: str | None, *, label: str = "") -> tuple[ApiKey, str]:
        """A new key; returns it and the full secret (``krt_<id>_<secret>``), shown once."""
        institution = check_key_request(role, institution)
        key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        now = _now()
        with self._write() as conn:
            if institution and not conn.execute("SELECT 1 FROM institution WHERE code = ?", (institution,)).fetchone():
                raise UnknownInstitution(institution)
            try:
                conn.execute(
                    "INSERT INTO api_key(id, secret_hash, role, institution, label, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (key_id, hash_secret(secret), role, institution, label, _iso(now)),
                )
            except sqlite3.IntegrityError:
                raise UnknownInstitution(institution) from None
        return ApiKey(id=key_id, role=role, institution=institution, label=label, created_at=now), \
            f"{KEY_PREFIX}_{key_id}_{secret}"

    # --- jobs -------------------------------------------------------------------------

    def create_job(self, *, kind: str, institution: str | None, key_id: str | None, filename: str,
                   upload_sha256: str, upload_path: str, metadata_json: str | None, supersedes: str | None,
                   webhook_url: str | None) -> tuple[Job, bool]:
        """A new queued job, or the unfinished one for the same file, kind and institution
        (a double submission); the flag says whether it is new."""
        now = _now()
        with self._write() as conn:
            row = conn.execute(
                "SELECT * FROM job WHERE institution IS ? AND kind = ? AND upload_sha256 = ? "
                "AND state IN ('queued', 'running') ORDER BY created_at LIMIT 1",
                (institution, kind, upload_sha256),
            ).fetchone()
            if row is not None:
                return _job(row), False
            job_id = secrets.token_hex(10)
            conn.execute(
                "INSERT INTO job(id, kind, state, institution, key_id, filename, upload_sha256, upload_path, "
                "metadata_json, supersedes, webhook_url, created_at, updated_at) "
                "VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (job_id, kind, institution, key_id, filename, upload_sha256, upload_path, metadata_json,
                 supersedes, webhook_url, _iso(now), _iso(now)),
            )
            row = conn.execute("SELECT * FROM job WHERE id = ?", (job_id,)).fetchone()
        return _job(row), True

    def claim(self, job_id: str, lease_s: float) -> JobWork | None:
        """Take the job for running: a queued job, or a running one whose lease ran out (its
        worker died). None when it is finished or another worker holds it."""
        now = _now()
        with self._write() as conn:
            n = conn.execute(
                "UPDATE job SET state = 'running', attempts = attempts + 1, lease_until = ?, updated_at = ? "
                "WHERE id = ? AND (state = 'queued' OR (state = 'running' AND lease_until < ?))",
                (_iso(now + timedelta(seconds=lease_s)), _iso(now), job_id, _iso(now)),
            ).rowcount
            if n == 0:
                return None
            row = conn.execute("SELECT * FROM job WHERE id = ?", (job_id,)).fetchone()
        return JobWork(job=_job(row), upload_path=row["upload_path"], metadata_json=row["metadata_json"],
                       supersedes=row["supersedes"], webhook_url=row["webhook_url"])

    def finish(self, job_id: str, *, report_id: str, thesis_id: str | None, text: str | None = None) -> Job:
        now = _now()
        with self._write() as conn:
            conn.execute(
                "UPDATE job SET state = 'done', report_id = ?, thesis_id = COALESCE(?, thesis_id), error = NULL, "
                "lease_until = NULL, updated_at = ?, finished_at = ? WHERE id = ?",
                (report_id, thesis_id, _iso(now), _iso(now), job_id),
            )
            if text is not None:
                conn.execute("INSERT OR REPLACE INTO job_text(job_id, text_z) VALUES (?, ?)",
                             (job_id, zlib.compress(text.encode(), 6)))
            row = conn.execute("SELECT * FROM job WHERE id = ?", (job_id,)).fetchone()
        return _job(row)

    def fail(self, job_id: str, reason: str) -> Job:
        now = _now()
        with self._write() as conn:
            conn.execute(
                "UPDATE job SET state = 'failed', error = ?, lease_until = NULL, updated_at = ?, finished_at = ? "
                "WHERE id = ?", (reason[:2000], _iso(now), _iso(now), job_id))
            row = conn.execute("SELECT * FROM job WHERE id = ?", (job_id,)).fetchone()
        return _job(row)

    # --- webhook deliveries -----------------------------------------------------------

    def add_delivery(self, job_id: str, url: str) -> Delivery:
        with self._write() as conn:
            cur = conn.execute("INSERT INTO webhook_delivery(job_id, url, state, created_at) VALUES (?, ?, 'pending', ?)",
                               (job_id, url, _iso(_now())))
            row = conn.execute("SELECT * FROM webhook_delivery WHERE id = ?", (cur.lastrowid,)).fetchone()
        return _delivery(row)

def _key(row) -> ApiKey:
    return ApiKey(id=row["id"], role=row["role"], institution=row["institution"], label=row["label"],
                  created_at=row["created_at"], revoked_at=row["revoked_at"])


def _job(row) -> Job:
    return Job(**{k: row[k] for k in Job.model_fields})


def _delivery(row) -> Delivery:
    return Delivery(**{k: row[k] for k in Delivery.model_fields})


def metadata_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
