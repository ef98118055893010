"""DOCX text with python-docx, in body order, with hidden, white, tiny and spaced-out runs marked.

Every non-empty paragraph, including those in table cells (row by row, cell by
cell, nested tables too) and content controls, becomes one block; blocks are
joined with ``PARAGRAPH_SEPARATOR`` (a blank line), so each paragraph is a
paragraph for the sentence splitter. A line break inside a paragraph is "\\n",
a tab "\\t". Tracked deletions, field codes and fallback copies of drawings
are skipped. Headers, footers, footnotes and comments are not included. DOCX
has no pages: one page covers all text.

Runs formatted as hidden (``w:vanish``), white (``w:color`` near FFFFFF on no
dark shading), tiny (``w:sz`` under 4 half-points) or with wide character
spacing (``w:spacing`` of 3 pt or more) stay in the text and are flagged
(direct formatting only; formatting from styles is not resolved).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Any

from ingest.document import FileFormat, Page
from ingest.errors import CorruptFile, EmptyDocument, FileTooLarge, IngestError
from ingest.extract.archive import open_checked
from ingest.extract.marks import Marks, hex_is_white
from ingest.extract.result import Extracted, ExtractLimits

PARAGRAPH_SEPARATOR = "\n\n"
TINY_HALF_POINTS = 4  # w:sz is in half-points: under 2 pt
WIDE_SPACING = 60  # w:spacing is in twentieths of a point: 3 pt between letters
MIN_SPACED_CHARS = 40  # spaced-out runs shorter than this in all are headings, not a trick
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_SKIP = frozenset(
    {W + "del", W + "moveFrom", MC_FALLBACK, W + "instrText", W + "delText", W + "pPr", W + "rPr"}
)
_CONTAINERS = frozenset({W + "sdt", W + "sdtContent", W + "customXml", W + "ins", W + "moveTo", W + "smartTag"})
_OFF = ("0", "false", "off")


def extract_docx(data: bytes, limits: ExtractLimits) -> Extracted:
    """Extract the text of a DOCX file; raise an :class:`IngestError` subclass on any failure."""
    try:
        with open_checked(data, limits, "DOCX") as zf:
            info = zf.getinfo("word/document.xml")
            if info.file_size > limits.max_bytes:
                raise FileTooLarge("the DOCX text part is larger than the size limit")
        import docx

        body = docx.Document(io.BytesIO(data)).element.body
        blocks = [b for b in _blocks(body) if b[0].strip()]
    except IngestError:
        raise
    except KeyError:
        raise CorruptFile("the DOCX has no main document part (word/document.xml)") from None
    except Exception as exc:  # noqa: BLE001 - any failure here means the file is unreadable
        detail = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
        raise CorruptFile(f"the DOCX is malformed and cannot be read ({detail})") from exc
    return join_blocks(blocks, "docx")


class _Paragraph:
    """Text of one paragraph being built, with the marks of its runs."""

    __slots__ = ("parts", "length", "marks")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.marks = Marks()

    def add(self, s: str) -> None:
        self.parts.append(s)
        self.length += len(s)


def _blocks(element: Any) -> Iterator[tuple[str, Marks]]:
    """Paragraph texts (with marks) under a body, cell or content control, in document order."""
    for child in element:
        tag = child.tag
        if tag == W + "p":
            para = _Paragraph()
            _runs_text(child, para)
            yield "".join(para.parts), para.marks
        elif tag == W + "tbl":
            for row in child.iter(W + "tr"):
                if _parent_table(row) is child:
                    for cell in row.iterchildren(W + "tc"):
                        yield from _blocks(cell)
        elif tag in _CONTAINERS:
            yield from _blocks(child)


def _parent_table(row: Any) -> Any:
    parent = row.getparent()
    while parent is not None and parent.tag != W + "tbl":
        parent = parent.getparent()
    return parent


def _runs_text(element: Any, para: _Paragraph) -> None:
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == W + "t":
            para.add(child.text or "")
        elif tag == W + "tab":
            para.add("\t")
        elif tag in (W + "br", W + "cr"):
            para.add("\n")
        elif tag == W + "noBreakHyphen":
            para.add("-")
        elif tag == W + "softHyphen":
            para.add("\u00ad")
        elif tag == W + "p":  # a paragraph in a text box inside this paragraph
            para.add("\n")
            _runs_text(child, para)
            para.add("\n")
        elif tag == W + "r":
            start = para.length
            _runs_text(child, para)
            for kind in _run_marks(child):
                para.marks.add(kind, start, para.length)
        else:
            _runs_text(child, para)


def _run_marks(run: Any) -> list[str]:
    rpr = run.find(W + "rPr")
    if rpr is None:
        return []
    kinds = []
    vanish = rpr.find(W + "vanish")
    if vanish is not None and vanish.get(W + "val", "1").lower() not in _OFF:
        kinds.append("hidden_text")
    color = rpr.find(W + "color")
    if color is not None and hex_is_white(color.get(W + "val", "")) and not _dark_background(run, rpr):
        kinds.append("white_text")
    size = rpr.find(W + "sz")
    if size is not None and _int(size.get(W + "val")) is not None and _int(size.get(W + "val")) < TINY_HALF_POINTS:
        kinds.append("tiny_text")
    spacing = rpr.find(W + "spacing")
    if spacing is not None and (_int(spacing.get(W + "val")) or 0) >= WIDE_SPACING:
        kinds.append("letter_spacing")
    return kinds


def _int(value: str | None) -> int | None:
    try:
        return int(float(value)) if value is not None else None
    except ValueError:
        return None


def _dark_background(run: Any, rpr: Any) -> bool:
    """Shading or highlight behind the run, its paragraph, cell or table that is not white."""
    highlight = rpr.find(W + "highlight")
    if highlight is not None and highlight.get(W + "val", "none") not in ("none", "white"):
        return True
    if _dark_shading(rpr):
        return True
    node = run.getparent()
    while node is not None:
        props = {W + "p": W + "pPr", W + "tc": W + "tcPr", W + "tbl": W + "tblPr"}.get(node.tag)
        if props is not None:
            pr = node.find(props)
            if pr is not None and _dark_shading(pr):
                return True
        node = node.getparent()
    return False


def _dark_shading(props: Any) -> bool:
    shd = props.find(W + "shd")
    if shd is None:
        return False
    fill = shd.get(W + "fill", "auto")
    return fill.lower() != "auto" and not hex_is_white(fill)


def join_blocks(blocks: Iterable[tuple[str, Marks]], fmt: FileFormat) -> Extracted:
    """Paragraph blocks of a word-processor file (DOCX, ODT) as one page of text, with flags."""
    marks = Marks()
    parts: list[str] = []
    offset = 0
    for text, block_marks in blocks:
        if not text.strip():
            continue
        if parts:
            parts.append(PARAGRAPH_SEPARATOR)
            offset += len(PARAGRAPH_SEPARATOR)
        parts.append(text)
        marks.shifted(block_marks, offset)
        offset += len(text)
    text = "".join(parts)
    if not text.strip():
        raise EmptyDocument(f"no text found in the {fmt.upper()}")
    flags = [f for f in marks.flags(text) if f.kind != "letter_spacing" or f.count >= MIN_SPACED_CHARS]
    return Extracted(text=text, format=fmt, pages=[Page(number=1, start=0, end=len(text))], flags=flags)
