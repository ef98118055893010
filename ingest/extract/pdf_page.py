"""One PDF page through pdfium: text lines with boxes, and the drawing tricks on it.

Lines come from pdfium's text page (characters in drawing order, with the line
breaks pdfium infers); a line that jumps a wide gap (another column, a table
cell) is split there. The page's objects are scanned for text a reader cannot
see: white or transparent text, text under 2 pt, and invisible render mode.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass, field
from typing import Any

from ingest.extract.marks import NEAR_WHITE, luminance
from ingest.extract.pdf_layout import Line

SPLIT_GAP = 1.5  # a gap wider than this many font sizes inside a pdfium line splits it
TINY_SIZE = 2.0  # text set smaller than this (points, after scaling) cannot be read
FIGURE_AREA = 0.5  # form XObjects smaller than this share of the page are figures
MAX_FORM_DEPTH = 8
HYPHEN_MARK = "\ufffe"  # pdfium's stand-in for a hyphen that ends a line
_LINE = re.compile(r"[^\r\n\ufffe]+\ufffe?|\ufffe")
_SPACES = re.compile(r"\s+")

# pdfium object types and text render modes
_TEXT, _PATH, _IMAGE, _SHADING, _FORM = 1, 2, 3, 4, 5
_INVISIBLE_MODE = 3
_STROKE_MODES = (1, 5)


@dataclass(slots=True)
class PageContent:
    """What one page holds: text lines, figure lines, image coverage, and suspicious text."""

    lines: list[Line]
    figure_lines: list[Line]
    bottom: float
    top: float
    image_share: float
    chars: int
    marks: list[tuple[str, tuple[float, float, float, float], str]] = field(default_factory=list)

    @property
    def height(self) -> float:
        return self.top - self.bottom


def read_page(page: Any, textpage: Any) -> PageContent:
    """Lines and marks of a pypdfium2 page (with its text page)."""
    import pypdfium2.raw as raw

    left, bottom, right, top = page.get_bbox()
    area = max((right - left) * (top - bottom), 1.0)
    objects = _objects(raw, page.raw)
    forms, images = [], 0.0
    for kind, obj, _depth in objects:
        if kind == _FORM or kind == _IMAGE:
            box = _bounds(raw, obj)
            if box is None:
                continue
            if kind == _IMAGE:
                images += _clipped_area(box, (left, bottom, right, top))
            elif _area(box) < FIGURE_AREA * area:
                forms.append(box)
    lines = _lines(raw, textpage)
    chars = sum(len(ln.text.strip()) for ln in lines)
    figure = [ln for ln in lines if any(_inside(ln, f) for f in forms)]
    if figure and len(figure) < len(lines):
        kept = [ln for ln in lines if not any(_inside(ln, f) for f in forms)]
    else:
        kept, figure = lines, []
    content = PageContent(
        lines=kept,
        figure_lines=figure,
        bottom=bottom,
        top=top,
        image_share=min(images / area, 1.0),
        chars=chars,
    )
    if chars:
        content.marks = _marks(raw, objects, textpage.raw, content.image_share)
    return content


def _lines(raw: Any, textpage: Any) -> list[Line]:
    tp = textpage.raw
    n = raw.FPDFText_CountChars(tp)
    if n <= 0:
        return []
    text = textpage.get_text_range()
    if len(text) != n:  # characters pdfium cannot express one-to-one: read them one by one
        text = "".join(chr(raw.FPDFText_GetUnicode(tp, i) or 0xFFFD) for i in range(n))
    box = raw.FS_RECTF()

    def loose(i: int) -> tuple[float, float, float, float]:
        raw.FPDFText_GetLooseCharBox(tp, i, box)
        return box.left, box.bottom, box.right, box.top

    out: list[Line] = []
    for m in _LINE.finditer(text):
        s, e = m.span()
        for a, b in _split_wide_gaps(raw, tp, text, s, e, loose):
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if a >= b:
                continue
            first, last = loose(a), loose(b - 1)
            size = raw.FPDFText_GetFontSize(tp, a)
            piece = _clean(text[a:b])
            out.append(
                Line(
                    text=piece,
                    x0=min(first[0], last[0]),
                    y0=min(first[1], last[1]),
                    x1=max(first[2], last[2]),
                    y1=max(first[3], last[3]),
                    size=size,
                    seq=a,
                )
            )
    return out


def _clean(piece: str) -> str:
    """Surrogate pairs joined, lone surrogates replaced, pdfium's line-end hyphen mark made a hyphen."""
    if any("\ud800" <= c <= "\udfff" for c in piece):
        piece = piece.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return piece.replace(HYPHEN_MARK, "-")


def _split_wide_gaps(raw: Any, tp: Any, text: str, s: int, e: int, loose: Any) -> list[tuple[int, int]]:
    """Split ``text[s:e]`` where pdfium joined segments far apart on one row."""
    nrects = raw.FPDFText_CountRects(tp, s, e - s)
    if nrects <= 1:
        return [(s, e)]
    size = max(raw.FPDFText_GetFontSize(tp, s), 1.0)
    lft, top, rgt, bot = (ctypes.c_double() for _ in range(4))
    rects = []
    for k in range(nrects):
        raw.FPDFText_GetRect(tp, k, lft, top, rgt, bot)
        rects.append((lft.value, rgt.value))
    if not any(b[0] - a[1] > SPLIT_GAP * size or b[1] < a[0] for a, b in zip(rects, rects[1:])):
        return [(s, e)]
    cuts = [s]
    for m in _SPACES.finditer(text, s, e):
        a, b = m.span()
        if a == s or b == e:
            continue
        before, after = loose(a - 1), loose(b)
        if after[0] - before[2] > SPLIT_GAP * size or after[2] < before[0]:
            cuts.append(b)
    cuts.append(e)
    return [(a, b) for a, b in zip(cuts, cuts[1:])]


def _objects(raw: Any, page: Any) -> list[tuple[int, Any, int]]:
    """``(type, handle, depth)`` of every page object, form contents included, in drawing order."""
    out: list[tuple[int, Any, int]] = []

    def walk(count: int, get: Any, depth: int) -> None:
        for i in range(count):
            obj = get(i)
            if not obj:
                continue
            kind = raw.FPDFPageObj_GetType(obj)
            out.append((kind, obj, depth))
            if kind == _FORM and depth < MAX_FORM_DEPTH:
                walk(raw.FPDFFormObj_CountObjects(obj), lambda j, o=obj: raw.FPDFFormObj_GetObject(o, j), depth + 1)

    walk(raw.FPDFPage_CountObjects(page), lambda i: raw.FPDFPage_GetObject(page, i), 0)
    return out


def _bounds(raw: Any, obj: Any) -> tuple[float, float, float, float] | None:
    l, b, r, t = (ctypes.c_float() for _ in range(4))
    if not raw.FPDFPageObj_GetBounds(obj, l, b, r, t):
        return None
    return l.value, b.value, r.value, t.value


def _area(box: tuple[float, float, float, float]) -> float:
    return max(box[2] - box[0], 0.0) * max(box[3] - box[1], 0.0)


def _clipped_area(box: tuple[float, float, float, float], page: tuple[float, float, float, float]) -> float:
    return _area((max(box[0], page[0]), max(box[1], page[1]), min(box[2], page[2]), min(box[3], page[3])))


def _inside(ln: Line, box: tuple[float, float, float, float]) -> bool:
    cx, cy = (ln.x0 + ln.x1) / 2, (ln.y0 + ln.y1) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def _color(raw: Any, obj: Any, stroke: bool) -> tuple[float, float, float, int] | None:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    ok = (raw.FPDFPageObj_GetStrokeColor if stroke else raw.FPDFPageObj_GetFillColor)(obj, r, g, b, a)
    if not ok:
        return None
    return r.value / 255, g.value / 255, b.value / 255, a.value


def _is_white(rgba: tuple[float, float, float, int] | None) -> bool:
    return rgba is not None and luminance(*rgba[:3]) >= NEAR_WHITE and min(rgba[:3]) >= 0.85


def _marks(
    raw: Any, objects: list[tuple[int, Any, int]], tp: Any, image_share: float
) -> list[tuple[str, tuple[float, float, float, float], str]]:
    """Text objects drawn white (on no dark background), transparent, invisible, or under 2 pt."""
    found = []
    for index, (kind, obj, _depth) in enumerate(objects):
        if kind != _TEXT:
            continue
        mode = raw.FPDFTextObj_GetTextRenderMode(obj)
        what = None
        if mode == _INVISIBLE_MODE:
            # An invisible text layer over a scanned image is how OCR'd PDFs are made.
            what = None if image_share >= 0.5 else "hidden_text"
        else:
            rgba = _color(raw, obj, stroke=mode in _STROKE_MODES)
            if rgba is not None and rgba[3] == 0:
                what = "hidden_text"
            elif _is_white(rgba):
                what = "white_text"
        if what is None and 0 < _font_size(raw, obj) < TINY_SIZE:
            what = "tiny_text"
        if what is None:
            continue
        box = _bounds(raw, obj)
        if box is None:
            continue
        text = _object_text(raw, obj, tp)
        if not any(c.isalnum() for c in text):
            continue
        if what == "white_text" and _dark_behind(raw, objects[:index], box):
            continue
        found.append((what, box, text))
    return found


def _font_size(raw: Any, obj: Any) -> float:
    """The text object's font size scaled by its matrix (points on the page)."""
    size = ctypes.c_float()
    if not raw.FPDFTextObj_GetFontSize(obj, size):
        return 0.0
    m = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(obj, m):
        return size.value
    return size.value * abs(m.a * m.d - m.b * m.c) ** 0.5


def _object_text(raw: Any, obj: Any, tp: Any) -> str:
    size = raw.FPDFTextObj_GetText(obj, tp, None, 0)
    if size <= 2:
        return ""
    buf = ctypes.create_string_buffer(size)
    raw.FPDFTextObj_GetText(obj, tp, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)), size)
    return buf.raw[: size - 2].decode("utf-16-le", errors="replace")


def _dark_behind(raw: Any, earlier: list[tuple[int, Any, int]], box: tuple[float, float, float, float]) -> bool:
    """Whether an image or a filled, non-white shape drawn earlier lies under the box's centre."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    for kind, obj, _depth in reversed(earlier):
        if kind not in (_PATH, _IMAGE, _SHADING):
            continue
        b = _bounds(raw, obj)
        if b is None or not (b[0] <= cx <= b[2] and b[1] <= cy <= b[3]):
            continue
        if kind != _PATH:
            return True
        raw.FPDFPath_GetDrawMode(obj, fill, stroke)
        if fill.value and not _is_white(_color(raw, obj, stroke=False)):
            return True
    return False
