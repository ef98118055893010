"""Page geometry to text: reading order, running headers and footers, footnotes, paragraphs.

Works on :class:`Line` objects (a run of text on one baseline, PDF coordinates:
``y`` grows upwards) from the PDF text layer or from OCR, and knows nothing of
either source.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

PARAGRAPH_BREAK = "\n\n"
PITCH_FACTOR = 1.3
GUTTER_MIN_WIDTH = 6.0  # points of white space between columns
GUTTER_MAX_SHARE = 0.15  # lines crossing a gutter, as a share of the busiest x position
COLUMN_MIN_SHARE = 0.2  # each side of a gutter holds at least this share of the page's lines
SAME_ROW_GAP = 1.2  # segments on one row closer than this many line heights are one line
RUNNING_ZONE = 0.2  # top/bottom share of the page where running headers and footers sit
RUNNING_MIN_PAGES = 3
FOOTNOTE_SIZE = 0.9  # footnote lines are set in a font at most this share of the body size
_MARKER = re.compile(r"^\s*(?:\d{1,3}|[*†‡§¹²³⁴⁵⁶⁷⁸⁹⁰]+)")
_DIGITS = re.compile(r"\d+")
_ROMAN = re.compile(r"(?<![^\W\d_])[ivxlcdm]+(?![^\W\d_])")
_ROMAN_ONLY = re.compile(r"[ivxlcdm]{1,8}")


@dataclass(slots=True)
class Line:
    """One line (or a same-row segment of one) with its box, font size and drawing order."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float = 0.0
    seq: int = 0
    footnote: bool = False

    @property
    def height(self) -> float:
        return max(self.y1 - self.y0, 1.0)


@dataclass(slots=True)
class PageText:
    """A page's text with the offsets of its footnotes and of every line (in page text)."""

    text: str
    footnotes: list[tuple[int, int]] = field(default_factory=list)
    line_spans: list[tuple[int, int]] = field(default_factory=list)


# --- reading order -------------------------------------------------------------------


def reading_order(lines: list[Line]) -> list[Line]:
    """Lines in reading order: columns left to right between full-width lines, rows top down."""
    if len(lines) < 2:
        return list(lines)
    gutters = _gutters(lines)
    if not gutters:
        return _rows(lines)
    out: list[Line] = []
    spanning = sorted((ln for ln in lines if _crosses(ln, gutters)), key=lambda ln: -ln.y1)
    columns = [ln for ln in lines if not _crosses(ln, gutters)]
    above = float("inf")
    for cut in [*spanning, None]:
        below = cut.y1 if cut is not None else float("-inf")
        band = [ln for ln in columns if below < (ln.y0 + ln.y1) / 2 <= above]
        for k in range(len(gutters) + 1):
            out.extend(_rows([ln for ln in band if _column_of(ln, gutters) == k]))
        if cut is not None:
            out.append(cut)
            above = (cut.y0 + cut.y1) / 2
    return out


def _rows(lines: list[Line]) -> list[Line]:
    """Top to bottom; segments sharing a row (overlapping vertically) left to right."""
    ordered = sorted(lines, key=lambda ln: -ln.y1)
    out: list[Line] = []
    row: list[Line] = []
    for ln in ordered:
        if row and _same_row(row[0], ln):
            row.append(ln)
            continue
        out.extend(sorted(row, key=lambda r: r.x0))
        row = [ln]
    out.extend(sorted(row, key=lambda r: r.x0))
    return out


def _same_row(a: Line, b: Line) -> bool:
    overlap = min(a.y1, b.y1) - max(a.y0, b.y0)
    return overlap >= 0.5 * min(a.height, b.height)


def _gutters(lines: list[Line]) -> list[tuple[float, float]]:
    """White vertical strips with enough lines entirely on each side (column gaps)."""
    left = min(ln.x0 for ln in lines)
    right = max(ln.x1 for ln in lines)
    if right - left < 50:
        return []
    step = 2.0
    nbins = int((right - left) / step) + 1
    cover = [0] * nbins
    for ln in lines:
        for b in range(int((ln.x0 - left) / step), min(int((ln.x1 - left) / step) + 1, nbins)):
            cover[b] += 1
    limit = GUTTER_MAX_SHARE * max(cover)
    gutters: list[tuple[float, float]] = []
    b = 0
    while b < nbins:
        if cover[b] > limit:
            b += 1
            continue
        e = b
        while e < nbins and cover[e] <= limit:
            e += 1
        x0, x1 = left + b * step, left + e * step
        if 0 < b and e < nbins and x1 - x0 >= GUTTER_MIN_WIDTH and _both_sides(lines, x0, x1):
            gutters.append((x0, x1))
        b = e
    return gutters


def _both_sides(lines: list[Line], x0: float, x1: float) -> bool:
    need = max(4, COLUMN_MIN_SHARE * len(lines))
    lefts = sum(1 for ln in lines if ln.x1 <= x1)
    rights = sum(1 for ln in lines if ln.x0 >= x0)
    return lefts >= need and rights >= need


def _crosses(ln: Line, gutters: list[tuple[float, float]]) -> bool:
    return any(ln.x0 < (g0 + g1) / 2 < ln.x1 for g0, g1 in gutters)


def _column_of(ln: Line, gutters: list[tuple[float, float]]) -> int:
    mid = (ln.x0 + ln.x1) / 2
    return sum(1 for g0, g1 in gutters if mid > (g0 + g1) / 2)


def order_breaks(ordered: list[Line], min_chars: int = 20) -> tuple[float, int]:
    """Share of prose lines whose successor in drawing order is not their successor in reading order.

    Only lines of at least ``min_chars`` characters count (formulas and plot
    labels come in many small pieces drawn in any order). Returns the share and
    the number of lines compared.
    """
    ordered = [ln for ln in ordered if len(ln.text) >= min_chars]
    if len(ordered) < 2:
        return 0.0, len(ordered)
    pos = {id(ln): i for i, ln in enumerate(ordered)}
    drawn = sorted(ordered, key=lambda ln: ln.seq)
    breaks = sum(1 for a, b in zip(drawn, drawn[1:]) if pos[id(b)] != pos[id(a)] + 1)
    return breaks / (len(drawn) - 1), len(ordered)


# --- running headers and footers -----------------------------------------------------


def running_lines(pages: list[tuple[list[Line], float, float]]) -> set[tuple[int, int]]:
    """``(page index, line index)`` of running headers, footers and page numbers.

    Only the two top-most and two bottom-most lines of a page, inside the
    page's top or bottom edge zone, are candidates. A candidate is running when
    the same text sits in the same zone at about the same height on at least
    ``RUNNING_MIN_PAGES`` pages, or when its text differs across pages only in
    a number that grows with the page (a page number, arabic or roman).
    """
    exact: dict[tuple[str, str], list[tuple[int, int, float]]] = defaultdict(list)
    numbered: dict[tuple[str, str, int], list[tuple[int, int, float]]] = defaultdict(list)
    for p, (lines, bottom, top) in enumerate(pages):
        height = top - bottom
        if not lines or height <= 0:
            continue
        by_y = sorted(range(len(lines)), key=lambda i: -lines[i].y1)
        for i in set(by_y[:2]) | set(by_y[-2:]):
            ln = lines[i]
            y0, y1 = ln.y0 - bottom, ln.y1 - bottom
            zone = "top" if y0 >= height * (1 - RUNNING_ZONE) else "bottom" if y1 <= height * RUNNING_ZONE else ""
            if not zone:
                continue
            text = " ".join(ln.text.lower().split())
            exact[(zone, text)].append((p, i, y0))
            number = _page_number(text)
            if number is not None:
                key = _DIGITS.sub("#", _ROMAN.sub("#", text))
                numbered[(zone, key, number - p)].append((p, i, y0))
    found: set[tuple[int, int]] = set()
    for hits in [*exact.values(), *numbered.values()]:
        if len({p for p, _, _ in hits}) < RUNNING_MIN_PAGES:
            continue
        ys = sorted(y for _, _, y in hits)
        usual = ys[len(ys) // 2]
        found.update((p, i) for p, i, y in hits if abs(y - usual) <= 12)
    return found


def _page_number(text: str) -> int | None:
    """The last number in a short edge line (arabic, or roman when the line is only that)."""
    if len(text) > 80:
        return None
    digits = _DIGITS.findall(text)
    if digits:
        return int(digits[-1][:6])
    if _ROMAN_ONLY.fullmatch(text):
        return _roman(text)
    return None


def _roman(text: str) -> int:
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    total = 0
    for a, b in zip(text, text[1:] + " "):
        va, vb = values[a], values.get(b, 0)
        total += -va if va < vb else va
    return total


# --- footnotes -----------------------------------------------------------------------


def mark_footnotes(ordered: list[Line], bottom: float, top: float) -> None:
    """Mark the bottom lines set in a smaller font, starting with a marker, as footnotes."""
    sized = [ln for ln in ordered if ln.size > 0]
    if len(sized) < 4:
        return
    weights: dict[float, int] = defaultdict(int)
    for ln in sized:
        weights[round(ln.size, 1)] += len(ln.text)
    body = max(weights, key=weights.__getitem__)
    bottom_up = sorted(sized, key=lambda ln: ln.y0)
    run: list[Line] = []
    for ln in bottom_up:
        if ln.size <= FOOTNOTE_SIZE * body and ln.y1 < bottom + (top - bottom) * 0.6:
            run.append(ln)
        else:
            break
    # The top of the run must open a footnote; body text must sit above it.
    while run and not _MARKER.match(run[-1].text):
        run.pop()
    if run and len(run) < len(sized):
        for ln in run:
            ln.footnote = True


# --- paragraphs ----------------------------------------------------------------------


def join_lines(lines: list[Line]) -> PageText:
    """Join lines with "\\n", a space within a row, or a blank line where a paragraph seems to start.

    A paragraph starts where the next line is not just below the previous one
    (another column or region), where the line pitch grows well beyond the
    page's usual pitch (headings, spacing between paragraphs), where the
    previous line ends a sentence short of the margin or the next is indented,
    and between body text and footnotes.
    """
    if not lines:
        return PageText(text="")
    pitches = sorted(p for a, b in zip(lines, lines[1:]) if (p := _pitch(a, b)) is not None)
    usual = pitches[len(pitches) // 2] if pitches else None
    left = min(ln.x0 for ln in lines)
    right = max(ln.x1 for ln in lines)
    parts = [lines[0].text]
    spans = [(0, len(lines[0].text))]
    offset = len(lines[0].text)
    for prev, cur in zip(lines, lines[1:]):
        sep = _separator(prev, cur, usual, left, right)
        parts.append(sep)
        parts.append(cur.text)
        offset += len(sep)
        spans.append((offset, offset + len(cur.text)))
        offset += len(cur.text)
    text = "".join(parts)
    notes = [spans[i] for i, ln in enumerate(lines) if ln.footnote]
    return PageText(text=text, footnotes=_merge_adjacent(notes, text), line_spans=spans)


def _merge_adjacent(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and not text[out[-1][1] : s].strip():
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _separator(prev: Line, cur: Line, usual: float | None, left: float, right: float) -> str:
    if _same_row(prev, cur) and cur.x0 >= prev.x1 - 1:
        return " " if cur.x0 - prev.x1 < SAME_ROW_GAP * max(prev.height, cur.height) else "\n"
    if prev.footnote != cur.footnote:
        return PARAGRAPH_BREAK
    if cur.footnote and _MARKER.match(cur.text) and cur.size and cur.x0 <= left + cur.size:
        return PARAGRAPH_BREAK if prev.text.rstrip()[-1:] in ".!?:…" else "\n"
    return PARAGRAPH_BREAK if _starts_paragraph(prev, cur, usual, left, right) else "\n"


def _pitch(a: Line, b: Line) -> float | None:
    """Distance from line ``a`` down to line ``b`` in the same column, else None."""
    overlap = min(a.x1, b.x1) - max(a.x0, b.x0)
    drop = a.y0 - b.y0
    return drop if overlap > 0 and drop > 0 and not _same_row(a, b) else None


def _starts_paragraph(prev: Line, cur: Line, usual: float | None, left: float, right: float) -> bool:
    pitch = _pitch(prev, cur)
    if pitch is None or usual is None:
        return True
    if pitch > PITCH_FACTOR * usual:
        return True
    height = cur.height
    ends_sentence = prev.text.rstrip()[-1:] in ".!?:…"
    short = prev.x1 < right - 2 * height
    indented = cur.x0 > left + 0.8 * height and cur.x0 > prev.x0 + 0.8 * height
    return ends_sentence and (short or indented)
