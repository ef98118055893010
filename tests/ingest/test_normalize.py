"""The normalised matching view and its map back to original offsets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.normalize import normalize


def original(text: str, view, needle: str) -> str:
    i = view.text.index(needle)
    s, e = view.to_original(i, i + len(needle))
    return text[s:e]


def test_case_ligatures_whitespace():
    text = "  Šis  ir\tﬁnanšu\n\nTIRGUS  "
    v = normalize(text)
    assert v.text == "šis ir finanšu tirgus"
    assert original(text, v, "finanšu") == "ﬁnanšu"
    assert original(text, v, "tirgus") == "TIRGUS"


def test_line_end_hyphenation_is_joined_and_maps_back():
    text = "Šis pētī-\njums ir svarīgs. Rīga-\nJūrmala"
    v = normalize(text)
    assert "pētījums" in v.text
    assert original(text, v, "pētījums") == "pētī-\njums"
    # an upper-case word after the break is a real hyphenated compound
    assert "rīga-" in v.text and "jūrmala" in v.text
    assert v.hyphen_joins == 1


def test_zero_width_and_soft_hyphen_dropped():
    text = "pla\u200bģi\u00adāts un\ufeff teksts"
    v = normalize(text)
    assert v.text == "plaģiāts un teksts"
    assert sorted(v.invisible) == [3, 6, 13]
    assert original(text, v, "plaģiāts") == "pla\u200bģi\u00adāts"


def test_lookalike_letters_folded_only_in_latin_words():
    # Cyrillic "о" and "с" inside Latin words; a Russian quotation stays Cyrillic
    text = "Kоpēts teksts ar сitu burtu. Цитата: «мир»."
    v = normalize(text)
    assert "kopēts" in v.text and "citu" in v.text
    assert "цитата" in v.text and "мир" in v.text
    assert len(v.lookalikes) == 2


def test_whole_lookalike_word_between_latin_words():
    text = "this is а сору of text"  # "а" and "сору" written in Cyrillic
    v = normalize(text)
    assert v.text == "this is a copy of text"


def test_decomposed_diacritics_compose():
    text = "pe\u0304t\u012bjums"  # ē written as e + combining macron
    v = normalize(text)
    assert v.text == "pētījums"
    assert original(text, v, "pētījums") == text


def test_fold_diacritics_optional():
    assert normalize("Pētījumā ŠĶĒRSLIS").text == "pētījumā šķērslis"
    assert normalize("Pētījumā ŠĶĒRSLIS", fold_diacritics=True).text == "petijuma skerslis"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aāšžb cCDĒ-\n\t.\u200b\u00adоеﬁ\u0304")), max_size=60))
def test_offsets_are_monotonic_and_in_range(text):
    for fold in (False, True):
        v = normalize(text, fold_diacritics=fold)
        assert len(v.starts) == len(v.ends) == len(v.text)
        assert all(0 <= s < e <= len(text) for s, e in zip(v.starts, v.ends))
        assert list(v.starts) == sorted(v.starts)


@pytest.mark.parametrize("fold", [False, True])
def test_every_word_maps_to_itself(fold):
    text = "Latvijas Universitāte 2020. gadā ieviesa e-studiju vidi;  ﬁnanšu\u200b pārskats."
    v = normalize(text, fold_diacritics=fold)
    for word in v.text.split():
        s, e = original(text, v, word), None
        assert normalize(s, fold_diacritics=fold).text == word
