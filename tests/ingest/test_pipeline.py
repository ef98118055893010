from __future__ import annotations

import hashlib
import io
from pathlib import Path

import docx
import pytest

from ingest.errors import CorruptFile, EncryptedFile, FileTooLarge, FormatMismatch, UnsupportedFormat
from ingest.extract import ExtractLimits
from ingest.pipeline import IngestOptions, ingest_bytes, ingest_file

from ingest_data import TEST_DATA, shared_file

LV_PARA = (
    "Šajā darbā tiek pētīta augstākās izglītības digitalizācija Latvijā. Pētījumā piedalījās "
    "divdesmit augstskolas, un to pārstāvji atbildēja uz aptaujas jautājumiem par studiju procesu. "
)
EN_PARA = "This thesis studies the digital transformation of higher education in Latvia. Twenty universities took part. "


def test_txt_document(tmp_path: Path) -> None:
    text = (LV_PARA * 6 + "\n\n") * 3 + EN_PARA * 2
    path = tmp_path / "darbs.txt"
    path.write_text(text, encoding="utf-8")
    doc = ingest_file(path)
    assert doc.text == text and doc.format == "txt" and doc.source_name == "darbs.txt"
    assert doc.sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert doc.language == "lv"
    assert {p.language for p in doc.passages} == {"lv", "en"}
    assert [p.index for p in doc.passages] == list(range(len(doc.passages)))
    assert doc.flags == []
    assert len(doc.sentences) == 6 * 2 * 3 + 4


def test_evasion_flags() -> None:
    # Cyrillic "е" and "о" inside Latin words, and zero-width spaces inside words.
    text = "Šis ir tеksts pаr plaģiātu.\n\nTas ir ne\u200bredzams un vēl\u200b\u200bviens vārds."
    doc = ingest_bytes(text.encode(), "a.txt")
    flags = {f.kind: f for f in doc.flags}
    look = flags["lookalike_letters"]
    assert look.count == 2
    assert [text[s.start : s.end] for s in look.locations] == ["tеksts", "pаr"]
    inv = flags["invisible_characters"]
    assert inv.count == 3
    assert [text[s.start : s.end] for s in inv.locations] == ["ne\u200bredzams", "vēl\u200b\u200bviens"]
    assert "U+200B" in inv.detail


def test_docx_document() -> None:
    document = docx.Document()
    document.add_heading("Ievads", level=1)
    for _ in range(3):
        document.add_paragraph(LV_PARA * 3)
    buf = io.BytesIO()
    document.save(buf)
    doc = ingest_bytes(buf.getvalue(), "uploads/darbs.docx")
    assert doc.format == "docx" and doc.source_name == "darbs.docx"
    assert doc.language == "lv"
    assert doc.page_at(10) == 1


def test_pdf_document() -> None:
    doc = ingest_file(TEST_DATA / "lu-template.pdf", IngestOptions(passage_target_words=60))
    assert doc.format == "pdf" and len(doc.pages) == 19
    assert doc.page_at(doc.text.index("ABSTRACT")) == 3
    assert doc.language == "other"  # the body is lorem ipsum
    abstract = next(p for p in doc.passages if "ABSTRACT" in doc.passage_text(p))
    assert abstract.language == "other"
    assert any(p.language == "en" for p in doc.passages)


def test_synthetic_thesis() -> None:
    doc = ingest_file(shared_file("theses/synthetic-lv/thesis.pdf"))
    assert doc.language == "lv"
    assert len(doc.pages) == 111 and len(doc.passages) > 300


@pytest.mark.parametrize(
    "data, name, error",
    [
        (b"", "a.pdf", "EmptyDocument"),
        (b"%PDF-1.4 truncated", "a.pdf", CorruptFile),
        ("teksts".encode(), "a.docx", FormatMismatch),
        (b"abc", "a.xyz", UnsupportedFormat),
    ],
)
def test_errors_carry_the_file_name(data: bytes, name: str, error) -> None:
    from ingest import errors

    error = getattr(errors, error) if isinstance(error, str) else error
    with pytest.raises(error) as info:
        ingest_bytes(data, name)
    assert info.value.path == name
    assert str(info.value).startswith(f"{name}: ")


def test_ingest_file_errors(tmp_path: Path) -> None:
    with pytest.raises(EncryptedFile) as info:
        ingest_file(TEST_DATA / "encrypted-userpw.pdf")
    assert info.value.path == "encrypted-userpw.pdf"
    with pytest.raises(FileTooLarge):
        ingest_file(TEST_DATA / "tiny.pdf", IngestOptions(limits=ExtractLimits(max_bytes=100)))
    with pytest.raises(CorruptFile) as info:
        ingest_file(tmp_path / "missing.txt")
    assert info.value.path == "missing.txt"
