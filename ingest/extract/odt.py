"""ODT (OpenDocument text) from ``content.xml``: headings, paragraphs, lists and tables in order.

Each heading and paragraph (also in list items, sections and table cells, row
by row) is one block; blocks are joined with a blank line, like DOCX.
``text:s`` is its count of spaces, ``text:tab`` a tab, ``text:line-break``
"\\n". Notes (footnotes), annotations and tracked deletions are skipped.
Automatic styles that hide text (``text:display="none"``), colour it white,
set it under 2 pt or space its letters 3 pt or more are flagged; the text stays.
"""

from __future__ import annotations

import re
from typing import Any

from ingest.errors import CorruptFile, IngestError
from ingest.extract.archive import open_checked, read_member
from ingest.extract.marks import Marks, hex_is_white
from ingest.extract.result import Extracted, ExtractLimits
from ingest.extract.word import join_blocks
from ingest.extract.xmlsafe import parse_xml

TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
FO = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"
DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
_BLOCKS = frozenset({TEXT + "p", TEXT + "h"})
_SKIP = frozenset(
    {TEXT + "note", OFFICE + "annotation", TEXT + "tracked-changes", TEXT + "deletion", TEXT + "bookmark-ref"}
)
_LENGTH = re.compile(r"^\s*(-?[\d.]+)\s*(pt|cm|mm|in|px|pc)?\s*$")
_POINTS = {"pt": 1.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "in": 72.0, "px": 0.75, "pc": 12.0, None: 1.0}


def extract_odt(data: bytes, limits: ExtractLimits) -> Extracted:
    """Extract the text of an ODT file; raise an :class:`IngestError` subclass on any failure."""
    try:
        with open_checked(data, limits, "ODT") as zf:
            content = read_member(zf, "content.xml", limits, "ODT")
        root = parse_xml(content, "ODT")
        styles = _style_marks(root)
        body = root.find(f"{OFFICE}body/{OFFICE}text")
        if body is None:
            raise CorruptFile("the ODT has no text body")
        blocks: list[tuple[str, Marks]] = []
        _walk(body, styles, blocks)
    except IngestError:
        raise
    except KeyError:
        raise CorruptFile("the ODT has no content part (content.xml)") from None
    except Exception as exc:  # noqa: BLE001 - any failure here means the file is unreadable
        raise CorruptFile(f"the ODT is malformed and cannot be read ({type(exc).__name__})") from exc
    return join_blocks(blocks, "odt")


def _style_marks(root: Any) -> dict[str, list[str]]:
    """Automatic style name -> the marks its text properties call for."""
    out: dict[str, list[str]] = {}
    auto = root.find(OFFICE + "automatic-styles")
    if auto is None:
        return out
    for style in auto.iter(STYLE + "style"):
        props = style.find(STYLE + "text-properties")
        if props is None:
            continue
        kinds = []
        if props.get(TEXT + "display") == "none":
            kinds.append("hidden_text")
        color = props.get(FO + "color")
        background = props.get(FO + "background-color", "transparent")
        if color and hex_is_white(color) and (background == "transparent" or hex_is_white(background)):
            kinds.append("white_text")
        size = _points(props.get(FO + "font-size"))
        if size is not None and size < 2:
            kinds.append("tiny_text")
        spacing = _points(props.get(FO + "letter-spacing"))
        if spacing is not None and spacing >= 3:
            kinds.append("letter_spacing")
        if kinds:
            out[style.get(STYLE + "name", "")] = kinds
    return out


def _points(value: str | None) -> float | None:
    if not value:
        return None
    m = _LENGTH.match(value)
    if not m:
        return None
    try:
        return float(m.group(1)) * _POINTS[m.group(2)]
    except ValueError:
        return None


def _walk(element: Any, styles: dict[str, list[str]], blocks: list[tuple[str, Marks]]) -> None:
    """Blocks of headings and paragraphs under ``element`` in document order."""
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag in _BLOCKS:
            parts: list[str] = []
            marks = Marks()
            _inline(child, styles, parts, marks)
            text = "".join(parts)
            for kind in styles.get(child.get(TEXT + "style-name", ""), []):
                marks.add(kind, 0, len(text))
            blocks.append((text, marks))
        else:
            _walk(child, styles, blocks)


def _inline(element: Any, styles: dict[str, list[str]], parts: list[str], marks: Marks) -> None:
    if element.text:
        parts.append(element.text)
    for child in element:
        tag = child.tag
        if isinstance(tag, str) and tag not in _SKIP:
            start = sum(len(p) for p in parts)
            if tag == TEXT + "s":
                parts.append(" " * _count(child.get(TEXT + "c")))
            elif tag == TEXT + "tab":
                parts.append("\t")
            elif tag == TEXT + "line-break":
                parts.append("\n")
            elif tag == TEXT + "soft-hyphen":
                parts.append("\u00ad")
            elif tag in _BLOCKS:  # a paragraph in a frame's text box
                parts.append("\n")
                _inline(child, styles, parts, marks)
                parts.append("\n")
            else:
                _inline(child, styles, parts, marks)
            end = sum(len(p) for p in parts)
            kinds = list(styles.get(child.get(TEXT + "style-name", ""), []))
            if tag in (TEXT + "hidden-text", TEXT + "hidden-paragraph"):
                kinds.append("hidden_text")
            for kind in kinds:
                marks.add(kind, start, end)
        if child.tail:
            parts.append(child.tail)


def _count(value: str | None) -> int:
    try:
        return min(max(int(value or 1), 1), 1000)
    except ValueError:
        return 1
