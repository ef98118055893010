"""Choose the extractor from the file name and check that the content agrees."""

from __future__ import annotations

from pathlib import Path, PurePath

from ingest.errors import (
    CorruptFile,
    EmptyDocument,
    EncryptedFile,
    FileTooLarge,
    FormatMismatch,
    IngestError,
    UnsupportedFormat,
)
from ingest.extract.result import Extracted, ExtractLimits
from ingest.extract.sniffing import KIND_NAMES, sniff

EXTENSIONS = {
    ".txt": "txt",
    ".text": "txt",
    ".pdf": "pdf",
    ".docx": "docx",
    ".odt": "odt",
    ".rtf": "rtf",
    ".html": "html",
    ".htm": "html",
}
NOT_YET = {".doc": "legacy Word .doc"}
SUPPORTED_HINT = "upload PDF, DOCX, ODT, RTF, HTML or TXT"
# Content that may stand behind another extension: HTML is text, and text is (trivial) HTML.
COMPATIBLE = {("txt", "html"), ("html", "txt")}
_ENCRYPTED_OOXML = "EncryptedPackage".encode("utf-16-le")


def extract(path: Path, limits: ExtractLimits | None = None) -> Extracted:
    """Extract the text of the file at ``path``; errors carry ``path.name``."""
    limits = limits or ExtractLimits()
    path = Path(path)
    return extract_bytes(read_file(path, limits), path.name, limits)


def read_file(path: Path, limits: ExtractLimits) -> bytes:
    """The bytes of ``path``, after checking its type and size (errors carry ``path.name``)."""
    try:
        _expected_format(path.name)
        try:
            if path.stat().st_size > limits.max_bytes:
                raise FileTooLarge(_too_large(path.stat().st_size, limits))
            return path.read_bytes()
        except OSError as exc:
            raise CorruptFile(f"the file cannot be read ({exc.strerror or exc})") from None
    except IngestError as err:
        err.path = err.path or path.name
        raise


def extract_bytes(data: bytes, filename: str, limits: ExtractLimits | None = None) -> Extracted:
    """Extract the text of ``data``, a file named ``filename``; nothing is written to disk."""
    limits = limits or ExtractLimits()
    name = PurePath(filename).name
    try:
        expected = _expected_format(name)
        if len(data) > limits.max_bytes:
            raise FileTooLarge(_too_large(len(data), limits))
        if not data:
            raise EmptyDocument("the file is empty")
        _check_content(data, expected, name)
        return _run(expected, data, limits)
    except IngestError as err:
        err.path = err.path or name
        raise
    except Exception as exc:  # noqa: BLE001 - no other exception type may escape
        raise CorruptFile(f"the file cannot be read ({type(exc).__name__})", path=name) from exc


def _expected_format(name: str) -> str:
    ext = PurePath(name).suffix.lower()
    if ext in EXTENSIONS:
        return EXTENSIONS[ext]
    if ext in NOT_YET:
        raise UnsupportedFormat(f"{NOT_YET[ext]} files are not supported yet; {SUPPORTED_HINT}")
    shown = f"files of type {ext}" if ext else "files without an extension"
    raise UnsupportedFormat(f"{shown} are not supported; {SUPPORTED_HINT}")


def _check_content(data: bytes, expected: str, name: str) -> None:
    kind = sniff(data)
    if kind == expected or (expected, kind) in COMPATIBLE:
        return
    ext = PurePath(name).suffix.lower()
    if expected == "docx" and kind == "ole" and _ENCRYPTED_OOXML in data:
        raise EncryptedFile("the DOCX is protected with a password; upload an unprotected copy")
    if kind == "unknown" or (expected in ("docx", "odt") and kind == "zip"):
        if expected in ("txt", "html"):
            from ingest.extract.plain import NOT_TEXT

            raise CorruptFile(NOT_TEXT)
        what = {
            "pdf": "PDF (no %PDF- header)",
            "docx": "DOCX (no word/document.xml)",
            "odt": "ODT (no OpenDocument text mimetype)",
            "rtf": "RTF (no {\\rtf header)",
        }[expected]
        raise CorruptFile(f"the file is not a valid {what}")
    raise FormatMismatch(f"the file is named {ext} but contains {KIND_NAMES[kind]}")


def _run(fmt: str, data: bytes, limits: ExtractLimits) -> Extracted:
    if fmt == "txt":
        from ingest.extract.plain import extract_txt

        result = extract_txt(data)
    elif fmt == "pdf":
        from ingest.extract.pdf import extract_pdf

        result = extract_pdf(data, limits)
    elif fmt == "docx":
        from ingest.extract.word import extract_docx

        result = extract_docx(data, limits)
    elif fmt == "odt":
        from ingest.extract.odt import extract_odt

        result = extract_odt(data, limits)
    elif fmt == "rtf":
        from ingest.extract.rtf import extract_rtf

        result = extract_rtf(data, limits)
    else:
        from ingest.extract.html import extract_html

        result = extract_html(data, limits)
    if not result.text.strip():
        raise EmptyDocument("no text found (the file holds only white space)")
    return result


def _too_large(size: int, limits: ExtractLimits) -> str:
    return f"the file is {size / 1e6:.1f} MB; at most {limits.max_bytes / 1e6:.0f} MB are accepted"
