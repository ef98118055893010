"""What every repository backend offers (embedded SQLite now, Elasticsearch later)."""

from __future__ import annotations

from collections.abc import Collection, Set
from datetime import date, datetime
from typing import Any, Protocol, runtime_checkable

from ingest.document import Document
import numpy as np

from repository.harvest import HarvestItem
from repository.models import Candidate, StoredReport, ThesisMetadata, ThesisRecord
from repository.search_models import SearchFilters, SearchResults, SearchSort
from similarity.embeddings.base import EmbeddingModelInfo, PassageVectors
from similarity.fingerprint import Fingerprints, MinHashParams


@runtime_checkable
class ThesisStore(Protocol):
    """Thesis records, their documents and similarity reports."""

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
        """Store a thesis, its document, fingerprints, passage vectors and search entry,
        all or nothing. ``supersedes``: the id of the earlier version it replaces
        (which is kept).

        Raises DuplicateThesis when ``document.sha256`` is stored already,
        ParamsMismatch when the fingerprints' parameters are not the active ones,
        NotFound when ``supersedes`` is unknown and VersionConflict when it is
        superseded already.
        """
        ...

    def versions(self, thesis_id: str) -> list[ThesisRecord]:
        """Every stored version of the thesis, oldest first; NotFound."""
        ...

    def version_family(self, thesis_id: str) -> set[str]:
        """Ids of every stored version of the thesis, itself included; NotFound."""
        ...

    def get(self, thesis_id: str) -> ThesisRecord:
        """The record, or NotFound."""
        ...

    def find_by_sha256(self, sha256: str) -> ThesisRecord | None: ...

    def document(self, thesis_id: str) -> Document:
        """The stored document, equal to the one given to ``add``; NotFound."""
        ...

    def count(self) -> int: ...

    def list(self, limit: int = 50, offset: int = 0) -> list[ThesisRecord]:
        """Newest first."""
        ...

    def delete(self, thesis_id: str) -> None:
        """Remove the thesis, its passages, index entries and reports; NotFound."""
        ...

    def save_report(self, payload_json: str, *, kind: str, thesis_id: str | None) -> StoredReport: ...

    def get_report(self, report_id: str) -> StoredReport:
        """The report, or NotFound."""
        ...

    def stats(self) -> dict[str, Any]: ...


@runtime_checkable
class CandidateIndex(Protocol):
    """Finds stored theses sharing MinHash LSH bands with a query."""

    @property
    def active_params(self) -> MinHashParams | None:
        """The parameters every stored fingerprint was made with (None before the first)."""
        ...

    def candidates(
        self, fingerprints: Fingerprints, *, limit: int = 50, exclude: Set[str] = frozenset()
    ) -> list[Candidate]:
        """Stored theses ranked by hits (desc), then id.

        Raises ParamsMismatch when ``fingerprints`` were made with other
        parameters than the stored ones; an empty repository returns [].
        """
        ...

    def vector_models(self) -> list[EmbeddingModelInfo]:
        """The embedding models of the stored passage vectors."""
        ...

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
        """``(query index, thesis id, passage index, cosine)``: the ``k`` nearest stored
        passages of the same model per query vector, at least ``min_score``, in one of
        ``languages`` when given."""
        ...


@runtime_checkable
class PublicSearch(Protocol):
    """Full-text and metadata search over the theses public on a given day."""

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
        """Latvian-aware (stemmed, diacritics-insensitive) search over the theses that
        :func:`repository.access.is_public` on ``today``, leaving out a version whose
        next version is public; facets count all results, not only the page."""
        ...


@runtime_checkable
class HarvestSource(Protocol):
    """Thesis metadata for harvesters (OAI-PMH): records and deletions by datestamp.

    The rules (what is harvestable, what a datestamp is) are in
    :mod:`repository.harvest`. ``institutions`` filters by the metadata's
    ``institution``; None means all. Times are UTC; ``from_`` and ``until``
    are inclusive.
    """

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
        """Up to ``limit`` items ordered by (datestamp, thesis id), each after ``after``
        (a previous page's last ``HarvestItem.cursor``): paging by cursor, not offset."""
        ...

    def harvest_count(
        self,
        *,
        from_: datetime | None,
        until: datetime | None,
        institutions: Collection[str] | None,
        today: date,
    ) -> int:
        """How many items ``harvest`` would return in all, pages together."""
        ...

    def harvest_item(self, thesis_id: str, *, today: date) -> HarvestItem | None:
        """The record or tombstone of one thesis; None when unknown or never harvestable."""
        ...

    def institutions(self) -> list[str]:
        """The non-empty institutions of harvestable records and tombstones, sorted."""
        ...

    def earliest_datestamp(self) -> datetime | None:
        """The earliest datestamp of any item (None when there is none)."""
        ...


@runtime_checkable
class Repository(ThesisStore, CandidateIndex, PublicSearch, Protocol):
    """A backend that is both (the embedded one is)."""
