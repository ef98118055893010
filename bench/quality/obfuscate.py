"""Random obfuscation (PAN style) and evasion tricks used by the corpus builders.

``random_obfuscation`` edits words independently with these rates (per word):

- ``swap`` 0.10: the word trades places with the next one;
- ``delete`` 0.07: the word is dropped;
- ``insert`` 0.07: a word drawn from ``vocabulary`` is put after it;
- ``diacritics`` 0.20: the Latvian diacritics of the word are dropped ("ā" -> "a").

About 30 % of the words are touched. Punctuation stays attached to its word.
``lookalike`` replaces a share of the Latin letters that have a Cyrillic
twin; ``zero_width`` puts U+200B/U+200C/U+200D/U+2060 inside words.
"""

from __future__ import annotations

import random
import unicodedata

RATES = {"swap": 0.10, "delete": 0.07, "insert": 0.07, "diacritics": 0.20}
_LOOK = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і",
         "A": "А", "E": "Е", "O": "О", "P": "Р", "C": "С", "T": "Т", "K": "К", "M": "М", "H": "Н"}
_ZW = "\u200b\u200c\u200d\u2060"


def strip_diacritics(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def random_obfuscation(text: str, rng: random.Random, vocabulary: list[str],
                       rates: dict[str, float] | None = None) -> str:
    """``text`` with random word swaps, deletions, insertions and dropped diacritics."""
    r = {**RATES, **(rates or {})}
    words = text.split()
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if rng.random() < r["swap"] and i + 1 < len(words):
            w, words[i + 1] = words[i + 1], w
        if rng.random() < r["delete"] and len(words) > 3:
            i += 1
            continue
        if rng.random() < r["diacritics"]:
            w = strip_diacritics(w)
        out.append(w)
        if rng.random() < r["insert"] and vocabulary:
            out.append(rng.choice(vocabulary))
        i += 1
    return " ".join(out) if out else text


def lookalike(text: str, rng: random.Random, share: float = 0.5) -> str:
    """Replace ``share`` of the Latin letters that have a Cyrillic look-alike."""
    return "".join(_LOOK[c] if c in _LOOK and rng.random() < share else c for c in text)


def zero_width(text: str, rng: random.Random, share: float = 0.3) -> str:
    """Insert an invisible character inside ``share`` of the words (after the first letter)."""
    out = []
    for w in text.split(" "):
        if len(w) > 2 and rng.random() < share:
            k = rng.randrange(1, len(w))
            w = w[:k] + rng.choice(_ZW) + w[k:]
        out.append(w)
    return " ".join(out)
