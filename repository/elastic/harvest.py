"""Harvesting (OAI-PMH) on Elasticsearch: records and tombstones by datestamp.

The rules are :mod:`repository.harvest`'s, as in the embedded backend. A
thesis document carries ``harvestable``, ``harvest_institution``,
``harvest_created`` and ``harvest_lifts`` (when the embargo lifts, only when
later than the creation); a deleted harvestable thesis leaves a
``tombstone:<id>`` document in the meta index, kept for good.

A datestamp depends on the day it is read, so items come from three streams,
each one query sorted by ``(stamp, id)`` and cut after the cursor, merged in
Python (as ``sqlite_harvest`` does):

- records whose datestamp is their creation (embargo not lifted on ``today``);
- records whose embargo has lifted by ``today``: datestamp = the lift;
- tombstones: datestamp = deletion.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any

from repository.harvest import HarvestItem, datestamp, day_start, harvestable, lift_moment, parse_stamp, seconds, stamp
from repository.models import ThesisMetadata, ThesisRecord

if TYPE_CHECKING:
    from repository.elastic.repository import ElasticRepository


def fields(record_created: datetime, metadata: ThesisMetadata) -> dict[str, Any]:
    """The harvest fields of a thesis document."""
    created = seconds(record_created)
    lifts = lift_moment(metadata)
    return {
        "harvestable": harvestable(metadata),
        "harvest_institution": metadata.institution,
        "harvest_created": stamp(created),
        "harvest_lifts": stamp(lifts) if lifts is not None and lifts > created else None,
    }


def tombstone(institution: str, thesis_id: str, deleted_at: datetime) -> dict[str, Any]:
    return {"kind": "tombstone", "thesis_id": thesis_id, "institution": institution, "deleted_at": stamp(deleted_at)}


def _range(field: str, from_: datetime | None, until: datetime | None, upto: datetime | None = None) -> dict[str, Any]:
    bounds: dict[str, str] = {}
    if from_ is not None:
        bounds["gte"] = stamp(from_)
    highs = [m for m in (until, upto) if m is not None]
    if highs:
        bounds["lte"] = stamp(min(highs))
    return {"range": {field: bounds}} if bounds else {"exists": {"field": field}}


def streams(
    repo: ElasticRepository,
    from_: datetime | None,
    until: datetime | None,
    institutions: Collection[str] | None,
    today: date,
) -> list[tuple[str, str, str, dict[str, Any]]]:
    """``(index, stamp field, id field, bool query)`` of each stream."""
    today_start = day_start(today)
    by_inst_record = [] if institutions is None else [{"terms": {"harvest_institution": sorted(set(institutions))}}]
    by_inst_tomb = [] if institutions is None else [{"terms": {"institution": sorted(set(institutions))}}]
    created = {
        "filter": [{"term": {"harvestable": True}}, _range("harvest_created", from_, until), *by_inst_record],
        "must_not": [{"range": {"harvest_lifts": {"lte": stamp(today_start)}}}],
    }
    lifted = {
        "filter": [{"term": {"harvestable": True}}, _range("harvest_lifts", from_, until, today_start), *by_inst_record],
    }
    tombstones = {
        "filter": [{"term": {"kind": "tombstone"}}, _range("deleted_at", from_, until), *by_inst_tomb],
    }
    return [
        (repo.theses, "harvest_created", "id", created),
        (repo.theses, "harvest_lifts", "id", lifted),
        (repo.meta, "deleted_at", "thesis_id", tombstones),
    ]


def _after(stamp_field: str, id_field: str, after: tuple[datetime, str]) -> dict[str, Any]:
    """``(stamp, id) > after``."""
    at = stamp(after[0])
    return {
        "bool": {
            "should": [
                {"range": {stamp_field: {"gt": at}}},
                {"bool": {"filter": [{"term": {stamp_field: at}}, {"range": {id_field: {"gt": after[1]}}}]}},
            ],
            "minimum_should_match": 1,
        }
    }


def harvest(
    repo: ElasticRepository,
    *,
    from_: datetime | None,
    until: datetime | None,
    institutions: Collection[str] | None,
    after: tuple[datetime, str] | None,
    limit: int,
    today: date,
) -> list[HarvestItem]:
    if limit <= 0 or (institutions is not None and not institutions):
        return []
    parts: list[list[tuple[str, str, str, dict[str, Any]]]] = []
    for index, stamp_field, id_field, query in streams(repo, from_, until, institutions, today):
        query = {**query, "filter": [*query["filter"]] + ([_after(stamp_field, id_field, after)] if after else [])}
        found = repo.client.search(
            index=index,
            query={"bool": query},
            sort=[{stamp_field: "asc"}, {id_field: "asc"}],
            size=limit,
            source_includes=[stamp_field, id_field, "institution", "harvest_institution", "record"],
        )
        rows = []
        for hit in found["hits"]["hits"]:
            src = hit["_source"]
            institution = src.get("harvest_institution", src.get("institution")) or ""
            rows.append((src[stamp_field], src[id_field], institution, src.get("record")))
        parts.append(rows)
    page = list(heapq.merge(*parts, key=lambda row: (row[0], row[1])))[:limit]
    return [
        HarvestItem(
            thesis_id=thesis_id,
            datestamp=parse_stamp(when),
            institution=institution,
            deleted=record is None,
            record=None if record is None else ThesisRecord.model_validate(record),
        )
        for when, thesis_id, institution, record in page
    ]


def count(
    repo: ElasticRepository,
    *,
    from_: datetime | None,
    until: datetime | None,
    institutions: Collection[str] | None,
    today: date,
) -> int:
    if institutions is not None and not institutions:
        return 0
    return sum(
        int(repo.client.count(index=index, query={"bool": query})["count"])
        for index, _, _, query in streams(repo, from_, until, institutions, today)
    )


def item(repo: ElasticRepository, thesis_id: str, *, today: date) -> HarvestItem | None:
    found = repo._source(repo.theses, thesis_id, ["record"])
    if found is not None:
        record = ThesisRecord.model_validate(found["record"])
        if not harvestable(record.metadata):
            return None
        return HarvestItem(
            thesis_id=record.id, datestamp=datestamp(record, today), institution=record.metadata.institution,
            record=record,
        )
    gone = repo._source(repo.meta, f"tombstone:{thesis_id}")
    if gone is None:
        return None
    return HarvestItem(
        thesis_id=thesis_id, datestamp=parse_stamp(gone["deleted_at"]), institution=gone.get("institution") or "",
        deleted=True,
    )


def institutions(repo: ElasticRepository) -> list[str]:
    out: set[str] = set()
    for index, field, kind in (
        (repo.theses, "harvest_institution", {"term": {"harvestable": True}}),
        (repo.meta, "institution", {"term": {"kind": "tombstone"}}),
    ):
        found = repo.client.search(
            index=index, size=0, query=kind, aggs={"values": {"terms": {"field": field, "size": 10_000}}}
        )
        out.update(b["key"] for b in found["aggregations"]["values"]["buckets"] if b["key"])
    return sorted(out)


def earliest(repo: ElasticRepository) -> datetime | None:
    stamps: list[datetime] = []
    for index, field, kind in (
        (repo.theses, "harvest_created", {"term": {"harvestable": True}}),
        (repo.meta, "deleted_at", {"term": {"kind": "tombstone"}}),
    ):
        found = repo.client.search(index=index, size=0, query=kind, aggs={"first": {"min": {"field": field}}})
        value = found["aggregations"]["first"].get("value")
        if value is not None:
            stamps.append(datetime.fromtimestamp(value / 1000, timezone.utc))
    return min(stamps) if stamps else None
