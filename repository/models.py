"""Typed records that cross the repository boundary (pydantic v2).

Thesis metadata follows Dublin Core and ETD-MS: titles and abstracts in
Latvian and English, creators with ORCID iDs, contributors (supervisors),
the degree grantor (institution, faculty, programme), degree level, dates,
languages, subjects, rights (licence, access level).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

AccessLevel = Literal["open", "embargoed", "restricted"]

_ORCID = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
_ORCID_URL = re.compile(r"^https?://orcid\.org/")


class DegreeLevel(str, Enum):
    """ETD-MS degree level of a Latvian final thesis."""

    bachelor = "bachelor"
    master = "master"
    doctoral = "doctoral"
    professional = "professional"
    first_level_professional = "first_level_professional"


# Free-text values accepted for backward compatibility (lower case, trimmed).
_DEGREE_ALIASES: dict[str, DegreeLevel] = {
    **{d.value: d for d in DegreeLevel},
    "first-level professional": DegreeLevel.first_level_professional,
    "first level professional": DegreeLevel.first_level_professional,
    "1st level professional": DegreeLevel.first_level_professional,
    "pirmā līmeņa profesionālā": DegreeLevel.first_level_professional,
    "kvalifikācijas darbs": DegreeLevel.first_level_professional,
    "ba": DegreeLevel.bachelor,
    "bsc": DegreeLevel.bachelor,
    "bachelor's": DegreeLevel.bachelor,
    "bachelor's thesis": DegreeLevel.bachelor,
    "bakalaurs": DegreeLevel.bachelor,
    "bakalaura": DegreeLevel.bachelor,
    "bakalaura darbs": DegreeLevel.bachelor,
    "ma": DegreeLevel.master,
    "msc": DegreeLevel.master,
    "master's": DegreeLevel.master,
    "master's thesis": DegreeLevel.master,
    "maģistrs": DegreeLevel.master,
    "maģistra": DegreeLevel.master,
    "maģistra darbs": DegreeLevel.master,
    "phd": DegreeLevel.doctoral,
    "phd thesis": DegreeLevel.doctoral,
    "doctoral thesis": DegreeLevel.doctoral,
    "doctoral dissertation": DegreeLevel.doctoral,
    "doktora disertācija": DegreeLevel.doctoral,
    "doctor": DegreeLevel.doctoral,
    "doctorate": DegreeLevel.doctoral,
    "doktors": DegreeLevel.doctoral,
    "promocijas darbs": DegreeLevel.doctoral,
    "doktora": DegreeLevel.doctoral,
    "profesionālais": DegreeLevel.professional,
    "profesionālā": DegreeLevel.professional,
    "diplomdarbs": DegreeLevel.professional,
}


def parse_degree(value: Any) -> DegreeLevel | None:
    """A degree level from an enum value or a common free-text name; None for blank."""
    if value is None or isinstance(value, DegreeLevel):
        return value
    text = " ".join(str(value).strip().lower().replace("_", " ").split())
    if not text:
        return None
    found = _DEGREE_ALIASES.get(text) or _DEGREE_ALIASES.get(text.replace(" ", "_"))
    if found is None:
        allowed = ", ".join(d.value for d in DegreeLevel)
        raise ValueError(f"unknown degree level {value!r}: use one of {allowed}")
    return found


class Person(BaseModel):
    """An author or supervisor: a name and, when known, an ORCID iD (0000-0002-1825-0097)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    orcid: str | None = None

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("name must not be empty")
        return value

    @field_validator("orcid")
    @classmethod
    def _orcid(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = _ORCID_URL.sub("", value.strip()).upper()
        if not _ORCID.match(value):
            raise ValueError(f"ORCID iD {value!r} is not of the form 0000-0000-0000-000X")
        if _orcid_check_digit(value[:-1]) != value[-1]:
            raise ValueError(f"ORCID iD {value!r} has a wrong check digit")
        return value

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        return {"name": data} if isinstance(data, str) else data


def _orcid_check_digit(base: str) -> str:
    """ISO 7064 11-2 check digit over the first 15 digits."""
    total = 0
    for ch in base:
        if ch.isdigit():
            total = (total + int(ch)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def _nonblank(values: list[str]) -> list[str]:
    return [v.strip() for v in values if v and v.strip()]


class ThesisMetadata(BaseModel):
    """What the submitter (or the university system) says about a thesis.

    Everything but ``title`` is optional. Older stored metadata (``language``
    as one string, free-text ``degree``, authors as plain names) still loads.
    """

    model_config = ConfigDict(extra="forbid")

    title: str
    title_en: str | None = None
    abstract_lv: str | None = None
    abstract_en: str | None = None
    keywords: list[str] = Field(default_factory=list)
    authors: list[Person] = Field(default_factory=list)
    supervisors: list[Person] = Field(default_factory=list)
    institution: str = ""
    faculty: str | None = None
    study_programme: str | None = None
    degree: DegreeLevel | None = None
    year: int | None = Field(None, ge=1900, le=2100)
    defence_date: date | None = None
    languages: list[str] = Field(default_factory=list, description="ISO 639-1 codes, e.g. lv, en")
    subjects: list[str] = Field(default_factory=list)
    licence: str | None = Field(None, description='e.g. "CC BY 4.0"')
    access: AccessLevel = "open"
    embargo_until: date | None = None
    extra: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _legacy_language(cls, data: Any) -> Any:
        if isinstance(data, dict) and "language" in data:
            data = dict(data)
            language = data.pop("language")
            if language and not data.get("languages"):
                data["languages"] = [language]
        return data

    @field_validator("title")
    @classmethod
    def _title_not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("title must not be empty")
        return value

    @field_validator("degree", mode="before")
    @classmethod
    def _degree(cls, value: Any) -> DegreeLevel | None:
        return parse_degree(value)

    @field_validator("keywords", "subjects")
    @classmethod
    def _strip(cls, values: list[str]) -> list[str]:
        return _nonblank(values)

    @field_validator("languages")
    @classmethod
    def _languages(cls, values: list[str]) -> list[str]:
        return [v.lower() for v in _nonblank(values)]

    @model_validator(mode="after")
    def _embargo(self) -> ThesisMetadata:
        if self.access == "embargoed" and self.embargo_until is None:
            raise ValueError("an embargoed thesis needs embargo_until (the date the embargo lifts)")
        return self

    @property
    def author_names(self) -> list[str]:
        return [a.name for a in self.authors]


def upgrade_legacy_metadata(data: dict[str, Any]) -> dict[str, Any]:
    """Schema v2 metadata made valid for the model: an unknown free-text degree moves
    to ``extra["degree_text"]``, an embargo without an end date becomes ``restricted``."""
    data = dict(data)
    try:
        parse_degree(data.get("degree"))
    except ValueError:
        data.setdefault("extra", {})["degree_text"] = str(data.pop("degree"))
    if data.get("access") == "embargoed" and not data.get("embargo_until"):
        data["access"] = "restricted"
    return data


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
    supersedes: str | None = Field(None, description="id of the earlier version this one replaces")

    @field_validator("created_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("created_at must be timezone-aware (UTC)")
        return value.astimezone(timezone.utc)

    @classmethod
    def new(cls, metadata: ThesisMetadata, document: Any, params_key: str, *, created_at: datetime,
            original_filename: str, size_bytes: int, supersedes: str | None = None) -> ThesisRecord:
        """The record of a thesis about to be stored (with a new id), for every backend."""
        from repository.ids import new_id

        return cls(
            id=new_id(),
            sha256=document.sha256,
            original_filename=original_filename,
            size_bytes=size_bytes,
            format=document.format,
            language=document.language,
            pages=len(document.pages),
            characters=len(document.text),
            passages=len(document.passages),
            created_at=created_at,
            fingerprint_params_key=params_key,
            metadata=metadata,
            supersedes=supersedes,
        )


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
