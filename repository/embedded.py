"""The embedded repository: thesis store and LSH candidate index in one SQLite file.

``EmbeddedRepository(path)`` opens (or creates) ``path / "kratuve.sqlite3"``.
One connection per object, owned by the thread that created it: do not share
an object across threads, open one per thread or process instead. Readers in
other processes are fine (WAL); writers queue on ``busy_timeout``.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Collection, Iterator, Set
from contextlib import AbstractContextManager, contextmanager
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from ingest.document import Document
from repository import sqlite_harvest, sqlite_search
from repository.errors import DuplicateThesis, NotFound, ParamsMismatch, RepositoryError, VersionConflict
from repository.harvest import HarvestItem
from repository.ids import new_id
from repository.models import Candidate, StoredReport, ThesisMetadata, ThesisRecord
from repository.search_models import SearchFilters, SearchResults, SearchSort
from repository.sqlite_rows import (
    THESIS_COLUMNS, band_rows, document_json, encode_document, iso, minhash_blobs, record_from_row, stored_band_key,
)
from repository.sqlite_schema import DEFAULT_CACHE_MB, SCHEMA_VERSION, connect
from repository.vectors import VectorCache, VectorHit, search
from similarity.embeddings.base import EmbeddingModelInfo, PassageVectors, quantize
from similarity.fingerprint import Fingerprints, MinHashParams, fingerprint_document

DB_FILENAME = "kratuve.sqlite3"
_ACTIVE_PARAMS = "active_params_key"
# Band keys per `key IN (...)` lookup. Measured on 200 theses (3.1M band rows): 500
# was as fast as 1000 or 5000 and beat a temp-table join (needs CROSS JOIN to be
# planned right, then still slower for the insert) and json_each().
_MAX_PARAMS = 500



class EmbeddedRepository:
    """SQLite implementation of ``ThesisStore`` and ``CandidateIndex``."""

    def __init__(
        self,
        path: Path,
        *,
        params: MinHashParams | None = None,
        busy_timeout_ms: int = 10_000,
        cache_mb: int = DEFAULT_CACHE_MB,
    ) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.db_path = self.path / DB_FILENAME
        self._conn = connect(self.db_path, busy_timeout_ms=busy_timeout_ms, cache_mb=cache_mb)
        self._active: MinHashParams | None = None
        self._vectors = VectorCache()
        if params is not None:
            try:
                with self._write() as conn:
                    active = self._ensure_active(conn, params)
                self._active = active
            except BaseException:
                self._conn.close()
                raise

    # -- lifetime -----------------------------------------------------------

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> EmbeddedRepository:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[sqlite3.Connection]:
        conn = self._conn
        conn.execute(begin)
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        # IMMEDIATE takes the write lock up front, so the checks made inside
        # (duplicate sha256, active params) still hold at COMMIT.
        return self._transaction("BEGIN IMMEDIATE")

    def _read(self) -> AbstractContextManager[sqlite3.Connection]:
        # One snapshot for multi-statement reads.
        return self._transaction("BEGIN")

    # -- fingerprint parameters ----------------------------------------------

    @property
    def active_params(self) -> MinHashParams | None:
        if self._active is None:
            self._active = self._load_active(self._conn)
        return self._active

    def _load_active(self, conn: sqlite3.Connection) -> MinHashParams | None:
        row = conn.execute(
            "SELECT p.json FROM setting s JOIN fingerprint_params p ON p.key = s.value WHERE s.name = ?",
            (_ACTIVE_PARAMS,),
        ).fetchone()
        return None if row is None else MinHashParams.model_validate_json(row[0])

    def _ensure_active(self, conn: sqlite3.Connection, params: MinHashParams) -> MinHashParams:
        """Inside a write transaction: make ``params`` active, or refuse other ones."""
        active = self._load_active(conn)
        if active is None:
            conn.execute(
                "INSERT OR IGNORE INTO fingerprint_params(key, json) VALUES (?, ?)",
                (params.key(), params.model_dump_json()),
            )
            conn.execute(
                "INSERT INTO setting(name, value) VALUES (?, ?)", (_ACTIVE_PARAMS, params.key())
            )
        elif active.key() != params.key():
            raise ParamsMismatch(active.key(), params.key())
        return params

    def _params(self, conn: sqlite3.Connection, key: str) -> MinHashParams:
        row = conn.execute("SELECT json FROM fingerprint_params WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise RepositoryError(f"fingerprint parameters {key} are missing")
        return MinHashParams.model_validate_json(row[0])

    # -- theses ---------------------------------------------------------------

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
        vector_rows = _vector_rows(document, vectors)
        minhash_blobs(document, fingerprints)  # checks them; not stored since v5 (delete recomputes)
        record = ThesisRecord.new(metadata, document, params.key(), created_at=datetime.now(timezone.utc),
                                  original_filename=original_filename, size_bytes=size_bytes, supersedes=supersedes)
        search_row = sqlite_search.index_row(metadata, document)  # CPU work, before the lock
        doc_blob = encode_document(document)
        passage_keys = [(i, stored_band_key(key)) for i, key in fingerprints.band_keys()]
        with self._write() as conn:
            active = self._ensure_active(conn, params)
            existing = self._find(conn, "t.sha256 = ?", record.sha256)
            if existing is not None:
                raise DuplicateThesis(existing)
            family = record.id if supersedes is None else self._successor_family(conn, supersedes)
            # Passage pks are assigned here, under the write lock, so that band
            # rows can be built without a round trip per passage.
            first_pk = conn.execute("SELECT coalesce(max(pk), 0) + 1 FROM passage").fetchone()[0]
            pk_of = {p.index: first_pk + i for i, p in enumerate(document.passages)}
            bands = band_rows(passage_keys, pk_of)
            try:
                thesis_pk = conn.execute(
                    "INSERT INTO thesis(id, sha256, original_filename, size_bytes, format, language,"
                    " pages, characters, passages, band_rows, created_at, params_key, metadata_json,"
                    " supersedes, family) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        record.id, record.sha256, record.original_filename, record.size_bytes,
                        record.format, record.language, record.pages, record.characters,
                        record.passages, len(bands[0]), iso(record.created_at), record.fingerprint_params_key,
                        metadata.model_dump_json(), supersedes, family,
                    ),
                ).lastrowid
            except sqlite3.IntegrityError as exc:  # defensive: the check above holds the lock
                raise RepositoryError(f"could not insert thesis: {exc}") from exc
            conn.execute("INSERT INTO document(thesis_pk, data) VALUES (?, ?)", (thesis_pk, doc_blob))
            conn.execute(
                f"INSERT INTO search_text(rowid, {', '.join(sqlite_search.COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)",
                (thesis_pk, *search_row),
            )
            sqlite_harvest.insert(conn, thesis_pk, record.id, record.created_at, metadata)
            conn.executemany(
                'INSERT INTO passage(pk, thesis_pk, idx, start, "end", language) VALUES (?, ?, ?, ?, ?, ?)',
                (
                    (pk_of[p.index], thesis_pk, p.index, p.start, p.end, p.language)
                    for p in document.passages
                ),
            )
            conn.executemany("INSERT INTO lsh_band(key, passage_pk) VALUES (?, ?)", zip(*bands))
            if vectors is not None:
                conn.execute(
                    "INSERT OR IGNORE INTO embedding_model(key, json) VALUES (?, ?)",
                    (vectors.model.key(), vectors.model.model_dump_json()),
                )
                conn.executemany(
                    "INSERT INTO passage_vector(passage_pk, model_key, scale, vec) VALUES (?, ?, ?, ?)",
                    ((pk_of[i], vectors.model.key(), scale, blob) for i, scale, blob in vector_rows),
                )
        if vectors is not None:
            self._vectors.own_writes += 1
        self._active = active  # cached only once committed; it never changes after that
        return record

    def get(self, thesis_id: str) -> ThesisRecord:
        record = self._find(self._conn, "t.id = ?", thesis_id)
        if record is None:
            raise NotFound(f"no thesis {thesis_id}")
        return record

    def find_by_sha256(self, sha256: str) -> ThesisRecord | None:
        return self._find(self._conn, "t.sha256 = ?", sha256)

    def document(self, thesis_id: str) -> Document:
        row = self._conn.execute(
            "SELECT d.data FROM thesis t JOIN document d ON d.thesis_pk = t.pk WHERE t.id = ?",
            (thesis_id,),
        ).fetchone()
        if row is None:
            raise NotFound(f"no thesis {thesis_id}")
        return Document.model_validate_json(document_json(row[0]))

    def count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM thesis").fetchone()[0])

    def list(self, limit: int = 50, offset: int = 0) -> list[ThesisRecord]:
        if limit < 0 or offset < 0:
            raise ValueError("limit and offset must not be negative")
        rows = self._conn.execute(
            f"SELECT {THESIS_COLUMNS} FROM thesis t ORDER BY t.created_at DESC, t.pk DESC"
            " LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()
        return [record_from_row(row) for row in rows]

    def delete(self, thesis_id: str) -> None:
        with self._write() as conn:
            row = conn.execute(
                "SELECT pk, params_key, band_rows FROM thesis WHERE id = ?", (thesis_id,)
            ).fetchone()
            if row is None:
                raise NotFound(f"no thesis {thesis_id}")
            thesis_pk, params_key, stored_rows = row
            params = self._params(conn, params_key)
            # lsh_band has no index on passage_pk: recompute this thesis's keys from
            # its stored document (MinHash values are not stored: 1 KB per 1,000
            # characters) and delete by primary key.
            (blob,) = conn.execute("SELECT data FROM document WHERE thesis_pk = ?", (thesis_pk,)).fetchone()
            pk_of = dict(conn.execute("SELECT idx, pk FROM passage WHERE thesis_pk = ?", (thesis_pk,)))
            stored_doc = Document.model_validate_json(document_json(blob))
            doomed = [
                (stored_band_key(key), pk_of[index])
                for index, key in fingerprint_document(stored_doc, params).band_keys()
                if index in pk_of
            ]
            before = conn.total_changes
            conn.executemany("DELETE FROM lsh_band WHERE key = ? AND passage_pk = ?", sorted(set(doomed)))
            if conn.total_changes - before != stored_rows:
                # The keys did not come out as stored (band hashing changed?):
                # fall back to a full scan of the index rather than leave orphans.
                conn.execute(
                    "DELETE FROM lsh_band WHERE passage_pk IN (SELECT pk FROM passage WHERE thesis_pk = ?)",
                    (thesis_pk,),
                )
            sqlite_search.delete(conn, thesis_pk)
            sqlite_harvest.tombstone(conn, thesis_pk, datetime.now(timezone.utc))
            # document, passage, vector and report rows go by ON DELETE CASCADE.
            # Later versions keep their `supersedes` id and family: the chain stays readable.
            conn.execute("DELETE FROM thesis WHERE pk = ?", (thesis_pk,))
        self._vectors.own_writes += 1

    def _successor_family(self, conn: sqlite3.Connection, supersedes: str) -> str:
        """Inside the write transaction: the family a new version of ``supersedes`` joins."""
        row = conn.execute("SELECT family FROM thesis WHERE id = ?", (supersedes,)).fetchone()
        if row is None:
            raise NotFound(f"no thesis {supersedes} to supersede")
        later = conn.execute("SELECT id FROM thesis WHERE supersedes = ?", (supersedes,)).fetchone()
        if later is not None:
            raise VersionConflict(f"thesis {supersedes} is superseded already by {later[0]}; supersede that one")
        return row[0]

    # -- versions -------------------------------------------------------------

    def versions(self, thesis_id: str) -> list[ThesisRecord]:
        """Every version of the thesis, oldest first (deleted ones are gone); NotFound."""
        rows = self._conn.execute(
            f"SELECT {THESIS_COLUMNS} FROM thesis t WHERE t.family ="
            " (SELECT family FROM thesis WHERE id = ?) ORDER BY t.created_at, t.pk",
            (thesis_id,),
        ).fetchall()
        if not rows:
            raise NotFound(f"no thesis {thesis_id}")
        return [record_from_row(row) for row in rows]

    def version_family(self, thesis_id: str) -> set[str]:
        """Ids of every version of the thesis, itself included; NotFound."""
        return {r.id for r in self.versions(thesis_id)}

    # -- public search ------------------------------------------------------------

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
        with self._read() as conn:
            return sqlite_search.search(
                conn,
                query,
                filters=filters or SearchFilters(),
                sort=sort,
                page=page,
                per_page=per_page,
                today=today or datetime.now(timezone.utc).date(),
            )

    def _find(self, conn: sqlite3.Connection, where: str, value: str) -> ThesisRecord | None:
        row = conn.execute(f"SELECT {THESIS_COLUMNS} FROM thesis t WHERE {where}", (value,)).fetchone()
        return None if row is None else record_from_row(row)

    # -- candidates -------------------------------------------------------------

    def candidates(
        self, fingerprints: Fingerprints, *, limit: int = 50, exclude: Set[str] = frozenset()
    ) -> list[Candidate]:
        active = self.active_params
        if active is None:
            return []
        if fingerprints.params.key() != active.key():
            if self.count() == 0:
                return []
            raise ParamsMismatch(active.key(), fingerprints.params.key())
        query: dict[int, list[int]] = defaultdict(list)  # band key -> query passage indexes
        for passage_index, key in fingerprints.band_keys():
            query[stored_band_key(key)].append(passage_index)
        if not query or limit <= 0:
            return []
        pairs: dict[int, set[tuple[int, int]]] = defaultdict(set)  # thesis pk -> pairs
        with self._read() as conn:
            excluded = self._pks(conn, exclude)
            keys = sorted(query)
            for i in range(0, len(keys), _MAX_PARAMS):
                batch = keys[i : i + _MAX_PARAMS]
                rows = conn.execute(
                    "SELECT b.key, p.thesis_pk, p.idx FROM lsh_band b JOIN passage p ON p.pk = b.passage_pk"
                    f" WHERE b.key IN ({','.join('?' * len(batch))})",
                    batch,
                )
                for key, thesis_pk, stored_index in rows:
                    if thesis_pk in excluded:
                        continue
                    found = pairs[thesis_pk]
                    for query_index in query[key]:
                        found.add((query_index, stored_index))
            ids = self._ids(conn, pairs)
        ranked = sorted(pairs.items(), key=lambda item: (-len(item[1]), ids[item[0]]))
        return [
            Candidate(thesis_id=ids[pk], hits=len(found), passages=sorted(found))
            for pk, found in ranked[:limit]
        ]

    def vector_models(self) -> list[EmbeddingModelInfo]:
        """The embedding models that stored vectors were made with."""
        rows = self._conn.execute(
            "SELECT json FROM embedding_model m WHERE EXISTS"
            " (SELECT 1 FROM passage_vector v WHERE v.model_key = m.key)"
        ).fetchall()
        return [EmbeddingModelInfo.model_validate_json(r[0]) for r in rows]

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
        """``(query index, thesis id, stored passage index, cosine)`` of the ``k`` nearest
        stored passages per query vector, made by the same ``model``, scoring at least
        ``min_score``, in one of ``languages`` when given. Vectors of other models are
        never compared."""
        with self._read() as conn:
            matrix = self._vectors.matrix(conn, model.key(), model.dim)
            excluded = self._pks(conn, exclude)
            hits: list[VectorHit] = search(
                matrix, queries, k=k, min_score=min_score, excluded_pks=excluded,
                languages=set(languages) if languages is not None else None,
            )
            ids = self._ids(conn, {h.thesis_pk for h in hits})
        return [(h.query_index, ids[h.thesis_pk], h.passage_index, h.score) for h in hits]

    def _pks(self, conn: sqlite3.Connection, thesis_ids: Set[str]) -> set[int]:
        out: set[int] = set()
        ids = list(thesis_ids)
        for i in range(0, len(ids), _MAX_PARAMS):
            batch = ids[i : i + _MAX_PARAMS]
            out.update(
                pk
                for (pk,) in conn.execute(
                    f"SELECT pk FROM thesis WHERE id IN ({','.join('?' * len(batch))})", batch
                )
            )
        return out

    def _ids(self, conn: sqlite3.Connection, thesis_pks: Any) -> dict[int, str]:
        out: dict[int, str] = {}
        pks = list(thesis_pks)
        for i in range(0, len(pks), _MAX_PARAMS):
            batch = pks[i : i + _MAX_PARAMS]
            out.update(
                conn.execute(f"SELECT pk, id FROM thesis WHERE pk IN ({','.join('?' * len(batch))})", batch)
            )
        return out

    # -- harvesting (OAI-PMH; rules in repository.harvest) --------------------------

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
        with self._read() as conn:
            return sqlite_harvest.harvest(
                conn, from_=from_, until=until, institutions=institutions, after=after, limit=limit, today=today
            )

    def harvest_count(
        self, *, from_: datetime | None, until: datetime | None, institutions: Collection[str] | None, today: date
    ) -> int:
        with self._read() as conn:
            return sqlite_harvest.count(conn, from_=from_, until=until, institutions=institutions, today=today)

    def harvest_item(self, thesis_id: str, *, today: date) -> HarvestItem | None:
        with self._read() as conn:
            return sqlite_harvest.item(conn, thesis_id, today=today)

    def institutions(self) -> list[str]:
        return sqlite_harvest.institutions(self._conn)

    def earliest_datestamp(self) -> datetime | None:
        with self._read() as conn:
            return sqlite_harvest.earliest(conn)

    # -- reports ----------------------------------------------------------------

    def save_report(self, payload_json: str, *, kind: str, thesis_id: str | None) -> StoredReport:
        json.loads(payload_json)  # refuse what is not JSON (raises ValueError)
        report = StoredReport(
            id=new_id(),
            thesis_id=thesis_id,
            created_at=datetime.now(timezone.utc),
            kind=kind,
            payload_json=payload_json,
        )
        with self._write() as conn:
            thesis_pk = None
            if thesis_id is not None:
                found = self._pks(conn, {thesis_id})
                if not found:
                    raise NotFound(f"no thesis {thesis_id}")
                thesis_pk = found.pop()
            conn.execute(
                "INSERT INTO report(id, thesis_pk, created_at, kind, payload_json) VALUES (?, ?, ?, ?, ?)",
                (report.id, thesis_pk, iso(report.created_at), kind, payload_json),
            )
        return report

    def get_report(self, report_id: str) -> StoredReport:
        row = self._conn.execute(
            "SELECT r.id, t.id, r.created_at, r.kind, r.payload_json"
            " FROM report r LEFT JOIN thesis t ON t.pk = r.thesis_pk WHERE r.id = ?",
            (report_id,),
        ).fetchone()
        if row is None:
            raise NotFound(f"no report {report_id}")
        return StoredReport(
            id=row[0], thesis_id=row[1], created_at=datetime.fromisoformat(row[2]), kind=row[3], payload_json=row[4]
        )

    # -- housekeeping -------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        with self._read() as conn:
            theses, passages, band_rows = conn.execute(
                "SELECT count(*), coalesce(sum(passages), 0), coalesce(sum(band_rows), 0) FROM thesis"
            ).fetchone()
            page_size = conn.execute("PRAGMA page_size").fetchone()[0]
            page_count = conn.execute("PRAGMA page_count").fetchone()[0]
            vectors = conn.execute("SELECT count(*) FROM passage_vector").fetchone()[0]
        active = self.active_params
        wal = self.db_path.with_name(self.db_path.name + "-wal")
        return {
            "theses": theses,
            "passages": passages,
            "band_rows": band_rows,
            "vectors": vectors,
            "db_size_bytes": page_size * page_count,
            "wal_size_bytes": wal.stat().st_size if wal.exists() else 0,
            "schema_version": SCHEMA_VERSION,
            "active_params_key": None if active is None else active.key(),
        }


def _vector_rows(document: Document, vectors: PassageVectors | None) -> list[tuple[int, float, bytes]]:
    """``(passage index, scale, int8 blob)`` per vector, checked against the document."""
    if vectors is None:
        return []
    known = {p.index for p in document.passages}
    unknown = set(vectors.passage_indexes) - known
    if unknown:
        raise ValueError(f"vectors given for passages the document does not have: {sorted(unknown)[:5]}")
    q, scale = quantize(vectors.vectors)
    return [(i, float(s), row.tobytes()) for i, s, row in zip(vectors.passage_indexes, scale, q)]
