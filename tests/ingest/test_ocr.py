"""Scanned pages are read with the real Tesseract (lav+eng)."""

from __future__ import annotations

import pytest

from ingest.errors import EmptyDocument
from ingest.extract import ExtractLimits, extract_bytes
from ingest.ocr import parse_tsv, tesseract_available

import pdf_fixtures as px

needs_tesseract = pytest.mark.skipif(not tesseract_available(), reason="tesseract is not installed (scripts/setup.sh)")


@needs_tesseract
def test_image_only_page_among_text_pages_is_read_and_flagged() -> None:
    px.need_font()
    result = extract_bytes(px.tampered(image_page=True), "scan.pdf")
    assert result.ocr_pages == [2]
    page = result.text[result.pages[1].start : result.pages[1].end]
    assert page.splitlines() == px.SCANNED_LINES
    flag = next(f for f in result.flags if f.kind == "image_only_pages")
    assert flag.count == 1 and "pages 2 " in flag.detail and "OCR" in flag.detail
    assert [(s.start, s.end) for s in flag.locations] == [(result.pages[1].start, result.pages[1].end)]


@needs_tesseract
def test_ocr_off_leaves_the_page_empty_but_flagged() -> None:
    px.need_font()
    result = extract_bytes(px.tampered(image_page=True), "scan.pdf", ExtractLimits(ocr=False))
    assert result.ocr_pages == [] and result.pages[1].start == result.pages[1].end
    assert "OCR is not available" in result.flags[0].detail


def test_tsv_lines() -> None:
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "4\t1\t1\t1\t1\t0\t10\t10\t200\t30\t-1\t\n"
        "5\t1\t1\t1\t1\t1\t10\t10\t90\t30\t96.5\tRīga\n"
        "5\t1\t1\t1\t1\t2\t110\t12\t100\t28\t91.0\tJūrmala\n"
        "5\t1\t1\t1\t2\t1\t10\t50\t50\t30\t90.0\tbeigas\n"
    )
    lines = parse_tsv(tsv)
    assert [(ln.text, ln.left, ln.top, ln.right, ln.bottom) for ln in lines] == [
        ("Rīga Jūrmala", 10, 10, 210, 40),
        ("beigas", 10, 50, 60, 80),
    ]


def test_scan_without_ocr_is_empty() -> None:
    px.need_font()
    import io

    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(px.W, px.H))
    c.drawImage(ImageReader(px._text_image()), 0, 0, width=px.W, height=px.H)
    c.showPage()
    c.save()
    with pytest.raises(EmptyDocument, match="OCR"):
        extract_bytes(buf.getvalue(), "scan.pdf", ExtractLimits(ocr=False))
