"""Render a report as one self-contained HTML file (inline CSS, no external requests)."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape

from similarity.report.model import Report

PALETTE = ["#ffd166", "#8ecae6", "#f4a3a8", "#b5e48c", "#cdb4db", "#ffb703", "#90e0ef", "#e9c46a"]


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("similarity.report", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def highlight_segments(text: str, report: Report) -> list[tuple[str, list[int], int | None]]:
    """Split ``text`` into ``(segment, match ids, colour index)`` runs."""
    colour = {s.source.id: n % len(PALETTE) for n, s in enumerate(report.sources)}
    cuts = {0, len(text)}
    for m in report.matches:
        cuts.add(m.submission.start)
        cuts.add(m.submission.end)
    points = sorted(c for c in cuts if 0 <= c <= len(text))
    by_start = sorted(report.matches, key=lambda m: m.submission.start)
    segments = []
    for a, b in zip(points, points[1:]):
        ids = [m.id for m in by_start if m.submission.start <= a and m.submission.end >= b]
        col = None
        if ids:
            first = next(m for m in by_start if m.id == ids[0])
            col = colour.get(first.source_id)
        segments.append((text[a:b], ids, col))
    return segments


def render_html(report: Report, submission_text: str, *, for_print: bool = False) -> str:
    """The report as one HTML page; ``for_print`` lays the matched passages out as a
    two-column table (what the PDF export prints) instead of CSS grid boxes."""
    sources = {s.source.id: s for s in report.sources}
    colour = {s.source.id: PALETTE[n % len(PALETTE)] for n, s in enumerate(report.sources)}
    return _env().get_template("report.html").render(
        report=report,
        sources=sources,
        colour=colour,
        palette=PALETTE,
        segments=highlight_segments(submission_text, report),
        for_print=for_print,
    )
