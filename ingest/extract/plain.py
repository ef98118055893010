"""Plain text: UTF-8 (BOM or not), UTF-16 with BOM, or Windows-1257 Latvian text.

Line breaks are kept exactly as in the file (``\\r\\n`` stays ``\\r\\n``).
"""

from __future__ import annotations

import codecs
import re

from ingest.document import Page
from ingest.errors import CorruptFile
from ingest.extract.result import Extracted

LATVIAN_LETTERS = frozenset("āēīūšžčņļķģĀĒĪŪŠŽČŅĻĶĢ")
# C0/C1 control characters other than tab, line feed, vertical tab, form feed, carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
MAX_CONTROL_SHARE = 0.01


def decode_text(data: bytes) -> str:
    """Decode a text file, or raise :class:`CorruptFile` when it is not text."""
    text = _decode(data, final=True)
    if text is None or not _plausible(text):
        raise CorruptFile("not a text file in a known encoding (UTF-8, UTF-16 or Windows-1257)")
    return text


def looks_like_text(data: bytes, *, complete: bool = True) -> bool:
    """Whether ``data`` (a prefix of the file unless ``complete``) decodes as text."""
    text = _decode(data, final=complete)
    return text is not None and _plausible(text)


def extract_txt(data: bytes) -> Extracted:
    text = decode_text(data)
    return Extracted(text=text, format="txt", pages=[Page(number=1, start=0, end=len(text))])


def _decode(data: bytes, *, final: bool) -> str | None:
    try:
        if data.startswith(codecs.BOM_UTF8):
            return _decode_with("utf-8", data[3:], final)
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            if data.startswith(codecs.BOM_UTF32_LE):
                return None  # UTF-32 is not supported
            return _decode_with("utf-16", data, final)
        try:
            return _decode_with("utf-8", data, final)
        except UnicodeDecodeError:
            text = data.decode("cp1257")
            return text if _looks_latvian(text) else None
    except UnicodeDecodeError:
        return None


def _decode_with(encoding: str, data: bytes, final: bool) -> str:
    # An incremental decoder tolerates a multi-byte character cut at the end of a prefix.
    return codecs.getincrementaldecoder(encoding)(errors="strict").decode(data, final=final)


def _plausible(text: str) -> bool:
    if "\x00" in text:
        return False
    return len(_CONTROL.findall(text)) <= MAX_CONTROL_SHARE * len(text)


def _looks_latvian(text: str) -> bool:
    letters = sum(1 for c in text if c.isalpha())
    non_space = sum(1 for c in text if not c.isspace())
    latvian = sum(1 for c in text if c in LATVIAN_LETTERS)
    return letters > 0 and latvian >= 0.01 * letters and letters >= 0.5 * non_space
