"""Verbatim and near-verbatim alignment on real Latvian and English text."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from similarity.align import AlignParams, align
from similarity.shingles import shingle_hashes, tokenize

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def udhr_lv() -> list[str]:
    text = (Path(__file__).resolve().parents[2] / "api/demo/data/udhr.lv.txt").read_text(encoding="utf-8")
    return [p for p in text.split("\n\n") if len(p.split()) > 20]


@pytest.fixture(scope="module")
def udhr_en() -> list[str]:
    text = (Path(__file__).resolve().parents[2] / "api/demo/data/udhr.en.txt").read_text(encoding="utf-8")
    return [p for p in text.split("\n\n") if len(p.split()) > 20]


def test_shingle_hashes_are_stable_and_positional():
    a = tokenize("Viens divi trīs četri pieci").hashes
    b = tokenize("VIENS  divi\ttrīs četri pieci").hashes
    assert (shingle_hashes(a, 3) == shingle_hashes(b, 3)).all()
    # order matters: "divi viens trīs" is another shingle than "viens divi trīs"
    c = tokenize("divi viens trīs").hashes
    assert shingle_hashes(c, 3)[0] != shingle_hashes(a, 3)[0]
    with pytest.raises(ValueError):
        shingle_hashes(a, 0)


def test_verbatim_copy_is_found_with_exact_offsets(udhr_lv):
    own = udhr_lv[0] + "\n\n" + udhr_lv[1]
    copied = udhr_lv[10]
    source = "\n\n".join(udhr_lv[8:14])
    susp = own + "\n\n" + copied + "\n\n" + udhr_lv[2]
    found = align(tokenize(susp), tokenize(source))
    assert len(found) == 1
    m = found[0]
    assert m.kind == "identical" and m.score == 1.0
    assert susp[m.susp_chars[0] : m.susp_chars[1]] == copied.rstrip(".;,")  or susp[m.susp_chars[0]:m.susp_chars[1]] in copied
    assert susp[m.susp_chars[0] : m.susp_chars[1]] == source[m.src_chars[0] : m.src_chars[1]]
    # the match covers the copied paragraph up to its final punctuation
    assert m.susp_chars[1] - m.susp_chars[0] >= len(copied) - 2


def test_edited_copy_is_one_near_identical_match(udhr_lv):
    copied = udhr_lv[12] + " " + udhr_lv[13]
    words = copied.split(" ")
    words[5], words[6] = words[6], words[5]  # a swap
    del words[20]  # a deletion
    words.insert(30, "turklāt")  # an insertion
    edited = " ".join(words)
    edited = "".join(c for c in unicodedata.normalize("NFD", edited) if not unicodedata.combining(c))
    susp = udhr_lv[0] + "\n\n" + edited + "\n\n" + udhr_lv[1]
    found = align(tokenize(susp), tokenize("\n\n".join(udhr_lv[10:16])))
    assert len(found) == 1
    assert found[0].kind == "near-identical"
    assert 0.7 < found[0].score < 1.0
    s, e = found[0].susp_chars
    assert e - s > 0.9 * len(edited)


def test_lookalikes_and_invisible_characters_do_not_hide_a_copy(udhr_en):
    copied = udhr_en[5]
    tampered = copied.replace("o", "\u043e", 10).replace(" ", " \u200b", 8)  # Cyrillic o, zero-width spaces
    susp = udhr_en[0] + "\n\n" + tampered
    found = align(tokenize(susp), tokenize("\n\n".join(udhr_en[3:8])))
    assert len(found) == 1
    s, e = found[0].susp_chars
    assert e - s >= len(tampered) - 3


def test_unrelated_texts_give_no_match(udhr_lv, udhr_en):
    assert align(tokenize("\n\n".join(udhr_lv[:8])), tokenize("\n\n".join(udhr_lv[8:16]))) == []
    assert align(tokenize("\n\n".join(udhr_en[:8])), tokenize("\n\n".join(udhr_lv[:8]))) == []


def test_short_common_phrase_is_not_reported(udhr_lv):
    phrase = "ikvienam ir tiesības uz"  # 4 words: under min_tokens
    susp = "Mūsuprāt, " + phrase + " izglītību, kā teikts daudzos dokumentos."
    found = align(tokenize(susp), tokenize("\n\n".join(udhr_lv)), AlignParams())
    assert found == []
