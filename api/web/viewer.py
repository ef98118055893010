"""The examiner's report viewer: exclusions from the query string, and what the page shows.

The page works without JavaScript: the exclusions form is a GET form that
re-renders the page with :func:`similarity.report.recompute.apply_exclusions`,
and every highlighted passage is a link that selects its match. With
JavaScript (``static/viewer.js``) the same recomputation runs in the page on
the report JSON embedded in it.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import QueryParams

from similarity.report.html import PALETTE, highlight_segments
from similarity.report.model import Exclusions, Match, Report
from similarity.report.recompute import apply_exclusions, kept
from similarity.report.builder import counts

FORM_MARK = "x"  # present when the exclusions form was sent (unchecked boxes send nothing)


def exclusions_from_query(report: Report, query: QueryParams) -> Exclusions:
    """The exclusions a GET of the viewer asks for; the report's own when the form was not sent."""
    if query.get(FORM_MARK) is None:
        return report.exclusions
    try:
        min_words = int(query.get("min_words", report.exclusions.min_words))
    except ValueError:
        min_words = report.exclusions.min_words
    counted = set(query.getlist("source"))
    return Exclusions(
        min_words=max(min_words, report.exclusions.min_words),
        quotations=query.get("quotations") is not None,
        bibliography=query.get("bibliography") is not None,
        excluded_sources=sorted(s.source.id for s in report.sources if s.source.id not in counted),
    )


@dataclass(slots=True)
class Segment:
    text: str
    ids: list[int]
    colour: str | None
    counted: bool


@dataclass(slots=True)
class ViewerModel:
    report: Report  # as stored: the page can switch back to any exclusion
    view: Report  # under the chosen exclusions
    exclusions: Exclusions
    segments: list[Segment]
    colour: dict[str, str]
    counted_ids: set[int]
    selected: Match | None
    shares: dict[str, float]


def viewer_model(report: Report, text: str, exclusions: Exclusions, selected_id: int | None) -> ViewerModel:
    view = apply_exclusions(report, exclusions)
    ex = view.exclusions
    counted_ids = {m.id for m in report.matches if kept(m, ex) and counts(m, ex)}
    colour = {s.source.id: PALETTE[n % len(PALETTE)] for n, s in enumerate(report.sources)}
    segments = [
        Segment(seg, ids, PALETTE[col] if col is not None else None, any(i in counted_ids for i in ids))
        for seg, ids, col in highlight_segments(text, report)
    ]
    selected = next((m for m in report.matches if m.id == selected_id), None)
    shares = {s.source.id: s.share for s in view.sources}
    return ViewerModel(report, view, ex, segments, colour, counted_ids, selected, shares)
