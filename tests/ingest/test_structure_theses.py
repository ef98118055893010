"""Sections, quotations and title-page guesses on real theses (PDF).

lu-template ships in tests/data; the others come from ../shared/data and are
skipped when it is absent. Each PDF is ingested once per module.
"""

from __future__ import annotations

import time

import pytest

from ingest.document import Document
from ingest.pipeline import ingest_file
from ingest.structure.read import read_structure

from ingest_data import TEST_DATA, shared_file


def _ingest(path) -> Document:
    return ingest_file(path)


@pytest.fixture(scope="module")
def lu() -> Document:
    return _ingest(TEST_DATA / "lu-template.pdf")


@pytest.fixture(scope="module")
def synthetic() -> Document:
    return _ingest(shared_file("theses/synthetic-lv/thesis.pdf"))


@pytest.fixture(scope="module")
def liu() -> Document:
    return _ingest(shared_file("theses/liu-phd-2023/thesis.pdf"))


@pytest.fixture(scope="module")
def unitn() -> Document:
    return _ingest(shared_file("theses/unitn-it/thesis.pdf"))


def outline(doc: Document) -> list[tuple[str, str, int | None]]:
    return [(s.kind, s.heading, doc.page_at(s.start)) for s in doc.sections]


def covers(doc: Document) -> bool:
    s = doc.sections
    return s[0].start == 0 and s[-1].end == len(doc.text) and all(a.end == b.start for a, b in zip(s, s[1:]))


def test_lu_template(lu: Document) -> None:
    # main.tex: title page, Anotācija, Abstract, contents, Apzīmējumu saraksts, Ievads,
    # chapters, bibliography, \annexes (and the documentary page at the very end)
    assert covers(lu)
    assert outline(lu) == [
        ("front_matter", "", 1),
        ("abstract", "ANOTĀCIJA", 2),
        ("abstract", "ABSTRACT", 3),
        ("contents", "SATURS", 4),
        ("front_matter", "APZĪMĒJUMU SARAKSTS", 5),
        ("body", "IEVADS", 6),
        ("bibliography", "IZMANTOTĀ LITERATŪRA UN AVOTI", 14),
        ("appendix", "PIELIKUMI", 15),
    ]
    contents = next(s for s in lu.sections if s.kind == "contents")
    # the contents lists the same headings; they stay inside it
    assert "Izmantotā literatūra un avoti" in lu.text[contents.start : contents.end]
    # the only quotation marks are around a title in the bibliography („Zur Elektrodynamik …”)
    bibliography = next(s for s in lu.sections if s.kind == "bibliography")
    assert all(bibliography.start <= q.start < q.end <= bibliography.end for q in lu.quotations)


def test_synthetic_lv(synthetic: Document) -> None:
    # no bibliography or appendices in this synthetic thesis: six chapters after the contents
    assert covers(synthetic)
    assert outline(synthetic) == [
        ("front_matter", "", 1),
        ("abstract", "ANOTĀCIJA", 2),
        ("abstract", "ABSTRACT", 3),
        ("contents", "SATURS", 4),
        ("body", "1. DAIĻLITERATŪRA UN PUBLICISTIKA (C)", 5),
    ]
    assert [s.language for s in synthetic.sections[1:3]] == ["lv", "en"]
    quotes = [synthetic.text[q.start : q.end] for q in synthetic.quotations]
    assert len(quotes) >= 20
    assert "„Kas tas ir? Kas tas ir?”" in quotes
    assert all(q[0] in "„“«‘\"" for q in quotes)
    assert max(len(q) for q in quotes) < 1000  # a stray closing mark ("ātbrīvošanas”misiju") swallows nothing
    guess = synthetic.metadata_guess
    assert guess["author"] == "Testa Autors" and guess["supervisor"] == "Testa Vadītājs"
    assert guess["degree"] == "Kvalifikācijas darbs" and guess["year"] == "2026"
    assert guess["title"] == "SINTĒTISKS TESTA DARBS NO LVTB IZSTRĀDES KOPAS TEIKUMIEM"


def test_liu_phd(liu: Document) -> None:
    assert covers(liu)
    assert outline(liu) == [
        ("front_matter", "", 1),
        ("abstract", "Abstract", 3),
        ("abstract", "Populärvetenskaplig sammanfattning", 5),  # the Swedish summary
        ("front_matter", "Acknowledgments", 7),
        ("front_matter", "List of included publications", 9),
        ("contents", "Contents", 11),  # "Introduction" and "Bibliography" in it are entries
        ("body", "Chapter 1 Introduction", 13),
        ("bibliography", "Bibliography", 117),
        ("appendix", "Publications", 127),  # the included papers (left out of this PDF)
    ]
    assert liu.sections[1].language == "en"
    quotes = [liu.text[q.start : q.end] for q in liu.quotations]
    assert "‘all models are wrong, but some models are useful’" in quotes
    assert "“Magnetic Neutron Scattering”" in quotes
    # no title page in this PDF (cover and title page are separate): nothing is invented,
    # not even the epigraph's "Leonard Cohen" as author
    assert liu.metadata_guess == {}


def test_unitn_italian(unitn: Document) -> None:
    # Italian cues: "Indice" (contents), "Riferimenti" (bibliography); no appendices
    assert covers(unitn)
    assert outline(unitn) == [
        ("front_matter", "", 1),
        ("contents", "Indice", 2),
        ("body", "Qualità dei Sistemi Elettrici di Potenza", 3),
        ("bibliography", "Riferimenti", 15),
    ]
    quotes = [unitn.text[q.start : q.end] for q in unitn.quotations]
    assert "«Power Quality Following Deregulation»" in quotes
    assert unitn.metadata_guess["supervisor"] == "Prof. David Macii"
    assert unitn.metadata_guess["author"] == "Andrea Feletto"


def test_structure_is_cheap(liu: Document) -> None:
    # a 244k-character thesis: sections, quotations and the guess well under 0.2 s
    best = min(_timed(liu) for _ in range(3))
    assert best < 0.2, best


def _timed(doc: Document) -> float:
    t0 = time.perf_counter()
    read_structure(doc.text, doc.pages, doc.passages)
    return time.perf_counter() - t0
