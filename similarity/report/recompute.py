"""Recompute a report under other exclusions, without aligning anything again.

An examiner switches exclusions (quotations, bibliography, matches under N
words, chosen sources) while reading a report. The matches do not change, only
which of them count, so the similarity index and the source shares are
recomputed from the stored report with the builder's own counting rules. The
report viewer runs the same computation in JavaScript (``api/web/static/viewer.js``);
both must give the same figures.

A stored report holds only the matches that passed *its* exclusions: a match
shorter than the report's ``min_words`` or from a source it excluded was never
kept, so it cannot be brought back here. ``min_words`` is therefore never
lowered below the report's own.
"""

from __future__ import annotations

from similarity.report.builder import tally
from similarity.report.model import Exclusions, Match, Report


def effective_exclusions(report: Report, exclusions: Exclusions) -> Exclusions:
    """``exclusions`` as far as ``report`` can honour them (``min_words`` not below the report's)."""
    return exclusions.model_copy(
        update={
            "min_words": max(exclusions.min_words, report.exclusions.min_words),
            "excluded_sources": sorted(set(exclusions.excluded_sources) | set(report.exclusions.excluded_sources)),
        }
    )


def kept(match: Match, exclusions: Exclusions) -> bool:
    """Whether a match stays in the report at all (the builder drops the others)."""
    return match.words >= exclusions.min_words and match.source_id not in set(exclusions.excluded_sources)


def apply_exclusions(report: Report, exclusions: Exclusions) -> Report:
    """The report as the builder would have made it with ``exclusions``.

    Matches keep their ids (a viewer links to them), so the ids of the result
    may have gaps. Sources left without a match are dropped; the others are
    sorted as the builder sorts them (most characters first).
    """
    exclusions = effective_exclusions(report, exclusions)
    matches = [m for m in report.matches if kept(m, exclusions)]
    by_source: dict[str, list[Match]] = {}
    for m in matches:
        by_source.setdefault(m.source_id, []).append(m)
    groups = [(summary.source, by_source.get(summary.source.id, [])) for summary in report.sources]
    summaries, index = tally(groups, exclusions, report.submission.characters)
    return report.model_copy(
        update={
            "similarity_index": index,
            "sources": summaries,
            "matches": [m.model_copy() for m in matches],
            "exclusions": exclusions,
        }
    )
