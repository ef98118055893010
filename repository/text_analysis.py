"""Latvian-aware token streams for full-text search: one stem per word, diacritics folded.

A text becomes a space-separated stream with exactly one token per word of
:data:`WORD` (so token *i* of the stream is word *i* of the original text,
which is how highlights are mapped back to the original words). Latvian
words go through the Lucene light Latvian stemmer (``LatvianStemmer``),
English ones through Snowball English; other languages are only folded.
Stemming runs on the lower-cased original (the Latvian suffixes carry
diacritics), folding afterwards. Stems are cached: word frequencies are
Zipfian, so a thesis costs a few microseconds per word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator

# Letters and digits (with combining marks, for decomposed text); underscore and
# punctuation split words, as FTS5 unicode61 does.
WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")
STEMMED_LANGUAGES = ("lv", "en")
_CACHE_LIMIT = 500_000

_stemmers: dict[str, Callable[[str], str]] = {}
_cache: dict[tuple[str, str], str] = {}


def fold(text: str) -> str:
    """Lower case without diacritics: ``Pētījumā`` -> ``petijuma``."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _stemmer(language: str) -> Callable[[str], str]:
    found = _stemmers.get(language)
    if found is None:
        if language == "lv":
            import LatvianStemmer

            found = LatvianStemmer.stem
        elif language == "en":
            import snowballstemmer

            found = snowballstemmer.stemmer("english").stemWord
        else:
            found = str  # no stemming: folding only
        _stemmers[language] = found
    return found


def stem(word: str, language: str) -> str:
    """The folded stem of one word in ``language`` ("lv", "en"; others are only folded)."""
    key = (word, language)
    found = _cache.get(key)
    if found is None:
        lower = unicodedata.normalize("NFC", word).lower()
        found = fold(_stemmer(language if language in STEMMED_LANGUAGES else "")(lower)) or fold(lower)
        if len(_cache) >= _CACHE_LIMIT:
            _cache.clear()
        _cache[key] = found
    return found


def words(text: str) -> Iterator[re.Match[str]]:
    return WORD.finditer(text)


def analyse(text: str, language: str) -> str:
    """The stemmed, folded token stream of ``text``, one token per word."""
    return " ".join(stem(m.group(), language) for m in WORD.finditer(text))


def analyse_by_spans(text: str, spans: list[tuple[int, str]], default: str) -> str:
    """Like :func:`analyse`, each word in the language of the span it starts in.

    ``spans`` are ``(start offset, language)`` sorted by start (e.g. passages);
    words before the first span, or where spans give no language, use ``default``.
    """
    out: list[str] = []
    k, language = -1, default
    for m in WORD.finditer(text):
        while k + 1 < len(spans) and spans[k + 1][0] <= m.start():
            k += 1
            language = spans[k][1] or default
        out.append(stem(m.group(), language))
    return " ".join(out)


def query_terms(query: str) -> list[frozenset[str]]:
    """Per query word, the forms it may take in the index (its Latvian and English stems)."""
    return [
        frozenset(stem(m.group(), language) for language in STEMMED_LANGUAGES)
        for m in WORD.finditer(query)
    ]
