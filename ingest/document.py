"""The Document: what ingest produces and every later stage reads.

``Document.text`` is the text exactly as extracted. Every offset in the
document (pages, sentences, passages, flags) is a Python ``str`` index into
that text, half-open ``[start, end)``.
"""

from __future__ import annotations

import bisect
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FileFormat = Literal["txt", "pdf", "docx", "odt", "rtf", "html"]
Language = str  # ISO 639-1 code ("lv", "en") or "other"


class Span(BaseModel):
    model_config = ConfigDict(frozen=True)
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Page(BaseModel):
    """Page ``number`` (1-based) covers ``text[start:end]``."""

    model_config = ConfigDict(frozen=True)
    number: int = Field(ge=1)
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Passage(BaseModel):
    """A run of whole sentences: the unit that is fingerprinted and embedded."""

    model_config = ConfigDict(frozen=True)
    index: int = Field(ge=0)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    language: Language = "other"


class EvasionFlag(BaseModel):
    """A trick that may hide copied text from a checker, with where it was seen."""

    kind: str
    count: int = Field(ge=0)
    locations: list[Span] = Field(default_factory=list)
    detail: str = ""


SectionKind = Literal["front_matter", "abstract", "contents", "body", "bibliography", "appendix"]


class Section(BaseModel):
    """A part of the thesis (``text[start:end]``) and the heading that opens it ("" when none)."""

    model_config = ConfigDict(frozen=True)
    kind: SectionKind
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    heading: str = ""
    language: Language | None = None


class Document(BaseModel):
    text: str
    source_name: str
    format: FileFormat
    sha256: str
    pages: list[Page] = Field(default_factory=list)
    sentences: list[Span] = Field(default_factory=list)
    passages: list[Passage] = Field(default_factory=list)
    language: Language = "other"
    flags: list[EvasionFlag] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    quotations: list[Span] = Field(default_factory=list)
    metadata_guess: dict[str, str] = Field(default_factory=dict)
    footnotes: list[Span] = Field(default_factory=list)  # footnote text (kept in ``text``)
    ocr_pages: list[int] = Field(default_factory=list)  # pages whose text was read by OCR

    def page_at(self, offset: int) -> int | None:
        """The 1-based page number holding character ``offset``, or None without pages."""
        if not self.pages:
            return None
        starts = [p.start for p in self.pages]
        i = max(bisect.bisect_right(starts, offset) - 1, 0)
        return self.pages[i].number

    def passage_text(self, passage: Passage) -> str:
        return self.text[passage.start : passage.end]
