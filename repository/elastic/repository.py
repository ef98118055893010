"""The Elasticsearch repository: ``ThesisStore``, ``CandidateIndex`` and ``PublicSearch``
with the same behaviour as the embedded (SQLite) one.

Four indices, always used through their aliases (see :mod:`repository.elastic.indices`):

- ``theses``: one document per thesis: the record as stored (``record``, not
  indexed), the document zlib-compressed (``document_zlib``, binary, not
  indexed), the search fields and facets, ``family``/``supersedes`` for
  versions and ``next_access``/``next_embargo_until`` (the next version's
  access), so that search can leave out a version whose next one is public;
- ``passages``: one document per passage: its LSH band keys (keyword), its
  language and, when stored, its vector in ``vector_<dim>`` (``dense_vector``,
  ``int8_hnsw``, cosine) with the ``model_key`` that made it;
- ``reports``: similarity reports (opaque JSON);
- ``meta``: the active MinHash parameters, embedding models, and claim
  documents created with ``op_type=create`` that stand in for SQLite's unique
  constraints: ``sha256:<hash>`` (one thesis per file) and ``successor:<id>``
  (versions form a chain). A create is atomic, so two writers cannot both win.

Elasticsearch has no transactions: ``add`` writes the claims, then the thesis
and passages in one retried bulk request; when anything fails after the first
write it deletes what it wrote (by id) before raising, so no half-stored
thesis remains.
"""

from __future__ import annotations

import base64
import json
import time
import zlib
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Set
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any

import numpy as np

from ingest.document import Document
from repository.elastic import harvest as es_harvest
from repository.elastic import indices
from repository.elastic.bulk import BulkFailed, bulk_write
from repository.elastic.search import build_request, results_from, search_fields
from repository.harvest import HarvestItem, harvestable
from repository.errors import DuplicateThesis, NotFound, ParamsMismatch, RepositoryError, VersionConflict
from repository.ids import new_id
from repository.models import Candidate, StoredReport, ThesisMetadata, ThesisRecord
from repository.search_models import SearchFilters, SearchResults, SearchSort
from similarity.embeddings.base import EmbeddingModelInfo, PassageVectors
from similarity.fingerprint import Fingerprints, MinHashParams

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch

    from repository.elastic.config import ElasticsearchSettings

_PARAMS_DOC = "params"
_TERMS_BATCH = 10_000  # band keys per terms query (the server's default limit is 65,536)
_KNN_BATCH = 50  # kNN searches per _msearch
_PAGE = 1_000
# A claim whose thesis never appeared is taken over after this long: the add that made
# it died (killed worker, lost node) before writing or cleaning up.
STALE_CLAIM_S = 600


class ElasticRepository:
    """Elasticsearch implementation of ``Repository`` (see the module docstring)."""

    def __init__(
        self,
        client: Elasticsearch,
        *,
        index_prefix: str = "kratuve",
        refresh: str = "wait_for",
        params: MinHashParams | None = None,
        max_retries: int = 5,
        initial_backoff: float = 0.5,
        max_backoff: float = 30.0,
        bulk_chunk_size: int = 500,
        sleep: Callable[[float], None] = time.sleep,
        create_indices: bool = True,
    ) -> None:
        if refresh not in ("wait_for", "true", "false"):
            raise ValueError("refresh must be 'wait_for', 'true' or 'false'")
        self.client = client
        self.prefix = index_prefix
        self.refresh = refresh
        self._bulk = {
            "chunk_size": bulk_chunk_size,
            "max_retries": max_retries,
            "initial_backoff": initial_backoff,
            "max_backoff": max_backoff,
            "sleep": sleep,
        }
        self.theses = indices.alias(index_prefix, "theses")
        self.passages = indices.alias(index_prefix, "passages")
        self.reports = indices.alias(index_prefix, "reports")
        self.meta = indices.alias(index_prefix, "meta")
        self._active: MinHashParams | None = None
        self._vector_fields: set[str] = set()
        if create_indices:
            indices.ensure(client, index_prefix)
        if params is not None:
            self._active, _ = self._ensure_active(params)

    @classmethod
    def from_settings(cls, settings: ElasticsearchSettings, *, params: MinHashParams | None = None) -> ElasticRepository:
        from repository.elastic.config import make_client

        return cls(
            make_client(settings),
            index_prefix=settings.index_prefix,
            refresh=settings.refresh,
            params=params,
            max_retries=settings.max_retries,
            initial_backoff=settings.initial_backoff_s,
            max_backoff=settings.max_backoff_s,
            bulk_chunk_size=settings.bulk_chunk_size,
        )

    # -- lifetime -----------------------------------------------------------------

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> ElasticRepository:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- small request helpers ------------------------------------------------------

    def _source(self, index: str, doc_id: str, fields: list[str] | None = None) -> dict[str, Any] | None:
        """The document's source, or None (a realtime get: sees writes at once)."""
        kwargs: dict[str, Any] = {"_source_includes": fields} if fields else {}
        found = self.client.options(ignore_status=404).get(index=index, id=doc_id, **kwargs)
        return dict(found["_source"]) if found.get("found") else None

    def _claim(self, doc_id: str, body: dict[str, Any]) -> bool:
        """Create ``meta/doc_id`` unless it exists; whether this call now holds it.

        A claim naming a thesis that does not exist ``STALE_CLAIM_S`` after it was
        made is left over from a dead add: it is taken over, atomically (``if_seq_no``).
        """
        now = datetime.now(timezone.utc)
        body = {**body, "claimed_at": now.isoformat()} if "thesis_id" in body else body
        found = self.client.options(ignore_status=409).create(
            index=self.meta, id=doc_id, document=body, refresh=self.refresh
        )
        if found.get("result") == "created":
            return True
        held = self.client.options(ignore_status=404).get(index=self.meta, id=doc_id)
        if not held.get("found") or "thesis_id" not in body:
            return False
        source = held["_source"]
        claimed_at = source.get("claimed_at")
        if claimed_at is None or (now - datetime.fromisoformat(claimed_at)).total_seconds() < STALE_CLAIM_S:
            return False
        if self._source(self.theses, source.get("thesis_id", ""), ["id"]) is not None:
            return False
        taken = self.client.options(ignore_status=409).index(
            index=self.meta, id=doc_id, document=body, refresh=self.refresh,
            if_seq_no=held["_seq_no"], if_primary_term=held["_primary_term"],
        )
        return taken.get("result") == "updated"

    def _delete_doc(self, index: str, doc_id: str) -> None:
        self.client.options(ignore_status=404).delete(index=index, id=doc_id, refresh=self.refresh)

    def _refresh_flag(self) -> bool:
        return self.refresh != "false"

    # -- fingerprint parameters ------------------------------------------------------

    @property
    def active_params(self) -> MinHashParams | None:
        if self._active is None:
            found = self._source(self.meta, _PARAMS_DOC)
            if found is not None:
                self._active = MinHashParams.model_validate_json(found["json"])
        return self._active

    def _ensure_active(self, params: MinHashParams) -> tuple[MinHashParams, bool]:
        """Make ``params`` active or refuse other ones; (active, created by this call)."""
        active = self.active_params
        created = False
        if active is None:
            created = self._claim(
                _PARAMS_DOC, {"kind": "params", "key": params.key(), "json": params.model_dump_json()}
            )
            self._active = None
            active = self.active_params
            if active is None:  # pragma: no cover - created and gone again at once
                raise RepositoryError("the active fingerprint parameters could not be stored")
        if active.key() != params.key():
            raise ParamsMismatch(active.key(), params.key())
        return active, created

    # -- theses ---------------------------------------------------------------------

    def add(
        self,
        metadata: ThesisMetadata,
        document: Document,
        fingerprints: Fingerprints,
        *,
        original_filename: str,
        size_bytes: int,
        vectors: PassageVectors | None = None,
        supersedes: str | None = None,
    ) -> ThesisRecord:
        params = fingerprints.params
        vector_of = _vectors_by_passage(document, vectors)
        record = ThesisRecord.new(metadata, document, params.key(), created_at=datetime.now(timezone.utc),
                                  original_filename=original_filename, size_bytes=size_bytes, supersedes=supersedes)
        bands: dict[int, set[str]] = defaultdict(set)
        for passage_index, key in fingerprints.band_keys():
            bands[passage_index].add(str(key))
        _, created_params = self._ensure_active(params)
        written: dict[str, bool] = {}
        try:
            if not self._claim(f"sha256:{record.sha256}", {"kind": "sha256", "key": record.sha256, "thesis_id": record.id}):
                existing = self.find_by_sha256(record.sha256)
                if existing is None:
                    raise RepositoryError(f"a thesis with sha256 {record.sha256} is being added right now; try again")
                raise DuplicateThesis(existing)
            written["sha256"] = True
            family = record.id
            if supersedes is not None:
                earlier = self._source(self.theses, supersedes, ["family"])
                if earlier is None:
                    raise NotFound(f"no thesis {supersedes} to supersede")
                if not self._claim(f"successor:{supersedes}", {"kind": "successor", "key": supersedes, "thesis_id": record.id}):
                    holder = self._source(self.meta, f"successor:{supersedes}") or {}
                    raise VersionConflict(
                        f"thesis {supersedes} is superseded already by {holder.get('thesis_id')}; supersede that one"
                    )
                written["successor"] = True
                family = earlier["family"]
            if vectors is not None:
                self._prepare_vectors(vectors.model)
            written["documents"] = True
            bulk_write(
                self.client,
                list(self._actions(record, family, document, bands, vectors, vector_of)),
                refresh=self.refresh,
                **self._bulk,
            )
            if supersedes is not None:
                self.client.update(
                    index=self.theses,
                    id=supersedes,
                    doc={
                        "next_access": metadata.access,
                        "next_embargo_until": metadata.embargo_until.isoformat() if metadata.embargo_until else None,
                    },
                    refresh=self.refresh,
                    retry_on_conflict=3,
                )
        except BaseException as exc:
            self._undo_add(record, document, written, created_params)
            if isinstance(exc, (RepositoryError, ValueError)) and not isinstance(exc, BulkFailed):
                raise
            if isinstance(exc, Exception):
                raise RepositoryError(
                    f"thesis {original_filename!r} was not stored: {exc} (what was written has been removed)"
                ) from exc
            raise
        return record

    def _actions(
        self,
        record: ThesisRecord,
        family: str,
        document: Document,
        bands: dict[int, set[str]],
        vectors: PassageVectors | None,
        vector_of: dict[int, np.ndarray],
    ) -> Iterable[dict[str, Any]]:
        blob = zlib.compress(document.model_dump_json().encode("utf-8"), 6)
        yield {
            "_op_type": "index",
            "_index": self.theses,
            "_id": record.id,
            "id": record.id,
            "sha256": record.sha256,
            "family": family,
            "supersedes": record.supersedes,
            "created_at": record.created_at.isoformat(),
            "params_key": record.fingerprint_params_key,
            "passages": record.passages,
            "record": record.model_dump(mode="json"),
            "document_zlib": base64.b64encode(blob).decode("ascii"),
            **search_fields(record.metadata, document),
            **es_harvest.fields(record.created_at, record.metadata),
        }
        for p in document.passages:
            source: dict[str, Any] = {
                "_op_type": "index",
                "_index": self.passages,
                "_id": _passage_id(record.id, p.index),
                "thesis_id": record.id,
                "passage_index": p.index,
                "language": p.language,
                "bands": sorted(bands.get(p.index, ())),
                "band_count": len(bands.get(p.index, ())),
            }
            if vectors is not None and p.index in vector_of:
                source["model_key"] = vectors.model.key()
                source[_vector_field(vectors.model)] = vector_of[p.index].tolist()
            yield source

    def _prepare_vectors(self, model: EmbeddingModelInfo) -> None:
        """Map ``vector_<dim>`` (explicit dims) and record the model, before the first such vector."""
        field = _vector_field(model)
        if field not in self._vector_fields:
            self.client.indices.put_mapping(
                index=self.passages,
                properties={
                    field: {
                        "type": "dense_vector",
                        "dims": model.dim,
                        "index": True,
                        "similarity": "cosine",
                        "index_options": {"type": "int8_hnsw"},
                    }
                },
            )
            self._vector_fields.add(field)
        self.client.index(
            index=self.meta,
            id=f"model:{model.key()}",
            document={"kind": "embedding_model", "key": model.key(), "json": model.model_dump_json()},
            refresh=self.refresh,
        )

    def _undo_add(self, record: ThesisRecord, document: Document, written: dict[str, bool], created_params: bool) -> None:
        """Compensating cleanup: delete, by id, whatever this ``add`` may have written."""
        try:
            if written.get("documents"):
                self._delete_thesis_documents(record.id, document)
            if written.get("successor") and record.supersedes is not None:
                self._delete_doc(self.meta, f"successor:{record.supersedes}")
            if written.get("sha256"):
                self._delete_doc(self.meta, f"sha256:{record.sha256}")
            if created_params and self.count() == 0:
                self._delete_doc(self.meta, _PARAMS_DOC)
                self._active = None
        except Exception as cleanup_error:  # keep the original error; say what is left
            raise RepositoryError(
                f"thesis {record.id} failed and its cleanup failed too ({cleanup_error}); "
                f"delete it with `delete {record.id}`"
            ) from cleanup_error

    def _delete_thesis_documents(self, thesis_id: str, document: Document) -> None:
        from elasticsearch.helpers import streaming_bulk

        actions = [
            {"_op_type": "delete", "_index": self.passages, "_id": _passage_id(thesis_id, p.index)}
            for p in document.passages
        ]
        actions.append({"_op_type": "delete", "_index": self.theses, "_id": thesis_id})
        failed = [
            item
            for ok, item in streaming_bulk(
                self.client, actions, raise_on_error=False, raise_on_exception=True,
                refresh=self.refresh, max_retries=3,
            )
            if not ok and next(iter(item.values())).get("status") != 404
        ]
        if failed:
            raise RepositoryError(f"could not delete {len(failed)} document(s) of thesis {thesis_id}: {failed[:2]}")

    def get(self, thesis_id: str) -> ThesisRecord:
        found = self._source(self.theses, thesis_id, ["record"])
        if found is None:
            raise NotFound(f"no thesis {thesis_id}")
        return ThesisRecord.model_validate(found["record"])

    def find_by_sha256(self, sha256: str) -> ThesisRecord | None:
        claim = self._source(self.meta, f"sha256:{sha256}")
        if claim is None:
            return None
        try:
            return self.get(claim["thesis_id"])
        except NotFound:  # claimed by an add in progress (or one that failed)
            return None

    def document(self, thesis_id: str) -> Document:
        found = self._source(self.theses, thesis_id, ["document_zlib"])
        if found is None:
            raise NotFound(f"no thesis {thesis_id}")
        return Document.model_validate_json(zlib.decompress(base64.b64decode(found["document_zlib"])))

    def count(self) -> int:
        return int(self.client.count(index=self.theses)["count"])

    def list(self, limit: int = 50, offset: int = 0) -> list[ThesisRecord]:
        if limit < 0 or offset < 0:
            raise ValueError("limit and offset must not be negative")
        if limit == 0:
            return []
        found = self.client.search(
            index=self.theses,
            query={"match_all": {}},
            sort=[{"created_at": "desc"}, {"id": "desc"}],
            from_=offset,
            size=limit,
            source_includes=["record"],
        )
        return [ThesisRecord.model_validate(h["_source"]["record"]) for h in found["hits"]["hits"]]

    def delete(self, thesis_id: str) -> None:
        found = self._source(self.theses, thesis_id, ["record", "document_zlib"])
        if found is None:
            raise NotFound(f"no thesis {thesis_id}")
        record = ThesisRecord.model_validate(found["record"])
        document = Document.model_validate_json(zlib.decompress(base64.b64decode(found["document_zlib"])))
        if harvestable(record.metadata):  # harvesters learn of the deletion (kept for good)
            self.client.index(
                index=self.meta,
                id=f"tombstone:{thesis_id}",
                document=es_harvest.tombstone(record.metadata.institution, thesis_id, datetime.now(timezone.utc)),
                refresh=self.refresh,
            )
        self.client.delete_by_query(
            index=self.reports, query={"term": {"thesis_id": thesis_id}}, refresh=True, conflicts="proceed"
        )
        self._delete_thesis_documents(thesis_id, document)
        claim = self._source(self.meta, f"sha256:{record.sha256}")
        if claim is not None and claim.get("thesis_id") == thesis_id:
            self._delete_doc(self.meta, f"sha256:{record.sha256}")
        # Later versions keep their `supersedes` id and family: the chain stays readable.
        self._delete_doc(self.meta, f"successor:{thesis_id}")
        if record.supersedes is not None:
            holder = self._source(self.meta, f"successor:{record.supersedes}")
            if holder is not None and holder.get("thesis_id") == thesis_id:
                self._delete_doc(self.meta, f"successor:{record.supersedes}")
                self.client.options(ignore_status=404).update(
                    index=self.theses,
                    id=record.supersedes,
                    doc={"next_access": None, "next_embargo_until": None},
                    refresh=self.refresh,
                    retry_on_conflict=3,
                )

    # -- versions ---------------------------------------------------------------------

    def versions(self, thesis_id: str) -> list[ThesisRecord]:
        found = self._source(self.theses, thesis_id, ["family"])
        if found is None:
            raise NotFound(f"no thesis {thesis_id}")
        records = [
            ThesisRecord.model_validate(h["_source"]["record"])
            for h in self._all(self.theses, {"term": {"family": found["family"]}}, ["record"],
                               sort=[{"created_at": "asc"}, {"id": "asc"}])
        ]
        if not any(r.id == thesis_id for r in records):  # not searchable yet (refresh=false)
            records.append(self.get(thesis_id))
        return records

    def version_family(self, thesis_id: str) -> set[str]:
        return {r.id for r in self.versions(thesis_id)}

    def _all(
        self, index: str, query: dict[str, Any], fields: list[str], *, sort: list[Any] | None = None
    ) -> Iterable[dict[str, Any]]:
        """Every matching hit, paged with ``search_after`` (sorted by ``sort`` then ``_doc``)."""
        sort = (sort or []) + [{"_doc": "asc"}] if sort else [{"_doc": "asc"}]
        after = None
        while True:
            kwargs: dict[str, Any] = {"search_after": after} if after is not None else {}
            found = self.client.search(
                index=index, query=query, sort=sort, size=_PAGE, source_includes=fields, **kwargs
            )
            hits = found["hits"]["hits"]
            yield from hits
            if len(hits) < _PAGE:
                return
            after = hits[-1]["sort"]

    # -- public search -----------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        filters: SearchFilters | None = None,
        sort: SearchSort = "relevance",
        page: int = 1,
        per_page: int = 20,
        today: date | None = None,
    ) -> SearchResults:
        """Full text and metadata of the theses public on ``today`` (default: today, UTC)."""
        if page < 1 or per_page < 1:
            raise ValueError("page and per_page must be at least 1")
        filters = filters or SearchFilters()
        body = build_request(
            query, filters=filters, sort=sort, page=page, per_page=per_page,
            today=today or datetime.now(timezone.utc).date(),
        )
        response = self.client.search(index=self.theses, body=body)
        return results_from(dict(response), query, filters=filters, sort=sort, page=page, per_page=per_page)

    # -- candidates ----------------------------------------------------------------------

    def candidates(
        self, fingerprints: Fingerprints, *, limit: int = 50, exclude: Set[str] = frozenset()
    ) -> list[Candidate]:
        """As the embedded backend: theses ranked by the number of distinct (query passage,
        stored passage) pairs sharing at least one LSH band, then by id."""
        active = self.active_params
        if active is None:
            return []
        if fingerprints.params.key() != active.key():
            if self.count() == 0:
                return []
            raise ParamsMismatch(active.key(), fingerprints.params.key())
        query: dict[str, list[int]] = defaultdict(list)  # band key -> query passage indexes
        for passage_index, key in fingerprints.band_keys():
            query[str(key)].append(passage_index)
        if not query or limit <= 0:
            return []
        pairs: dict[str, set[tuple[int, int]]] = defaultdict(set)
        keys = sorted(query)
        for i in range(0, len(keys), _TERMS_BATCH):
            batch = keys[i : i + _TERMS_BATCH]
            bool_query: dict[str, Any] = {"filter": [{"terms": {"bands": batch}}]}
            if exclude:
                bool_query["must_not"] = [{"terms": {"thesis_id": sorted(exclude)}}]
            for hit in self._all(self.passages, {"bool": bool_query}, ["thesis_id", "passage_index", "bands"]):
                src = hit["_source"]
                found = pairs[src["thesis_id"]]
                for key in src["bands"]:
                    for query_index in query.get(key, ()):
                        found.add((query_index, src["passage_index"]))
        ranked = sorted(pairs.items(), key=lambda item: (-len(item[1]), item[0]))
        return [
            Candidate(thesis_id=thesis_id, hits=len(found), passages=sorted(found))
            for thesis_id, found in ranked[:limit]
        ]

    def vector_models(self) -> list[EmbeddingModelInfo]:
        found = self.client.search(
            index=self.passages, size=0, aggs={"models": {"terms": {"field": "model_key", "size": 1000}}}
        )
        keys = [b["key"] for b in found["aggregations"]["models"]["buckets"]]
        if not keys:
            return []
        docs = self.client.mget(index=self.meta, ids=[f"model:{k}" for k in keys])["docs"]
        return [EmbeddingModelInfo.model_validate_json(d["_source"]["json"]) for d in docs if d.get("found")]

    def nearest_passages(
        self,
        model: EmbeddingModelInfo,
        queries: np.ndarray,
        *,
        k: int = 5,
        min_score: float = 0.0,
        exclude: Set[str] = frozenset(),
        languages: Set[str] | None = None,
    ) -> list[tuple[int, str, int, float]]:
        """kNN over ``vector_<dim>`` filtered to the same model key (vectors of other models
        are never compared), the languages and the theses not excluded."""
        queries = np.asarray(queries, dtype=np.float32)
        if k <= 0 or len(queries) == 0 or (languages is not None and not languages):
            return []
        field = _vector_field(model)
        if not self._has_field(field):
            return []
        filter_: dict[str, Any] = {"bool": {"filter": [{"term": {"model_key": model.key()}}]}}
        if languages is not None:
            filter_["bool"]["filter"].append({"terms": {"language": sorted(languages)}})
        if exclude:
            filter_["bool"]["must_not"] = [{"terms": {"thesis_id": sorted(exclude)}}]
        out: list[tuple[int, str, int, float]] = []
        for lo in range(0, len(queries), _KNN_BATCH):
            searches: list[dict[str, Any]] = []
            for vector in queries[lo : lo + _KNN_BATCH]:
                searches.append({"index": self.passages})
                searches.append({
                    "knn": {
                        "field": field, "query_vector": vector.tolist(), "k": k,
                        "num_candidates": max(100, 4 * k), "filter": filter_,
                    },
                    "size": k,
                    "_source": ["thesis_id", "passage_index"],
                })
            answers = self.client.msearch(searches=searches)["responses"]
            for offset, answer in enumerate(answers):
                if "error" in answer:
                    raise RepositoryError(f"vector search failed: {answer['error']}")
                for hit in answer["hits"]["hits"]:
                    cosine = 2.0 * float(hit["_score"]) - 1.0  # ES cosine score is (1 + cos) / 2
                    if cosine >= min_score:
                        src = hit["_source"]
                        out.append((lo + offset, src["thesis_id"], int(src["passage_index"]), cosine))
        return out

    def _has_field(self, field: str) -> bool:
        if field in self._vector_fields:
            return True
        mapping = self.client.indices.get_mapping(index=self.passages)
        for index_mapping in mapping.values():
            if field in index_mapping["mappings"].get("properties", {}):
                self._vector_fields.add(field)
                return True
        return False

    # -- harvesting (OAI-PMH; rules in repository.harvest) -------------------------------

    def harvest(
        self,
        *,
        from_: datetime | None,
        until: datetime | None,
        institutions: Collection[str] | None,
        after: tuple[datetime, str] | None,
        limit: int,
        today: date,
    ) -> list[HarvestItem]:
        return es_harvest.harvest(
            self, from_=from_, until=until, institutions=institutions, after=after, limit=limit, today=today
        )

    def harvest_count(
        self, *, from_: datetime | None, until: datetime | None, institutions: Collection[str] | None, today: date
    ) -> int:
        return es_harvest.count(self, from_=from_, until=until, institutions=institutions, today=today)

    def harvest_item(self, thesis_id: str, *, today: date) -> HarvestItem | None:
        return es_harvest.item(self, thesis_id, today=today)

    def institutions(self) -> list[str]:
        return es_harvest.institutions(self)

    def earliest_datestamp(self) -> datetime | None:
        return es_harvest.earliest(self)

    # -- reports -------------------------------------------------------------------------

    def save_report(self, payload_json: str, *, kind: str, thesis_id: str | None) -> StoredReport:
        json.loads(payload_json)  # refuse what is not JSON (raises ValueError)
        if thesis_id is not None and self._source(self.theses, thesis_id, ["id"]) is None:
            raise NotFound(f"no thesis {thesis_id}")
        report = StoredReport(
            id=new_id(), thesis_id=thesis_id, created_at=datetime.now(timezone.utc), kind=kind, payload_json=payload_json
        )
        self.client.index(
            index=self.reports,
            id=report.id,
            document={
                "id": report.id, "thesis_id": thesis_id, "created_at": report.created_at.isoformat(),
                "kind": kind, "payload_json": payload_json,
            },
            refresh=self.refresh,
        )
        return report

    def get_report(self, report_id: str) -> StoredReport:
        found = self._source(self.reports, report_id)
        if found is None:
            raise NotFound(f"no report {report_id}")
        return StoredReport(
            id=found["id"], thesis_id=found.get("thesis_id"), created_at=datetime.fromisoformat(found["created_at"]),
            kind=found["kind"], payload_json=found["payload_json"],
        )

    # -- housekeeping -------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        theses = self.count()
        found = self.client.search(
            index=self.passages, size=0, track_total_hits=True,
            aggs={"band_rows": {"sum": {"field": "band_count"}}, "vectors": {"filter": {"exists": {"field": "model_key"}}}},
        )
        active = self.active_params
        return {
            "backend": "elasticsearch",
            "theses": theses,
            "passages": int(found["hits"]["total"]["value"]),
            "band_rows": int(found["aggregations"]["band_rows"]["value"] or 0),
            "vectors": int(found["aggregations"]["vectors"]["doc_count"]),
            "indices": indices.current(self.client, self.prefix),
            "active_params_key": None if active is None else active.key(),
        }


def _passage_id(thesis_id: str, index: int) -> str:
    return f"{thesis_id}-{index}"


def _vector_field(model: EmbeddingModelInfo) -> str:
    return f"vector_{model.dim}"


def _vectors_by_passage(document: Document, vectors: PassageVectors | None) -> dict[int, np.ndarray]:
    """Passage index -> vector, checked against the document (before anything is written)."""
    if vectors is None:
        return {}
    known = {p.index for p in document.passages}
    unknown = set(vectors.passage_indexes) - known
    if unknown:
        raise ValueError(f"vectors given for passages the document does not have: {sorted(unknown)[:5]}")
    return dict(zip(vectors.passage_indexes, vectors.vectors))
