"""Typed records that cross the repository boundary (pydantic v2)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

AccessLevel = Literal["open", "embargoed", "restricted"]


class ThesisMetadata(BaseModel):
    """What the submitter (or the university system) says about a thesis."""

    model_config = ConfigDict(extra="forbid")

    title: str
    authors: list[str] = Field(default_factory=list)
    institution: str = ""
    year: int | None = Field(None, ge=1900, le=2100)
    degree: str = ""  # free text for now: bachelor, master, doctoral, professional, ...
    language: str | None = None
    access: AccessLevel = "open"
    embargo_until: date | None = None
    extra: dict[str, str] = Field(default_factory=dict)

    @field_validator("title")
    @classmethod
    def _title_not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("title must not be empty")
        return value


class ThesisRecord(BaseModel):
    """A stored thesis: facts about the file and its document, plus the metadata."""

    model_config = ConfigDict(frozen=True)

    id: str
    sha256: str
    original_filename: str
    size_bytes: int = Field(ge=0)
    format: str
    language: str
    pages: int = Field(ge=0)
    characters: int = Field(ge=0)
    passages: int = Field(ge=0)
    created_at: datetime
    fingerprint_params_key: str
    metadata: ThesisMetadata

    @field_validator("created_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("created_at must be timezone-aware (UTC)")
        return value.astimezone(timezone.utc)


class Candidate(BaseModel):
    """A stored thesis sharing LSH bands with a query.

    ``passages`` are the distinct (query passage index, stored passage index)
    pairs that share at least one band, sorted; ``hits`` is their number.
    """

    thesis_id: str
    hits: int = Field(ge=0)
    passages: list[tuple[int, int]]


class StoredReport(BaseModel):
    """A similarity report as stored: the JSON payload is opaque to the repository."""

    model_config = ConfigDict(frozen=True)

    id: str
    thesis_id: str | None
    created_at: datetime
    kind: str
    payload_json: str
