"""HTML text with the standard library's parser.

The encoding comes from a byte-order mark, else a ``<meta charset>`` (or
``http-equiv`` content type) in the first 4 KB, else detection as for plain
text. Scripts, styles, templates and the head are skipped; block elements
(paragraphs, headings, list items, table cells, ...) become blank-line
paragraph breaks, ``<br>`` a line break; other white space runs are one space,
as a browser shows them (``<pre>`` keeps its white space). Elements hidden
with ``hidden``, ``display:none`` or ``visibility:hidden`` stay in the text
and are flagged.
"""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser

from ingest.document import Page
from ingest.errors import CorruptFile, EmptyDocument
from ingest.extract.marks import Marks, hex_is_white
from ingest.extract.result import Extracted, ExtractLimits

PARAGRAPH_SEPARATOR = "\n\n"
BLOCKS = frozenset(
    "address article aside blockquote body caption dd details div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody td tfoot th thead tr ul".split()
)
SKIP = frozenset("script style template head noscript svg math object iframe title".split())
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)
_SPACE = re.compile(r"[ \t\r\n\f]+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_COLOR_STYLE = re.compile(r"(?<![-\w])color\s*:\s*(#[0-9a-f]{6}|#[0-9a-f]{3}|white)\b", re.I)
_SIZE_STYLE = re.compile(r"font-size\s*:\s*([\d.]+)\s*(px|pt)", re.I)


def decode_html(data: bytes) -> str:
    """The text of an HTML file by BOM, meta charset, or detection."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    m = _META.search(data[:4096])
    if m:
        name = m.group(1).decode("ascii", errors="ignore").lower()
        try:
            codec = codecs.lookup("cp1252" if name in ("iso-8859-1", "latin1", "us-ascii") else name)
            if codec.name not in ("utf-16", "utf-16-le", "utf-16-be", "utf-32"):  # a meta in ASCII can't be UTF-16
                return data.decode(codec.name, errors="replace")
        except LookupError:
            pass
    from ingest.extract.plain import detect

    found = detect(data)
    if found is None:
        raise CorruptFile("the HTML file is not in a known text encoding")
    return found[0]


def extract_html(data: bytes, limits: ExtractLimits) -> Extracted:
    """Extract the visible text of an HTML file; raise an :class:`IngestError` subclass on failure."""
    parser = _TextParser()
    try:
        parser.feed(decode_html(data))
        parser.close()
    except (AssertionError, ValueError) as exc:  # html.parser raises these on broken markup
        raise CorruptFile(f"the HTML is malformed and cannot be read ({type(exc).__name__})") from None
    text = "".join(parser.out).rstrip()
    if not text.strip():
        raise EmptyDocument("no text found in the HTML")
    return Extracted(
        text=text, format="html", pages=[Page(number=1, start=0, end=len(text))], flags=parser.marks.flags(text)
    )


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.length = 0
        self.skip = 0
        self.pre = 0
        self.stack: list[tuple[str, list[str], int]] = []  # open elements with their marks and start
        self.marks = Marks()

    def _emit(self, s: str) -> None:
        self.out.append(s)
        self.length += len(s)

    def _break(self, sep: str) -> None:
        """End the current line or paragraph (no separator at the start, none doubled)."""
        while self.out and self.out[-1] in (" ", "\n", PARAGRAPH_SEPARATOR):
            self.length -= len(self.out.pop())
        if self.out:
            self._emit(sep)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIP:
            if tag not in VOID:
                self.skip += 1
            return
        if self.skip:
            return
        if tag == "br":
            self._break("\n")
            return
        if tag in BLOCKS:
            self._break(PARAGRAPH_SEPARATOR)
        if tag == "pre":
            self.pre += 1
        if tag not in VOID:
            self.stack.append((tag, _marks_of(dict(attrs)), self.length))

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP:
            self.skip = max(self.skip - 1, 0)
            return
        if self.skip:
            return
        if tag == "pre":
            self.pre = max(self.pre - 1, 0)
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                for name, kinds, start in self.stack[i:]:
                    for kind in kinds:
                        self.marks.add(kind, start, self.length)
                del self.stack[i:]
                break
        if tag in BLOCKS:
            self._break(PARAGRAPH_SEPARATOR)

    def handle_data(self, data: str) -> None:
        if self.skip or not data:
            return
        if not self.pre:
            data = _SPACE.sub(" ", data)
            if data.startswith(" ") and (not self.out or self.out[-1].endswith((" ", "\n"))):
                data = data[1:]
        if data:
            self._emit(data)


def _marks_of(attrs: dict[str, str | None]) -> list[str]:
    kinds = []
    style = attrs.get("style") or ""
    if "hidden" in attrs or _HIDDEN_STYLE.search(style):
        kinds.append("hidden_text")
    m = _COLOR_STYLE.search(style)
    if m:
        value = m.group(1).lower()
        if value == "white" or (len(value) == 4 and hex_is_white("".join(c * 2 for c in value[1:]))) or hex_is_white(value):
            kinds.append("white_text")
    m = _SIZE_STYLE.search(style)
    if m and float(m.group(1)) * (0.75 if m.group(2).lower() == "px" else 1) < 2:
        kinds.append("tiny_text")
    return kinds
