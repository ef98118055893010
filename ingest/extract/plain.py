"""Plain text: UTF-8 (BOM or not), UTF-16 with BOM, or a detected 8-bit code page.

Text that is not UTF-8 is decoded with each candidate 8-bit code page
(Windows-1257, ISO-8859-13, ISO-8859-4, Windows-1252) and the candidates are
scored by how their letters fit Latvian and Western European text: Latvian
letters (ā, š, ž, ...) count for, letters of other Baltic alphabets and
symbols that rarely appear in prose count against. The best candidate wins if
it reads as text. Line breaks are kept exactly as in the file (``\\r\\n`` stays
``\\r\\n``).
"""

from __future__ import annotations

import codecs
import re

from ingest.document import Page
from ingest.errors import CorruptFile
from ingest.extract.result import Extracted

LATVIAN_LETTERS = frozenset("āēīūšžčņļķģĀĒĪŪŠŽČŅĻĶĢ")
WESTERN_LETTERS = frozenset("äöüßéèêàâçñíóúáëïôûÄÖÜÉÈÀÇÑÍÓÚÁ")
# Letters a wrong Baltic code page produces from Latvian text, and rare symbols.
UNLIKELY = frozenset("ąęėįųĄĘĖĮŲõÕĸŧŦŗŖĩĨũŨ¤¦¨¬¯°±²³´µ¶·¸¹º¼½¾¿×÷ðþÐÞýÝøØæÆåÅ")
CANDIDATES = ("cp1257", "iso8859_13", "iso8859_4", "cp1252")
ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-16": "UTF-16",
    "cp1257": "Windows-1257",
    "iso8859_13": "ISO-8859-13",
    "iso8859_4": "ISO-8859-4",
    "cp1252": "Windows-1252",
}
# C0/C1 control characters other than tab, line feed, vertical tab, form feed, carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
MAX_CONTROL_SHARE = 0.01
NOT_TEXT = "not a text file in a known encoding (UTF-8, UTF-16, Windows-1257, ISO-8859-13/-4 or Windows-1252)"


def decode_text(data: bytes) -> str:
    """Decode a text file, or raise :class:`CorruptFile` when it is not text."""
    found = detect(data)
    if found is None:
        raise CorruptFile(NOT_TEXT)
    return found[0]


def detect(data: bytes, *, complete: bool = True) -> tuple[str, str] | None:
    """``(text, encoding)`` of ``data``, or None when it does not read as text."""
    text = _decode(data, final=complete)
    if text is not None:
        return (text[0], text[1]) if _plausible(text[0]) else None
    return None


def looks_like_text(data: bytes, *, complete: bool = True) -> bool:
    """Whether ``data`` (a prefix of the file unless ``complete``) decodes as text."""
    return detect(data, complete=complete) is not None


def extract_txt(data: bytes) -> Extracted:
    text = decode_text(data)
    return Extracted(text=text, format="txt", pages=[Page(number=1, start=0, end=len(text))])


def _decode(data: bytes, *, final: bool) -> tuple[str, str] | None:
    try:
        if data.startswith(codecs.BOM_UTF8):
            return _decode_with("utf-8", data[3:], final), "utf-8"
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            if data.startswith(codecs.BOM_UTF32_LE):
                return None  # UTF-32 is not supported
            return _decode_with("utf-16", data, final), "utf-16"
        try:
            return _decode_with("utf-8", data, final), "utf-8"
        except UnicodeDecodeError:
            return _best_code_page(data)
    except UnicodeDecodeError:
        return None


def _best_code_page(data: bytes) -> tuple[str, str] | None:
    best: tuple[float, str, str] | None = None
    for enc in CANDIDATES:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if not _reads_as_text(text):
            continue
        score = _score(text)
        if best is None or score > best[0]:
            best = (score, text, enc)
    return (best[1], best[2]) if best is not None and best[0] > 0 else None


def _score(text: str) -> float:
    """Latvian letters +2 (when at least 2 % of letters are Latvian, as in Latvian prose),
    Western accented letters +1, unlikely characters and C1 controls -3; per letter."""
    latvian = western = bad = letters = 0
    for c in text:
        if c.isalpha():
            letters += 1
        if c in LATVIAN_LETTERS:
            latvian += 1
        elif c in WESTERN_LETTERS:
            western += 1
        elif c in UNLIKELY or "\x80" <= c <= "\x9f":
            bad += 1
    letters = max(letters, 1)
    good = 2 * latvian if latvian >= 0.02 * letters else 0
    return (good + western - 3 * bad) / letters


def _decode_with(encoding: str, data: bytes, final: bool) -> str:
    # An incremental decoder tolerates a multi-byte character cut at the end of a prefix.
    return codecs.getincrementaldecoder(encoding)(errors="strict").decode(data, final=final)


def _plausible(text: str) -> bool:
    if "\x00" in text:
        return False
    return len(_CONTROL.findall(text)) <= MAX_CONTROL_SHARE * len(text)


def _reads_as_text(text: str) -> bool:
    letters = sum(1 for c in text if c.isalpha())
    non_space = sum(1 for c in text if not c.isspace())
    return letters > 0 and letters >= 0.5 * non_space and _plausible(text)
