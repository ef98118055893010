"""PDF text with pdfium (pypdfium2), page by page, OCR for scanned pages.

Each page's lines are put in reading order (columns left to right, rows top
down; see :mod:`ingest.extract.pdf_layout`), running headers, footers and
page numbers (lines repeated at a page edge across pages) are dropped,
footnotes are kept at the end of their page and listed in
``Extracted.footnotes``, and lines are joined with "\\n" or, where a
paragraph seems to start, a blank line. Pages are joined with
``PAGE_SEPARATOR``; ``Page(number, start, end)`` covers exactly one page's
text. Line-end hyphens stay as they are (the normalised view joins them).

Text inside figures (form XObjects smaller than half the page) is left out,
except on a page whose only text is in figures. A page with (almost) no text
whose area is mostly images is rendered and read with Tesseract. Text a reader
cannot see (white, transparent, invisible, under 2 pt) is kept and flagged, and
so are pages drawn in a scrambled order and image-only pages among text pages.
"""

from __future__ import annotations

from typing import Any

from ingest.document import EvasionFlag, Page, Span
from ingest.errors import CorruptFile, EmptyDocument, EncryptedFile, FileTooLarge, IngestError
from ingest.extract.marks import Marks
from ingest.extract.pdf_layout import Line, PageText, join_lines, mark_footnotes, order_breaks, reading_order, running_lines
from ingest.extract.pdf_page import PageContent, read_page
from ingest.extract.result import Extracted, ExtractLimits

PAGE_SEPARATOR = "\n\n"
EOF_WINDOW = 2048
SCAN_MAX_CHARS = 10  # a page with fewer text characters than this...
SCAN_MIN_IMAGE_SHARE = 0.5  # ...and at least this share of its area in images is a scan
SCRAMBLED_MIN_LINES = 8
SCRAMBLED_SHARE = 0.5  # share of lines drawn out of reading order that flags a page
_PERMIT_EXTRACT = 0x10


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
    except Exception as exc:  # noqa: BLE001 - any pdfium failure means the file is unreadable
        detail = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
        raise CorruptFile(f"the PDF is malformed and cannot be read ({detail})") from exc


def _open(data: bytes) -> Any:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == raw.FPDF_ERR_PASSWORD:
            raise EncryptedFile("the PDF is encrypted with a password; upload an unprotected copy") from None
        raise CorruptFile("the PDF is malformed and cannot be read (no valid document structure)") from None
    if raw.FPDF_GetSecurityHandlerRevision(pdf.raw) != -1:
        if not raw.FPDF_GetDocPermissions(pdf.raw) & _PERMIT_EXTRACT:
            pdf.close()
            raise EncryptedFile("the PDF is encrypted and forbids text extraction; upload an unprotected copy")
    return pdf


def _extract(data: bytes, limits: ExtractLimits) -> Extracted:
    pdf = _open(data)
    try:
        count = len(pdf)
        if count > limits.max_pages:
            raise FileTooLarge(f"the PDF has {count} pages; at most {limits.max_pages} are accepted")
        if count == 0:
            raise CorruptFile("the PDF has no readable pages")
        contents: list[PageContent] = []
        for i in range(count):
            page = pdf[i]
            textpage = page.get_textpage()
            try:
                contents.append(read_page(page, textpage))
            finally:
                textpage.close()
                page.close()
        scanned = [i for i, c in enumerate(contents) if c.chars < SCAN_MAX_CHARS and c.image_share >= SCAN_MIN_IMAGE_SHARE]
        ocr_done = False
        if scanned and limits.ocr:
            from ingest.ocr import tesseract_available

            if tesseract_available():
                _ocr_pages(pdf, contents, scanned, limits)
                ocr_done = True
    finally:
        pdf.close()
    return _assemble(contents, scanned, ocr_done)


def _ocr_pages(pdf: Any, contents: list[PageContent], scanned: list[int], limits: ExtractLimits) -> None:
    """Replace the lines of scanned pages with OCR lines (boxes converted to points)."""
    from ingest.ocr import ocr_images

    scale = limits.ocr_dpi / 72
    images = []
    for i in scanned:
        page = pdf[i]
        try:
            images.append(_pnm(page.render(scale=scale, grayscale=True).to_pil()))
        finally:
            page.close()
    results = ocr_images(
        images, languages=limits.ocr_languages, timeout_s=limits.ocr_page_timeout_s, workers=limits.ocr_workers
    )
    for i, ocr_lines in zip(scanned, results):
        c = contents[i]
        c.lines = [
            Line(
                text=ol.text,
                x0=ol.left / scale,
                y0=c.top - ol.bottom / scale,
                x1=ol.right / scale,
                y1=c.top - ol.top / scale,
                seq=k,
            )
            for k, ol in enumerate(ocr_lines)
        ]
        c.marks = []


def _pnm(image: Any) -> bytes:
    import io

    buf = io.BytesIO()
    image.save(buf, format="PPM")
    return buf.getvalue()


def _assemble(contents: list[PageContent], scanned: list[int], ocr_done: bool) -> Extracted:
    running = running_lines([(c.lines, c.bottom, c.top) for c in contents])
    marks = Marks()
    parts: list[str] = []
    pages: list[Page] = []
    footnotes: list[Span] = []
    scrambled: list[int] = []
    offset = 0
    scanned_set = set(scanned)
    for p, c in enumerate(contents):
        lines = [ln for i, ln in enumerate(c.lines) if (p, i) not in running]
        ordered = reading_order(lines)
        if p not in scanned_set:
            mark_footnotes(ordered, c.bottom, c.top)
            ordered = [ln for ln in ordered if not ln.footnote] + [ln for ln in ordered if ln.footnote]
            share, compared = order_breaks(ordered)
            if compared >= SCRAMBLED_MIN_LINES and share >= SCRAMBLED_SHARE:
                scrambled.append(p)
        page_text = join_lines(ordered)
        text = page_text.text.strip()
        lead = len(page_text.text) - len(page_text.text.lstrip())
        if parts:
            parts.append(PAGE_SEPARATOR)
            offset += len(PAGE_SEPARATOR)
        parts.append(text)
        pages.append(Page(number=p + 1, start=offset, end=offset + len(text)))
        base = offset - lead
        footnotes.extend(Span(start=base + s, end=base + e) for s, e in page_text.footnotes)
        _place_marks(c, ordered, page_text, base, marks)
        offset += len(text)
    full = "".join(parts)
    if not full.strip():
        if scanned and not ocr_done:
            raise EmptyDocument(
                "no text found in the PDF; its pages are scanned images and OCR is not available (install Tesseract)"
            )
        raise EmptyDocument("no text found in the PDF; it may be scanned images (OCR found no text)")
    flags = marks.flags(full)
    flags.extend(_page_flags(pages, scanned, scrambled, len(contents), ocr_done))
    return Extracted(
        text=full,
        format="pdf",
        pages=pages,
        footnotes=footnotes,
        flags=flags,
        ocr_pages=[i + 1 for i in scanned] if ocr_done else [],
    )


def _place_marks(c: PageContent, ordered: list[Line], page_text: PageText, base: int, marks: Marks) -> None:
    """Map each suspicious text object to the part of a line it overlaps (by box, then by text)."""
    for kind, box, text in c.marks:
        needle = text.strip()
        for ln, (s, e) in zip(ordered, page_text.line_spans):
            overlap_y = min(ln.y1, box[3]) - max(ln.y0, box[1])
            if overlap_y <= 0.3 * min(ln.height, max(box[3] - box[1], 0.1)) or ln.x1 < box[0] or ln.x0 > box[2]:
                continue
            i = ln.text.find(needle) if needle else -1
            if i >= 0:
                marks.add(kind, base + s + i, base + s + i + len(needle))
            else:
                marks.add(kind, base + s, base + e)


def _page_flags(
    pages: list[Page], scanned: list[int], scrambled: list[int], count: int, ocr_done: bool
) -> list[EvasionFlag]:
    flags = []
    if scanned and len(scanned) < count:
        numbers = ", ".join(str(i + 1) for i in scanned)
        how = "read by OCR" if ocr_done else "not read: OCR is not available"
        flags.append(
            EvasionFlag(
                kind="image_only_pages",
                count=len(scanned),
                locations=[Span(start=pages[i].start, end=pages[i].end) for i in scanned],
                detail=f"pages {numbers} are images of text among text pages ({how})",
            )
        )
    if scrambled:
        numbers = ", ".join(str(i + 1) for i in scrambled)
        flags.append(
            EvasionFlag(
                kind="scrambled_order",
                count=len(scrambled),
                locations=[Span(start=pages[i].start, end=pages[i].end) for i in scrambled],
                detail=f"pages {numbers}: text is drawn in an order different from the order it is read",
            )
        )
    return flags
