from __future__ import annotations

import io
import random
import re
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from ingest.errors import CorruptFile, EmptyDocument, EncryptedFile, FileTooLarge, FormatMismatch, IngestError
from ingest.extract import ExtractLimits, extract, extract_bytes
from ingest.extract.pdf import PAGE_SEPARATOR
from ingest.normalize import normalize

from ingest_data import TEST_DATA, shared_file

LU_TEMPLATE = TEST_DATA / "lu-template.pdf"


def _check_pages(text: str, pages: list) -> None:
    assert [p.number for p in pages] == list(range(1, len(pages) + 1))
    assert pages[0].start == 0 and pages[-1].end == len(text)
    for a, b in zip(pages, pages[1:]):
        assert a.start <= a.end and text[a.end : b.start] == PAGE_SEPARATOR


def _page_of(result, needle: str) -> int:
    i = result.text.index(needle)
    return next(p.number for p in result.pages if p.start <= i < p.end)


def test_tiny_pdf() -> None:
    result = extract(TEST_DATA / "tiny.pdf")
    assert result.text == "Secret thesis text."
    assert result.format == "pdf"


def test_lu_template_pages() -> None:
    result = extract(LU_TEMPLATE)
    assert len(result.pages) == 19
    _check_pages(result.text, result.pages)
    # Checked against `pdftotext -f N -l N`: the headings open pages 2, 3, 4 and 6.
    assert _page_of(result, "ANOTĀCIJA") == 2
    assert _page_of(result, "ABSTRACT") == 3
    assert _page_of(result, "SATURS") == 4
    assert _page_of(result, "IEVADS") == 6
    assert result.text.startswith("LATVIJAS UNIVERSITĀTE")


def test_synthetic_thesis_pages_and_text() -> None:
    path = shared_file("theses/synthetic-lv/thesis.pdf")
    result = extract(path)
    assert len(result.pages) == 111
    _check_pages(result.text, result.pages)
    assert _page_of(result, "DAIĻLITERATŪRA UN PUBLICISTIKA") == 5
    assert result.text[result.pages[110].start :].startswith("Dokuments z22")
    # Hyphenated line ends are kept in the stored text...
    assert re.search(r"\w-\n\w", result.text)
    # ...and the normalised words cover the true body text.
    truth = shared_file("theses/synthetic-lv/body_groundtruth.txt").read_text(encoding="utf-8")
    body = "\n".join(line for line in truth.splitlines() if not line.startswith("#"))
    want = Counter(re.findall(r"\w+", normalize(body).text))
    got = Counter(re.findall(r"\w+", normalize(result.text).text))
    recall = sum((want & got).values()) / sum(want.values())
    assert recall > 0.97


def test_encrypted_with_password() -> None:
    with pytest.raises(EncryptedFile, match="encrypted") as info:
        extract(TEST_DATA / "encrypted-userpw.pdf")
    assert info.value.path == "encrypted-userpw.pdf"


def test_encrypted_extraction_forbidden() -> None:
    with pytest.raises(EncryptedFile, match="forbids text extraction"):
        extract(TEST_DATA / "encrypted-noextract.pdf")


def test_truncated_pdf() -> None:
    data = LU_TEMPLATE.read_bytes()
    with pytest.raises(CorruptFile, match="truncated"):
        extract_bytes(data[: len(data) // 2], "half.pdf")


def test_malformed_pdf_with_eof_marker() -> None:
    data = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    with pytest.raises(CorruptFile):
        extract_bytes(data, "broken.pdf")


def test_random_bytes_named_pdf() -> None:
    data = random.Random(7).randbytes(20000)
    with pytest.raises(CorruptFile, match="not a valid PDF"):
        extract_bytes(data, "thesis.pdf")


def test_pdf_that_is_a_zip_or_text() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(FormatMismatch, match=r"named \.pdf but contains DOCX"):
        extract_bytes(buf.getvalue(), "thesis.pdf")
    with pytest.raises(FormatMismatch, match=r"named \.pdf but contains plain text"):
        extract_bytes("Tas ir teksts.".encode(), "thesis.pdf")


def test_page_limit() -> None:
    with pytest.raises(FileTooLarge, match="pages"):
        extract(LU_TEMPLATE, ExtractLimits(max_pages=5))
    with pytest.raises(FileTooLarge):
        extract(LU_TEMPLATE, ExtractLimits(max_bytes=1000))


def test_pdf_without_text() -> None:
    data = (TEST_DATA / "tiny.pdf").read_bytes().replace(b"(Secret thesis text.) Tj", b"(                  ) Tj")
    with pytest.raises(EmptyDocument, match="OCR"):
        extract_bytes(data, "scan.pdf")


def test_only_ingest_errors_escape_for_mangled_pdfs() -> None:
    """Damaged copies of a real PDF: extract returns text or raises an IngestError, nothing else."""
    data = LU_TEMPLATE.read_bytes()
    rng = random.Random(3)
    for _ in range(8):
        mangled = bytearray(data)
        for _ in range(40):
            i = rng.randrange(len(mangled) - 2000)
            mangled[i : i + 8] = rng.randbytes(8)
        try:
            extract_bytes(bytes(mangled), "mangled.pdf")
        except IngestError:
            pass


def test_pages_agree_with_pdftotext() -> None:
    """Every page's first words are where poppler puts them (when poppler-utils is installed)."""
    try:
        subprocess.run(["pdftotext", "-v"], capture_output=True, check=False)
    except FileNotFoundError:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    result = extract(LU_TEMPLATE)
    for page in result.pages:
        out = subprocess.run(
            ["pdftotext", "-f", str(page.number), "-l", str(page.number), str(LU_TEMPLATE), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        words = re.findall(r"[^\W\d_]{4,}", out)[:3]
        page_text = result.text[page.start : page.end]
        for w in words:
            assert w in page_text, (page.number, w)
