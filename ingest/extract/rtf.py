"""RTF text with a small parser of its own.

Paragraphs (``\\par``, table cells and rows, sections, pages) become blocks
joined by a blank line. ``\\uN`` Unicode escapes (skipping ``\\ucN`` fallback
characters) and ``\\'hh`` bytes in the document's code page (``\\ansicpg``,
e.g. 1257 for Baltic; Windows-1252 without one) are decoded. Destinations
that hold no body text (font and colour tables, styles, pictures, field
instructions, headers, footers, footnotes, ``\\*`` groups) are skipped.
Hidden text (``\\v``), white text (``\\cf`` to a white colour) and text under
2 pt (``\\fs`` under 4) stays in the text and is flagged.
"""

from __future__ import annotations

import codecs
import re

from ingest.document import Page
from ingest.errors import CorruptFile, EmptyDocument
from ingest.extract.marks import Marks, luminance
from ingest.extract.result import Extracted, ExtractLimits

PARAGRAPH_SEPARATOR = "\n\n"
MAX_DEPTH = 1000
_TOKEN = re.compile(rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\(.)|([{}])|([^\\{}\r\n]+)|[\r\n]+", re.S)
_SKIP_DESTINATIONS = frozenset(
    b"fonttbl stylesheet info pict object objdata fldinst themedata datastore latentstyles listtable "
    b"listoverridetable rsidtbl generator xmlnstbl header headerl headerr headerf footer footerl footerr "
    b"footerf footnote annotation atnid atnauthor filetbl revtbl bkmkstart bkmkend nonshppict shppict "
    b"mmathPr colorschememapping pgdsctbl protusertbl userprops docvar".split()
)
_BREAKS = {b"par": PARAGRAPH_SEPARATOR, b"sect": PARAGRAPH_SEPARATOR, b"page": PARAGRAPH_SEPARATOR,
           b"cell": PARAGRAPH_SEPARATOR, b"row": PARAGRAPH_SEPARATOR, b"nestcell": PARAGRAPH_SEPARATOR,
           b"line": "\n", b"tab": "\t", b"emdash": "\u2014", b"endash": "\u2013", b"bullet": "\u2022",
           b"lquote": "\u2018", b"rquote": "\u2019", b"ldblquote": "\u201c", b"rdblquote": "\u201d",
           b"emspace": "\u2003", b"enspace": "\u2002", b"qmspace": "\u2005"}  # fmt: skip
_SYMBOLS = {b"~": "\u00a0", b"-": "\u00ad", b"_": "\u2011", b"\\": "\\", b"{": "{", b"}": "}"}


class _State:
    __slots__ = ("skip", "uc", "hidden", "color", "size")

    def __init__(self) -> None:
        self.skip = False
        self.uc = 1
        self.hidden = False
        self.color = 0
        self.size = 24

    def copy(self) -> _State:
        s = _State()
        s.skip, s.uc, s.hidden, s.color, s.size = self.skip, self.uc, self.hidden, self.color, self.size
        return s


def extract_rtf(data: bytes, limits: ExtractLimits) -> Extracted:
    """Extract the text of an RTF file; raise an :class:`IngestError` subclass on any failure."""
    if not data.lstrip().startswith(b"{\\rtf"):
        raise CorruptFile("the file is not a valid RTF (no {\\rtf header)")
    text, marks = _parse(data)
    if not text.strip():
        raise EmptyDocument("no text found in the RTF")
    return Extracted(text=text, format="rtf", pages=[Page(number=1, start=0, end=len(text))], flags=marks.flags(text))


def _parse(data: bytes) -> tuple[str, Marks]:
    codec = "cp1252"
    stack: list[_State] = []
    state = _State()
    out: list[str] = []
    length = 0
    marks = Marks()
    pending = bytearray()  # \'hh bytes waiting to be decoded together (multi-byte code pages)
    skip_chars = 0
    colors: list[tuple[int, int, int]] = []
    rgb = [0, 0, 0]
    in_colortbl = False
    colortbl_depth = 0
    first_in_group = False

    def emit(s: str) -> None:
        nonlocal length
        if state.skip or not s:
            return
        start = length
        out.append(s)
        length += len(s)
        if s in (PARAGRAPH_SEPARATOR, "\n", "\t"):
            return
        if state.hidden:
            marks.add("hidden_text", start, length)
        if 0 < state.color < len(colors) and _white(colors[state.color]):
            marks.add("white_text", start, length)
        if state.size < 4:
            marks.add("tiny_text", start, length)

    def flush() -> None:
        if pending:
            try:
                emit(pending.decode(codec, errors="replace"))
            except LookupError:
                emit(pending.decode("cp1252", errors="replace"))
            pending.clear()

    for m in _TOKEN.finditer(data):
        word, arg, hexbyte, symbol, brace, chunk = m.groups()
        if hexbyte is None:
            flush()
        if skip_chars and (hexbyte is not None or chunk is not None or symbol is not None):
            if chunk is not None and len(chunk) > skip_chars:
                chunk = chunk[skip_chars:]
                skip_chars = 0
            else:
                skip_chars -= 1 if chunk is None else min(len(chunk), skip_chars)
                continue
        if brace == b"{":
            if len(stack) >= MAX_DEPTH:
                raise CorruptFile("the RTF is malformed (its groups nest too deeply)")
            stack.append(state)
            state = state.copy()
            first_in_group = True
            continue
        if brace == b"}":
            state = stack.pop() if stack else state
            if in_colortbl and len(stack) < colortbl_depth:
                in_colortbl = False
            first_in_group = False
            continue
        was_first, first_in_group = first_in_group, False
        if word is not None:
            n = int(arg) if arg is not None else None
            if word in _SKIP_DESTINATIONS and was_first:
                state.skip = True
            elif word == b"colortbl" and was_first:
                in_colortbl, colortbl_depth, state.skip = True, len(stack), True
            elif in_colortbl and word in (b"red", b"green", b"blue"):
                rgb[(b"red", b"green", b"blue").index(word)] = n or 0
            elif word == b"ansicpg" and n:
                codec = _codec(n)
            elif word == b"uc" and n is not None:
                state.uc = max(n, 0)
            elif word == b"u" and n is not None:
                code = n + 65536 if n < 0 else n
                emit(chr(code) if 0 <= code < 0xD800 or 0xE000 <= code <= 0x10FFFF else "\ufffd")
                skip_chars = state.uc
            elif word == b"v":
                state.hidden = n != 0
            elif word == b"cf":
                state.color = n or 0
            elif word == b"fs":
                state.size = n if n is not None else 24
            elif word == b"plain":
                state.hidden, state.color, state.size = False, 0, 24
            elif word in _BREAKS:
                emit(_BREAKS[word])
            continue
        if symbol is not None:
            if symbol == b"*" and was_first:
                state.skip = True
            elif symbol in _SYMBOLS:
                emit(_SYMBOLS[symbol])
            elif symbol in (b"\r", b"\n"):
                emit(PARAGRAPH_SEPARATOR)
            continue
        if hexbyte is not None:
            pending.append(int(hexbyte, 16))
            continue
        if chunk is not None:
            if in_colortbl:
                for _ in range(chunk.count(b";")):
                    colors.append(tuple(rgb))  # type: ignore[arg-type]
                    rgb = [0, 0, 0]
                continue
            emit(chunk.decode(codec, errors="replace"))
    flush()
    return "".join(out), marks


def _white(rgb: tuple[int, int, int]) -> bool:
    r, g, b = (c / 255 for c in rgb)
    return luminance(r, g, b) >= 0.92 and min(r, g, b) >= 0.85


def _codec(page: int) -> str:
    name = f"cp{page}"
    try:
        codecs.lookup(name)
    except LookupError:
        return "cp1252"
    return name
