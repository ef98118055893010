"""Text extraction from TXT, PDF and DOCX files (see :func:`extract`)."""

from ingest.extract.dispatch import extract, extract_bytes, read_file
from ingest.extract.result import Extracted, ExtractLimits
from ingest.extract.sniffing import ContentKind, sniff

__all__ = ["ContentKind", "ExtractLimits", "Extracted", "extract", "extract_bytes", "read_file", "sniff"]
