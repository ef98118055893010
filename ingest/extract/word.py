"""DOCX text with python-docx, in body order.

Every non-empty paragraph, including those in table cells (row by row, cell by
cell, nested tables too) and content controls, becomes one block; blocks are
joined with ``PARAGRAPH_SEPARATOR`` (a blank line), so each paragraph is a
paragraph for the sentence splitter. A line break inside a paragraph is "\\n",
a tab "\\t". Tracked deletions, field codes and fallback copies of drawings
are skipped. Headers, footers, footnotes and comments are not included. DOCX
has no pages: one page covers all text.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from ingest.document import Page
from ingest.errors import CorruptFile, EmptyDocument, FileTooLarge, IngestError
from ingest.extract.result import Extracted, ExtractLimits

PARAGRAPH_SEPARATOR = "\n\n"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_SKIP = frozenset(
    {W + "del", W + "moveFrom", MC_FALLBACK, W + "instrText", W + "delText", W + "pPr", W + "rPr"}
)
_CONTAINERS = frozenset({W + "sdt", W + "sdtContent", W + "customXml", W + "ins", W + "moveTo", W + "smartTag"})


def extract_docx(data: bytes, limits: ExtractLimits) -> Extracted:
    """Extract the text of a DOCX file; raise an :class:`IngestError` subclass on any failure."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            info = zf.getinfo("word/document.xml")
            if info.file_size > limits.max_bytes:
                raise FileTooLarge("the DOCX text part is larger than the size limit")
        import docx

        body = docx.Document(io.BytesIO(data)).element.body
        blocks = [b for b in _blocks(body) if b.strip()]
    except IngestError:
        raise
    except KeyError:
        raise CorruptFile("the DOCX has no main document part (word/document.xml)") from None
    except zipfile.BadZipFile:
        raise CorruptFile("the DOCX is damaged or truncated (not a readable ZIP archive)") from None
    except Exception as exc:  # noqa: BLE001 - any failure here means the file is unreadable
        detail = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
        raise CorruptFile(f"the DOCX is malformed and cannot be read ({detail})") from exc
    text = PARAGRAPH_SEPARATOR.join(blocks)
    if not text.strip():
        raise EmptyDocument("no text found in the DOCX")
    return Extracted(text=text, format="docx", pages=[Page(number=1, start=0, end=len(text))])


def _blocks(element: Any) -> Iterator[str]:
    """Paragraph texts under a body, cell or content control, in document order."""
    for child in element:
        tag = child.tag
        if tag == W + "p":
            yield _paragraph_text(child)
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


def _paragraph_text(p: Any) -> str:
    out: list[str] = []
    _runs_text(p, out)
    return "".join(out)


def _runs_text(element: Any, out: list[str]) -> None:
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == W + "t":
            out.append(child.text or "")
        elif tag == W + "tab":
            out.append("\t")
        elif tag in (W + "br", W + "cr"):
            out.append("\n")
        elif tag == W + "noBreakHyphen":
            out.append("-")
        elif tag == W + "softHyphen":
            out.append("\u00ad")
        elif tag == W + "p":  # a paragraph in a text box inside this paragraph
            out.append("\n")
            _runs_text(child, out)
            out.append("\n")
        else:
            _runs_text(child, out)
