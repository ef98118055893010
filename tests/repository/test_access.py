"""The access rules (repository/access.py): who may see a thesis, on which day."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from repository.access import ensure_public, is_public
from repository.errors import NotPublic
from repository.models import ThesisMetadata, ThesisRecord

EMBARGO_END = date(2026, 6, 1)


def meta(**fields) -> ThesisMetadata:
    return ThesisMetadata(title="Darbs", **fields)


def test_open_is_public_any_day():
    assert is_public(meta(), date(1990, 1, 1))
    assert is_public(meta(access="open"), date(2100, 1, 1))


@pytest.mark.parametrize(
    ("today", "public"),
    [
        (date(2026, 5, 31), False),
        (EMBARGO_END, False),  # the last day of the embargo
        (date(2026, 6, 2), True),  # the day after: lifted, nobody had to act
        (date(2030, 1, 1), True),
    ],
)
def test_embargo_lifts_after_its_date(today, public):
    assert is_public(meta(access="embargoed", embargo_until=EMBARGO_END), today) is public


def test_restricted_is_never_public():
    assert not is_public(meta(access="restricted"), date(2100, 1, 1))


def test_accepts_records_too():
    record = ThesisRecord(
        id="X", sha256="0" * 64, original_filename="a.pdf", size_bytes=1, format="pdf", language="lv",
        pages=1, characters=1, passages=1, created_at=datetime.now(timezone.utc),
        fingerprint_params_key="k", metadata=meta(access="embargoed", embargo_until=EMBARGO_END),
    )
    assert not is_public(record, EMBARGO_END)
    assert is_public(record, date(2026, 6, 2))

    assert ensure_public(record, date(2026, 6, 2)) is record
    with pytest.raises(NotPublic, match="embargoed until 2026-06-01"):
        ensure_public(record, EMBARGO_END)
