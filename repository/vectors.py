"""Nearest stored passages by vector: an exact, chunked search over int8 vectors.

Vectors live in SQLite (``passage_vector``: int8 blob + scale per passage, tied
to an embedding model key). A reader loads the vectors of one model into memory
once and reloads only when the database changed (``PRAGMA data_version`` and
the connection's own writes). Memory stays bounded during search: the score
matrix is computed ``chunk_rows`` stored vectors at a time.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import numpy as np


@dataclass(slots=True)
class VectorHit:
    query_index: int
    thesis_pk: int
    passage_index: int
    score: float


@dataclass(slots=True)
class _Matrix:
    version: tuple[int, int]
    q: np.ndarray  # (n, dim) int8
    scale: np.ndarray  # (n,) float32
    thesis_pk: np.ndarray  # (n,) int64
    passage_index: np.ndarray  # (n,) int64
    language: np.ndarray  # (n,) int16: index into ``language_names``
    language_names: tuple[str, ...] = ()

    def language_mask(self, languages: set[str]) -> np.ndarray:
        codes = [k for k, name in enumerate(self.language_names) if name in languages]
        return np.isin(self.language, np.asarray(codes, dtype=np.int16))

    @classmethod
    def of(cls, q: np.ndarray, scale: np.ndarray, thesis_pk: np.ndarray, passage_index: np.ndarray,
           languages: list[str], version: tuple[int, int] = (0, 0)) -> _Matrix:
        """A matrix from plain arrays and one language name per row (tests and benchmarks)."""
        names = tuple(sorted(set(languages)))
        code = {name: k for k, name in enumerate(names)}
        return cls(version, q, scale, thesis_pk, passage_index,
                   np.fromiter((code[x] for x in languages), dtype=np.int16, count=len(languages)), names)


class VectorCache:
    def __init__(self) -> None:
        self._matrices: dict[str, _Matrix] = {}
        self.own_writes = 0  # bumped by the repository after each commit that touched vectors

    def matrix(self, conn: sqlite3.Connection, model_key: str, dim: int) -> _Matrix:
        version = (int(conn.execute("PRAGMA data_version").fetchone()[0]), self.own_writes)
        cached = self._matrices.get(model_key)
        if cached is not None and cached.version == version:
            return cached
        # Streamed into arrays sized up front (the caller's read transaction keeps the count
        # valid): a list of row tuples would hold several times the vectors' own size at once.
        self._matrices.pop(model_key, None)  # the old copy goes before the new one is built
        n = conn.execute("SELECT count(*) FROM passage_vector WHERE model_key = ?", (model_key,)).fetchone()[0]
        q = np.empty((n, dim), dtype=np.int8)
        scale = np.empty(n, dtype=np.float32)
        thesis_pk = np.empty(n, dtype=np.int64)
        passage_index = np.empty(n, dtype=np.int64)
        language = np.empty(n, dtype=np.int16)
        names: dict[str, int] = {}
        cursor = conn.execute(
            "SELECT p.thesis_pk, p.idx, v.scale, v.vec, p.language FROM passage_vector v JOIN passage p ON p.pk = v.passage_pk"
            " WHERE v.model_key = ? ORDER BY v.passage_pk",
            (model_key,),
        )
        at = 0
        while batch := cursor.fetchmany(8192):
            end = at + len(batch)
            if end > n:
                raise RuntimeError("passage vectors changed while they were being read")
            q[at:end] = np.frombuffer(b"".join(r[3] for r in batch), dtype=np.int8).reshape(len(batch), dim)
            scale[at:end] = [r[2] for r in batch]
            thesis_pk[at:end] = [r[0] for r in batch]
            passage_index[at:end] = [r[1] for r in batch]
            language[at:end] = [names.setdefault(r[4], len(names)) for r in batch]
            at = end
        if at != n:
            raise RuntimeError("passage vectors changed while they were being read")
        m = _Matrix(version, q, scale, thesis_pk, passage_index, language,
                    tuple(sorted(names, key=names.__getitem__)))
        self._matrices = {model_key: m}  # one model at a time is plenty
        return m


def search(
    m: _Matrix,
    queries: np.ndarray,
    *,
    k: int,
    min_score: float,
    excluded_pks: set[int],
    languages: set[str] | None = None,
    chunk_rows: int = 16384,
) -> list[VectorHit]:
    """The ``k`` best stored passages per query with cosine >= ``min_score``
    (only passages in ``languages``, when given)."""
    n = len(m.q)
    if n == 0 or len(queries) == 0 or k <= 0:
        return []
    queries = np.asarray(queries, dtype=np.float32)
    best_s = np.full((len(queries), 0), -np.inf, dtype=np.float32)
    best_i = np.zeros((len(queries), 0), dtype=np.int64)
    keep = None
    if excluded_pks:
        keep = ~np.isin(m.thesis_pk, np.fromiter(excluded_pks, dtype=np.int64))
    if languages is not None:
        in_language = m.language_mask(languages)
        keep = in_language if keep is None else keep & in_language
    # only the rows that may be returned are scored (a language with no passages costs nothing)
    rows = None if keep is None else np.flatnonzero(keep)
    total = n if rows is None else len(rows)
    for lo in range(0, total, chunk_rows):
        hi = min(lo + chunk_rows, total)
        sel = slice(lo, hi) if rows is None else rows[lo:hi]
        scores = queries @ m.q[sel].astype(np.float32).T
        scores *= m.scale[sel]
        take = min(k, hi - lo)
        part = np.argpartition(-scores, take - 1, axis=1)[:, :take]
        part_s = np.take_along_axis(scores, part, axis=1)
        best_s = np.concatenate([best_s, part_s], axis=1)
        best_i = np.concatenate([best_i, part + lo if rows is None else rows[lo:hi][part]], axis=1)
        if best_s.shape[1] > k:
            top = np.argpartition(-best_s, k - 1, axis=1)[:, :k]
            best_s = np.take_along_axis(best_s, top, axis=1)
            best_i = np.take_along_axis(best_i, top, axis=1)
    hits = []
    for qi in range(len(queries)):
        for s, i in zip(best_s[qi].tolist(), best_i[qi].tolist()):
            if s >= min_score:
                hits.append(VectorHit(qi, int(m.thesis_pk[i]), int(m.passage_index[i]), float(s)))
    return hits
