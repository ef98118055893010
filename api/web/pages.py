"""The server-rendered pages: search, thesis, report viewer, upload, job status, sign-in.

Pages read ``request.app.state`` (settings, repository, store) that the app
factory sets; nothing here is created at import time.
"""

from __future__ import annotations

import math
import secrets
import shutil
from datetime import date, datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from pydantic import ValidationError

from api.identifiers import landing_url, persistent_id
from api.web.auth import authenticate, session_principal, signing_key
from api.web.render import render
from api.web.reports import ReportUnavailable, load_report, may_view, withhold_sources
from api.web.session import CSRF_COOKIE, SESSION_COOKIE, csrf_valid, make_session
from api.web.viewer import exclusions_from_query, viewer_model
from repository.access import is_public
from repository.errors import NotFound
from repository.models import DegreeLevel, ThesisMetadata, parse_degree
from repository.search_models import SearchFilters

router = APIRouter(include_in_schema=False)

PER_PAGE = 10
STATIC_FILES = {"site.css": "text/css; charset=utf-8", "viewer.js": "text/javascript; charset=utf-8"}


def _today() -> date:
    return datetime.now(timezone.utc).date()


def _error(request: Request, status: int, message_key: str, principal: Any = None) -> Response:
    return render(request, "error.html", status_code=status, principal=principal, message_key=message_key)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


# --- static ---------------------------------------------------------------------------


@router.get("/web-static/{name}")
def static(name: str) -> Response:
    if name not in STATIC_FILES:
        return PlainTextResponse("not found", status_code=404)
    path = resources.files("api.web") / "static" / name
    return Response(
        path.read_bytes(),
        media_type=STATIC_FILES[name],
        headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"},
    )


# --- sign-in ----------------------------------------------------------------------------


@router.get("/login")
def login_page(request: Request) -> Response:
    return render(request, "login.html", key=signing_key(request), principal=session_principal(request),
                  next_url=_safe_next(request.query_params.get("next")))


def _safe_next(value: str | None) -> str:
    """Only a path on this site (never ``//host`` or a full URL) may follow sign-in."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/search"


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    key = signing_key(request)
    if not csrf_valid(key, request.cookies.get(CSRF_COOKIE), form.get("csrf")):
        return render(request, "login.html", status_code=400, key=key, error_key="csrf_failed",
                      next_url=_safe_next(form.get("next")))
    api_key = str(form.get("api_key") or "")
    try:
        principal = authenticate(request, api_key) if api_key.strip() else None
    except ImportError:  # the service core (keys, roles) is not installed
        return render(request, "login.html", status_code=503, key=key, error_key="error_unavailable",
                      next_url=_safe_next(form.get("next")))
    if principal is None or principal.role == "public":
        return render(request, "login.html", status_code=401, key=key, error_key="login_failed",
                      next_url=_safe_next(form.get("next")))
    response = RedirectResponse(_safe_next(form.get("next")), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        make_session(key, key_id=principal.key_id, role=principal.role, institution=principal.institution),
        httponly=True, samesite="lax", secure=_secure(request), path="/",
    )
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    form = await request.form()
    if not csrf_valid(signing_key(request), request.cookies.get(CSRF_COOKIE), form.get("csrf")):
        return _error(request, 400, "csrf_failed", session_principal(request))
    response = RedirectResponse("/search", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# --- public search and thesis pages -----------------------------------------------------


@router.get("/")
def home(request: Request) -> Response:
    lang = request.query_params.get("lang")
    return RedirectResponse("/search" + (f"?lang={lang}" if lang in ("lv", "en") else ""), status_code=303)


def _int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default


def _highlighted(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    out, pos = [], 0
    for start, end in sorted(spans):
        if start < pos:
            continue
        out.append((text[pos:start], False))
        out.append((text[start:end], True))
        pos = end
    out.append((text[pos:], False))
    return [(s, h) for s, h in out if s]


@router.get("/search")
def search(request: Request) -> Response:
    q = request.query_params
    query = (q.get("q") or "").strip()[:500]
    try:
        degree = parse_degree(q.get("degree") or None)
    except ValueError:
        degree = None
    filters = SearchFilters(
        institution=q.get("institution") or None,
        year=_int(q.get("year")),
        degree=degree,
        language=q.get("language") or None,
        subject=q.get("subject") or None,
    )
    sort = q.get("sort") if q.get("sort") in ("relevance", "year_desc", "year_asc") else "relevance"
    page = max(_int(q.get("page"), 1) or 1, 1)
    results = request.app.state.repository.search(
        query, filters=filters, sort=sort, page=page, per_page=PER_PAGE, today=_today()
    )
    pages = max(math.ceil(results.total / PER_PAGE), 1)
    hits = [
        (hit, [(snip.field, _highlighted(snip.text, snip.highlights)) for snip in hit.snippets])
        for hit in results.hits
    ]
    return render(
        request, "search.html", principal=session_principal(request), results=results, hits=hits,
        query=query, filters=filters, sort=sort, page=page, pages=pages, degrees=list(DegreeLevel),
    )


def _may_see_private(principal: Any, institution: str) -> bool:
    if principal is None or principal.role not in ("examiner", "admin", "submitter"):
        return False
    return (principal.role == "admin" and not principal.institution) or principal.institution == institution


@router.get("/theses/{thesis_id}")
def thesis(request: Request, thesis_id: str) -> Response:
    principal = session_principal(request)
    repository = request.app.state.repository
    try:
        record = repository.get(thesis_id)
        versions = repository.versions(thesis_id)
    except NotFound:
        return _error(request, 404, "error_not_found", principal)
    public = is_public(record, _today())
    private_ok = _may_see_private(principal, record.metadata.institution)
    if record.metadata.access == "restricted" and not private_ok:
        return _error(request, 404, "error_not_found", principal)  # as if it did not exist
    settings = request.app.state.settings
    return render(
        request, "thesis.html", principal=principal, record=record, meta=record.metadata,
        show_text=public or private_ok, public=public,
        versions=[v for v in versions if is_public(v, _today()) or private_ok],
        pid=persistent_id(settings, record.id), url=landing_url(settings, record.id),
    )


@router.get("/theses/{thesis_id}/text")
def thesis_text(request: Request, thesis_id: str) -> Response:
    principal = session_principal(request)
    repository = request.app.state.repository
    try:
        record = repository.get(thesis_id)
    except NotFound:
        return _error(request, 404, "error_not_found", principal)
    if not (is_public(record, _today()) or _may_see_private(principal, record.metadata.institution)):
        return _error(request, 404, "error_not_found", principal)
    return PlainTextResponse(repository.document(thesis_id).text, headers={"X-Content-Type-Options": "nosniff"})


# --- the examiner's report viewer -------------------------------------------------------


def _viewable(request: Request, report_id: str) -> tuple[Any, Any, Response | None]:
    principal = session_principal(request)
    if principal is None:
        return None, None, RedirectResponse(f"/login?next=/reports/{report_id}", status_code=303)
    try:
        loaded = load_report(request.app.state, report_id)
    except ReportUnavailable:
        return principal, None, _error(request, 404, "error_not_found", principal)
    if not may_view(principal, loaded):
        return principal, None, _error(request, 404, "error_not_found", principal)
    withhold_sources(loaded, principal, request.app.state.repository)
    return principal, loaded, None


@router.get("/reports/{report_id}")
def report_viewer(request: Request, report_id: str) -> Response:
    principal, loaded, refusal = _viewable(request, report_id)
    if refusal is not None:
        return refusal
    report = loaded.report
    selected = _int(request.query_params.get("match"))
    model = viewer_model(report, loaded.submission_text, exclusions_from_query(report, request.query_params), selected)
    return render(
        request, "report.html", principal=principal, report_id=report_id, m=model,
        report_json=report.model_dump(mode="json"), sources={s.source.id: s for s in report.sources},
    )


@router.get("/reports/{report_id}/report.pdf")
def report_pdf(request: Request, report_id: str) -> Response:
    principal, loaded, refusal = _viewable(request, report_id)
    if refusal is not None:
        return refusal
    from similarity.report.pdf import render_pdf
    from similarity.report.recompute import apply_exclusions

    report = apply_exclusions(loaded.report, exclusions_from_query(loaded.report, request.query_params))
    return Response(
        render_pdf(report, loaded.submission_text),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="kratuve-report-{report_id}.pdf"'},
    )


# --- upload and job status ----------------------------------------------------------------


def _lines(value: Any, sep: str = "\n") -> list[str]:
    return [part.strip() for part in str(value or "").split(sep) if part.strip()]


def _metadata_from_form(form: Any, institution: str) -> ThesisMetadata:
    data: dict[str, Any] = {
        "title": str(form.get("title") or ""),
        "title_en": str(form.get("title_en") or "") or None,
        "authors": _lines(form.get("authors")),
        "supervisors": _lines(form.get("supervisors")),
        "keywords": _lines(form.get("keywords"), ","),
        "institution": institution,
        "degree": str(form.get("degree") or "") or None,
        "year": _int(str(form.get("year") or "")),
        "languages": _lines(form.get("language"), ","),
        "access": str(form.get("access") or "open"),
        "embargo_until": str(form.get("embargo_until") or "") or None,
        "abstract_lv": str(form.get("abstract_lv") or "") or None,
    }
    return ThesisMetadata.model_validate(data)


def _readable(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
    detail = getattr(exc, "detail", None)
    if isinstance(detail, str):
        return detail
    if isinstance(exc, ValueError):
        return str(exc)
    return "the service could not take the file now; try again later"


@router.get("/upload")
def upload_page(request: Request) -> Response:
    principal = session_principal(request)
    if principal is None:
        return RedirectResponse("/login?next=/upload", status_code=303)
    if principal.role not in ("submitter", "admin"):
        return _error(request, 403, "error_forbidden", principal)
    return render(request, "upload.html", key=signing_key(request), principal=principal, degrees=list(DegreeLevel),
                  form={}, error=None)


@router.post("/upload")
async def upload(request: Request) -> Response:
    principal = session_principal(request)
    if principal is None:
        return RedirectResponse("/login?next=/upload", status_code=303)
    if principal.role not in ("submitter", "admin"):
        return _error(request, 403, "error_forbidden", principal)
    settings = request.app.state.settings
    key = signing_key(request)
    form = await request.form(max_files=1, max_fields=50)

    def again(error: str, status: int = 400) -> Response:
        values = {k: str(v) for k, v in form.items() if isinstance(v, str) and k != "csrf"}
        return render(request, "upload.html", status_code=status, key=key, principal=principal,
                      degrees=list(DegreeLevel), form=values, error=error)

    if not csrf_valid(key, request.cookies.get(CSRF_COOKIE), form.get("csrf")):
        return _error(request, 400, "csrf_failed", principal)
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        return again("missing_file")
    check_only = form.get("check_only") is not None
    institution = principal.institution or ""
    try:
        metadata = _metadata_from_form(form, institution)
    except ValidationError as exc:
        return again(_readable(exc), 422)
    uploads = Path(settings.data_dir) / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    path = uploads / f"web-{secrets.token_hex(8)}.part"
    limit = settings.max_file_mb * 1024 * 1024
    try:
        with path.open("wb") as out:
            shutil.copyfileobj(upload.file, out, 1024 * 1024)
        if path.stat().st_size > limit:
            return again(f"the file is larger than {settings.max_file_mb} MB", 413)
        try:
            from api.service import jobs
        except ImportError:
            return _error(request, 503, "error_unavailable", principal)
        job = jobs.submit(
            request.app.state, principal, upload_path=path, filename=Path(upload.filename).name,
            metadata=metadata, check_only=check_only,
            supersedes=str(form.get("supersedes") or "").strip() or None, webhook_url=None,
        )
    except Exception as exc:  # noqa: BLE001 - the submitter reads why; nothing is half-stored by submit
        status = getattr(exc, "status_code", 400)
        return again(_readable(exc), status if isinstance(status, int) and 400 <= status < 600 else 400)
    finally:
        path.unlink(missing_ok=True)
        await upload.close()
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: str) -> Response:
    principal = session_principal(request)
    if principal is None:
        return RedirectResponse(f"/login?next=/jobs/{job_id}", status_code=303)
    try:
        from api.service import jobs
    except ImportError:
        return _error(request, 503, "error_unavailable", principal)
    try:
        job = jobs.get_job(request.app.state, principal, job_id)
    except Exception:  # noqa: BLE001 - unknown, or another institution's job: the same 404
        job = None
    if job is None:
        return _error(request, 404, "error_not_found", principal)
    state = str(getattr(job.state, "value", job.state))
    return render(request, "job.html", principal=principal, job=job, state=state,
                  finished=state in ("done", "failed"))
