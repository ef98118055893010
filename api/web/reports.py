"""Loading a stored report for the viewer, and who may see it.

A report may be seen by examiners and administrators of the submission's
institution (the institution in the checked thesis's metadata) and of the
submitter's institution (the job's). An administrator without an institution
sees all. Everyone else gets the same 404 as for a report that does not exist,
so a report id says nothing to those who may not read it.

Every thesis is a source for every check, whatever its access level; but the text of
a source that is not public (restricted, or still under embargo) is shown only to
its own institution and to national administrators: for everyone else its matched
passages are withheld when the report is read (:func:`withhold_sources`). The match,
its place in the submission, its share and the source's metadata stay, so the
examiner sees that there is a match and whom to ask.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from pydantic import ValidationError

from repository.access import is_public
from repository.errors import NotFound
from repository.models import StoredReport
from similarity.report.model import Report

VIEWER_ROLES = frozenset({"examiner", "admin"})


class ReportUnavailable(Exception):
    """No such report, or not one this principal may see (the caller answers 404)."""


@dataclass(slots=True)
class LoadedReport:
    stored: StoredReport
    report: Report
    submission_text: str
    institutions: set[str] = field(default_factory=set)
    job: Any = None


def _parse(payload_json: str) -> tuple[Report, dict]:
    data = json.loads(payload_json)
    extra: dict = {}
    if isinstance(data, dict) and "report" in data and "similarity_index" not in data:
        extra = {k: v for k, v in data.items() if k != "report"}
        data = data["report"]
    return Report.model_validate(data), extra


def _job_for_report(store: Any, report_id: str) -> Any:
    """The job that produced the report, when the service store can say."""
    for name in ("job_for_report", "get_job_by_report", "find_job_by_report"):
        finder = getattr(store, name, None)
        if finder is not None:
            try:
                return finder(report_id)
            except Exception:  # noqa: BLE001 - a store without the job: no submitter institution
                return None
    return None


def load_report(app_state: Any, report_id: str) -> LoadedReport:
    """The report with its submission text and the institutions whose examiners may see it."""
    repository = app_state.repository
    try:
        stored = repository.get_report(report_id)
        report, extra = _parse(stored.payload_json)
    except (NotFound, ValueError, ValidationError) as exc:
        raise ReportUnavailable(report_id) from exc
    institutions: set[str] = set()
    text = extra.get("submission_text")
    if stored.thesis_id:
        try:
            record = repository.get(stored.thesis_id)
            if record.metadata.institution:
                institutions.add(record.metadata.institution)
            if text is None and record.sha256 == report.submission.sha256:
                text = repository.document(stored.thesis_id).text
        except NotFound:
            pass
    job = _job_for_report(getattr(app_state, "store", None), report_id)
    if job is not None and getattr(job, "institution", None):
        institutions.add(job.institution)
    if text is None and job is not None and hasattr(app_state.store, "job_text"):
        text = app_state.store.job_text(job.id)  # a check-only draft: its text is kept with the job
    for key in ("institution", "submitter_institution"):
        if isinstance(extra.get(key), str) and extra[key]:
            institutions.add(extra[key])
    if text is None or len(text) != report.submission.characters:
        text = _text_from_matches(report)
    return LoadedReport(stored, report, text, institutions, job)


def _text_from_matches(report: Report) -> str:
    """When the submission's text is not stored (a check-only draft), the matched parts
    are all the report knows: they are placed at their offsets, the rest left blank."""
    chars = [" "] * report.submission.characters
    for m in report.matches:
        chars[m.submission.start : m.submission.end] = list(m.submission.text)
    return "".join(chars)


def may_view(principal: Any, loaded: LoadedReport) -> bool:
    if principal is None or getattr(principal, "role", None) not in VIEWER_ROLES:
        return False
    if principal.role == "admin" and not principal.institution:
        return True
    return bool(principal.institution) and principal.institution in loaded.institutions


def withhold_sources(loaded: LoadedReport, principal: Any, repository: Any, today: date | None = None) -> None:
    """Empty the source passages of sources this principal may not read (see the module's text)."""
    if getattr(principal, "role", None) == "admin" and not getattr(principal, "institution", None):
        return
    today = today or datetime.now(UTC).date()
    hidden: dict[str, str] = {}
    for summary in loaded.report.sources:
        if summary.source.kind != "thesis":
            continue
        try:
            record = repository.get(summary.source.id)
        except NotFound:  # removed from the repository since the check: nobody can say it is public
            hidden[summary.source.id] = "removed"
            continue
        if record.metadata.institution and record.metadata.institution == getattr(principal, "institution", None):
            continue
        if not is_public(record, today):
            hidden[summary.source.id] = record.metadata.access
    if not hidden:
        return
    report = loaded.report
    sources = [s.model_copy(update={"source": s.source.model_copy(update={"withheld": hidden[s.source.id]})})
               if s.source.id in hidden else s for s in report.sources]
    matches = [m.model_copy(update={"source": m.source.model_copy(update={"text": ""})})
               if m.source_id in hidden else m for m in report.matches]
    loaded.report = report.model_copy(update={"sources": sources, "matches": matches})

