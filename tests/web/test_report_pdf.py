"""The PDF export of a real report, read back with pdftotext."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from similarity.report.pdf import render_pdf
from similarity.report.recompute import apply_exclusions

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")


def pdf_text(pdf: bytes, tmp_path: Path) -> tuple[str, int]:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text, text.count("\f")


def squash(text: str) -> str:
    return " ".join(text.split())


def test_pdf_holds_title_index_and_passages(corpus, tmp_path) -> None:
    report = corpus.report
    pdf = render_pdf(report, corpus.submission_text)
    assert pdf.startswith(b"%PDF-")
    text, pages = pdf_text(pdf, tmp_path)
    flat = squash(text)
    assert "Similarity report" in flat and report.submission.name in flat
    assert f"{report.similarity_index:.1f}%" in flat
    # a matched passage and its source side; pdftotext breaks lines, so compare words
    first_words = " ".join(corpus.copied["terms"].split()[:6])
    assert first_words in flat
    # each source is in the sources table with its share
    for s in report.sources:
        assert f"{s.share:.1f}%" in flat
    # a long report (the whole submission text plus passages) takes several pages
    assert pages > 1


def test_pdf_follows_exclusions(corpus, tmp_path) -> None:
    view = apply_exclusions(corpus.report, corpus.report.exclusions.model_copy(update={"quotations": True, "bibliography": True}))
    assert view.similarity_index != corpus.report.similarity_index
    text, _ = pdf_text(render_pdf(view, corpus.submission_text), tmp_path)
    assert re.search(rf"\b{re.escape(f'{view.similarity_index:.1f}')}%", squash(text))
