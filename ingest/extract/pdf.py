"""PDF text with pdfminer.six, page by page.

Each page's text is its text boxes in pdfminer's reading order, one blank line
between boxes, with leading/trailing white space stripped. Pages are joined
with ``PAGE_SEPARATOR``; ``Page(number, start, end)`` covers exactly one
page's text (the separator belongs to no page). Line-end hyphens stay as they
are (the normalised view joins them).

Text inside figures (plots) is left out, except on a page whose only text is
in figures (a page included from another PDF).
"""

from __future__ import annotations

import io
from typing import Any

from ingest.document import Page
from ingest.errors import CorruptFile, EmptyDocument, EncryptedFile, FileTooLarge, IngestError
from ingest.extract.result import Extracted, ExtractLimits

PAGE_SEPARATOR = "\n\n"
BOX_SEPARATOR = "\n"  # box texts end in "\n": this leaves a blank line between boxes
PARAGRAPH_BREAK = "\n\n"
PITCH_FACTOR = 1.3
EOF_WINDOW = 2048


def _laparams(all_texts: bool = False) -> Any:
    from pdfminer.layout import LAParams

    # detect_vertical off and figures skipped: both cost time and add no body text.
    return LAParams(detect_vertical=False, all_texts=all_texts)


def extract_pdf(data: bytes, limits: ExtractLimits) -> Extracted:
    """Extract the text of a PDF; raise an :class:`IngestError` subclass on any failure."""
    if b"%%EOF" not in data[-EOF_WINDOW:]:
        raise CorruptFile("the PDF is truncated (its end-of-file marker is missing); upload the complete file")
    try:
        return _extract(data, limits)
    except IngestError:
        raise
    except RecursionError:
        raise CorruptFile("the PDF is malformed (its objects nest too deeply)") from None
    except MemoryError:
        raise FileTooLarge("the PDF needs too much memory to read") from None
    except Exception as exc:  # noqa: BLE001 - any pdfminer failure means the file is unreadable
        raise _translate(exc) from exc


def _translate(exc: Exception) -> IngestError:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFNoValidXRef
    from pdfminer.psexceptions import PSEOF

    if isinstance(exc, PDFEncryptionError):
        return EncryptedFile("the PDF is encrypted with a password; upload an unprotected copy")
    if isinstance(exc, PDFNoValidXRef):
        return CorruptFile("the PDF is malformed (no valid cross-reference table)")
    if isinstance(exc, (PSEOF, EOFError)):
        return CorruptFile("the PDF is truncated (it ends in the middle of an object)")
    detail = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
    return CorruptFile(f"the PDF is malformed and cannot be read ({detail})")


def _extract(data: bytes, limits: ExtractLimits) -> Extracted:
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    document = PDFDocument(PDFParser(io.BytesIO(data)))
    if not document.is_extractable:
        raise EncryptedFile("the PDF is encrypted and forbids text extraction; upload an unprotected copy")
    root = resolve1(document.catalog.get("Pages"))
    declared = resolve1(root.get("Count")) if isinstance(root, dict) else None
    if isinstance(declared, int) and declared > limits.max_pages:
        raise FileTooLarge(f"the PDF has {declared} pages; at most {limits.max_pages} are accepted")

    resources = PDFResourceManager(caching=True)
    device = _text_only_aggregator(PDFPageAggregator)(resources, laparams=_laparams())
    interpreter = _text_only_interpreter(PDFPageInterpreter)(resources, device)
    parts: list[str] = []
    pages: list[Page] = []
    offset = 0
    for number, pdf_page in enumerate(PDFPage.create_pages(document), start=1):
        if number > limits.max_pages:
            raise FileTooLarge(f"the PDF has more than {limits.max_pages} pages")
        interpreter.process_page(pdf_page)
        page_text = _page_text(device.get_result())
        if parts:
            parts.append(PAGE_SEPARATOR)
            offset += len(PAGE_SEPARATOR)
        parts.append(page_text)
        pages.append(Page(number=number, start=offset, end=offset + len(page_text)))
        offset += len(page_text)
    if not pages:
        raise CorruptFile("the PDF has no readable pages")
    text = "".join(parts)
    if not text.strip():
        raise EmptyDocument("no text found in the PDF; it may be scanned images (OCR is not enabled)")
    return Extracted(text=text, format="pdf", pages=pages)


def _text_only_aggregator(base: type) -> type:
    class TextOnlyAggregator(base):  # type: ignore[misc, valid-type]
        """Drops lines, curves and rectangles: only characters matter here."""

        def paint_path(self, *args: Any, **kwargs: Any) -> None:
            return None

    return TextOnlyAggregator


def _text_only_interpreter(base: type) -> type:
    from pdfminer.pdfinterp import LITERAL_FORM
    from pdfminer.pdftypes import stream_value
    from pdfminer.psparser import literal_name

    class TextOnlyInterpreter(base):  # type: ignore[misc, valid-type]
        """Skips form XObjects that draw no text (vector plots): parsing them is most of the time."""

        def do_Do(self, xobjid_arg: Any) -> None:
            try:
                xobj = stream_value(self.xobjmap[literal_name(xobjid_arg)])
            except Exception:  # noqa: BLE001 - let pdfminer handle (or ignore) a bad reference
                return super().do_Do(xobjid_arg)
            if xobj.get("Subtype") is LITERAL_FORM:
                data = xobj.get_data()
                if b"BT" not in data and b"Do" not in data:
                    return None
            return super().do_Do(xobjid_arg)

    return TextOnlyInterpreter


def _page_text(layout: Any) -> str:
    """Text boxes of the page; text in figures only when they fill the page or it has no other text."""
    from pdfminer.layout import LTFigure, LTTextContainer

    boxes = [el for el in layout if isinstance(el, LTTextContainer)]
    text = _join_lines(_lines(boxes)).strip()
    page_area = max(layout.width * layout.height, 1.0)
    figures = [
        el for el in layout if isinstance(el, LTFigure) and (not text or el.width * el.height >= 0.5 * page_area)
    ]
    if figures:
        inner = BOX_SEPARATOR.join(_figure_texts(figures)).strip()
        text = PARAGRAPH_BREAK.join(t for t in (inner, text) if t)
    return text


def _lines(boxes: list[Any]) -> list[tuple[str, float, float, float, float]]:
    """(text, x0, y0, x1, y1) of each non-blank text line, in reading order."""
    from pdfminer.layout import LTTextLine

    out = []
    for box in boxes:
        for line in box:
            if isinstance(line, LTTextLine):
                t = line.get_text().rstrip("\n")
                if t.strip():
                    out.append((t, line.x0, line.y0, line.x1, line.y1))
    return out


def _join_lines(lines: list[tuple[str, float, float, float, float]]) -> str:
    """Join lines with "\n", or a blank line where a paragraph seems to start.

    A paragraph starts where the next line is not just below the previous one
    (another column or region), where the line pitch grows well beyond the
    page's usual pitch (headings, spacing between paragraphs), or where the
    previous line ends a sentence short of the margin or the next is indented.
    """
    if not lines:
        return ""
    pitches = sorted(p for a, b in zip(lines, lines[1:]) if (p := _pitch(a, b)) is not None)
    usual = pitches[len(pitches) // 2] if pitches else None
    left = min(ln[1] for ln in lines)
    right = max(ln[3] for ln in lines)
    parts = [lines[0][0]]
    for prev, cur in zip(lines, lines[1:]):
        parts.append(PARAGRAPH_BREAK if _starts_paragraph(prev, cur, usual, left, right) else "\n")
        parts.append(cur[0])
    return "".join(parts)


def _pitch(a: tuple, b: tuple) -> float | None:
    """Baseline distance from line ``a`` down to line ``b`` in the same column, else None."""
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    drop = a[2] - b[2]
    return drop if overlap > 0 and drop > 0 else None


def _starts_paragraph(prev: tuple, cur: tuple, usual: float | None, left: float, right: float) -> bool:
    pitch = _pitch(prev, cur)
    if pitch is None or usual is None:
        return True
    if pitch > PITCH_FACTOR * usual:
        return True
    height = max(cur[4] - cur[2], 1.0)
    ends_sentence = prev[0].rstrip()[-1:] in ".!?:…"
    short = prev[3] < right - 2 * height
    indented = cur[1] > left + 0.8 * height and cur[1] > prev[1] + 0.8 * height
    return ends_sentence and (short or indented)


def _figure_texts(figures: list[Any]) -> list[str]:
    """Lay out the characters of figures (skipped by default) and return their text boxes."""
    params = _laparams(all_texts=True)
    for fig in figures:
        fig.analyze(params)  # also lays out nested figures
    return _boxes_in(figures)


def _boxes_in(elements: Any) -> list[str]:
    from pdfminer.layout import LTFigure, LTTextContainer

    out: list[str] = []
    for el in elements:
        if isinstance(el, LTTextContainer):
            out.append(el.get_text())
        elif isinstance(el, LTFigure):
            out.extend(_boxes_in(el))
    return out
