"""Benchmark: exact int8 passage-vector search (repository/vectors.py) vs ANN libraries.

    nice -n 19 .venv/bin/python bench/repository/vectors.py --n 100000 --out bench/out/vectors-100k.json
    nice -n 19 .venv/bin/python bench/repository/vectors.py --n 1000000 --libs exact --queries 50

Data: ``--n`` random unit vectors of 384 dimensions (the size of multilingual-e5-small),
with ``--queries`` queries planted as near-duplicates of stored vectors (cosine ~0.9, as
a paraphrased passage) — random vectors have no cluster structure, the hardest case for
graph and IVF indexes, so recall here is a lower bound. Ground truth: exact float32
top-10. Per library: build time, query latency p50/p95 (one query per call), the cost
per query when all queries go in one batch (as the checker sends a submission's
passages: ``batch_ms_per_query``), recall@10
against the ground truth, whether the planted source comes first, and index size
(serialised) plus the RSS it added. Libraries that are not installed are skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

DIM = 384
K = 10


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def make_data(n: int, queries: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    base = np.empty((n, DIM), dtype=np.float32)
    for lo in range(0, n, 100_000):  # in chunks: float64 temporaries of 1M x 384 are 3 GB
        chunk = rng.standard_normal((min(100_000, n - lo), DIM), dtype=np.float32)
        base[lo : lo + len(chunk)] = chunk / np.linalg.norm(chunk, axis=1, keepdims=True)
    sources = rng.choice(n, size=queries, replace=False)
    noise = rng.standard_normal((queries, DIM), dtype=np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    q = base[sources] + 0.48 * noise  # cosine to the source ~0.9
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    return base, q.astype(np.float32), sources


def ground_truth(base: np.ndarray, q: np.ndarray) -> np.ndarray:
    out = np.empty((len(q), K), dtype=np.int64)
    scores = np.empty((len(q), 0), dtype=np.float32)
    best_s = np.full((len(q), 0), -np.inf, dtype=np.float32)
    best_i = np.zeros((len(q), 0), dtype=np.int64)
    for lo in range(0, len(base), 100_000):
        scores = q @ base[lo : lo + 100_000].T
        part = np.argpartition(-scores, K - 1, axis=1)[:, :K]
        best_s = np.concatenate([best_s, np.take_along_axis(scores, part, axis=1)], axis=1)
        best_i = np.concatenate([best_i, part + lo], axis=1)
        top = np.argsort(-best_s, axis=1)[:, :K]
        best_s, best_i = np.take_along_axis(best_s, top, axis=1), np.take_along_axis(best_i, top, axis=1)
    out[:] = best_i
    return out


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))]


# -- candidates: each returns (search(one query) -> ids, batch search, index bytes) ------------------------


def build_exact(base: np.ndarray, tmp: Path) -> tuple[Callable, Callable, int]:
    from repository.vectors import _Matrix, search
    from similarity.embeddings.base import quantize

    q8, scale = quantize(base)
    n = len(base)
    m = _Matrix.of(q8, scale.astype(np.float32), np.arange(n, dtype=np.int64), np.zeros(n, dtype=np.int64),
                   ["lv"] * n)

    def one(v: np.ndarray) -> list[int]:
        hits = search(m, v[None, :], k=K, min_score=-1.0, excluded_pks=set())
        return [h.thesis_pk for h in sorted(hits, key=lambda h: -h.score)]

    def batch(vs: np.ndarray) -> None:
        search(m, vs, k=K, min_score=-1.0, excluded_pks=set())

    return one, batch, q8.nbytes + scale.nbytes + 4 * n  # as stored: int8 blob + scale per passage


def build_hnswlib(base: np.ndarray, tmp: Path) -> tuple[Callable, Callable, int]:
    import hnswlib

    index = hnswlib.Index(space="ip", dim=DIM)
    index.init_index(max_elements=len(base), M=16, ef_construction=100)
    index.set_num_threads(2)
    index.add_items(base, np.arange(len(base)))
    index.set_ef(64)
    path = tmp / "hnswlib.bin"
    index.save_index(str(path))
    index.set_num_threads(1)

    def one(v: np.ndarray) -> list[int]:
        return index.knn_query(v, k=K)[0][0].tolist()

    def batch(vs: np.ndarray) -> None:
        index.knn_query(vs, k=K)

    return one, batch, path.stat().st_size


def build_usearch(base: np.ndarray, tmp: Path) -> tuple[Callable, Callable, int]:
    from usearch.index import Index

    index = Index(ndim=DIM, metric="cos", dtype="i8", connectivity=16, expansion_add=100, expansion_search=64)
    index.add(np.arange(len(base)), base, threads=2)
    path = tmp / "usearch.bin"
    index.save(str(path))

    def one(v: np.ndarray) -> list[int]:
        return index.search(v, K, threads=1).keys.tolist()

    def batch(vs: np.ndarray) -> None:
        index.search(vs, K, threads=2)

    return one, batch, path.stat().st_size


def build_faiss_ivf(base: np.ndarray, tmp: Path) -> tuple[Callable, Callable, int]:
    import faiss

    faiss.omp_set_num_threads(2)
    nlist = int(4 * np.sqrt(len(base)))
    quantizer = faiss.IndexFlatIP(DIM)
    index = faiss.IndexIVFScalarQuantizer(quantizer, DIM, nlist, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
    index.train(base[: min(len(base), 50 * nlist)])
    index.add(base)
    index.nprobe = max(8, nlist // 32)
    path = tmp / "faiss.ivf"
    faiss.write_index(index, str(path))

    def one(v: np.ndarray) -> list[int]:
        faiss.omp_set_num_threads(1)
        return index.search(v[None, :], K)[1][0].tolist()

    def batch(vs: np.ndarray) -> None:
        faiss.omp_set_num_threads(2)
        index.search(vs, K)

    return one, batch, path.stat().st_size


def build_sqlite_vec(base: np.ndarray, tmp: Path) -> tuple[Callable, Callable, int]:
    import sqlite3

    import sqlite_vec

    path = tmp / "vec.sqlite"
    conn = sqlite3.connect(path)
    conn.enable_load_extension(True)
    sqlite_vec.load(conn)
    conn.execute(f"CREATE VIRTUAL TABLE v USING vec0(embedding int8[{DIM}])")
    q8 = np.clip(np.round(base * 127 / np.abs(base).max(axis=1, keepdims=True)), -127, 127).astype(np.int8)
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO v(rowid, embedding) VALUES (?, vec_int8(?))", ((i, q8[i].tobytes()) for i in range(len(base)))
    )
    conn.execute("COMMIT")

    def one(v: np.ndarray) -> list[int]:
        qv = np.clip(np.round(v * 127 / np.abs(v).max()), -127, 127).astype(np.int8)
        rows = conn.execute(
            "SELECT rowid FROM v WHERE embedding MATCH vec_int8(?) AND k = ? ORDER BY distance", (qv.tobytes(), K)
        ).fetchall()
        return [r[0] for r in rows]

    def batch(vs: np.ndarray) -> None:
        for v in vs:
            one(v)

    return one, batch, path.stat().st_size


LIBS: dict[str, Callable] = {
    "exact": build_exact, "hnswlib": build_hnswlib, "usearch": build_usearch,
    "faiss-ivf-sq8": build_faiss_ivf, "sqlite-vec": build_sqlite_vec,
}


def measure(name: str, base: np.ndarray, q: np.ndarray, truth: np.ndarray, sources: np.ndarray) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        before = rss_mb()
        t0 = time.perf_counter()
        try:
            one, batch, size = LIBS[name](base, Path(tmp))
        except ImportError as exc:
            return {"skipped": f"not installed: {exc}"}
        except AttributeError as exc:  # sqlite-vec: Python's sqlite3 built without extension loading
            return {"skipped": f"cannot load: {exc}"}
        build_s = time.perf_counter() - t0
        added = rss_mb() - before
        one(q[0])  # warm
        times, recalls, firsts = [], [], []
        for i, v in enumerate(q):
            t = time.perf_counter()
            ids = one(v)
            times.append((time.perf_counter() - t) * 1000)
            recalls.append(len(set(ids) & set(truth[i].tolist())) / K)
            firsts.append(bool(ids) and ids[0] == sources[i])
        t = time.perf_counter()
        batch(q)
        batch_ms = (time.perf_counter() - t) * 1000
    return {
        "build_s": round(build_s, 1),
        "p50_ms": round(percentile(times, 50), 2),
        "p95_ms": round(percentile(times, 95), 2),
        "batch_ms_per_query": round(batch_ms / len(q), 3),
        "recall_at_10": round(float(np.mean(recalls)), 4),
        "planted_first": round(float(np.mean(firsts)), 4),
        "index_mb": round(size / 2**20, 1),
        "rss_added_mb": round(added, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--libs", default=",".join(LIBS), help=f"comma-separated, of {', '.join(LIBS)}")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    base, q, sources = make_data(args.n, args.queries, args.seed)
    truth = ground_truth(base, q)
    result: dict[str, Any] = {"n": args.n, "dim": DIM, "queries": args.queries, "cpu_count": os.cpu_count(),
                              "load_average": os.getloadavg(), "libs": {}}
    for name in args.libs.split(","):
        print(f"{name} ...", flush=True)
        result["libs"][name] = r = measure(name, base, q, truth, sources)
        print(f"  {json.dumps(r)}", flush=True)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2))
    print(f"\n{args.n:,} x {DIM}-d vectors, {args.queries} queries (k={K})")
    print(f"{'library':<14} {'build s':>8} {'p50 ms':>8} {'p95 ms':>8} {'batch ms/q':>10} {'recall@10':>9} {'planted 1st':>11} {'index MB':>8} {'+RSS MB':>8}")
    for name, r in result["libs"].items():
        if "skipped" in r:
            print(f"{name:<14} {r['skipped']}")
            continue
        print(f"{name:<14} {r['build_s']:>8} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['batch_ms_per_query']:>10} {r['recall_at_10']:>9} {r['planted_first']:>11} {r['index_mb']:>8} {r['rss_added_mb']:>8}")


if __name__ == "__main__":
    main()
