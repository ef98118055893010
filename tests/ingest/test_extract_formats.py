"""ODT, RTF, HTML and 8-bit text files; archive checks."""

from __future__ import annotations

import io
import zipfile

import pytest

from ingest.errors import CorruptFile, FileTooLarge, FormatMismatch
from ingest.extract import ExtractLimits, extract_bytes, sniff
from ingest.extract.plain import detect

import office_fixtures as fx


def test_odt_blocks_in_order() -> None:
    result = extract_bytes(fx.odt(), "darbs.odt")
    assert result.format == "odt"
    assert result.text == "\n\n".join(
        [
            "Ievads",
            "Pirmā rindkopa ar treknu tekstu.  Otrais\tteikums.\nJauna rinda.",
            "Saraksta punkts.",
            "Šūna A1",
            "Šūna B1",
            "Beigas.",  # the note body is left out, like DOCX footnotes
        ]
    )
    assert result.flags == []
    assert [(p.number, p.start, p.end) for p in result.pages] == [(1, 0, len(result.text))]


def test_odt_sniffed_and_mismatch() -> None:
    data = fx.odt()
    assert sniff(data) == "odt"
    with pytest.raises(FormatMismatch, match="contains ODT"):
        extract_bytes(data, "darbs.docx")


def test_odt_with_doctype_is_refused() -> None:
    bomb = fx.odt().replace(b"x", b"x")  # start from a valid file, then swap content.xml
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(bomb)) as src, zipfile.ZipFile(buf, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "content.xml":
                data = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + data[data.index(b"<office:") :]
            dst.writestr(item, data)
    with pytest.raises(CorruptFile, match="DTD"):
        extract_bytes(buf.getvalue(), "bomb.odt")


def test_rtf_code_page_and_unicode() -> None:
    result = extract_bytes(fx.rtf_1257(), "darbs.rtf")
    assert result.format == "rtf"
    assert result.text.startswith("Plāši Žaģats: āboli un šķēis.\n\nOtrā rindkopa")
    assert "Otrā rindkopa\nar rindas pārnesumu.\tBeigas." in result.text
    assert "Riched20" not in result.text and "Arial" not in result.text


def test_rtf_that_is_text() -> None:
    with pytest.raises(FormatMismatch, match="plain text"):
        extract_bytes("Vienkāršs teksts.".encode(), "darbs.rtf")


def test_html_blocks_charset_and_skipped_elements() -> None:
    html = (
        '<!DOCTYPE html><html><head><meta charset="windows-1257"><title>Nosaukums</title>'
        "<style>p { color: red }</style></head><body><h1>Ievads</h1>"
        "<p>Šis   ir\n teksts ar <b>treknu</b> vārdu.<br>Otrā rinda.</p>"
        "<script>var x = 1;</script><ul><li>Viens</li><li>Divi</li></ul>"
        "<table><tr><td>Šūna</td><td>Otra</td></tr></table></body></html>"
    ).encode("cp1257")
    assert sniff(html) == "html"
    result = extract_bytes(html, "lapa.html")
    assert result.format == "html"
    assert result.text == "Ievads\n\nŠis ir teksts ar treknu vārdu.\nOtrā rinda.\n\nViens\n\nDivi\n\nŠūna\n\nOtra"
    assert extract_bytes(html, "lapa.htm").text == result.text


def test_html_utf8_bom_and_entities() -> None:
    data = b"\xef\xbb\xbf<html><body><p>R&#299;ga &amp; J&#363;rmala&nbsp;!</p></body></html>"
    assert extract_bytes(data, "a.html").text == "Rīga & Jūrmala\u00a0!"


@pytest.mark.parametrize(
    "encoding, name",
    [("cp1257", "cp1257"), ("iso8859_13", "cp1257"), ("iso8859_4", "iso8859_4"), ("cp1252", "cp1252")],
)
def test_txt_code_pages_detected(encoding: str, name: str) -> None:
    lv = "Latvijas Universitātē ir daudz studentu. Šī ir otrā rinda ar ķēdi, ņiprumu un ģimeni.\n" * 3
    fr = "Très bientôt, à la fenêtre, le garçon écoutait la leçon. Où est-il allé après?\n" * 3
    text = fr if encoding == "cp1252" else lv
    found = detect(text.encode(encoding))
    assert found is not None
    assert found[0] == text  # ISO-8859-13 and Windows-1257 agree on these letters: either is right
    assert found[1] == name
    assert extract_bytes(text.encode(encoding), "a.txt").text == text


def _zip(entries: dict[str, bytes], odt: bool = False) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        if odt:
            zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_decompression_bomb_ratio() -> None:
    data = _zip({"word/document.xml": b"<w:document/>", "word/media/big.bin": bytes(30 * 1024 * 1024)})
    with pytest.raises(FileTooLarge, match="decompression bomb"):
        extract_bytes(data, "bomb.docx")
    data = _zip({"content.xml": bytes(30 * 1024 * 1024)}, odt=True)
    with pytest.raises(FileTooLarge, match="decompression bomb"):
        extract_bytes(data, "bomb.odt")


def test_archive_entry_count_and_total_size() -> None:
    many = _zip({"word/document.xml": b"<w:document/>", **{f"x/{i}": b"" for i in range(60)}})
    with pytest.raises(FileTooLarge, match="parts"):
        extract_bytes(many, "many.docx", ExtractLimits(max_archive_entries=50))
    big = _zip({"word/document.xml": b"<w:document/>", "a": b"a" * 200_000})
    with pytest.raises(FileTooLarge, match="unpacks to"):
        extract_bytes(big, "big.docx", ExtractLimits(max_unpacked_bytes=100_000))
