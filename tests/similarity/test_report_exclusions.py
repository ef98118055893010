"""Matches inside quotations or the bibliography: flagged, and left out of the index when excluded."""

from __future__ import annotations

import pytest

from ingest.pipeline import ingest_bytes
from similarity.align import Alignment
from similarity.report.builder import SourceAlignment, build_report
from similarity.report.html import render_html
from similarity.report.model import Exclusions, SourceRef

OWN = "Šajā nodaļā autors apraksta savu pētījumu un tā rezultātus, kas iegūti aptaujā. "
QUOTE = "„digitālie rīki maina studiju procesu visās augstskolās un to mācībspēku darbā“"
COPIED = "Augstākās izglītības digitalizācija ir process, kas skar visas studiju programmas."
REFERENCE = "Bērziņš, J. (2020). Digitālā izglītība augstskolās. Rīga: Zinātne, 215 lpp."
TEXT = "\n\n".join([
    "IEVADS",
    OWN * 3 + "Kā raksta Bērziņš, " + QUOTE + ", un tas ir svarīgi. " + COPIED,
    OWN * 3,
    "IZMANTOTĀ LITERATŪRA",
    REFERENCE,
])


@pytest.fixture(scope="module")
def submission():
    return ingest_bytes(TEXT.encode(), "darbs.txt")


@pytest.fixture(scope="module")
def source():
    return ingest_bytes((QUOTE + " " + COPIED + "\n\n" + REFERENCE).encode(), "avots.txt")


def span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def aligned(submission, source) -> list[SourceAlignment]:
    found = []
    for part in (QUOTE, COPIED, REFERENCE):
        found.append(
            Alignment(
                susp_tokens=(0, 12), src_tokens=(0, 12),
                susp_chars=span(submission.text, part), src_chars=span(source.text, part),
                seeds=8, kind="identical", score=1.0,
            )
        )
    return [SourceAlignment(source=SourceRef(id="s1", title="Avots"), document=source, alignments=found)]


def report(submission, source, **exclusions):
    return build_report(
        submission, aligned(submission, source), exclusions=Exclusions(min_words=1, **exclusions),
        sources_compared=1, versions={},
    )


def index_of(*parts: str) -> float:
    return round(100.0 * sum(len(p) for p in parts) / len(TEXT), 2)


def test_structure_of_the_submission(submission) -> None:
    assert [submission.text[q.start : q.end] for q in submission.quotations] == [QUOTE]
    assert [s.kind for s in submission.sections] == ["body", "bibliography"]


def test_matches_are_flagged(submission, source) -> None:
    r = report(submission, source)
    flags = [(m.submission.text, m.in_quotation, m.in_bibliography) for m in r.matches]
    assert flags == [(QUOTE, True, False), (COPIED, False, False), (REFERENCE, False, True)]


def test_default_excludes_the_bibliography_only(submission, source) -> None:
    r = report(submission, source)
    assert r.exclusions.bibliography and not r.exclusions.quotations
    assert len(r.matches) == 3  # kept in the report
    assert r.similarity_index == index_of(QUOTE, COPIED)
    assert r.sources[0].share == index_of(QUOTE, COPIED) and r.sources[0].matches == 3


def test_excluding_quotations_too(submission, source) -> None:
    r = report(submission, source, quotations=True)
    assert len(r.matches) == 3
    assert r.similarity_index == r.sources[0].share == index_of(COPIED)


def test_excluding_nothing(submission, source) -> None:
    r = report(submission, source, bibliography=False)
    assert r.similarity_index == index_of(QUOTE, COPIED, REFERENCE)


def test_only_excluded_matches_keep_their_source(submission, source) -> None:
    items = aligned(submission, source)
    items[0].alignments = [a for a in items[0].alignments if submission.text.startswith(REFERENCE, a.susp_chars[0])]
    r = build_report(submission, items, exclusions=Exclusions(min_words=1), sources_compared=1, versions={})
    assert len(r.matches) == 1 and r.matches[0].in_bibliography
    assert r.similarity_index == 0.0 and r.sources[0].share == 0.0
    html = render_html(r, submission.text)
    assert '<span class="kind">literatūras saraksts / bibliography</span>' in html


def test_mostly_inside_means_half(submission, source) -> None:
    start, end = span(submission.text, QUOTE)
    length = end - start
    items = aligned(submission, source)
    items[0].alignments = [
        Alignment(susp_tokens=(0, 12), src_tokens=(0, 12), susp_chars=(start - length + 2, end), src_chars=(0, 10),
                  seeds=8, kind="identical", score=1.0),  # a little more than half inside
        Alignment(susp_tokens=(0, 12), src_tokens=(0, 12), susp_chars=(start + length // 2 + 1, end + length),
                  src_chars=(0, 10), seeds=8, kind="identical", score=1.0),  # less than half inside
    ]
    r = build_report(submission, items, exclusions=Exclusions(min_words=1), sources_compared=1, versions={})
    assert [m.in_quotation for m in r.matches] == [True, False]
