"""Build a :class:`Report` from a submission and its aligned sources."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import datetime, timezone

from ingest.document import Document
from similarity.align import Alignment
from similarity.report.model import (
    Exclusions,
    Match,
    MatchSide,
    Report,
    SourceRef,
    SourceSummary,
    SubmissionInfo,
)


MOSTLY_INSIDE = 0.5  # a match this much inside a quotation or the bibliography is flagged


@dataclass(slots=True)
class SourceAlignment:
    source: SourceRef
    document: Document
    alignments: list[Alignment]


def covered_characters(spans: list[tuple[int, int]]) -> int:
    """Characters covered by the union of half-open spans."""
    total = 0
    end = -1
    for s, e in sorted(spans):
        if e <= end:
            continue
        total += e - max(s, end)
        end = e
    return total


def _inside_share(start: int, end: int, spans: list[tuple[int, int]]) -> float:
    """The share of ``[start, end)`` covered by ``spans`` (sorted, not overlapping)."""
    if end <= start:
        return 0.0
    i = max(bisect.bisect_right(spans, (start, start)) - 1, 0)
    inside = 0
    while i < len(spans) and spans[i][0] < end:
        inside += max(0, min(end, spans[i][1]) - max(start, spans[i][0]))
        i += 1
    return inside / (end - start)


def counts(match: Match, exclusions: Exclusions) -> bool:
    """Whether a match counts in the similarity index and the source shares."""
    return not (
        (exclusions.quotations and match.in_quotation) or (exclusions.bibliography and match.in_bibliography)
    )


def _evidence(a: Alignment) -> dict:
    """What supports a match: shared n-grams (verbatim) and/or embedding similarity."""
    out: dict = {"shared_ngrams": a.seeds} if a.seeds else {}
    for key, value in (a.evidence or {}).items():
        if isinstance(value, (int, float, str)):
            out[key] = value
    return out


def _side(document: Document, start: int, end: int) -> MatchSide:
    return MatchSide(start=start, end=end, page=document.page_at(start), text=document.text[start:end])


def tally(groups: list[tuple[SourceRef, list[Match]]], exclusions: Exclusions, total: int
          ) -> tuple[list[SourceSummary], float]:
    """Source shares and the similarity index of the matches (grouped by source) that count
    under ``exclusions``; ``total``: the submission's characters. Sources without matches are left out."""
    total = max(total, 1)
    summaries = []
    for source, own in groups:
        if not own:
            continue
        chars = covered_characters([(m.submission.start, m.submission.end) for m in own if counts(m, exclusions)])
        summaries.append(SourceSummary(source=source, share=round(100.0 * chars / total, 2), characters=chars,
                                       matches=len(own)))
    summaries.sort(key=lambda s: (-s.characters, s.source.id))
    every = [m for _, own in groups for m in own]
    index = covered_characters([(m.submission.start, m.submission.end) for m in every if counts(m, exclusions)])
    return summaries, round(100.0 * index / total, 2)


def build_report(
    submission: Document,
    aligned: list[SourceAlignment],
    *,
    exclusions: Exclusions | None = None,
    sources_compared: int,
    versions: dict,
) -> Report:
    exclusions = exclusions or Exclusions()
    excluded = set(exclusions.excluded_sources)
    quotes = [(q.start, q.end) for q in submission.quotations]
    bibliography = [(s.start, s.end) for s in submission.sections if s.kind == "bibliography"]
    matches: list[Match] = []
    groups: list[tuple[SourceRef, list[Match]]] = []
    for item in aligned:
        if item.source.id in excluded:
            continue
        own: list[Match] = []
        for a in item.alignments:
            words = a.susp_tokens[1] - a.susp_tokens[0]
            if words < exclusions.min_words:
                continue
            own.append(
                Match(
                    id=0,
                    source_id=item.source.id,
                    kind=a.kind,
                    score=a.score,
                    words=words,
                    submission=_side(submission, *a.susp_chars),
                    source=_side(item.document, *a.src_chars),
                    evidence=_evidence(a),
                    in_quotation=_inside_share(*a.susp_chars, quotes) >= MOSTLY_INSIDE,
                    in_bibliography=_inside_share(*a.susp_chars, bibliography) >= MOSTLY_INSIDE,
                )
            )
        groups.append((item.source, own))
        matches.extend(own)
    matches.sort(key=lambda m: (m.submission.start, m.source_id))
    for n, m in enumerate(matches, start=1):
        m.id = n
    summaries, index = tally(groups, exclusions, len(submission.text))
    return Report(
        created_at=datetime.now(timezone.utc),
        submission=SubmissionInfo(
            name=submission.source_name,
            sha256=submission.sha256,
            format=submission.format,
            characters=len(submission.text),
            pages=max(len(submission.pages), 1),
            language=submission.language,
        ),
        similarity_index=index,
        sources=summaries,
        matches=matches,
        flags=submission.flags,
        exclusions=exclusions,
        sources_compared=sources_compared,
        versions=versions,
    )
