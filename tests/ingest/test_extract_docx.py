from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest

from ingest.errors import CorruptFile, EmptyDocument, FormatMismatch, UnsupportedFormat
from ingest.extract import extract, extract_bytes, sniff
from ingest.extract.word import PARAGRAPH_SEPARATOR


def _docx_bytes(build) -> bytes:
    document = docx.Document()
    build(document)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _thesis(document) -> None:
    document.add_heading("Ievads", level=1)
    p = document.add_paragraph("Pirmā rindkopa ar ")
    p.add_run("treknu").bold = True
    p.add_run(" tekstu.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Šūna A1"
    table.cell(0, 1).text = "Šūna B1"
    table.cell(1, 0).text = "Šūna A2"
    table.cell(1, 1).text = ""
    document.add_paragraph("")
    p = document.add_paragraph("Pēc tabulas.")
    p.paragraph_format.tab_stops.add_tab_stop(docx.shared.Inches(1))  # tab stops are not text
    p.add_run().add_break()
    p.add_run("Otrā rinda\tar tabulāciju.")


def test_docx_body_order_with_tables(tmp_path: Path) -> None:
    path = tmp_path / "darbs.docx"
    path.write_bytes(_docx_bytes(_thesis))
    result = extract(path)
    assert result.format == "docx"
    assert result.text == PARAGRAPH_SEPARATOR.join(
        [
            "Ievads",
            "Pirmā rindkopa ar treknu tekstu.",
            "Šūna A1",
            "Šūna B1",
            "Šūna A2",
            "Pēc tabulas.\nOtrā rinda\tar tabulāciju.",
        ]
    )
    assert [(p.number, p.start, p.end) for p in result.pages] == [(1, 0, len(result.text))]


def test_docx_sniffed() -> None:
    assert sniff(_docx_bytes(_thesis)) == "docx"


def test_empty_docx() -> None:
    with pytest.raises(EmptyDocument):
        extract_bytes(_docx_bytes(lambda d: d.add_paragraph("   ")), "tukšs.docx")


def test_truncated_docx() -> None:
    data = _docx_bytes(_thesis)
    with pytest.raises(CorruptFile):
        extract_bytes(data[: len(data) // 2], "half.docx")


def test_zip_without_document_part() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(CorruptFile, match="not a valid DOCX"):
        extract_bytes(buf.getvalue(), "a.docx")


def test_docx_part_with_bad_xml() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_docx_bytes(_thesis))) as src, zipfile.ZipFile(buf, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, data[: len(data) // 2] if item.filename == "word/document.xml" else data)
    with pytest.raises(CorruptFile, match="malformed"):
        extract_bytes(buf.getvalue(), "bad.docx")


def test_docx_that_is_text() -> None:
    with pytest.raises(FormatMismatch, match=r"named \.docx but contains plain text"):
        extract_bytes("Tas ir vienkāršs teksts.".encode(), "darbs.docx")


def test_docx_that_is_pdf() -> None:
    with pytest.raises(FormatMismatch, match="contains PDF"):
        extract_bytes(b"%PDF-1.4\n%%EOF\n", "darbs.docx")


def test_odt_content_named_docx_and_legacy_doc() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", "<office:document-content/>")
    assert sniff(buf.getvalue()) == "odt"
    with pytest.raises(CorruptFile, match="ODT"):  # a broken content.xml
        extract_bytes(buf.getvalue(), "darbs.odt")
    with pytest.raises(FormatMismatch, match="contains ODT"):
        extract_bytes(buf.getvalue(), "darbs.docx")
    with pytest.raises(UnsupportedFormat, match="legacy Word"):
        extract_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "darbs.doc")


def test_unknown_extension() -> None:
    with pytest.raises(UnsupportedFormat, match=r"\.xyz") as info:
        extract_bytes(b"hello", "file.xyz")
    assert info.value.path == "file.xyz"
    with pytest.raises(UnsupportedFormat):
        extract_bytes(b"hello", "README")
