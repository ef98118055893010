"""Harvesting (OAI-PMH) from the embedded repository: what is exposed, datestamps,
cursor paging, tombstones, the v4 migration and the query plans."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from contract import PARAMS
from repo_corpus import DIGITAL, FOOD, OWN, make_document
from repository import embedded, sqlite_harvest
from repository.embedded import DB_FILENAME, EmbeddedRepository
from repository.harvest import HarvestItem, datestamp, seconds
from repository.models import ThesisMetadata, ThesisRecord
from repository.protocols import HarvestSource
from repository.sqlite_schema import SCHEMA_VERSION
from similarity.fingerprint import fingerprint_document

T0 = datetime(2026, 3, 2, 9, 0, 0, 250_000, tzinfo=timezone.utc)
TODAY = date(2026, 6, 1)


class Clock:
    """Stands for ``datetime`` inside repository.embedded: ``now()`` reads ``self.at``."""

    def __init__(self) -> None:
        self.at = T0

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        clock = self

        class _Datetime(datetime):
            @classmethod
            def now(cls, tz=None):  # type: ignore[override]
                return clock.at if tz is None else clock.at.astimezone(tz)

        monkeypatch.setattr(embedded, "datetime", _Datetime)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    c.install(monkeypatch)
    return c


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[EmbeddedRepository]:
    with EmbeddedRepository(tmp_path / "repo") as repository:
        yield repository


def add(repo: EmbeddedRepository, salt: str, text: str = DIGITAL, **meta) -> ThesisRecord:
    meta.setdefault("title", f"Darbs {salt}")
    meta.setdefault("institution", "Latvijas Universitāte")
    document = make_document(text, f"{salt}.txt", salt=salt)
    return repo.add(ThesisMetadata(**meta), document, fingerprint_document(document, PARAMS),
                    original_filename=f"{salt}.pdf", size_bytes=1)


def harvest_all(repo: HarvestSource, *, limit: int = 3, today: date = TODAY, **filters) -> list[HarvestItem]:
    """Every item, page by page through the cursor."""
    filters = {"from_": None, "until": None, "institutions": None} | filters
    out: list[HarvestItem] = []
    after = None
    while True:
        page = repo.harvest(after=after, limit=limit, today=today, **filters)
        assert len(page) <= limit
        out += page
        if len(page) < limit:
            return out
        after = page[-1].cursor


def test_implements_protocol(repo):
    assert isinstance(repo, HarvestSource)


def test_pages_deliver_every_record_once_in_datestamp_order(repo, clock):
    added = []
    for i in range(8):
        clock.at = T0 + timedelta(seconds=i // 3)  # three records share each second
        added.append(add(repo, f"t{i}"))
    for limit in (1, 2, 3, 5, 100):
        items = harvest_all(repo, limit=limit)
        assert sorted(i.thesis_id for i in items) == sorted(r.id for r in added)
        assert [i.cursor for i in items] == sorted(i.cursor for i in items)
        assert len({i.thesis_id for i in items}) == len(items)
    assert repo.harvest_count(from_=None, until=None, institutions=None, today=TODAY) == 8
    first = harvest_all(repo)[0]
    assert first.datestamp == seconds(T0) and first.datestamp.microsecond == 0
    assert first.record is not None and first.record.id == first.thesis_id and not first.deleted


def test_restricted_is_never_harvested(repo, clock):
    hidden = add(repo, "r", access="restricted", institution="Slepenā akadēmija")
    shown = add(repo, "o")
    assert [i.thesis_id for i in harvest_all(repo)] == [shown.id]
    assert repo.harvest_item(hidden.id, today=TODAY) is None
    assert repo.institutions() == ["Latvijas Universitāte"]
    assert repo.harvest_count(from_=None, until=None, institutions=None, today=TODAY) == 1
    repo.delete(hidden.id)  # never exposed, so no tombstone tells of it either
    assert [i.thesis_id for i in harvest_all(repo)] == [shown.id]
    assert repo.harvest_item(hidden.id, today=TODAY) is None


def test_embargoed_metadata_is_harvested_and_the_lift_moves_the_datestamp(repo, clock):
    record = add(repo, "e", access="embargoed", embargo_until=date(2026, 5, 10))
    lifted = datetime(2026, 5, 11, tzinfo=timezone.utc)

    before = repo.harvest_item(record.id, today=date(2026, 5, 10))  # last day of the embargo
    assert before is not None and before.datestamp == seconds(T0)
    after = repo.harvest_item(record.id, today=date(2026, 5, 11))
    assert after is not None and after.datestamp == lifted == datestamp(record, date(2026, 5, 11))

    # a harvester asking for changes since 2026-05-01 sees the record again only after the lift
    since = {"from_": datetime(2026, 5, 1, tzinfo=timezone.utc)}
    assert harvest_all(repo, today=date(2026, 5, 10), **since) == []
    assert [i.datestamp for i in harvest_all(repo, today=date(2026, 5, 11), **since)] == [lifted]
    assert repo.harvest_count(today=date(2026, 5, 11), until=None, institutions=None, **since) == 1
    # ... and it is listed once, not at both datestamps
    assert len(harvest_all(repo, today=date(2026, 5, 11))) == 1


def test_embargo_that_ended_before_creation_keeps_the_creation_datestamp(repo, clock):
    record = add(repo, "old", access="embargoed", embargo_until=date(2020, 1, 1))
    item = repo.harvest_item(record.id, today=TODAY)
    assert item is not None and item.datestamp == seconds(T0)


def test_delete_leaves_a_persistent_tombstone(repo, clock, tmp_path):
    kept = add(repo, "k")
    gone = add(repo, "g", institution="Rīgas Tehniskā universitāte")
    clock.at = T0 + timedelta(days=3)
    repo.delete(gone.id)
    items = harvest_all(repo)
    assert [(i.thesis_id, i.deleted) for i in items] == [(kept.id, False), (gone.id, True)]
    tomb = items[1]
    assert tomb.record is None and tomb.datestamp == seconds(clock.at)
    assert tomb.institution == "Rīgas Tehniskā universitāte"
    assert repo.harvest_item(gone.id, today=TODAY) == tomb
    assert "Rīgas Tehniskā universitāte" in repo.institutions()
    only_rtu = harvest_all(repo, institutions=["Rīgas Tehniskā universitāte"])
    assert [i.thesis_id for i in only_rtu] == [gone.id]
    repo.close()
    with EmbeddedRepository(tmp_path / "repo") as reopened:  # kept for good
        assert reopened.harvest_item(gone.id, today=TODAY) == tomb


def test_from_and_until_are_inclusive(repo, clock):
    ids = []
    for day in range(4):
        clock.at = T0 + timedelta(days=day)
        ids.append(add(repo, f"d{day}").id)
    stamps = [seconds(T0 + timedelta(days=d)) for d in range(4)]
    got = harvest_all(repo, from_=stamps[1], until=stamps[2])
    assert [i.thesis_id for i in got] == ids[1:3]
    assert [i.thesis_id for i in harvest_all(repo, from_=stamps[3])] == ids[3:]
    assert [i.thesis_id for i in harvest_all(repo, until=stamps[0])] == ids[:1]
    assert repo.harvest_count(from_=stamps[1], until=stamps[2], institutions=None, today=TODAY) == 2


def test_institution_filter_and_list(repo, clock):
    lu = add(repo, "lu", institution="Latvijas Universitāte")
    rtu = add(repo, "rtu", text=FOOD, institution="Rīgas Tehniskā universitāte")
    add(repo, "none", text=OWN, institution="")
    assert repo.institutions() == ["Latvijas Universitāte", "Rīgas Tehniskā universitāte"]
    assert [i.thesis_id for i in harvest_all(repo, institutions=["Rīgas Tehniskā universitāte"])] == [rtu.id]
    both = harvest_all(repo, institutions=["Rīgas Tehniskā universitāte", "Latvijas Universitāte"], limit=1)
    assert {i.thesis_id for i in both} == {lu.id, rtu.id} and len(both) == 2
    assert harvest_all(repo, institutions=[]) == []
    assert harvest_all(repo, institutions=["Nav tādas"]) == []
    assert len(harvest_all(repo)) == 3


def test_superseded_version_stays_harvestable(repo, clock):
    first = add(repo, "v1")
    clock.at = T0 + timedelta(hours=1)
    document = make_document(DIGITAL + " Otrā versija.", "v2.txt")
    second = repo.add(ThesisMetadata(title="v2", institution="LU"), document, fingerprint_document(document, PARAMS),
                      original_filename="v2.pdf", size_bytes=1, supersedes=first.id)
    items = harvest_all(repo)
    assert [i.thesis_id for i in items] == [first.id, second.id]
    assert items[1].record is not None and items[1].record.supersedes == first.id


def test_earliest_datestamp(repo, clock):
    assert repo.earliest_datestamp() is None
    clock.at = T0 + timedelta(days=1)
    add(repo, "a")
    clock.at = T0
    add(repo, "b")
    assert repo.earliest_datestamp() == seconds(T0)


def test_v2_database_backfills_harvest_rows(tmp_path):
    from test_embedded import _v2_database

    _v2_database(tmp_path)
    with EmbeddedRepository(tmp_path) as repo:
        # OLD2 was an embargo without an end date: restricted after the v3 upgrade
        items = harvest_all(repo)
        assert [i.thesis_id for i in items] == ["OLD1"]
        assert items[0].datestamp == datetime(2025, 1, 1, tzinfo=timezone.utc)
        assert repo.harvest_item("OLD2", today=TODAY) is None
        repo.delete("OLD1")
        assert repo.harvest_item("OLD1", today=TODAY).deleted
    with sqlite3.connect(tmp_path / DB_FILENAME) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_backfill_computes_the_embargo_lift(tmp_path, clock):
    """The v3 -> v4 step alone, on a v3 database holding an embargoed thesis."""
    with EmbeddedRepository(tmp_path) as repo:
        record = add(repo, "e", access="embargoed", embargo_until=date(2026, 5, 10))
    with sqlite3.connect(tmp_path / DB_FILENAME, isolation_level=None) as conn:
        expected = conn.execute("SELECT id, institution, created, lifts FROM harvest_record").fetchall()
        conn.execute("DELETE FROM harvest_record")
        sqlite_harvest.backfill(conn)
        assert conn.execute("SELECT id, institution, created, lifts FROM harvest_record").fetchall() == expected
    assert expected == [(record.id, "Latvijas Universitāte", "2026-03-02T09:00:00Z", "2026-05-11T00:00:00Z")]


@pytest.mark.parametrize("institutions", [None, ["LU"], ["LU", "RTU"]])
def test_every_page_query_is_an_ordered_index_range_scan(repo, institutions):
    queries = sqlite_harvest.page_queries(
        datetime(2026, 1, 1, tzinfo=timezone.utc), datetime(2026, 12, 31, tzinfo=timezone.utc),
        institutions, (datetime(2026, 2, 1, tzinfo=timezone.utc), "X"), 10, TODAY,
    )
    assert len(queries) == 3 * len(institutions or [None])
    for sql, params in queries:
        plan = " ".join(row[3] for row in repo._conn.execute("EXPLAIN QUERY PLAN " + sql, params))
        assert "USING" in plan and "INDEX" in plan, plan
        assert "SCAN" not in plan and "TEMP B-TREE" not in plan, plan
