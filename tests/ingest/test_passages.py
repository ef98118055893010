from __future__ import annotations

import re

from ingest.passages import make_passages
from ingest.sentences import split_sentences

from ingest_data import shared_file


def _words(text: str) -> int:
    return len(re.findall(r"\S+", text))


def _check_invariants(text: str, sentences, passages) -> None:
    assert all(s < e for s, e in passages)
    assert all(a[1] <= b[0] for a, b in zip(passages, passages[1:]))
    for s in sentences:  # each sentence sits in one passage (or a run of them, when split)
        inside = [p for p in passages if p[0] < s.end and s.start < p[1]]
        assert inside and inside[0][0] <= s.start and inside[-1][1] >= s.end


def test_groups_sentences_to_about_target() -> None:
    text = " ".join(f"Teikums numur {i} ir šeit ar vārdiem." for i in range(100))  # 7 words each
    sentences = split_sentences(text)
    passages = make_passages(text, sentences, target_words=70, max_words=140)
    _check_invariants(text, sentences, passages)
    sizes = [_words(text[s:e]) for s, e in passages]
    assert all(63 <= n <= 77 for n in sizes[:-1]), sizes
    assert sum(sizes) == 700


def test_paragraph_break_ends_a_half_full_passage() -> None:
    para = " ".join(["Vārds vārds vārds vārds vārds."] * 9)  # 45 words
    text = para + "\n\n" + para
    passages = make_passages(text, split_sentences(text), target_words=80, max_words=160)
    assert [text[s:e] for s, e in passages] == [para, para]


def test_short_heading_does_not_end_a_passage() -> None:
    text = "Ievads\n\n" + " ".join(["Vārds vārds vārds vārds vārds."] * 4)
    passages = make_passages(text, split_sentences(text), target_words=80)
    assert passages == [(0, len(text))]


def test_long_sentence_is_split_at_word_boundaries() -> None:
    long = " ".join(f"W{i}" for i in range(400)) + "."
    text = "Īss teikums. " + long + " Vēl viens."
    sentences = split_sentences(text)
    passages = make_passages(text, sentences, target_words=80, max_words=160)
    _check_invariants(text, sentences, passages)
    chunks = [text[s:e] for s, e in passages]
    assert chunks[0] == "Īss teikums."
    assert [_words(c) for c in chunks[1:3]] == [134, 134]
    # The short last sentence joins the last piece (a short tail is merged when it fits).
    assert chunks[-1].startswith("W268 ") and chunks[-1].endswith("W399. Vēl viens.")


def test_real_text() -> None:
    text = shared_file("seeds/004_a5a919650eac9e68.txt").read_text(encoding="utf-8")
    sentences = split_sentences(text)
    passages = make_passages(text, sentences)
    _check_invariants(text, sentences, passages)
    assert max(_words(text[s:e]) for s, e in passages) <= 160
