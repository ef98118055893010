"""Text extraction from PDF, DOCX, ODT, RTF, HTML and TXT files (see :func:`extract`)."""

from ingest.extract.dispatch import extract, extract_bytes, read_file
from ingest.extract.isolate import extract_isolated
from ingest.extract.result import Extracted, ExtractLimits
from ingest.extract.sniffing import ContentKind, sniff

__all__ = [
    "ContentKind",
    "ExtractLimits",
    "Extracted",
    "extract",
    "extract_bytes",
    "extract_isolated",
    "read_file",
    "sniff",
]
