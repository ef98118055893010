"""Token streams for search: one folded stem per word, Latvian and English."""

from __future__ import annotations

import unicodedata

from repository.sqlite_search import fts_query
from repository.text_analysis import WORD, analyse, analyse_by_spans, fold, query_terms, stem


def test_one_token_per_word_folded_and_stemmed():
    text = "Studentu pētījumā: e-studiju vide_2024!"
    stream = analyse(text, "lv")
    assert len(stream.split()) == len(list(WORD.finditer(text)))
    assert stream == "student petijum e studij vid 2024"


def test_word_forms_share_a_stem():
    assert stem("studentu", "lv") == stem("Studenti", "lv") == stem("studentiem", "lv")
    assert stem("pētījums", "lv") == stem("pētījumā", "lv") == stem("petijums", "lv")
    assert stem("studies", "en") == stem("studied", "en")
    assert stem("Rīga", "de") == "riga"  # other languages: folded only


def test_decomposed_text_is_one_word_and_stems_like_composed():
    nfd = unicodedata.normalize("NFD", "pētījumā")
    assert [m.group() for m in WORD.finditer(nfd)] == [nfd]
    assert stem(nfd, "lv") == stem("pētījumā", "lv")


def test_language_per_span():
    text = "Studenti mācās. Students were studying."
    assert analyse_by_spans(text, [(0, "lv"), (16, "en")], "lv").split()[-1] == "studi"
    assert fold("Ķēniņš") == "kenins"


def test_query_covers_both_languages_and_is_safe():
    assert query_terms("Studenti") == [frozenset({"student", "studenti"})]
    assert fts_query('"a" OR b*') == '("a") AND ("or") AND ("b")'
    assert fts_query("  ... ") is None
