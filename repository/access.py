"""Who may see a thesis: the one place where the access rules live.

Every thesis, whatever its access level, is compared against (it stays a
candidate for similarity checks). Only *public* theses have their text,
abstracts and files shown to the public and appear in public search:

- ``open``: public;
- ``embargoed``: public once ``embargo_until`` has passed (``embargo_until < today``).
  The embargo lifts on its own: this is computed when read, no job flips a flag;
- ``restricted``: never public.
"""

from __future__ import annotations

from datetime import date

from repository.errors import NotPublic
from repository.models import ThesisMetadata, ThesisRecord


def is_public(record: ThesisRecord | ThesisMetadata, today: date) -> bool:
    """Whether the public may see this thesis's text and files on ``today``."""
    meta = record.metadata if isinstance(record, ThesisRecord) else record
    if meta.access == "open":
        return True
    if meta.access == "embargoed":
        return meta.embargo_until is not None and meta.embargo_until < today
    return False


def ensure_public(record: ThesisRecord, today: date) -> ThesisRecord:
    """The record, or NotPublic: call before showing a thesis's text or files publicly."""
    if not is_public(record, today):
        meta = record.metadata
        when = f" until {meta.embargo_until.isoformat()}" if meta.access == "embargoed" and meta.embargo_until else ""
        raise NotPublic(f"thesis {record.id} is {meta.access}{when}")
    return record
