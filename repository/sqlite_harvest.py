"""Harvesting (OAI-PMH) in the embedded repository: records and tombstones by datestamp.

``harvest_record`` has one row per harvestable thesis (see :mod:`repository.harvest`),
written in the thesis's own transaction and removed with it by ``ON DELETE CASCADE``;
``harvest_tombstone`` keeps a row per deleted harvestable thesis for good.

A record's datestamp depends on the day it is read (an embargo lifting changes it), so
no single column can be indexed for it. The items come instead from three streams,
each an ordered range scan of its own index, merged in Python:

- records whose datestamp is their creation: ``(created, id)``, embargo not lifted yet;
- records whose embargo has lifted: ``(lifts, id)`` with ``lifts <= today``;
- tombstones: ``(deleted_at, id)``;

once per institution asked for (indexes led by ``institution``). Each stream reads
at most ``limit`` rows after the cursor, so a page costs the same on page 1 and 1,000.
"""

from __future__ import annotations

import heapq
import json
import sqlite3
from collections.abc import Collection, Iterator
from datetime import date, datetime, time, timedelta, timezone

from repository.harvest import (
    HarvestItem,
    datestamp,
    day_start,
    harvestable,
    lift_moment,
    parse_stamp,
    seconds,
    stamp,
)
from repository.models import ThesisMetadata, ThesisRecord
from repository.sqlite_rows import THESIS_COLUMNS, record_from_row

# Schema version 4 (applied by repository.sqlite_schema).
SCHEMA = """
CREATE TABLE harvest_record (
    thesis_pk   INTEGER PRIMARY KEY REFERENCES thesis(pk) ON DELETE CASCADE,
    id          TEXT NOT NULL,
    institution TEXT NOT NULL,
    created     TEXT NOT NULL,  -- YYYY-MM-DDThh:mm:ssZ (whole seconds: the datestamp granularity)
    lifts       TEXT            -- when the embargo lifts, only when later than created
);
CREATE INDEX harvest_record_created ON harvest_record(created, id);
CREATE INDEX harvest_record_lifts ON harvest_record(lifts, id) WHERE lifts IS NOT NULL;
CREATE INDEX harvest_record_inst_created ON harvest_record(institution, created, id);
CREATE INDEX harvest_record_inst_lifts ON harvest_record(institution, lifts, id) WHERE lifts IS NOT NULL;

CREATE TABLE harvest_tombstone (
    id          TEXT PRIMARY KEY,
    institution TEXT NOT NULL,
    deleted_at  TEXT NOT NULL   -- YYYY-MM-DDThh:mm:ssZ
) WITHOUT ROWID;
CREATE INDEX harvest_tombstone_deleted ON harvest_tombstone(deleted_at, id);
CREATE INDEX harvest_tombstone_inst ON harvest_tombstone(institution, deleted_at, id);
"""

_LOW, _HIGH = "", "~"  # sort below and above every stamp


def row_values(
    thesis_id: str, created_at: datetime, metadata: ThesisMetadata
) -> tuple[str, str, str, str | None] | None:
    """``(id, institution, created, lifts)`` for ``harvest_record``; None: not harvestable."""
    if not harvestable(metadata):
        return None
    created = seconds(created_at)
    lifts = lift_moment(metadata)
    return (
        thesis_id,
        metadata.institution,
        stamp(created),
        stamp(lifts) if lifts is not None and lifts > created else None,
    )


def insert(conn: sqlite3.Connection, thesis_pk: int, thesis_id: str, created_at: datetime, metadata: ThesisMetadata) -> None:
    values = row_values(thesis_id, created_at, metadata)
    if values is not None:
        conn.execute(
            "INSERT INTO harvest_record(thesis_pk, id, institution, created, lifts) VALUES (?, ?, ?, ?, ?)",
            (thesis_pk, *values),
        )


def tombstone(conn: sqlite3.Connection, thesis_pk: int, deleted_at: datetime) -> None:
    """Inside the deleting transaction, before the thesis row goes: remember a harvestable thesis."""
    conn.execute(
        "INSERT OR REPLACE INTO harvest_tombstone(id, institution, deleted_at)"
        " SELECT id, institution, ? FROM harvest_record WHERE thesis_pk = ?",
        (stamp(deleted_at), thesis_pk),
    )


def backfill(conn: sqlite3.Connection) -> None:
    """Add every stored thesis (the v3 -> v4 migration). Reads the stored JSON directly,
    so that the migration does not depend on later changes to the metadata model."""
    for pk, id_, created, meta_json in conn.execute(
        "SELECT pk, id, created_at, metadata_json FROM thesis"
    ).fetchall():
        meta = json.loads(meta_json)
        access = meta.get("access", "open")
        if access == "restricted":
            continue
        created_at = seconds(datetime.fromisoformat(created))
        lifts = None
        if access == "embargoed" and meta.get("embargo_until"):
            until = date.fromisoformat(meta["embargo_until"])
            moment = datetime.combine(until + timedelta(days=1), time(), timezone.utc)
            lifts = stamp(moment) if moment > created_at else None
        conn.execute(
            "INSERT INTO harvest_record(thesis_pk, id, institution, created, lifts) VALUES (?, ?, ?, ?, ?)",
            (pk, id_, meta.get("institution") or "", stamp(created_at), lifts),
        )


# -- reading ---------------------------------------------------------------------

def _streams(
    from_: datetime | None,
    until: datetime | None,
    institutions: Collection[str] | None,
    today: date,
) -> Iterator[tuple[str, str, tuple[object, ...]]]:
    """``(column, FROM ... WHERE ..., parameters)`` of each stream; rows of each are
    ordered by ``(column, id)``."""
    low = stamp(from_) if from_ is not None else _LOW
    high = stamp(until) if until is not None else _HIGH
    today_s = stamp(day_start(today))
    for inst in [None] if institutions is None else sorted(set(institutions)):
        by_inst = "" if inst is None else "institution = ? AND "
        inst_p: tuple[object, ...] = () if inst is None else (inst,)
        yield (
            "created",
            f"harvest_record WHERE {by_inst}created >= ? AND created <= ? AND (lifts IS NULL OR lifts > ?)",
            (*inst_p, low, high, today_s),
        )
        yield (
            "lifts",
            f"harvest_record WHERE {by_inst}lifts >= ? AND lifts <= ? AND lifts <= ?",
            (*inst_p, low, high, today_s),
        )
        yield (
            "deleted_at",
            f"harvest_tombstone WHERE {by_inst}deleted_at >= ? AND deleted_at <= ?",
            (*inst_p, low, high),
        )


def count(
    conn: sqlite3.Connection,
    *,
    from_: datetime | None,
    until: datetime | None,
    institutions: Collection[str] | None,
    today: date,
) -> int:
    return sum(
        conn.execute(f"SELECT count(*) FROM {source}", params).fetchone()[0]
        for _, source, params in _streams(from_, until, institutions, today)
    )


def harvest(
    conn: sqlite3.Connection,
    *,
    from_: datetime | None,
    until: datetime | None,
    institutions: Collection[str] | None,
    after: tuple[datetime, str] | None,
    limit: int,
    today: date,
) -> list[HarvestItem]:
    if limit <= 0:
        return []
    if institutions is not None and not institutions:
        return []
    streams = [
        conn.execute(sql, params).fetchall()
        for sql, params in page_queries(from_, until, institutions, after, limit, today)
    ]
    page = list(heapq.merge(*streams, key=lambda row: (row[0], row[1])))[:limit]
    records = _records(conn, [row[3] for row in page if row[3] is not None])
    return [
        HarvestItem(
            thesis_id=id_,
            datestamp=parse_stamp(when),
            institution=inst,
            deleted=pk is None,
            record=None if pk is None else records[pk],
        )
        for when, id_, inst, pk in page
    ]


def page_queries(
    from_: datetime | None,
    until: datetime | None,
    institutions: Collection[str] | None,
    after: tuple[datetime, str] | None,
    limit: int,
    today: date,
) -> list[tuple[str, tuple[object, ...]]]:
    """The SQL of one page, one ordered index range scan per stream; each row is
    ``(datestamp, id, institution, thesis pk or NULL for a tombstone)``."""
    after_s, after_id = (stamp(after[0]), after[1]) if after is not None else (_LOW, "")
    out = []
    for column, source, params in _streams(from_, until, institutions, today):
        key = "NULL" if column == "deleted_at" else "thesis_pk"
        out.append((
            f"SELECT {column}, id, institution, {key} FROM {source} AND ({column}, id) > (?, ?)"
            f" ORDER BY {column}, id LIMIT ?",
            (*params, after_s, after_id, limit),
        ))
    return out


def item(conn: sqlite3.Connection, thesis_id: str, *, today: date) -> HarvestItem | None:
    row = conn.execute(
        f"SELECT {THESIS_COLUMNS}, h.institution FROM harvest_record h JOIN thesis t ON t.pk = h.thesis_pk"
        " WHERE h.id = ?",
        (thesis_id,),
    ).fetchone()
    if row is not None:
        record = record_from_row(row[:-1])
        return HarvestItem(
            thesis_id=record.id, datestamp=datestamp(record, today), institution=row[-1], record=record
        )
    row = conn.execute(
        "SELECT deleted_at, institution FROM harvest_tombstone WHERE id = ?", (thesis_id,)
    ).fetchone()
    if row is None:
        return None
    return HarvestItem(thesis_id=thesis_id, datestamp=parse_stamp(row[0]), institution=row[1], deleted=True)


def institutions(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT DISTINCT institution FROM harvest_record WHERE institution != ''"
        " UNION SELECT DISTINCT institution FROM harvest_tombstone WHERE institution != ''"
    ).fetchall()
    return sorted(r[0] for r in rows)


def earliest(conn: sqlite3.Connection) -> datetime | None:
    stamps = [
        conn.execute("SELECT min(created) FROM harvest_record").fetchone()[0],
        conn.execute("SELECT min(deleted_at) FROM harvest_tombstone").fetchone()[0],
    ]
    present = [s for s in stamps if s is not None]
    return parse_stamp(min(present)) if present else None


def _records(conn: sqlite3.Connection, pks: list[int]) -> dict[int, ThesisRecord]:
    if not pks:
        return {}
    rows = conn.execute(
        f"SELECT {THESIS_COLUMNS} FROM thesis t WHERE t.pk IN ({','.join('?' * len(pks))})", pks
    ).fetchall()
    return {row[0]: record_from_row(row) for row in rows}
