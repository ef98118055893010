"""Sections of theses built in the test (TXT, DOCX): headings, contents, body, back matter."""

from __future__ import annotations

import io

import docx
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.document import Page
from ingest.pipeline import ingest_bytes
from ingest.structure import find_sections
from ingest.structure.cues import classify_heading, is_first_chapter

LV = (
    "Pētījuma mērķis ir noskaidrot, kā augstskolas Latvijā izmanto digitālos rīkus studiju procesā, "
    "un kādas ir to priekšrocības un trūkumi salīdzinājumā ar tradicionālajām metodēm. "
)
EN = (
    "The aim of this study is to find out how universities in Latvia use digital tools in teaching, "
    "and what their advantages and drawbacks are compared with traditional methods. "
)


def latvian_thesis(toc: str = "leaders") -> str:
    contents = {
        "leaders": [
            "IEVADS .......................................... 5",
            "1. TEORĒTISKAIS PAMATOJUMS ....................... 6",
            "1.1. Jēdzieni ..................................... 7",
            "2. PĒTĪJUMA METODES ............................... 9",
            "IZMANTOTĀ LITERATŪRA ............................ 12",
            "PIELIKUMI ....................................... 13",
        ],
        "numbers": ["Ievads 5", "1. Teorētiskais pamatojums 6", "2. Pētījuma metodes 9",
                    "Izmantotā literatūra 12", "Pielikumi 13"],
        "bare": ["Ievads", "1. Teorētiskais pamatojums", "2. Pētījuma metodes", "Izmantotā literatūra", "Pielikumi"],
    }[toc]
    parts = [
        "LATVIJAS UNIVERSITĀTE\nEKONOMIKAS UN VADĪBAS FAKULTĀTE",
        "DIGITĀLIE RĪKI AUGSTĀKAJĀ IZGLĪTĪBĀ",
        "BAKALAURA DARBS",
        "Darba autors: Anna Liepiņa\nDarba vadītājs: asoc. prof. Jānis Bērziņš",
        "Rīga 2024",
        "ANOTĀCIJA",
        LV * 3,
        "ABSTRACT",
        EN * 3,
        "SATURS",
        "\n".join(contents),
        "IEVADS",
        LV * 4,
        "Šajā darbā literatūra ir aplūkota plaši, un ievads tikai ieskicē tēmu.",
        "1. TEORĒTISKAIS PAMATOJUMS",
        LV * 5,
        "KOPSAVILKUMS",  # a chapter summary inside the body: stays body
        LV * 2,
        "2. PĒTĪJUMA METODES",
        LV * 5,
        "IZMANTOTĀ LITERATŪRA",
        "1. Bērziņš, J. (2020). Digitālā izglītība. Rīga: Zinātne.\n2. Smith, A. (2019). Teaching online. London.",
        "PIELIKUMI",
        "1. pielikums. Aptaujas anketa",
        LV * 2,
    ]
    return "\n\n".join(parts)


def kinds(sections) -> list[str]:
    return [s.kind for s in sections]


def section(text: str, sections, kind: str):
    found = [s for s in sections if s.kind == kind]
    assert len(found) == 1, (kind, sections)
    return found[0], text[found[0].start : found[0].end]


def assert_covers(text: str, sections) -> None:
    assert sections[0].start == 0 and sections[-1].end == len(text)
    for a, b in zip(sections, sections[1:]):
        assert a.end == b.start and a.start < a.end


def test_latvian_thesis_sections_in_txt() -> None:
    text = latvian_thesis()
    doc = ingest_bytes(text.encode(), "darbs.txt")
    secs = doc.sections
    assert_covers(text, secs)
    assert kinds(secs) == ["front_matter", "abstract", "abstract", "contents", "body", "bibliography", "appendix"]
    assert [s.heading for s in secs] == [
        "", "ANOTĀCIJA", "ABSTRACT", "SATURS", "IEVADS", "IZMANTOTĀ LITERATŪRA", "PIELIKUMI",
    ]
    assert [s.language for s in secs[1:3]] == ["lv", "en"]
    body, body_text = section(text, secs, "body")
    # the body starts at the real heading, not at the contents entry
    assert body.start == text.index("IEVADS\n\n" + LV[:20])
    assert "KOPSAVILKUMS" in body_text and "2. PĒTĪJUMA METODES" in body_text
    _, contents = section(text, secs, "contents")
    assert "PIELIKUMI ....." in contents and LV not in contents
    _, bibliography = section(text, secs, "bibliography")
    assert "Bērziņš, J. (2020)" in bibliography and "PIELIKUMI" not in bibliography
    _, appendix = section(text, secs, "appendix")
    assert appendix.startswith("PIELIKUMI") and "Aptaujas anketa" in appendix


def test_contents_without_dot_leaders_or_page_numbers() -> None:
    for toc in ("numbers", "bare"):
        text = latvian_thesis(toc)
        secs = find_sections(text)
        assert kinds(secs) == ["front_matter", "abstract", "abstract", "contents", "body", "bibliography", "appendix"]
        body, _ = section(text, secs, "body")
        assert text[body.start :].startswith("IEVADS\n\n" + LV[:20]), toc
        bib, _ = section(text, secs, "bibliography")
        assert text[bib.start :].startswith("IZMANTOTĀ LITERATŪRA\n\n1. Bērziņš"), toc


def test_docx_with_word_contents_field() -> None:
    d = docx.Document()
    for line in [
        "Rīgas Tehniskā universitāte", "Maģistra darbs", "Satura rādītājs",
        "Ievads\t3", "1. Literatūras apskats\t4", "Literatūras saraksts\t9", "Pielikumi\t10",
        "Ievads", LV * 3, "1. Literatūras apskats", LV * 4,
        "Literatūras saraksts", "Bērziņš, J. (2020). Digitālā izglītība. Rīga: Zinātne.",
        "Pielikumi", LV,
    ]:
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    doc = ingest_bytes(buf.getvalue(), "darbs.docx")
    assert kinds(doc.sections) == ["front_matter", "contents", "body", "bibliography", "appendix"]
    assert [s.heading for s in doc.sections[1:]] == ["Satura rādītājs", "Ievads", "Literatūras saraksts", "Pielikumi"]
    assert doc.text[doc.sections[2].start :].startswith("Ievads\n\n" + LV[:10])


def test_english_thesis_numbered_headings_any_case() -> None:
    text = "\n\n".join([
        "Riga Technical University", "Master's thesis",
        "Abstract", EN * 2,
        "Table of Contents", "1 Introduction . . . . . 1\n2 Related work . . . . . 4\nReferences . . . . . 20",
        "1 Introduction", EN * 3,
        "2 Related work", EN * 3,
        "references", "[1] A. Smith. Teaching online. 2019.",
        "Appendix A: Interview questions", EN,
    ])
    secs = find_sections(text)
    assert kinds(secs) == ["front_matter", "abstract", "contents", "body", "bibliography", "appendix"]
    assert [s.heading for s in secs[1:]] == [
        "Abstract", "Table of Contents", "1 Introduction", "references", "Appendix A: Interview questions",
    ]


def test_heading_words_inside_sentences_are_not_headings() -> None:
    text = "\n\n".join([
        "Introduction", EN * 3,
        "References to earlier work are many, and the appendix of this thesis lists them all.",
        EN + "\nReferences\n" + EN,  # a word alone on a wrapped line inside a paragraph
        "Appendix A shows the full questionnaire that the respondents received by e-mail.",
        EN,
    ])
    secs = find_sections(text)
    assert kinds(secs) == ["body"]


def test_running_headers_and_summary_after_body() -> None:
    # a PDF-like text: page numbers and a running header that repeats the heading
    pages_text = [
        "ANOTĀCIJA\n\n" + LV * 3,
        "ANOTĀCIJA\n\n" + LV * 2,
        "IEVADS\n\n" + LV * 4,
        "IZMANTOTĀ LITERATŪRA UN AVOTI\n\n1. Bērziņš, J. Digitālā izglītība. Rīga, 2020.",
        "IZMANTOTĀ LITERATŪRA UN AVOTI\n\n2. Smith, A. Teaching online. London, 2019.",
    ]
    text, pages, pos = "", [], 0
    for n, t in enumerate(pages_text, start=1):
        if text:
            text += "\n\n"
        pages.append(Page(number=n, start=len(text), end=len(text) + len(t)))
        text += t
    secs = find_sections(text, pages)
    assert kinds(secs) == ["abstract", "body", "bibliography"]
    assert secs[0].start == 0 and secs[-1].end == len(text)


def test_no_structure_is_one_body_section() -> None:
    text = EN * 5
    secs = find_sections(text)
    assert [(s.kind, s.start, s.end, s.heading) for s in secs] == [("body", 0, len(text), "")]
    assert find_sections("") == [] and find_sections("  \n ") == []


def test_heading_cues() -> None:
    assert classify_heading("IZMANTOTĀ LITERATŪRA UN AVOTI") == ("bibliography", "lv")
    assert classify_heading("3. Izmantotā literatūra:") == ("bibliography", "lv")
    assert classify_heading("Works Cited") == ("bibliography", "en")
    assert classify_heading("Satura rādītājs") == ("contents", "lv")
    assert classify_heading("REZUMĒ") == ("abstract", "lv")
    assert classify_heading("2. pielikums") == ("appendix", "lv")
    assert classify_heading("Pielikums Nr. 3") == ("appendix", None)
    assert classify_heading("Appendix B. Code") == ("appendix", None)
    assert classify_heading("Appendix B shows the code") is None
    assert classify_heading("Literatūras apskats") is None
    assert classify_heading("Bibliografia") == ("bibliography", "it")
    assert is_first_chapter("1. TEORĒTISKAIS PAMATOJUMS") and is_first_chapter("1 Introduction")
    assert not is_first_chapter("1.1. Jēdzieni") and not is_first_chapter("1. Teorija 5")
    assert not is_first_chapter("1. Šis ir teikums, kas beidzas ar punktu.")
    assert not is_first_chapter("I. M. Moreno, R. C. Magaña. 2020. Enhanced harmonic estimation")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([
    "IEVADS", "SATURS", "ABSTRACT", "Pielikumi", "References", "1. Nodaļa", LV, EN, "Ievads ..... 3",
    "„Citāts bez beigām", "\n", "12",
]), max_size=25))
def test_sections_always_cover_the_text(parts: list[str]) -> None:
    text = "\n\n".join(parts)
    secs = find_sections(text)
    if not text.strip():
        assert secs == []
        return
    assert_covers(text, secs)


def test_subsections_and_chapter_words_are_not_back_matter() -> None:
    text = "\n\n".join([
        "1. Introduction", EN * 3,
        "1.2 Sources", EN * 3,  # a subsection about data sources
        "2. Literature", EN * 3,  # too early for a bibliography named with an everyday word
        "3. Results", EN * 6,
        "Sources", "[1] A. Smith. Teaching online. 2019.",
    ])
    secs = find_sections(text)
    assert kinds(secs) == ["body", "bibliography"]
    assert text[secs[1].start :].startswith("Sources\n\n[1]")


def test_back_matter_without_a_body_heading() -> None:
    text = "\n\n".join([EN * 4, EN * 4, "Bibliography", "[1] A. Smith. Teaching online. 2019."])
    secs = find_sections(text)
    assert kinds(secs) == ["body", "bibliography"]
    text = "\n\n".join(["Abstract", EN * 2, "Bibliography", "[1] A. Smith. Teaching online. 2019."])
    assert kinds(find_sections(text)) == ["abstract", "bibliography"]
