"""What metadata harvesters (OAI-PMH) may see, and when each record last changed for them.

The rules live here, next to :mod:`repository.access`, so every backend agrees:

- harvestable: the *metadata* of ``open`` and ``embargoed`` theses (an embargo hides
  the text, not the record); ``restricted`` theses are never exposed. A superseded
  version stays harvestable: versions are kept.
- datestamp: when the record last changed for a harvester, in whole UTC seconds: its
  creation, or the moment its embargo lifted once that has passed (the lift changes
  what is public), whichever is later. An embargo lifts at midnight UTC after
  ``embargo_until`` (``is_public`` is true from the next day on), so a harvester that
  asks for changes since its last visit gets the record again the day it opens.
- a deleted harvestable thesis leaves a tombstone (id, institution, deletion time),
  kept for good: OAI-PMH ``deletedRecord`` = ``persistent``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from pydantic import BaseModel, ConfigDict, model_validator

from repository.models import ThesisMetadata, ThesisRecord

# Datestamps are stored as text in this form so that they sort as time.
STAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


class HarvestItem(BaseModel):
    """One entry of a harvest: a record (``record`` set) or a deletion (``deleted``)."""

    model_config = ConfigDict(frozen=True)

    thesis_id: str
    datestamp: datetime  # UTC, whole seconds
    institution: str
    deleted: bool = False
    record: ThesisRecord | None = None

    @model_validator(mode="after")
    def _consistent(self) -> HarvestItem:
        if self.deleted == (self.record is not None):
            raise ValueError("a harvest item is either a record or a deletion")
        if self.datestamp.tzinfo is None or self.datestamp.microsecond:
            raise ValueError("datestamp must be timezone-aware whole seconds")
        return self

    @property
    def cursor(self) -> tuple[datetime, str]:
        """The paging key: items come ordered by (datestamp, thesis id)."""
        return (self.datestamp, self.thesis_id)


def harvestable(metadata: ThesisMetadata) -> bool:
    """Whether harvesters may see this thesis's metadata at all."""
    return metadata.access != "restricted"


def lift_moment(metadata: ThesisMetadata) -> datetime | None:
    """When an embargo lifts (midnight UTC after ``embargo_until``); None without one."""
    if metadata.access != "embargoed" or metadata.embargo_until is None:
        return None
    return datetime.combine(metadata.embargo_until + timedelta(days=1), time(), timezone.utc)


def day_start(today: date) -> datetime:
    return datetime.combine(today, time(), timezone.utc)


def seconds(moment: datetime) -> datetime:
    """``moment`` in UTC, truncated to whole seconds (the datestamp granularity)."""
    return moment.astimezone(timezone.utc).replace(microsecond=0)


def datestamp(record: ThesisRecord, today: date) -> datetime:
    """When ``record`` last changed for harvesters, as seen on ``today``."""
    created = seconds(record.created_at)
    lifts = lift_moment(record.metadata)
    if lifts is not None and created < lifts <= day_start(today):
        return lifts
    return created


def stamp(moment: datetime) -> str:
    """A datestamp as stored and sent: ``YYYY-MM-DDThh:mm:ssZ``."""
    return seconds(moment).strftime(STAMP_FORMAT)


def parse_stamp(text: str) -> datetime:
    return datetime.strptime(text, STAMP_FORMAT).replace(tzinfo=timezone.utc)
