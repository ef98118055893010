from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from ingest.errors import CorruptFile, EmptyDocument
from ingest.extract import ExtractLimits, extract, extract_bytes, sniff

LV = "Latvijas Universitātē ir daudz studentu.\r\nŠī ir otrā rinda ar ķēdi, ņiprumu un ģimeni.\n"


def test_utf8_keeps_crlf_exactly(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(LV.encode("utf-8"))
    result = extract(path, ExtractLimits())
    assert result.text == LV
    assert result.format == "txt"
    assert [(p.number, p.start, p.end) for p in result.pages] == [(1, 0, len(LV))]


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + LV.encode("utf-8"),
        LV.encode("utf-16"),  # with BOM
        codecs.BOM_UTF16_BE + LV.encode("utf-16-be"),
        LV.encode("cp1257"),
    ],
    ids=["utf8-bom", "utf16", "utf16-be", "windows-1257"],
)
def test_encodings(data: bytes) -> None:
    assert extract_bytes(data, "a.txt").text == LV


def test_windows_1252_non_latvian_is_refused() -> None:
    data = "Ein schöner Tag für alle Studenten, überall in Köln.".encode("cp1252") + b"\x81"
    with pytest.raises(CorruptFile, match="not a text file"):
        extract_bytes(data, "a.txt")


def test_nul_laden_txt_is_refused() -> None:
    with pytest.raises(CorruptFile) as info:
        extract_bytes(b"abc\x00\x00\x00def" * 50, "notes.txt")
    assert info.value.path == "notes.txt"


def test_random_bytes_txt_is_refused() -> None:
    import random

    data = random.Random(1).randbytes(5000)
    with pytest.raises(CorruptFile):
        extract_bytes(data, "x.txt")


def test_empty_and_whitespace(tmp_path: Path) -> None:
    with pytest.raises(EmptyDocument):
        extract_bytes(b"", "a.txt")
    path = tmp_path / "blank.txt"
    path.write_bytes(b"  \r\n\t\n ")
    with pytest.raises(EmptyDocument) as info:
        extract(path)
    assert info.value.path == "blank.txt"


def test_sniff() -> None:
    assert sniff(LV.encode()) == "txt"
    assert sniff(b"%PDF-1.7\n...") == "pdf"
    assert sniff(b"\x00\x01\x02\x03" * 100) == "unknown"
    # A multi-byte character cut at the 64 KB sniffing window is still text.
    assert sniff(("ā" * 40000).encode()) == "txt"
