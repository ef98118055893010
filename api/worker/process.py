"""What a worker does with a job, apart from Celery (so it can be tested and reused).

Idempotent: a job already finished, or held by another worker, is left alone; a
thesis already stored (same checksum: a redelivered job whose worker died after
storing it) is not stored again, its report is made against the repository
without its own versions. Permanent errors (a file that cannot be read, bad
metadata, an unknown earlier version) fail the job with a reason the submitter
can read; transient ones (a locked database, an unreachable service) raise
:class:`Transient` so the task is retried with backoff.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

from ingest.errors import IngestError
from repository.errors import DuplicateThesis, NotFound, ParamsMismatch, VersionConflict
from repository.models import ThesisMetadata
from similarity.translate.base import TranslationError

from api.pipeline import Checker
from api.service.store import Job, JobWork, ServiceStoreProtocol
from api.settings import Settings

log = logging.getLogger("kratuve.worker")


class Transient(Exception):
    """Worth retrying later."""


def report_payload(report_json: str, *, institution: str | None) -> str:
    """What is stored: the report, and whose it is (the viewer checks who may read it)."""
    return json.dumps({"report": json.loads(report_json), "institution": institution}, ensure_ascii=False)


def _transient(store: ServiceStoreProtocol) -> tuple[type[BaseException], ...]:
    """Errors worth a retry: the store's (a locked or unreachable database), the embedded
    repository's, the network's, the translator's."""
    return (*store.transient_errors, sqlite3.OperationalError, ConnectionError, TimeoutError, OSError,
            TranslationError)


def run_job(job_id: str, settings: Settings, store: ServiceStoreProtocol, checker: Checker) -> Job | None:
    work = store.claim(job_id, settings.job_lease_s)
    if work is None:
        log.info("job %s: finished or held by another worker, skipped", job_id)
        return None
    log.info("job %s: %s, attempt %d", job_id, work.job.kind, work.job.attempts)
    transient = _transient(store)
    try:
        # the kept upload as a local file: where it lies (SQLite), or a temporary copy (PostgreSQL)
        with store.open_upload(work.upload_path) as path:
            return _run(job_id, work, path, store, checker)
    except transient as exc:
        store.release(job_id)
        raise Transient(str(exc)) from exc


def _run(job_id: str, work: JobWork, path: Path | None, store: ServiceStoreProtocol, checker: Checker) -> Job:
    job = work.job
    try:
        if path is None:
            return store.fail(job_id, "the uploaded file is no longer there; submit it again")
        metadata = ThesisMetadata.model_validate_json(work.metadata_json) if work.metadata_json else None
        repo = checker.repository
        # the upload is kept under its checksum; the report and record name the submitted file
        document = checker.ingest(path).model_copy(update={"source_name": job.filename})
        existing = repo.find_by_sha256(document.sha256)
        version_of = work.supersedes if work.supersedes and existing is None else None
        report = checker.check_document(document, version_of=version_of)
        thesis_id = None
        text = None
        if job.kind == "add":
            if existing is None:
                try:
                    record = checker.add_document(document, metadata, original_filename=job.filename,
                                                  size_bytes=path.stat().st_size, supersedes=work.supersedes,
                                                  embedded=checker.last_embedded)
                except DuplicateThesis:  # another job stored the same file in between
                    record = repo.find_by_sha256(document.sha256)
                thesis_id = record.id
            else:
                thesis_id = existing.id
            store.set_thesis(job_id, thesis_id)
        else:
            text = document.text
        stored = repo.save_report(report_payload(report.model_dump_json(), institution=job.institution),
                                  kind=job.kind, thesis_id=thesis_id)
        done = store.finish(job_id, report_id=stored.id, thesis_id=thesis_id, text=text)
        log.info("job %s: done, report %s, index %.1f %%", job_id, stored.id, report.similarity_index)
        return done
    except IngestError as exc:
        return store.fail(job_id, f"the file could not be read: {exc.reason}")
    except (NotFound, VersionConflict) as exc:
        return store.fail(job_id, f"the earlier version cannot be superseded: {exc}")
    except ParamsMismatch as exc:
        return store.fail(job_id, f"the repository uses other fingerprint parameters: {exc}")
    except ValueError as exc:  # bad stored metadata and the like: permanent
        return store.fail(job_id, f"the submission was refused: {exc}")
    except _transient(store):
        raise  # run_job releases the job for a retry
    except Exception:
        log.exception("job %s: unexpected error", job_id)
        store.fail(job_id, "an internal error stopped the check; the operators have been told")
        raise
