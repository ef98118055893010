"""The similarity report as a typed model: what JSON, HTML and PDF reports hold.

The similarity index is the share of the submission's characters covered by
at least one match. It is a measure of overlap, never a plagiarism verdict.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from ingest.document import EvasionFlag
from similarity.align import MatchKind

REPORT_VERSION = "1"


class SourceRef(BaseModel):
    id: str
    title: str
    authors: list[str] = Field(default_factory=list)
    institution: str = ""
    year: int | None = None
    kind: str = "thesis"
    withheld: str = Field("", description="set when this reader may not see the source's text: its access level "
                          "('restricted', 'embargoed') or 'removed'; the source passages of its matches are then empty")


class MatchSide(BaseModel):
    start: int
    end: int
    page: int | None = None
    text: str


class Match(BaseModel):
    id: int
    source_id: str
    kind: MatchKind
    score: float
    words: int
    submission: MatchSide
    source: MatchSide
    evidence: dict[str, float | int | str] = Field(default_factory=dict)
    in_quotation: bool = Field(False, description="half or more of the submission side is inside quotation marks")
    in_bibliography: bool = Field(False, description="half or more of the submission side is in the bibliography")


class SourceSummary(BaseModel):
    source: SourceRef
    share: float = Field(description="percent of the submission's characters matched to this source")
    characters: int
    matches: int


class SubmissionInfo(BaseModel):
    name: str
    sha256: str
    format: str
    characters: int
    pages: int
    language: str


class Exclusions(BaseModel):
    """What does not count in the similarity index and source shares.

    Matches inside quotations or the bibliography stay in the report, flagged,
    whether or not they count.
    """

    min_words: int = 10
    excluded_sources: list[str] = Field(default_factory=list)
    quotations: bool = Field(False, description="matches mostly inside quotations do not count")
    bibliography: bool = Field(True, description="matches mostly in the bibliography do not count")


class Report(BaseModel):
    report_version: str = REPORT_VERSION
    created_at: datetime
    submission: SubmissionInfo
    similarity_index: float = Field(description="percent of the submission's characters covered by matches")
    sources: list[SourceSummary]
    matches: list[Match]
    flags: list[EvasionFlag]
    exclusions: Exclusions
    sources_compared: int
    versions: dict[str, str | int | float | bool | dict]
