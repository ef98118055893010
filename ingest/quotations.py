"""Quotations: text inside quotation marks, and indented block quotes.

Pairs recognised: „…“ and „…” (Latvian), “…” (English, also common in
Latvian), "…" (straight), «…», ‘…’ and ‚…‘. A pair counts when it holds at
least ``MIN_WORDS`` words, lies inside one paragraph (no blank line between
the marks) and is at most ``MAX_CHARS`` long. An opening mark without its
closing mark in the same paragraph is ignored, so an unbalanced quote never
swallows the text after it; so is an opening mark followed by a second
opening mark of the same kind before any closing one. Quotes nested inside a
quotation are part of it. Spans include the marks.

Block quotes: a paragraph whose lines are all indented (at least two spaces
or a tab) next to paragraphs that are not (unless indenting is the text's
paragraph style), or whose lines all start with "> ". Extracted PDF text keeps no indentation, so in PDFs only quotation
marks are found; a DOCX or TXT paragraph wholly inside quotation marks is
found as an ordinary pair.
"""

from __future__ import annotations

import re

from ingest.document import Span
from ingest.sentences import PARAGRAPH_BREAK

MIN_WORDS = 3
MAX_CHARS = 3000
INDENT_STYLE_SHARE = 0.5  # more indented paragraphs than this: indentation is the paragraph style

# opening mark -> closing marks
_CLOSERS: dict[str, str] = {"„": "“”", "“": "”", "«": "»", "‘": "’", "‚": "‘’", '"': '"'}
_OPENERS = re.compile("[„“«‘‚\"]")
# marks that may close a quote opened by the key, or show that it was left open
_STOPS = {
    mark: re.compile("[" + re.escape(closers + ("„“" if mark in "„“" else mark)) + "]")
    for mark, closers in _CLOSERS.items()
}
_WORD = re.compile(r"[^\W_]+")
_MAYBE_BLOCK = re.compile(r"^(?: {2,}|\t|>)", re.MULTILINE)
_INDENT = re.compile(r"^(?: {2,}|\t)\S")


def find_quotations(text: str) -> list[Span]:
    """Spans of quotations in ``text``, in order, not overlapping."""
    spans: list[tuple[int, int]] = []
    pos = 0
    while (m := _OPENERS.search(text, pos)) is not None:
        i = m.start()
        brk = PARAGRAPH_BREAK.search(text, i, i + MAX_CHARS)
        close = _closing(text, i, brk.start() if brk else min(len(text), i + MAX_CHARS))
        if close is not None and len(_WORD.findall(text, i + 1, close)) >= MIN_WORDS:
            spans.append((i, close + 1))
            pos = close + 1
        else:
            pos = i + 1
    if _MAYBE_BLOCK.search(text):
        spans.extend(_block_quotes(text))
    return [Span(start=s, end=e) for s, e in _union(spans)]


def _closing(text: str, i: int, hi: int) -> int | None:
    """Index of the mark closing the quote opened at ``i``, or None when unbalanced."""
    mark = text[i]
    if not _opens(text, i):
        return None
    closers = _CLOSERS[mark]
    limit = min(hi, i + MAX_CHARS)
    for m in _STOPS[mark].finditer(text, i + 1, limit):
        j = m.start()
        c = text[j]
        if c in closers and _closes(text, j, mark):
            return j
        if c not in closers and _opens(text, j):
            return None  # a second opening mark first: the first one is unbalanced
    return None


def _opens(text: str, i: int) -> bool:
    """An opening mark: at the start or after a space or bracket, and before a non-space."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if after.isspace():
        return False
    return before.isspace() or before in "([{–—-/" or (text[i] in "„«" and not before.isalnum())


def _closes(text: str, j: int, opener: str) -> bool:
    """A closing mark: after a non-space; an apostrophe inside a word ("don’t") is not one."""
    before = text[j - 1]
    if before.isspace():
        return False
    if opener in "‘‚\"":
        after = text[j + 1] if j + 1 < len(text) else " "
        return not after.isalnum()
    return True


def _block_quotes(text: str) -> list[tuple[int, int]]:
    """Indented or "> " paragraphs next to paragraphs that are not indented."""
    paragraphs: list[tuple[int, int]] = []
    start = 0
    for m in PARAGRAPH_BREAK.finditer(text):
        paragraphs.append((start, m.start()))
        start = m.end()
    paragraphs.append((start, len(text)))
    indented = [_indented(text, s, e) for s, e in paragraphs]
    if sum(1 for kind in indented if kind == "indent") > INDENT_STYLE_SHARE * len(paragraphs):
        indented = [None if kind == "indent" else kind for kind in indented]  # a paragraph style
    out: list[tuple[int, int]] = []
    for k, (s, e) in enumerate(paragraphs):
        kind = indented[k]
        if kind is None or len(_WORD.findall(text, s, e)) < MIN_WORDS:
            continue
        if kind == "indent":
            prev_plain = k > 0 and indented[k - 1] is None
            next_plain = k + 1 < len(paragraphs) and indented[k + 1] is None
            if not (prev_plain or next_plain):
                continue
        out.append((s, e))
    return out


def _indented(text: str, start: int, end: int) -> str | None:
    """"indent" or "markdown" when every line of the paragraph is, else None."""
    line_start = start
    while line_start > 0 and text[line_start - 1] in " \t":
        line_start -= 1  # the paragraph-break match swallows the first line's indentation
    first = text[line_start : line_start + 2]
    if first[:1] != ">" and first not in ("  ", "\t ") and first[:1] != "\t":
        return None  # the cheap test first: most paragraphs stop here
    lines = [ln for ln in text[line_start:end].splitlines() if ln.strip()]
    if lines and all(ln.startswith(">") for ln in lines):
        return "markdown"
    if lines and all(_INDENT.match(ln) for ln in lines):
        return "indent"
    return None


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out
