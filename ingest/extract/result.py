"""What an extractor returns, and the limits it works under."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from ingest.document import FileFormat, Page


class ExtractLimits(BaseModel):
    """Refuse files larger than ``max_bytes`` or with more than ``max_pages`` pages."""

    model_config = ConfigDict(frozen=True)
    max_bytes: int = Field(default=200 * 1024 * 1024, gt=0)
    max_pages: int = Field(default=2000, gt=0)


@dataclass(slots=True)
class Extracted:
    """The text of a file as extracted, with its pages (spans into ``text``)."""

    text: str
    format: FileFormat
    pages: list[Page] = field(default_factory=list)
