"""A corpus of tampered files: every trick is flagged; untampered real theses raise no flag."""

from __future__ import annotations

import pytest

from ingest.pipeline import IngestOptions, ingest_bytes, ingest_file

import office_fixtures as ox
import pdf_fixtures as px
from ingest_data import SHARED_DATA, TEST_DATA

PARA = (
    "Šajā darbā tiek pētīta augstākās izglītības digitalizācija Latvijā. Pētījumā piedalījās "
    "divdesmit augstskolas, un to pārstāvji atbildēja uz aptaujas jautājumiem par studiju procesu. "
)
FAST = IngestOptions(isolate=False)


def _flags(data: bytes, name: str) -> dict:
    doc = ingest_bytes(data, name, FAST)
    return {f.kind: [doc.text[s.start : s.end] for s in f.locations] for f in doc.flags}


@pytest.mark.parametrize(
    "text, kind, where",
    [
        (PARA + "Šis tеksts pаr plaģiātu.", "lookalike_letters", "tеksts"),
        (PARA + "Tas ir ne\u200bredzams vārds.", "invisible_characters", "ne\u200bredzams"),
        (PARA + "Tas ir p l a ģ i ā t s un k o p ē t s teksts.", "spaced_letters", "p l a ģ i ā t s"),
        (PARA + " ".join(["pē\u00adtī\u00adju\u00admu"] * 4), "soft_hyphens", "pē\u00adtī\u00adju\u00admu"),
        (PARA + "\u2002".join(["vārds"] * 15), "unusual_spaces", None),
    ],
)
def test_text_tricks(text: str, kind: str, where: str | None) -> None:
    flags = _flags(text.encode(), "a.txt")
    assert kind in flags
    if where:
        assert where in flags[kind]
    assert set(flags) == {kind}


def test_few_soft_hyphens_and_no_break_spaces_are_normal() -> None:
    text = (PARA * 20) + "Optimālā pēt\u00adījuma metode. 2020.\u00a0gadā prof.\u00a0J.\u00a0Bērziņš."
    assert _flags(text.encode(), "a.txt") == {}


@pytest.mark.parametrize(
    "kwargs, kind, where",
    [
        ({"hidden": True}, "hidden_text", "paslēpts teksts"),
        ({"white": True}, "white_text", " balts teksts"),
        ({"tiny": True}, "tiny_text", " sīks teksts"),
        ({"spaced": True}, "letter_spacing", None),
    ],
)
def test_docx_tricks(kwargs: dict, kind: str, where: str | None) -> None:
    flags = _flags(ox.tampered_docx(**kwargs), "darbs.docx")
    assert set(flags) == {kind}
    if where:
        assert flags[kind] == [where]


def test_docx_white_on_dark_cell_is_normal() -> None:
    assert _flags(ox.tampered_docx(white_on_dark=True), "darbs.docx") == {}


def test_odt_rtf_html_tricks() -> None:
    odt = _flags(ox.tampered_odt(), "darbs.odt")
    assert odt == {"white_text": ["balts slēpts teksts"], "tiny_text": ["sīks teksts"], "hidden_text": ["paslēpts teksts"]}
    rtf = _flags(ox.tampered_rtf(), "darbs.rtf")
    assert rtf == {"white_text": ["balts teksts"], "hidden_text": ["slēpts teksts"], "tiny_text": ["sīks teksts"]}
    html = b'<html><body><p>Teksts <span style="color:#ffffff">balts</span> <i hidden>slepts</i></p></body></html>'
    assert _flags(html, "a.html") == {"white_text": ["balts"], "hidden_text": ["slepts"]}


@pytest.mark.parametrize(
    "kwargs, kind, where",
    [
        ({"white": True}, "white_text", "slēptais baltais teksts plaģiātam"),
        ({"tiny": True}, "tiny_text", "sīkais teksts kas nav redzams"),
        ({"scrambled": True}, "scrambled_order", None),
    ],
)
def test_pdf_tricks(kwargs: dict, kind: str, where: str | None) -> None:
    px.need_font()
    flags = _flags(px.tampered(**kwargs), "darbs.pdf")
    assert set(flags) == {kind}
    if where:
        assert flags[kind] == [where]


def test_pdf_scrambled_page_is_read_in_visual_order() -> None:
    px.need_font()
    doc = ingest_bytes(px.tampered(scrambled=True), "darbs.pdf", FAST)
    page = doc.text[doc.pages[1].start : doc.pages[1].end]
    numbers = [int(line.split("numur ")[1].split()[0]) for line in page.splitlines() if "numur" in line]
    assert numbers == list(range(1, 15))


def test_clean_generated_files_raise_no_flag() -> None:
    px.need_font()
    assert _flags(px.tampered(), "darbs.pdf") == {}
    assert _flags(ox.tampered_docx(), "darbs.docx") == {}
    assert _flags(ox.odt(), "darbs.odt") == {}
    assert _flags(ox.rtf_1257(), "darbs.rtf") == {}
    assert _flags((TEST_DATA / "two-column.pdf").read_bytes(), "two-column.pdf") == {}


def _real_theses() -> list:
    paths = sorted((SHARED_DATA / "theses").glob("*/*.pdf")) if SHARED_DATA.is_dir() else []
    return paths or [pytest.param(None, marks=pytest.mark.skip(reason=f"shared data not available: {SHARED_DATA}"))]


@pytest.mark.parametrize("path", _real_theses(), ids=lambda p: p.parent.name if p else "none")
def test_real_theses_raise_no_flag(path) -> None:
    doc = ingest_file(path, FAST)
    assert [(f.kind, f.detail) for f in doc.flags] == []
