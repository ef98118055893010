"""Public search: the query options and the results (pydantic, they cross the API)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from repository.models import DegreeLevel, ThesisMetadata

SearchSort = Literal["relevance", "year_desc", "year_asc"]
FACETS = ("institution", "year", "degree", "language", "subject")


class SearchFilters(BaseModel):
    """Facet filters; each one given must match (AND)."""

    model_config = ConfigDict(extra="forbid")

    institution: str | None = None
    year: int | None = None
    degree: DegreeLevel | None = None
    language: str | None = None
    subject: str | None = None


class Snippet(BaseModel):
    """A piece of the ORIGINAL text of one field; ``highlights`` are ``(start, end)`` in ``text``."""

    field: Literal["title", "title_en", "abstract_lv", "abstract_en", "keywords", "body"]
    text: str
    highlights: list[tuple[int, int]] = Field(default_factory=list)


class SearchHit(BaseModel):
    thesis_id: str
    title: str
    title_en: str | None = None
    authors: list[str] = Field(default_factory=list)
    institution: str = ""
    year: int | None = None
    degree: DegreeLevel | None = None
    languages: list[str] = Field(default_factory=list)
    licence: str | None = None
    score: float = Field(description="relevance, higher is better (0 without a query)")
    snippets: list[Snippet] = Field(default_factory=list)

    @classmethod
    def of(cls, thesis_id: str, meta: ThesisMetadata, score: float, snippets: list[Snippet]) -> SearchHit:
        """A hit for a stored thesis's metadata (both backends)."""
        return cls(thesis_id=thesis_id, title=meta.title, title_en=meta.title_en, authors=meta.author_names,
                   institution=meta.institution, year=meta.year, degree=meta.degree, languages=meta.languages,
                   licence=meta.licence, score=round(score, 6), snippets=snippets)


class FacetCount(BaseModel):
    value: str
    count: int = Field(ge=1)


class SearchResults(BaseModel):
    """One page of public search results, with facet counts over all of them."""

    query: str
    filters: SearchFilters
    sort: SearchSort
    page: int = Field(ge=1)
    per_page: int = Field(ge=1)
    total: int = Field(ge=0)
    hits: list[SearchHit]
    facets: dict[str, list[FacetCount]]
