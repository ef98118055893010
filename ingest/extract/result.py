"""What an extractor returns, and the limits it works under."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from ingest.document import EvasionFlag, FileFormat, Page, Span


class ExtractLimits(BaseModel):
    """Limits on one file: size, pages, archive contents, time, and OCR.

    ``timeout_s`` bounds the whole extraction (OCR included) when it runs in a
    child process; ``ocr_page_timeout_s`` bounds one Tesseract call.
    """

    model_config = ConfigDict(frozen=True)
    max_bytes: int = Field(default=200 * 1024 * 1024, gt=0)
    max_pages: int = Field(default=2000, gt=0)
    max_archive_entries: int = Field(default=5000, gt=0)
    max_unpacked_bytes: int = Field(default=1024 * 1024 * 1024, gt=0)
    max_compression_ratio: float = Field(default=200.0, gt=1)
    timeout_s: float = Field(default=600.0, gt=0)
    ocr: bool = True
    ocr_languages: str = "lav+eng"
    ocr_dpi: int = Field(default=300, ge=72, le=600)
    ocr_page_timeout_s: float = Field(default=120.0, gt=0)
    ocr_workers: int = Field(default=2, ge=1)


@dataclass(slots=True)
class Extracted:
    """The text of a file as extracted, with its pages (spans into ``text``).

    ``footnotes`` are spans of footnote text (kept in ``text``); ``flags`` are
    evasion flags only the extractor can see (hidden, white or tiny text,
    image-only pages, scrambled drawing order); ``ocr_pages`` lists pages read by OCR.
    """

    text: str
    format: FileFormat
    pages: list[Page] = field(default_factory=list)
    footnotes: list[Span] = field(default_factory=list)
    flags: list[EvasionFlag] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)
