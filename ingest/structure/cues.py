"""Heading words that open the parts of a thesis, in Latvian and English (a few Italian, Swedish).

A heading matches when the whole line, without its numbering ("1.", "2.3",
"IV.") and a final colon or full stop, is one of these phrases, in any case.
"""

from __future__ import annotations

import re
from typing import Literal

HeadingKind = Literal["front_matter", "abstract", "contents", "body", "bibliography", "appendix"]

# phrase -> (kind, language of the phrase)
_PHRASES: dict[str, tuple[HeadingKind, str]] = {}


def _add(kind: HeadingKind, language: str, phrases: str) -> None:
    for p in phrases.strip().splitlines():
        _PHRASES[p.strip().casefold()] = (kind, language)


_add("abstract", "lv", """
anotācija
kopsavilkums
rezumē
""")
_add("abstract", "en", """
abstract
annotation
summary
executive summary
""")
_add("abstract", "sv", """
sammanfattning
populärvetenskaplig sammanfattning
""")
_add("abstract", "it", """
sommario
riassunto
""")
_add("contents", "lv", """
saturs
satura rādītājs
""")
_add("contents", "en", """
contents
table of contents
""")
_add("contents", "it", "indice")
_add("contents", "sv", "innehåll\ninnehållsförteckning")
_add("bibliography", "lv", """
izmantotā literatūra
izmantotā literatūra un avoti
izmantotās literatūras un avotu saraksts
izmantotās literatūras saraksts
izmantoto avotu saraksts
literatūras saraksts
literatūras un avotu saraksts
literatūra
literatūra un avoti
izmantotie avoti
avoti
avotu saraksts
bibliogrāfija
""")
_add("bibliography", "en", """
references
reference list
list of references
bibliography
literature
literature cited
works cited
sources
""")
_add("bibliography", "it", "bibliografia\nriferimenti\nriferimenti bibliografici")
_add("bibliography", "sv", "referenser\nlitteraturförteckning")
_add("appendix", "lv", "pielikumi\npielikums")
_add("appendix", "en", """
appendix
appendices
annex
annexes
publications
included papers
papers
""")
_add("appendix", "it", "appendice\nappendici")
_add("body", "lv", "ievads")
_add("body", "en", "introduction")
_add("body", "it", "introduzione")
_add("body", "sv", "inledning")
_add("front_matter", "lv", """
priekšvārds
pateicības
pateicība
apzīmējumu saraksts
saīsinājumu saraksts
saīsinājumi
apzīmējumi
terminu skaidrojums
terminu saraksts
attēlu saraksts
tabulu saraksts
""")
_add("front_matter", "en", """
acknowledgements
acknowledgments
acknowledgement
acknowledgment
preface
foreword
dedication
abbreviations
list of abbreviations
nomenclature
glossary
list of figures
list of tables
list of publications
list of included publications
list of papers
""")
_add("front_matter", "it", "ringraziamenti")

_NUMBERING = re.compile(r"^(?:(?:\d{1,2}\.)*\d{1,2}\.?|[IVXL]{1,5}\.|[A-Z]\.)\s+")
_TRAILING = " \t\u00a0:."
# "1. pielikums", "Pielikums Nr. 2", "Appendix A: Survey", "2. PIELIKUMS. Anketa"
_APPENDIX = re.compile(
    r"^(?:(?:\d{1,2}|[A-Z])\.?\s*)?(?:pielikums|appendix|annex|appendice)"
    r"(?:\s+(?:nr\.?\s*)?(?:\d{1,2}|[A-Z]|[IVX]{1,4})\b)?\.?(?:\s*[:.–—-]\s*\S.*)?$",
    re.IGNORECASE,
)
# The first chapter: "1. Teorētiskais pamatojums", "1 Introduction", "I. NODAĻA", "Chapter 1".
_CHAPTER_ONE = re.compile(r"^(?:1\.?|I\.)\s+(?=[^\W\d_])")
_CHAPTER_WORD = re.compile(r"^(?:chapter\s+(?:1|one|I)|(?:1\.|I\.)\s*nodaļa|nodaļa\s+1|capitolo\s+1)$", re.IGNORECASE)
_SUBSECTION = re.compile(r"^\d{1,2}\.\d")
# Words that also name ordinary chapters ("Sources" of data, "Publications"): as back matter
# they count only in the second half of the text.
WEAK_BACK_MATTER = frozenset({"avoti", "literatūra", "sources", "literature", "publications", "papers"})
_INITIAL = re.compile(r"^[^\W\d_]{1,2}\.")
MAX_HEADING_CHARS = 120
MAX_HEADING_WORDS = 15


def normalise_heading(line: str) -> str:
    """Case-folded heading text without numbering, final punctuation or repeated spaces."""
    text = _NUMBERING.sub("", line.strip(), count=1)
    return " ".join(text.rstrip(_TRAILING).split()).casefold()


def classify_heading(line: str) -> tuple[HeadingKind, str | None] | None:
    """``(kind, language)`` when ``line`` is a heading phrase of a known part, else None.

    A subsection ("2.3. Avoti", "1.2 Sources") is never one: its words name a topic.
    """
    if len(line) > MAX_HEADING_CHARS or _SUBSECTION.match(line.lstrip()):
        return None
    found = _PHRASES.get(normalise_heading(line))
    if found:
        return found
    if _APPENDIX.match(line.strip()):
        return ("appendix", None)
    if _CHAPTER_WORD.match(line.strip()):
        return ("body", None)
    return None


def is_first_chapter(line: str) -> bool:
    """A numbered heading of chapter 1 ("1. Teorija", "1 INTRODUCTION"): short, no final stop."""
    text = line.strip()
    if not _CHAPTER_ONE.match(text) or len(text) > MAX_HEADING_CHARS:
        return False
    if len(text.split()) > MAX_HEADING_WORDS or text[-1] in ".,;:":
        return False
    rest = _CHAPTER_ONE.sub("", text, count=1)
    if _INITIAL.match(rest):
        return False  # "I. M. Moreno, ...": a name in a reference list
    return rest[:1].isupper() and not re.search(r"\s\d{1,4}$", rest)


def is_chapter_word(line: str) -> bool:
    """A bare chapter label ("Chapter 1") whose title is on the next line."""
    return bool(_CHAPTER_WORD.match(line.strip()))
