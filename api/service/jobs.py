"""Submissions become jobs: the upload is kept by its checksum, a job row is written, and
the job id is sent to the workers (``kratuve.process_job``)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from fastapi import HTTPException

from repository.models import ThesisMetadata

from api.service.auth import Principal
from api.service.store import Job

__all__ = ["Job", "submit", "get_job"]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def submit(app_state: Any, principal: Principal, *, upload_path: Path, filename: str,
           metadata: ThesisMetadata | None, check_only: bool, supersedes: str | None,
           webhook_url: str | None) -> Job:
    """Queue a thesis (``check_only=False``: checked, then stored) or a draft (checked only).

    The caller may delete ``upload_path`` afterwards: the service store keeps the file
    by its checksum (``<data_dir>/uploads/<sha256><suffix>`` with SQLite, in the database
    with PostgreSQL, so a worker on another machine reads it). A second submission of
    the same file while the first is unfinished returns the first job.
    """
    if principal.role not in ("submitter", "admin"):
        raise HTTPException(403, "only submitters and administrators submit theses")
    institution = principal.institution
    if metadata is not None:
        if principal.role == "submitter" and metadata.institution and metadata.institution != institution:
            raise HTTPException(403, f"a {institution} key submits theses of {institution} only")
        if not metadata.institution and institution:
            metadata = metadata.model_copy(update={"institution": institution})
        institution = metadata.institution or institution
    elif not check_only:
        raise HTTPException(422, "metadata (at least a title) is needed to store a thesis")
    digest = _sha256(upload_path)
    suffix = Path(filename).suffix.lower()[:10]
    kept = app_state.store.put_upload(upload_path, sha256=digest, suffix=suffix)
    job, new = app_state.store.create_job(
        kind="check" if check_only else "add", institution=institution, key_id=principal.key_id,
        filename=Path(filename).name[:255], upload_sha256=digest, upload_path=kept,
        metadata_json=None if metadata is None else metadata.model_dump_json(), supersedes=supersedes,
        webhook_url=webhook_url,
    )
    if new:
        app_state.enqueue(job.id)
    return job


def get_job(app_state: Any, principal: Principal, job_id: str) -> Job | None:
    """The job, if this principal may see it (its institution's, or any for a global admin)."""
    job = app_state.store.get_job(job_id)
    if job is None or principal.is_public:
        return None
    if principal.role == "admin" and not principal.institution:
        return job
    return job if job.institution == principal.institution else None


