"""Sections, quotations and the title-page guess of a text, as Document fields."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

from ingest.document import Page, Passage, Section, Span
from ingest.metadata_guess import guess_metadata
from ingest.quotations import find_quotations
from ingest.structure.sections import find_sections


class StructureFields(TypedDict):
    sections: list[Section]
    quotations: list[Span]
    metadata_guess: dict[str, str]


def read_structure(text: str, pages: Sequence[Page], passages: Sequence[Passage]) -> StructureFields:
    """The structure fields of a :class:`~ingest.document.Document` built from ``text``."""
    sections = find_sections(text, pages, passages)
    return StructureFields(
        sections=sections,
        quotations=find_quotations(text),
        metadata_guess=guess_metadata(text, pages, sections),
    )
