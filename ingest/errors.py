"""Typed ingest errors. Each carries a message a user understands."""

from __future__ import annotations


class IngestError(Exception):
    """A file could not be turned into a document. ``reason`` is one short sentence."""

    code = "ingest_error"

    def __init__(self, reason: str, *, path: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.path = path

    def __str__(self) -> str:  # "thesis.pdf: the PDF is encrypted"
        return f"{self.path}: {self.reason}" if self.path else self.reason


class UnsupportedFormat(IngestError):
    code = "unsupported_format"


class FormatMismatch(IngestError):
    """The extension names one format, the bytes are another."""

    code = "format_mismatch"


class EncryptedFile(IngestError):
    code = "encrypted"


class CorruptFile(IngestError):
    """Unreadable, truncated or malformed."""

    code = "corrupt"


class EmptyDocument(IngestError):
    """The file is readable but holds no text."""

    code = "empty"


class FileTooLarge(IngestError):
    code = "too_large"


class ExtractionTimeout(IngestError):
    """Reading the file (OCR included) took longer than the time limit."""

    code = "timeout"


class ExtractorCrashed(IngestError):
    """The reader process died on the file (a crash or running out of memory)."""

    code = "crashed"


class OcrFailed(IngestError):
    """Scanned pages could not be read with OCR."""

    code = "ocr_failed"
