"""Guess title-page metadata (title, author, supervisor, university, faculty, year, degree).

Only the first pages are read (``FRONT_PAGES``, or ``FRONT_CHARS`` characters
without pages), and only up to the first abstract/contents/body section. A key
is filled only from an explicit cue: "Darba autors: …", "Supervisor: …", a
short standalone line naming a university or faculty, a degree phrase, one
year (1950–2100) on a short line; the title is the block of lines next to the
degree line. Values are as written in the text (capitals kept).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.document import Page, Section
from ingest.structure.lines import Line, split_lines

FRONT_PAGES = 2
FRONT_CHARS = 4000
MAX_TITLE_CHARS = 300

_AUTHOR = re.compile(
    r"^(?:darba\s+)?(?:autor[se]|autore|author|student[e]?|studente)\s*(?::|$)\s*(?P<value>.*)$", re.IGNORECASE
)
_SUPERVISOR = re.compile(
    r"^(?:(?:darba|zinātniskai[sa]|zinātniskā)\s+)?vadītāj[sa]\s*(?::|$)\s*(?P<value>.*)$"
    r"|^(?:main\s+|principal\s+)?(?:supervisor|advisor|adviser|relatore|relatrice)s?\s*(?::|$)\s*(?P<value2>.*)$",
    re.IGNORECASE,
)
# phrase -> the degree as reported
_DEGREES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p, re.IGNORECASE), label)
    for p, label in [
        (r"\bbakalaura\s+darbs\b", "Bakalaura darbs"),
        (r"\bmaģistra\s+darbs\b", "Maģistra darbs"),
        (r"\bpromocijas\s+darbs\b", "Promocijas darbs"),
        (r"\bdoktora\s+disertācija\b", "Promocijas darbs"),
        (r"\bkvalifikācijas\s+darbs\b", "Kvalifikācijas darbs"),
        (r"\bdiplomdarbs\b", "Diplomdarbs"),
        (r"\bbachelor[’']?s\s+thesis\b|\bbachelor\s+of\s+\w+", "Bachelor's thesis"),
        (r"\bmaster[’']?s\s+thesis\b|\bmaster\s+of\s+\w+", "Master's thesis"),
        (r"\b(?:ph\.?\s?d\.?|doctoral)\s+(?:thesis|dissertation)\b|\bdoctor\s+of\s+philosophy\b", "PhD thesis"),
        (r"\bdissertation\b", "Dissertation"),
        (r"\btesi\s+di\s+laurea(?:\s+magistrale)?\b", "Tesi di laurea"),
        (r"\bprova\s+finale\b", "Prova finale"),
    ]
]
_UNIVERSITY = re.compile(r"universitāte|university|università|augstskola|akadēmija|academy|institute of technology",
                         re.IGNORECASE)
_FACULTY = re.compile(r"\bfakultāte\b|\bfaculty\b|\bfacoltà\b|\bschool of\b", re.IGNORECASE)
_DEPARTMENT = re.compile(r"\bnodaļa\b|\bkatedra\b|\bdepartment\b|\bdipartimento\b|\bcorso di\b", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d|2100)(?!\d)")
_ID_TAIL = re.compile(r"\s*(?:[–—-]|,)\s*[\w.]*\d[\w.]*\s*$")
_NAME_WORD = re.compile(r"^(?:[^\W\d_][\w’'.-]*|\([^)]*\))$")


def guess_metadata(text: str, pages: Sequence[Page] = (), sections: Sequence[Section] = ()) -> dict[str, str]:
    """Title-page fields found with reasonable certainty; absent keys were not found."""
    end = _front_end(text, pages, sections)
    lines = split_lines(text[:end])
    if not lines:
        return {}
    blocks = _blocks(lines)
    titlepage = [ln for block in blocks if _titlepage_block(block) for ln in block]
    out: dict[str, str] = {}
    _people(lines, out)
    degree_line = None
    for ln in titlepage:
        if "degree" in out:
            break
        for pattern, label in _DEGREES:
            if ln.words <= 12 and pattern.search(ln.text):
                out["degree"], degree_line = label, ln
                break
    for ln in titlepage:
        if ln.words > 10 or ln.text.endswith(".") or _AUTHOR.match(ln.text) or _SUPERVISOR.match(ln.text):
            continue
        if "university" not in out and _UNIVERSITY.search(ln.text) and _capitalised(ln.text):
            out["university"] = ln.text
        elif "faculty" not in out and _FACULTY.search(ln.text):
            out["faculty"] = ln.text
    years = {m.group(1) for ln in titlepage if ln.words <= 4 for m in _YEAR.finditer(ln.text)}
    if len(years) == 1 and not any("/" in ln.text and _YEAR.search(ln.text) for ln in titlepage if ln.words <= 4):
        out["year"] = years.pop()
    if degree_line is not None:
        title = _title(blocks, degree_line)
        if title:
            out["title"] = title
    return {k: out[k] for k in ("title", "author", "supervisor", "university", "faculty", "year", "degree") if k in out}


def _front_end(text: str, pages: Sequence[Page], sections: Sequence[Section]) -> int:
    end = pages[min(FRONT_PAGES, len(pages)) - 1].end if len(pages) > 1 else min(len(text), FRONT_CHARS)
    for s in sections:
        if s.kind != "front_matter" and s.start > 0:
            return min(end, s.start)
        if s.kind != "front_matter":
            break
    return end


def _blocks(lines: list[Line]) -> list[list[Line]]:
    blocks: list[list[Line]] = []
    for ln in lines:
        if ln.blank_before or not blocks:
            blocks.append([])
        blocks[-1].append(ln)
    return blocks


def _titlepage_block(block: list[Line]) -> bool:
    """A block of short lines (title page), not a paragraph of running text."""
    return len(block) <= 6 and all(ln.words <= 14 and len(ln.text) <= 100 for ln in block)


def _capitalised(line: str) -> bool:
    words = [w for w in line.split() if w[:1].isalpha()]
    return bool(words) and sum(1 for w in words if w[0].isupper()) * 2 >= len(words)


def _people(lines: list[Line], out: dict[str, str]) -> None:
    for k, ln in enumerate(lines):
        for key, pattern in (("author", _AUTHOR), ("supervisor", _SUPERVISOR)):
            m = pattern.match(ln.text)
            if key in out or m is None:
                continue
            value = (m.group("value") or (m.groupdict().get("value2") or "")).strip()
            if not value and k + 1 < len(lines):  # "Supervisor" alone, the name below it
                value = lines[k + 1].text.strip()
            value = _ID_TAIL.sub("", value).strip()
            if _looks_like_name(value):
                out[key] = value


def _looks_like_name(value: str) -> bool:
    words = value.split()
    if not 2 <= len(words) <= 8 or len(value) > 80:
        return False
    if not all(_NAME_WORD.match(w) for w in words):
        return False
    return sum(1 for w in words if w[0].isupper()) >= 2


def _title(blocks: list[list[Line]], degree: Line) -> str | None:
    """The lines next to the degree line: before it in its block, after it, or the
    block before or after when that is not institution or people lines."""
    k = next(i for i, b in enumerate(blocks) if degree in b)
    block = blocks[k]
    at = block.index(degree)
    options = [block[:at], block[at + 1 :]]
    if k > 0:
        options.append(blocks[k - 1])
    if k + 1 < len(blocks):
        options.append(blocks[k + 1])
    for lines in options:
        if lines and all(_plain(ln) for ln in lines):
            title = " ".join(ln.text for ln in lines)
            if len(title) <= MAX_TITLE_CHARS and any(c.isalpha() for c in title):
                return title
    return None


def _plain(line: Line) -> bool:
    """A line that can be part of a title: no cue of another field."""
    text = line.text
    if _UNIVERSITY.search(text) or _FACULTY.search(text) or _DEPARTMENT.search(text):
        return False
    if _AUTHOR.match(text) or _SUPERVISOR.match(text) or ":" in text:
        return False
    if any(p.search(text) for p, _ in _DEGREES):
        return False
    return not (_YEAR.search(text) and line.words <= 3)
