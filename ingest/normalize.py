"""The normalised matching view of a text, with a map back to original offsets.

Matching compares normalised text; reports point into the original. The view
applies, in one pass:

- Unicode NFKC per grapheme cluster (ligatures such as "ﬁ" become "fi",
  decomposed "a" + U+0304 becomes "ā"), then lower case;
- zero-width and other invisible characters dropped (the soft hyphen included);
- a line-end hyphenation ("pētī-\\njums") joined into one word;
- Cyrillic and Greek look-alike letters folded to Latin inside words that are
  written in Latin script (mixed-script words, or all-look-alike words next to
  Latin words);
- optionally, diacritics folded ("ā" -> "a"), so dropped diacritics still match;
- typographic quotes and dashes unified, every run of white space one space.

``starts[i]``/``ends[i]`` give the original span that produced normalised
character ``i``; :meth:`NormalizedView.to_original` maps a normalised span back.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

# Characters that render as nothing (or nearly) and only serve to break words.
INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068"
    "\u2069\u206a\u206b\u206c\u206d\u206e\u206f\u3164\ufeff\uffa0"
)

# Cyrillic and Greek letters that look like Latin ones (lower and upper case).
LOOKALIKES: dict[str, str] = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "ë", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "ï",
    "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ɡ": "g", "ь": "b",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Ԁ": "D",
    "Ԛ": "Q", "Ԝ": "W", "Һ": "H", "Ӏ": "I",
    # Greek
    "α": "a", "ο": "o", "ρ": "p", "ι": "i", "κ": "k", "ν": "v", "υ": "u", "τ": "t",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}

_PUNCT_FOLD = {
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
}

# A hyphen at a line end between letters, the next line starting in lower case.
_HYPHEN_BREAK = re.compile(r"(?<=\w)[-\u00ad][ \t]*\r?\n[ \t]*(?=[^\W\d_])")
_WORD = re.compile(r"\w+")


def _is_latin_letter(ch: str) -> bool:
    return ch.isalpha() and ("LATIN" in unicodedata.name(ch, ""))


def _is_foreign_lookalike_script(ch: str) -> bool:
    name = unicodedata.name(ch, "")
    return name.startswith(("CYRILLIC", "GREEK"))


@lru_cache(maxsize=8192)
def _fold(cluster: str, fold_diacritics: bool) -> str:
    """NFKC + lower case (+ diacritic folding) of one grapheme cluster."""
    out = unicodedata.normalize("NFKC", cluster).lower()
    if fold_diacritics:
        out = "".join(c for c in unicodedata.normalize("NFD", out) if not unicodedata.combining(c))
        out = unicodedata.normalize("NFC", out)
    return "".join(_PUNCT_FOLD.get(c, c) for c in out)


@dataclass(slots=True)
class NormalizedView:
    """``text`` is the normalised text; ``starts``/``ends`` map each of its characters back."""

    text: str
    starts: np.ndarray
    ends: np.ndarray
    original_length: int
    invisible: list[int] = field(default_factory=list)
    lookalikes: list[int] = field(default_factory=list)
    hyphen_joins: int = 0

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalised span ``[start, end)`` to an original span."""
        if end <= start:
            pos = int(self.starts[start]) if start < len(self.text) else self.original_length
            return pos, pos
        return int(self.starts[start]), int(self.ends[end - 1])


_FOREIGN_SCRIPT = re.compile(r"[\u0370-\u03ff\u0400-\u052f\u1f00-\u1fff\u0261]")
_INVISIBLE_RE = re.compile("[" + "".join(sorted(INVISIBLE)) + "]")


def lookalike_positions(text: str) -> list[int]:
    """Positions of Cyrillic/Greek look-alike letters used inside Latin-script words."""
    if not _FOREIGN_SCRIPT.search(text):
        return []
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    # L: has a Latin letter; A: only foreign look-alike letters; F: other foreign; N: neither
    classes = []
    for s, e in words:
        chunk = text[s:e]
        if any(_is_latin_letter(c) for c in chunk):
            classes.append("L")
        elif any(_is_foreign_lookalike_script(c) for c in chunk):
            classes.append("A" if all(c in LOOKALIKES for c in chunk) else "F")
        else:
            classes.append("N")
    found: list[int] = []
    for k, (s, e) in enumerate(words):
        if classes[k] == "L":
            found.extend(i for i in range(s, e) if text[i] in LOOKALIKES and _is_foreign_lookalike_script(text[i]))
        elif classes[k] == "A" and _between_latin_words(classes, k):
            # A whole word of look-alikes among Latin words ("сору" for "copy").
            found.extend(range(s, e))
    return found


def _between_latin_words(classes: list[str], k: int) -> bool:
    """The nearest words around ``k`` that are not all look-alikes are Latin, none foreign."""
    seen = []
    for step in (-1, 1):
        j = k + step
        while 0 <= j < len(classes) and classes[j] in ("A", "N"):
            j += step
        if 0 <= j < len(classes):
            seen.append(classes[j])
    return bool(seen) and all(c == "L" for c in seen)


def normalize(text: str, *, fold_diacritics: bool = False) -> NormalizedView:
    """Build the matching view of ``text`` (see the module docstring)."""
    n = len(text)
    action = bytearray(n)  # 0 keep, 1 drop, 2 fold look-alike
    invisible = [m.start() for m in _INVISIBLE_RE.finditer(text)]
    for i in invisible:
        action[i] = 1
    joins = 0
    for m in _HYPHEN_BREAK.finditer(text):
        if not text[m.end()].islower():
            continue  # "Rīga-\nJūrmala": a compound, not a word split at the line end
        joins += 1
        for i in range(m.start(), m.end()):
            action[i] = 1
    folded = lookalike_positions(text)
    for i in folded:
        action[i] = 2

    if any(unicodedata.combining(c) for c in set(text)):
        out_text, starts_a, ends_a = _normalize_clusters(text, action, fold_diacritics)
    else:
        out_text, starts_a, ends_a = _normalize_simple(text, action, fold_diacritics)
    return NormalizedView(
        text=out_text,
        starts=starts_a,
        ends=ends_a,
        original_length=n,
        invisible=invisible,
        lookalikes=folded,
        hyphen_joins=joins,
    )


def _normalize_simple(
    text: str, action: bytearray, fold_diacritics: bool
) -> tuple[str, np.ndarray, np.ndarray]:
    """Vectorised path for texts without combining marks (each character stands alone)."""
    acts = np.frombuffer(bytes(action), dtype=np.uint8)
    chars = list(text) if acts.any() else None
    if chars is not None:
        for i in np.flatnonzero(acts == 2):
            chars[i] = LOOKALIKES[chars[i]]
        kept = np.flatnonzero(acts != 1)
        source = "".join(chars[i] for i in kept)
    else:
        kept = np.arange(len(text))
        source = text
    table = {}
    for c in set(source):
        rep = _fold(c, fold_diacritics)
        if rep != c:
            table[ord(c)] = rep
    translated = source.translate(table)
    if table:
        src_codes = np.frombuffer(source.encode("utf-32-le"), dtype=np.uint32)
        uniq, inverse = np.unique(src_codes, return_inverse=True)
        uniq_len = np.array([len(table.get(int(u), chr(int(u)))) for u in uniq], dtype=np.int64)
        origin = np.repeat(kept, uniq_len[inverse])
    else:
        origin = kept
    codes = np.frombuffer(translated.encode("utf-32-le"), dtype=np.uint32)
    space_codes = np.fromiter((ord(c) for c in set(translated) if c.isspace()), dtype=np.uint32)
    ws = np.isin(codes, space_codes)
    prev = np.empty_like(ws)
    if len(ws):
        prev[0] = True
        prev[1:] = ws[:-1]
    keep = ~(ws & prev)
    out_text = re.sub(r"\s+", " ", translated)
    if out_text.startswith(" "):
        out_text = out_text[1:]
    starts = origin[keep]
    if out_text.endswith(" "):
        out_text = out_text[:-1]
        starts = starts[:-1]
    assert len(starts) == len(out_text)
    return out_text, starts, starts + 1


def _normalize_clusters(
    text: str, action: bytearray, fold_diacritics: bool
) -> tuple[str, np.ndarray, np.ndarray]:
    """Character-by-character path that keeps combining marks with their base letter."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    prev_space = True
    combining = unicodedata.combining
    n = len(text)
    i = 0
    while i < n:
        j = i + 1
        while j < n and combining(text[j]):
            j += 1
        act = action[i]
        if act == 1:
            i = j
            continue
        if act == 2:
            rep = _fold(LOOKALIKES[text[i]] + text[i + 1 : j], fold_diacritics)
        else:
            rep = _fold(text[i:j], fold_diacritics)
        for ch in rep:
            if ch.isspace():
                if prev_space:
                    continue
                ch = " "
                prev_space = True
            else:
                prev_space = False
            out.append(ch)
            starts.append(i)
            ends.append(j)
        i = j
    if out and out[-1] == " ":
        out.pop()
        starts.pop()
        ends.pop()
    return "".join(out), np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)
