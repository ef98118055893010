"""The REST API, ``/api/v1``: submissions, jobs, theses, reports, search, administration."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field, ValidationError

from repository.errors import NotFound
from repository.models import DegreeLevel, ThesisMetadata, ThesisRecord
from repository.search_models import SearchFilters, SearchResults

from api.service import jobs
from api.service.auth import Principal, current_principal, require
from api.service.store import ApiKey, Institution, Job, UnknownInstitution

router = APIRouter(prefix="/api/v1")
Caller = Annotated[Principal, Depends(current_principal)]
SUPPORTED = (".pdf", ".docx", ".odt", ".rtf", ".html", ".htm", ".txt")


class JobOut(BaseModel):
    id: str
    kind: Literal["add", "check"]
    state: Literal["queued", "running", "done", "failed"]
    institution: str | None
    filename: str
    sha256: str
    thesis_id: str | None
    report_id: str | None
    error: str | None = Field(None, description="why the job failed, in words the submitter can act on")
    attempts: int
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    links: dict[str, str]

    @classmethod
    def of(cls, job: Job) -> JobOut:
        links = {"self": f"/api/v1/jobs/{job.id}"}
        if job.report_id:
            links |= {"report": f"/api/v1/reports/{job.report_id}", "report_html": f"/api/v1/reports/{job.report_id}.html",
                      "report_pdf": f"/api/v1/reports/{job.report_id}.pdf", "viewer": f"/reports/{job.report_id}"}
        if job.thesis_id:
            links["thesis"] = f"/api/v1/theses/{job.thesis_id}"
        return cls(id=job.id, kind=job.kind, state=job.state, institution=job.institution, filename=job.filename,
                   sha256=job.upload_sha256, thesis_id=job.thesis_id, report_id=job.report_id, error=job.error,
                   attempts=job.attempts, created_at=job.created_at, updated_at=job.updated_at,
                   finished_at=job.finished_at, links=links)


class InstitutionIn(BaseModel):
    model_config = {"extra": "forbid"}
    code: str = Field(min_length=1, max_length=64, pattern=r"^[^\s/]+$")
    name: str = Field(min_length=1, max_length=300)
    webhook_url: str | None = Field(None, pattern=r"^https?://", max_length=2000)


class KeyIn(BaseModel):
    model_config = {"extra": "forbid"}
    role: Literal["submitter", "examiner", "admin"]
    institution: str | None = Field(None, max_length=64)
    label: str = Field("", max_length=200)


class KeyCreated(BaseModel):
    key: ApiKey
    secret: str = Field(description="the full key; shown this once, stored only as a hash")


def _save_upload(request: Request, upload: UploadFile) -> tuple[Path, str]:
    name = Path(upload.filename or "").name
    if not name or Path(name).suffix.lower() not in SUPPORTED:
        raise HTTPException(415, f"unsupported file type {Path(name).suffix or '(none)'!r}; "
                                 f"send one of {', '.join(SUPPORTED)}")
    settings = request.app.state.settings
    incoming = Path(settings.data_dir) / "uploads" / "incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    path = incoming / f"{secrets.token_hex(8)}.part"
    limit = settings.max_file_mb * 1024 * 1024
    size = 0
    with path.open("wb") as out:
        while block := upload.file.read(1 << 20):
            size += len(block)
            if size > limit:
                out.close()
                path.unlink(missing_ok=True)
                raise HTTPException(413, f"the file is larger than {settings.max_file_mb} MB")
            out.write(block)
    if size == 0:
        path.unlink(missing_ok=True)
        raise HTTPException(422, "the file is empty")
    return path, name


def _metadata(raw: str | None) -> ThesisMetadata | None:
    if raw is None or not raw.strip():
        return None
    try:
        return ThesisMetadata.model_validate_json(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'metadata'}: {e['msg']}" for e in exc.errors())
        raise HTTPException(422, f"metadata: {problems}") from None


def _submit(request: Request, principal: Principal, file: UploadFile, metadata: str | None,
            check_only: bool, supersedes: str | None, webhook_url: str | None) -> JobOut:
    require(principal, "submitter", "admin")
    meta = _metadata(metadata)
    if webhook_url is not None and not webhook_url.startswith(("http://", "https://")):
        raise HTTPException(422, "webhook_url must be an http(s) URL")
    path, name = _save_upload(request, file)
    try:
        job = jobs.submit(request.app.state, principal, upload_path=path, filename=name, metadata=meta,
                          check_only=check_only, supersedes=supersedes, webhook_url=webhook_url)
    finally:
        path.unlink(missing_ok=True)
    return JobOut.of(job)


@router.post("/theses", status_code=202, response_model=JobOut, tags=["submissions"],
             summary="Submit a thesis: it is checked against the repository, then stored")
def submit_thesis(request: Request, principal: Caller, file: Annotated[UploadFile, File()],
                  metadata: Annotated[str, Form(description="ThesisMetadata as JSON (title at least)")],
                  supersedes: Annotated[str | None, Form(max_length=64)] = None,
                  webhook_url: Annotated[str | None, Form(max_length=2000)] = None) -> JobOut:
    return _submit(request, principal, file, metadata, False, supersedes, webhook_url)


@router.post("/checks", status_code=202, response_model=JobOut, tags=["submissions"],
             summary="Check a draft against the repository without storing it")
def submit_check(request: Request, principal: Caller, file: Annotated[UploadFile, File()],
                 metadata: Annotated[str | None, Form()] = None,
                 webhook_url: Annotated[str | None, Form(max_length=2000)] = None) -> JobOut:
    return _submit(request, principal, file, metadata, True, None, webhook_url)


@router.get("/jobs/{job_id}", response_model=JobOut, tags=["submissions"])
def get_job(request: Request, principal: Caller, job_id: str) -> JobOut:
    job = jobs.get_job(request.app.state, principal, job_id)
    if job is None:
        raise HTTPException(404, "no such job")
    return JobOut.of(job)


@router.get("/jobs", response_model=list[JobOut], tags=["submissions"])
def list_jobs(request: Request, principal: Caller, limit: Annotated[int, Query(ge=1, le=200)] = 50,
              offset: Annotated[int, Query(ge=0, le=10**6)] = 0) -> list[JobOut]:
    require(principal, "submitter", "examiner", "admin")
    institution = None if principal.role == "admin" and not principal.institution else principal.institution
    return [JobOut.of(j) for j in request.app.state.store.jobs(institution=institution, limit=limit, offset=offset)]


def _record(request: Request, principal: Principal, thesis_id: str) -> ThesisRecord:
    try:
        record = request.app.state.repository.get(thesis_id)
    except NotFound:
        raise HTTPException(404, "no such thesis") from None
    own = principal.role == "admin" and not principal.institution or (
        not principal.is_public and principal.institution == record.metadata.institution)
    # the metadata of an embargoed thesis is public (its text is not); a restricted one is hidden
    if not own and record.metadata.access == "restricted":
        raise HTTPException(404, "no such thesis")
    return record


@router.get("/theses/{thesis_id}", response_model=ThesisRecord, tags=["theses"])
def get_thesis(request: Request, principal: Caller, thesis_id: str) -> ThesisRecord:
    return _record(request, principal, thesis_id)


@router.get("/theses/{thesis_id}/versions", response_model=list[ThesisRecord], tags=["theses"])
def thesis_versions(request: Request, principal: Caller, thesis_id: str) -> list[ThesisRecord]:
    _record(request, principal, thesis_id)
    versions = request.app.state.repository.versions(thesis_id)
    return [v for v in versions if v.id == thesis_id or _visible(principal, v)]


def _visible(principal: Principal, record: ThesisRecord) -> bool:
    if principal.role == "admin" and not principal.institution:
        return True
    if not principal.is_public and principal.institution == record.metadata.institution:
        return True
    return record.metadata.access != "restricted"


def _report(request: Request, principal: Principal, report_id: str):
    from api.web.reports import ReportUnavailable, load_report, may_view, withhold_sources

    require(principal, "examiner", "admin", "submitter")
    try:
        loaded = load_report(request.app.state, report_id)
    except ReportUnavailable:
        raise HTTPException(404, "no such report") from None
    allowed = may_view(principal, loaded) or (
        principal.role == "submitter" and principal.institution in loaded.institutions)
    if not allowed:
        raise HTTPException(404, "no such report")
    withhold_sources(loaded, principal, request.app.state.repository)
    if loaded.job is not None and loaded.job.kind == "check":
        text = request.app.state.store.job_text(loaded.job.id)
        if text is not None:
            loaded.submission_text = text
    return loaded


@router.get("/reports/{report_id}.html", response_class=HTMLResponse, tags=["reports"])
def get_report_html(request: Request, principal: Caller, report_id: str) -> HTMLResponse:
    from similarity.report.html import render_html

    loaded = _report(request, principal, report_id)
    return HTMLResponse(render_html(loaded.report, loaded.submission_text))


@router.get("/reports/{report_id}.pdf", tags=["reports"], response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})
def get_report_pdf(request: Request, principal: Caller, report_id: str) -> Response:
    loaded = _report(request, principal, report_id)
    try:
        from similarity.report.pdf import render_pdf
    except ImportError:  # the PDF export (weasyprint) is not installed here
        raise HTTPException(501, "PDF export is not available on this server; use the .html report") from None
    return Response(render_pdf(loaded.report, loaded.submission_text), media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="kratuve-report-{report_id}.pdf"'})


@router.get("/reports/{report_id}", tags=["reports"], summary="The similarity report as JSON")
def get_report(request: Request, principal: Caller, report_id: str) -> Response:
    loaded = _report(request, principal, report_id)
    return Response(loaded.report.model_dump_json(), media_type="application/json")


@router.get("/search", response_model=SearchResults, tags=["public"], summary="Search the open theses")
def search(request: Request, principal: Caller, q: Annotated[str, Query(max_length=500)] = "",
           institution: Annotated[str | None, Query(max_length=200)] = None,
           year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
           degree: DegreeLevel | None = None,
           language: Annotated[str | None, Query(max_length=8)] = None,
           subject: Annotated[str | None, Query(max_length=200)] = None,
           sort: Literal["relevance", "year_desc", "year_asc"] = "relevance",
           page: Annotated[int, Query(ge=1, le=1000)] = 1,
           per_page: Annotated[int, Query(ge=1, le=100)] = 20) -> SearchResults:
    del principal  # anyone may search; a key given must still be valid
    filters = SearchFilters(institution=institution, year=year, degree=degree, language=language, subject=subject)
    return request.app.state.repository.search(q, filters=filters, sort=sort, page=page, per_page=per_page,
                                               today=datetime.now(UTC).date())


# --- administration --------------------------------------------------------------------


@router.get("/institutions", response_model=list[Institution], tags=["admin"])
def list_institutions(request: Request, principal: Caller) -> list[Institution]:
    require(principal, "admin")
    return request.app.state.store.institutions()


@router.post("/institutions", response_model=Institution, status_code=201, tags=["admin"])
def add_institution(request: Request, principal: Caller, body: InstitutionIn) -> Institution:
    require(principal, "admin")
    if principal.institution:
        raise HTTPException(403, "only a global administrator adds institutions")
    try:
        return request.app.state.store.add_institution(body.code, body.name, webhook_url=body.webhook_url)
    except ValueError as exc:
        raise HTTPException(409, str(exc)) from None


@router.get("/keys", response_model=list[ApiKey], tags=["admin"])
def list_keys(request: Request, principal: Caller) -> list[ApiKey]:
    require(principal, "admin")
    return request.app.state.store.keys(principal.institution)


@router.post("/keys", response_model=KeyCreated, status_code=201, tags=["admin"])
def create_key(request: Request, principal: Caller, body: KeyIn) -> KeyCreated:
    require(principal, "admin")
    if principal.institution and body.institution != principal.institution:
        raise HTTPException(403, f"an administrator of {principal.institution} makes keys for it only")
    try:
        key, secret = request.app.state.store.create_key(body.role, body.institution, label=body.label)
    except UnknownInstitution:
        raise HTTPException(422, f"unknown institution {body.institution!r}") from None
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    return KeyCreated(key=key, secret=secret)


@router.delete("/keys/{key_id}", response_model=ApiKey, tags=["admin"])
def revoke_key(request: Request, principal: Caller, key_id: str) -> ApiKey:
    require(principal, "admin")
    store = request.app.state.store
    key = store.get_key(key_id)
    if key is None or (principal.institution and key.institution != principal.institution):
        raise HTTPException(404, "no such key")
    return store.revoke_key(key_id)

