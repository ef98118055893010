"""Tell a file's real format from its first bytes, whatever its name says."""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from typing import Literal

ContentKind = Literal["pdf", "docx", "odt", "rtf", "html", "txt", "ole", "zip", "unknown"]

# How each kind is named in messages ("the file is named .pdf but contains DOCX").
KIND_NAMES: dict[str, str] = {
    "pdf": "PDF",
    "docx": "DOCX",
    "odt": "ODT",
    "rtf": "RTF",
    "html": "HTML",
    "txt": "plain text",
    "ole": "a legacy Office document (.doc/.xls) or a password-protected Office file",
    "zip": "a ZIP archive",
    "unknown": "unrecognised binary data",
}

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SNIFF_TEXT_BYTES = 64 * 1024
_HTML = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)[\s>]", re.I | re.S)


def sniff(data: bytes) -> ContentKind:
    """The format of ``data`` by its content (magic bytes, ZIP members, text decoding)."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _sniff_zip(data)
    if data.startswith(OLE_MAGIC):
        return "ole"
    if data.startswith(b"{\\rtf"):
        return "rtf"
    from ingest.extract.plain import looks_like_text

    if _HTML.match(_ascii_head(data)):
        return "html"
    return "txt" if looks_like_text(data[:SNIFF_TEXT_BYTES], complete=len(data) <= SNIFF_TEXT_BYTES) else "unknown"


def _sniff_zip(data: bytes) -> ContentKind:
    # ODF puts an uncompressed "mimetype" member first: its bytes sit at offset 38.
    if data[30:38] == b"mimetype" and data[38 : 38 + len(ODT_MIMETYPE)] == ODT_MIMETYPE:
        return "odt"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "word/document.xml" in names:
                return "docx"
            if "mimetype" in names and zf.read("mimetype").strip() == ODT_MIMETYPE:
                return "odt"
    except Exception:  # noqa: BLE001 - any unreadable archive
        # A truncated archive: the local header of its first member still tells.
        if b"word/" in data[:4096]:
            return "docx"
    return "zip"


def _ascii_head(data: bytes) -> bytes:
    """The first 1 KB as ASCII-compatible bytes (UTF-16 decoded, BOMs dropped)."""
    head = data[:1024]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    return head[3:] if head.startswith(codecs.BOM_UTF8) else head
