"""The in-memory vector matrix: streamed from SQLite in batches, languages as codes."""

from __future__ import annotations

import sqlite3

import numpy as np

from repository.vectors import VectorCache, _Matrix, search
from similarity.embeddings.base import quantize

DIM = 16
LANGS = ("lv", "en", "other")


def _database(n: int, rng: np.random.Generator) -> tuple[sqlite3.Connection, np.ndarray, list[str]]:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.executescript(
        "CREATE TABLE passage (pk INTEGER PRIMARY KEY, thesis_pk INTEGER, idx INTEGER, language TEXT);"
        "CREATE TABLE passage_vector (passage_pk INTEGER, model_key TEXT, scale REAL, vec BLOB);"
    )
    vectors = rng.standard_normal((n, DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    q8, scale = quantize(vectors)
    languages = [LANGS[k % 3] if k % 7 else "lv" for k in range(n)]
    conn.executemany("INSERT INTO passage VALUES (?, ?, ?, ?)",
                     [(k + 1, k // 10, k % 10, languages[k]) for k in range(n)])
    conn.executemany("INSERT INTO passage_vector VALUES (?, 'm', ?, ?)",
                     [(k + 1, float(scale[k]), q8[k].tobytes()) for k in range(n)])
    # another model's vectors are never loaded
    conn.execute("INSERT INTO passage_vector VALUES (1, 'other-model', 1.0, ?)", (bytes(DIM),))
    return conn, vectors, languages


def test_matrix_streams_every_row_across_batches_in_order() -> None:
    rng = np.random.default_rng(7)
    n = 20_000  # more than two fetch batches
    conn, vectors, languages = _database(n, rng)
    conn.execute("BEGIN")
    m = VectorCache().matrix(conn, "m", DIM)
    conn.execute("COMMIT")
    assert m.q.shape == (n, DIM) and m.q.dtype == np.int8
    assert m.thesis_pk.tolist() == [k // 10 for k in range(n)]
    assert m.passage_index.tolist() == [k % 10 for k in range(n)]
    assert [m.language_names[c] for c in m.language.tolist()] == languages
    restored = m.q.astype(np.float32) * m.scale[:, None]
    assert np.abs(restored - vectors).max() < 0.02


def test_search_by_language_matches_brute_force() -> None:
    rng = np.random.default_rng(11)
    n = 5_000
    conn, vectors, languages = _database(n, rng)
    conn.execute("BEGIN")
    m = VectorCache().matrix(conn, "m", DIM)
    conn.execute("COMMIT")
    queries = vectors[[3, 400, 4_321]] + 0.01 * rng.standard_normal((3, DIM)).astype(np.float32)
    for wanted in ({"en"}, {"lv", "other"}, None):
        hits = search(m, queries, k=4, min_score=-1.0, excluded_pks=set(), languages=wanted, chunk_rows=1_000)
        rows = [k for k in range(n) if wanted is None or languages[k] in wanted]
        exact = queries @ (m.q[rows].astype(np.float32) * m.scale[rows, None]).T
        for qi in range(len(queries)):
            best = {rows[k] for k in np.argsort(-exact[qi])[:4]}
            got = {h.thesis_pk * 10 + h.passage_index for h in hits if h.query_index == qi}
            assert got == best


def test_matrix_of_codes_languages() -> None:
    q = np.zeros((3, DIM), np.int8)
    m = _Matrix.of(q, np.ones(3, np.float32), np.arange(3), np.zeros(3, np.int64), ["lv", "en", "lv"])
    assert m.language_mask({"lv"}).tolist() == [True, False, True]
    assert m.language_mask({"de"}).tolist() == [False, False, False]
