"""Title-page metadata guesses from built title pages and the LU template."""

from __future__ import annotations

import io
import re

import docx

from ingest.document import Page, Section
from ingest.metadata_guess import guess_metadata
from ingest.pipeline import ingest_bytes, ingest_file

from ingest_data import TEST_DATA, SHARED_DATA

PROSE = ("Šajā darbā tiek pētīta augstākās izglītības digitalizācija Latvijā, un pētījumā piedalījās "
         "divdesmit augstskolas no visiem reģioniem. ") * 4


def test_latvian_title_page_txt() -> None:
    text = "\n\n".join([
        "RĪGAS TEHNISKĀ UNIVERSITĀTE\nDatorzinātnes un informācijas tehnoloģijas fakultāte",
        "Mākslīgā intelekta rīki\nvalsts pārvaldē",
        "Maģistra darbs",
        "Autors: Anna Liepiņa\nZinātniskais vadītājs: Dr. sc. ing. prof. Jānis Bērziņš",
        "Rīga, 2023",
        "ANOTĀCIJA",
        PROSE,
    ])
    guess = ingest_bytes(text.encode(), "darbs.txt").metadata_guess
    assert guess == {
        "title": "Mākslīgā intelekta rīki valsts pārvaldē",
        "author": "Anna Liepiņa",
        "supervisor": "Dr. sc. ing. prof. Jānis Bērziņš",
        "university": "RĪGAS TEHNISKĀ UNIVERSITĀTE",
        "faculty": "Datorzinātnes un informācijas tehnoloģijas fakultāte",
        "year": "2023",
        "degree": "Maģistra darbs",
    }


def test_english_title_page_docx_with_cue_lines() -> None:
    d = docx.Document()
    for line in ["University of Latvia", "Faculty of Computing", "Bachelor's thesis",
                 "Detecting translated plagiarism in Latvian theses", "Author", "Jānis Kalniņš",
                 "Supervisor", "Prof. Anna Ozola", "Riga 2022", "Abstract", PROSE]:
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    guess = ingest_bytes(buf.getvalue(), "thesis.docx").metadata_guess
    assert guess["degree"] == "Bachelor's thesis"
    assert guess["title"] == "Detecting translated plagiarism in Latvian theses"
    assert guess["university"] == "University of Latvia" and guess["faculty"] == "Faculty of Computing"
    assert guess["year"] == "2022"
    # "Author" and "Supervisor" stand alone in their paragraphs, the names follow
    assert guess["author"] == "Jānis Kalniņš" and guess["supervisor"] == "Prof. Anna Ozola"


def test_only_sure_keys_are_filled() -> None:
    # prose only: no title page, no guesses (a university named inside a sentence is not one)
    text = ("This work was done at Linköping University in 2019 and 2020, under the supervision of "
            "several people, as part of a PhD thesis project. ") * 5
    assert guess_metadata(text) == {}
    # two different years on the title page: no year
    assert "year" not in guess_metadata("Maģistra darbs\n\n2019\n\n2020")
    # a year outside 1950-2100 is not a year
    assert "year" not in guess_metadata("Maģistra darbs\n\nRīga 1949")
    # an epigraph's author is not the thesis author
    assert "author" not in guess_metadata("There is a crack in everything,\nthat's how the light gets in.\n\nLeonard Cohen")


def test_only_the_front_pages_are_read() -> None:
    page1 = "Maģistra darbs\n\nTēma"
    page3 = "Autors: Pēteris Kalns"
    text = page1 + "\n\n" + PROSE + "\n\n" + page3
    pages = [
        Page(number=1, start=0, end=len(page1)),
        Page(number=2, start=len(page1) + 2, end=len(page1) + 2 + len(PROSE)),
        Page(number=3, start=len(text) - len(page3), end=len(text)),
    ]
    assert "author" not in guess_metadata(text, pages)
    # and not past the first abstract/contents/body section
    sections = [Section(kind="front_matter", start=0, end=5), Section(kind="abstract", start=5, end=len(text))]
    assert guess_metadata(text, [], sections) == {}


def test_lu_template_matches_main_tex() -> None:
    guess = ingest_file(TEST_DATA / "lu-template.pdf").metadata_guess
    # from main.tex: \institution, \faculty, \title, \subtitle, \author, \advisor
    expected = {
        "university": "Latvijas Universitāte",
        "faculty": "Eksakto zinātņu un tehnoloģiju fakultāte",
        "title": "Tēma",
        "degree": "Kvalifikācijas darbs",
        "author": "Jānis Paraudziņš",
        "supervisor": "Anna Kalniņa",
    }
    tex = SHARED_DATA / "theses" / "lu-template" / "main.tex"
    if tex.is_file():  # the truth itself, when ../shared is here
        source = tex.read_text(encoding="utf-8")
        for key, macro in [("university", "institution"), ("faculty", "faculty"), ("title", "title"),
                           ("degree", "subtitle"), ("author", "author"), ("supervisor", "advisor")]:
            expected[key] = re.search(r"\\" + macro + r"\s*\{([^}]*)\}", source).group(1)
    assert {k: guess[k].casefold() for k in expected} == {k: v.casefold() for k, v in expected.items()}
    assert guess["year"] == "2026"  # printed on the title page ("RĪGA 2026"); main.tex sets no year
