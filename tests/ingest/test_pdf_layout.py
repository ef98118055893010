"""PDF reading order, running headers/footers, footnotes (tests/data/two-column.pdf, see pdf_fixtures.py)."""

from __future__ import annotations

import pytest

from ingest.extract import extract, extract_bytes
from ingest.extract.pdf import PAGE_SEPARATOR
from ingest.extract.pdf_layout import Line, reading_order, running_lines

import pdf_fixtures as fx
from ingest_data import TEST_DATA, shared_file


def test_two_columns_in_reading_order() -> None:
    result = extract(TEST_DATA / "two-column.pdf")
    assert len(result.pages) == 3
    first = result.text[result.pages[0].start : result.pages[0].end]
    assert first.startswith("Kopsavilkums divās kolonnās\n\nKreisās kolonnas pirmā rinda")
    left_end = first.index("un tās ietekmi uz mācībspēkiem.")
    assert left_end < first.index("Labās kolonnas pirmā rinda turpina") < first.index("visā valstī kopumā.")
    for a, b in zip(result.pages, result.pages[1:]):
        assert result.text[a.end : b.start] == PAGE_SEPARATOR


def test_running_header_and_page_numbers_removed() -> None:
    result = extract(TEST_DATA / "two-column.pdf")
    assert "Digitalizācija augstākajā izglītībā" not in result.text
    for page in result.pages:
        lines = result.text[page.start : page.end].splitlines()
        assert lines[0] and not lines[0].strip().isdigit() and not lines[-1].strip().isdigit()


def test_footnote_kept_last_and_marked() -> None:
    result = extract(TEST_DATA / "two-column.pdf")
    assert [result.text[s.start : s.end] for s in result.footnotes] == ["1 Zemsvītras piezīme par avotu un tā izcelsmi."]
    first = result.pages[0]
    assert result.footnotes[0].end == first.end  # at the end of its page


def test_fixture_is_reproducible() -> None:
    fx.need_font()
    assert extract_bytes(fx.two_column(), "x.pdf").text == extract(TEST_DATA / "two-column.pdf").text


def test_reading_order_of_interleaved_columns() -> None:
    """Lines drawn row by row across two columns are still read column by column."""
    lines = []
    for i in range(8):
        y = 700 - 14 * i
        lines.append(Line(text=f"left {i}", x0=72, y0=y, x1=280, y1=y + 10, seq=2 * i))
        lines.append(Line(text=f"right {i}", x0=320, y0=y, x1=520, y1=y + 10, seq=2 * i + 1))
    title = Line(text="title", x0=72, y0=760, x1=520, y1=772, seq=99)
    ordered = [ln.text for ln in reading_order([*lines, title])]
    assert ordered == ["title"] + [f"left {i}" for i in range(8)] + [f"right {i}" for i in range(8)]


def test_numbered_heading_at_page_top_is_not_a_running_line() -> None:
    pages = []
    for p in range(5):
        pages.append(([Line(text=f"Dokuments z{10 + 3 * p}", x0=72, y0=780, x1=200, y1=792)], 0.0, 842.0))
    assert running_lines(pages) == set()
    numbers = [([Line(text=str(p + 5), x0=290, y0=30, x1=300, y1=40)], 0.0, 842.0) for p in range(5)]
    assert running_lines(numbers) == {(p, 0) for p in range(5)}


@pytest.mark.parametrize("name", ["liu-phd-2023/thesis.pdf", "unitn-it/thesis.pdf"])
def test_real_thesis_pages_have_no_page_number_lines(name: str) -> None:
    result = extract(shared_file(f"theses/{name}"))
    edges = []
    for p in result.pages:
        lines = result.text[p.start : p.end].strip().splitlines() or [""]
        edges.append([int(t) if t.strip().isdigit() else None for t in (lines[0], lines[-1])])
    # A page number left in place shows as an edge number that grows by one from page to page.
    counting = sum(
        1 for a, b in zip(edges, edges[1:]) for i in (0, 1) if a[i] is not None and b[i] == a[i] + 1
    )
    assert counting <= len(result.pages) // 10
