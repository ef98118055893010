"""A rule-based Latvian/English sentence splitter.

A sentence ends at ``.``, ``!``, ``?`` or an ellipsis (with any closing quotes
or brackets) followed by white space and a word that does not start in lower
case, unless the word before the full stop is an abbreviation, an initial
("J. Bērziņš") or a list number at the start of a sentence ("1. Ievads").
Ordinals and dates ("2020. gada", "15. janvārī") are followed by lower case
and so never end a sentence. A blank line (paragraph break) always ends one;
a single line break does not. Spans exclude surrounding white space.
"""

from __future__ import annotations

import re

from ingest.document import Span

# A blank line: two line ends with only horizontal white space between them.
PARAGRAPH_BREAK = re.compile(r"(?:\r\n|\r|\n)[ \t\f\v\u00a0]*(?:\r\n|\r|\n)\s*")

# Abbreviations never ending a sentence (compared lower case, without the final dot).
NEVER_END = frozenset(
    """
    piem t.i t.sk resp sk skat att tab lpp nr prof doc asoc dr mr mrs ms e.g i.e cf vs
    fig figs vol pp p eq ch sec nos approx ref refs st jr sr
    sal salīdz plkst tālr sēj red izd angl latv lat vāc
    """.split()
)
# Abbreviations that may also close a sentence: they end one before a capitalised word.
MAY_END = frozenset("u.c u.tml utt u.t.t tml etc al g gs t.s".split())

_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+(\S))")
_TOKEN = re.compile(r"\S+\Z")
_LEADING = "([{\"'“„«‘"
_NUMBER = re.compile(r"(?:\d+\.)*\d+|[IVXLCDM]+")
_UPPER_INITIAL = re.compile(r"[^\W\d_]")
_WORDLIKE = re.compile(r"[^\W_]")


def split_sentences(text: str) -> list[Span]:
    """Sentence spans of ``text`` (every non-space character is in exactly one)."""
    spans: list[Span] = []
    start = 0
    for m in PARAGRAPH_BREAK.finditer(text):
        _split_paragraph(text, start, m.start(), spans)
        start = m.end()
    _split_paragraph(text, start, len(text), spans)
    return _merge_fragments(text, spans)


def _merge_fragments(text: str, spans: list[Span]) -> list[Span]:
    """Attach spans without a letter or digit (dot leaders, stray bullets) to the sentence before."""
    out: list[Span] = []
    for s in spans:
        if out and not _WORDLIKE.search(text, s.start, s.end):
            out[-1] = Span(start=out[-1].start, end=s.end)
        elif len(out) == 1 and not _WORDLIKE.search(text, out[0].start, out[0].end):
            out[0] = Span(start=out[0].start, end=s.end)
        else:
            out.append(s)
    return out


def is_paragraph_break(gap: str) -> bool:
    """Whether the white space ``gap`` between two sentences holds a blank line."""
    return PARAGRAPH_BREAK.search(gap) is not None


def _split_paragraph(text: str, lo: int, hi: int, out: list[Span]) -> None:
    start = lo
    for m in _END.finditer(text, lo, hi):
        if _is_boundary(text, start, m):
            _emit(text, start, m.end(), out)
            start = m.end()
    _emit(text, start, hi, out)


def _emit(text: str, start: int, end: int, out: list[Span]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Span(start=start, end=end))


def _is_boundary(text: str, sentence_start: int, m: re.Match[str]) -> bool:
    nxt = m.group(1)
    if nxt.islower() or nxt in ".…":
        return False  # "2020. gada", "u.c. un", "... un tad", dot leaders ". . ."
    punct = m.group(0).rstrip("\"'”’»)]")
    if punct != ".":
        return True  # "!", "?", "...", "?!"
    dot = m.start() + len(punct) - 1
    tm = _TOKEN.search(text, max(sentence_start, dot - 40), dot)
    if tm is None:
        return not nxt.isdigit()  # a detached dot: dot leaders before a page number
    token = tm.group(0).lstrip(_LEADING)
    if not _WORDLIKE.search(token):
        return not token  # a lone "." of dot leaders ends nothing
    low = token.lower()
    if low in NEVER_END or token == "No":
        return False
    if low in MAY_END:
        return nxt.isupper()
    if len(token) == 1 and _UPPER_INITIAL.match(token) and token.isupper():
        return False  # an initial: "J. Bērziņš"
    if _NUMBER.fullmatch(token) and not text[sentence_start : tm.start()].strip():
        return False  # a list or heading number: "1. Ievads", "II. Metodes"
    return True
