from __future__ import annotations

import re
import time

import pytest

from ingest.sentences import split_sentences

from ingest_data import shared_file


def _split(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Pētījums sākās 2020. gada 15. janvārī. Tas aprakstīts 3. nodaļā, sk. 1. attēls.",
            ["Pētījums sākās 2020. gada 15. janvārī.", "Tas aprakstīts 3. nodaļā, sk. 1. attēls."],
        ),
        (
            "Darbu vadīja prof. J. Bērziņš un asoc. prof. A. B. Kalniņš. Recenzents bija Dr. Ozols.",
            ["Darbu vadīja prof. J. Bērziņš un asoc. prof. A. B. Kalniņš.", "Recenzents bija Dr. Ozols."],
        ),
        (
            "Tika pētīti sociālie tīkli, forumi u.c. Rezultāti bija labi. Piem. Rīgā bija 3.5% atbilžu.",
            ["Tika pētīti sociālie tīkli, forumi u.c.", "Rezultāti bija labi.", "Piem. Rīgā bija 3.5% atbilžu."],
        ),
        (
            "Sk. Nr. 5, t.i. pirmo, t.sk. arī lpp. 12 utt. un u.tml. lietas. Beigas.",
            ["Sk. Nr. 5, t.i. pirmo, t.sk. arī lpp. 12 utt. un u.tml. lietas.", "Beigas."],
        ),
        (
            "Sīkāk: https://www.lu.lv/studijas/index.html. Nākamais teikums!",
            ["Sīkāk: https://www.lu.lv/studijas/index.html.", "Nākamais teikums!"],
        ),
        (
            "Un tad... viņš aizgāja. Vai tiešām? Jā... Tā bija.",
            ["Un tad... viņš aizgāja.", "Vai tiešām?", "Jā...", "Tā bija."],
        ),
        (
            "As shown by Smith et al. (2020), e.g. in Fig. 3, the effect is small. Mr. Brown agrees, i.e. it holds.",
            ["As shown by Smith et al. (2020), e.g. in Fig. 3, the effect is small.", "Mr. Brown agrees, i.e. it holds."],
        ),
        (
            "See No. 5 and vol. 2, pp. 10-12, etc. The value is 3.14. It rose to 42. Then it fell.",
            ["See No. 5 and vol. 2, pp. 10-12, etc.", "The value is 3.14.", "It rose to 42.", "Then it fell."],
        ),
        (
            "Viņš teica: “Tas ir viss.” Tad aizgāja.",
            ["Viņš teica: “Tas ir viss.”", "Tad aizgāja."],
        ),
    ],
)
def test_examples(text: str, expected: list[str]) -> None:
    assert _split(text) == expected


def test_paragraphs_and_lines() -> None:
    text = "1. Ievads\n\nŠis teksts turpinās\nnākamajā rindā bez pār-\ntraukuma\n\nVirsraksts bez punkta\n\nBeigas. "
    assert _split(text) == [
        "1. Ievads",
        "Šis teksts turpinās\nnākamajā rindā bez pār-\ntraukuma",
        "Virsraksts bez punkta",
        "Beigas.",
    ]


def test_crlf_paragraph_break() -> None:
    assert _split("Pirmā daļa\r\n\r\notrā daļa") == ["Pirmā daļa", "otrā daļa"]


def test_dot_leaders_join_the_sentence_before() -> None:
    assert _split("Ievads . . . 5\n\n.\n\n.\n\nSaturs.") == ["Ievads . . . 5\n\n.\n\n.", "Saturs."]


def test_spans_cover_all_words_in_order() -> None:
    text = "  Viens. Divi!\n\n Trīs? četri\n"
    spans = split_sentences(text)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))
    covered = "".join(text[s.start : s.end] for s in spans)
    assert re.sub(r"\s", "", covered) == re.sub(r"\s", "", text)
    assert all(not text[s.start].isspace() and not text[s.end - 1].isspace() for s in spans)
    assert split_sentences("") == [] and split_sentences(" \n\n ") == []


def test_speed_on_a_large_latvian_text() -> None:
    text = shared_file("seeds/004_a5a919650eac9e68.txt").read_text(encoding="utf-8")
    start = time.perf_counter()
    spans = split_sentences(text)
    elapsed = time.perf_counter() - start
    assert len(spans) > 1000
    assert elapsed < 0.5  # ~0.03 s measured; generous for loaded CI machines
