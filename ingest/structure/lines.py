"""Lines of a text with their offsets, and the line shapes that structure detection reads.

A line's ``start``/``end`` cover its text without surrounding white space;
``blank_before``/``blank_after`` say whether a blank line (or the start/end of
the text) is next to it, which is how headings stand apart from running text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LINE = re.compile(r"([^\r\n]*)(?:\r\n|\r|\n|$)")
_WORD = re.compile(r"\w+")

# Dot leaders ("Ievads ....... 5", "Ievads . . . 5", "Ievads ."), or a tab before a page number.
_LEADER = re.compile(r"(?:(?:\.\s*){3,}|…+\s*|\s\.)\s*(?:\d{1,4}|[ivxlcdm]{1,7})?\s*$", re.IGNORECASE)
_TAB_NUMBER = re.compile(r"\t\s*(?:\d{1,4}|[ivxlcdm]{1,7})\s*$", re.IGNORECASE)
_ONLY_DOTS = re.compile(r"^[.\s…·]+$")
# "Ievads 3", "1.2. Metodes   17": words, then a page number.
_TRAILING_NUMBER = re.compile(r"[^\W\d_][^\d]*\s+(?:\d{1,4}|[ivxlc]{1,6})$")
_PAGE_NUMBER = re.compile(r"^(?:\d{1,4}|[ivxlcdm]{1,7})$", re.IGNORECASE)


@dataclass(slots=True)
class Line:
    index: int
    start: int
    end: int
    text: str
    blank_before: bool = False
    blank_after: bool = False

    @property
    def words(self) -> int:
        return len(self.text.split())


def split_lines(text: str) -> list[Line]:
    """The non-blank lines of ``text`` in order, stripped, with blank-line neighbours."""
    out: list[Line] = []
    blank = True  # the start of the text counts as a blank line before
    pos = 0
    for m in _LINE.finditer(text):
        raw = m.group(1)
        stripped = raw.strip()
        if stripped:
            if out and not blank:
                out[-1].blank_after = False
            s = m.start() + (len(raw) - len(raw.lstrip()))
            out.append(Line(len(out), s, s + len(stripped), stripped, blank_before=blank, blank_after=True))
            blank = False
        else:
            blank = True
        pos = m.end()
        if pos >= len(text):
            break
    return out


def is_leader_line(line: str) -> bool:
    """A table-of-contents line by its shape: dot leaders or a tab before a page number."""
    return bool(_LEADER.search(line) or _TAB_NUMBER.search(line) or _ONLY_DOTS.match(line))


def ends_with_page_number(line: str) -> bool:
    """Words followed by a number: a contents entry, or sometimes a heading like "Chapter 1"."""
    return bool(_TRAILING_NUMBER.search(line))


def is_page_number(line: str) -> bool:
    return bool(_PAGE_NUMBER.match(line))


def is_prose(line: Line, following: Line | None = None) -> bool:
    """Running text: one long line (TXT, DOCX), or two long wrapped lines in a row (PDF)."""
    if is_leader_line(line.text):
        return False
    if len(line.text) >= 120 and line.words >= 15:
        return True
    if len(line.text) < 50 or line.words < 8:
        return False
    return (
        following is not None
        and not following.blank_before
        and len(following.text) >= 40
        and following.words >= 6
        and not is_leader_line(following.text)
    )


def word_count(text: str) -> int:
    return len(_WORD.findall(text))
