"""Benchmark: a full check with embeddings (fingerprints, embeddings, vector search and
alignment) of the ~100-page Latvian thesis against 1,000 thesis-sized documents.

    .venv/bin/python bench/check_semantic_speed.py [--docs 1000] [--runs 3] [--pool 600]

Starts from the repository of ``bench/check_speed.py`` (bench/out/repo-<docs>;
run that first) and copies it to bench/out/repo-<docs>-semantic, where every
stored passage gets a passage vector, as ``kratuve add`` stores with
``KRATUVE_SEMANTIC_ENABLED=true``.

What is real and what is not: embedding the ~25 million stored words for real
would take about 14 hours on this 2-core machine, so the stored vectors are
drawn from a pool of ``--pool`` real vectors (passages sampled from the stored
documents, embedded and pooled exactly as the pipeline does) with a little
noise, and quantised like the repository does. Their cosines to the
submission therefore sit in the same band as real ones, which is what decides
how many source regions the check embeds and aligns. Everything the check does
at check time is real: the submission is ingested, fingerprinted and embedded
sentence by sentence, the vector index is searched, and candidate source
regions are embedded and aligned.

Each run is a fresh ``kratuve check`` process with ``KRATUVE_SEMANTIC_ENABLED=true``
(model loading included), timed from start to exit; the stage times of one
in-process check are printed too.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.corpus import SHARED  # noqa: E402


def copy_repository(src: Path, dst: Path) -> None:
    from repository.embedded import DB_FILENAME

    dst.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(src / DB_FILENAME) as a, sqlite3.connect(dst / DB_FILENAME) as b:
        a.backup(b)


def add_pool_vectors(repo_dir: Path, pool_size: int, seed: int, noise: float) -> dict:
    """Give every stored passage a vector from a pool of real pooled passage vectors."""
    from api.pipeline import pooled_passage_vectors
    from api.settings import Settings
    from repository.embedded import DB_FILENAME, EmbeddedRepository
    from similarity.embeddings.base import quantize
    from similarity.embeddings.factory import make_embedder
    from similarity.semantic import embed_text

    settings = Settings(data_dir=repo_dir)
    embedder = make_embedder(settings.embedding)
    rng = random.Random(seed)
    repo = EmbeddedRepository(repo_dir)
    ids = [r.id for r in repo.list(limit=10**6)]
    started = time.perf_counter()
    pool, info, words = [], None, 0
    for k in range(pool_size):
        doc = repo.document(rng.choice(ids))
        passage = rng.choice(doc.passages)
        sub = doc.model_copy(update={"text": doc.text[passage.start:passage.end],
                                     "passages": [passage.model_copy(update={"start": 0, "end": passage.end - passage.start})]})
        embedded = embed_text(sub.text, embedder, settings.semantic)
        pv = pooled_passage_vectors(sub, embedded)
        if len(pv.vectors):
            pool.append(pv.vectors[0])
            info = pv.model
        words += len(sub.text.split())
    embed_seconds = time.perf_counter() - started
    repo.close()
    pool_arr = np.vstack(pool)
    nrng = np.random.default_rng(seed)
    with sqlite3.connect(repo_dir / DB_FILENAME) as conn:
        conn.execute("INSERT OR IGNORE INTO embedding_model(key, json) VALUES (?, ?)", (info.key(), info.model_dump_json()))
        pks = [row[0] for row in conn.execute("SELECT pk FROM passage ORDER BY pk")]
        for a in range(0, len(pks), 20_000):
            chunk = pks[a:a + 20_000]
            vecs = pool_arr[nrng.integers(0, len(pool_arr), len(chunk))]
            vecs = vecs + nrng.normal(0, noise, vecs.shape).astype(np.float32)
            vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
            q, scale = quantize(vecs)
            conn.executemany(
                "INSERT OR REPLACE INTO passage_vector(passage_pk, model_key, scale, vec) VALUES (?, ?, ?, ?)",
                ((pk, info.key(), float(s), row.tobytes()) for pk, s, row in zip(chunk, scale, q)),
            )
    return {"pool": len(pool), "pool_words": words, "pool_embed_seconds": round(embed_seconds, 1),
            "pool_words_per_second": round(words / embed_seconds, 1), "stored_vectors": len(pks),
            "noise": noise, "model": info.key()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pool", type=int, default=600)
    ap.add_argument("--noise", type=float, default=0.02)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--prepare-only", action="store_true", help="build the repository copy with vectors, time nothing")
    ap.add_argument("--submission", type=Path, default=SHARED / "theses" / "synthetic-lv" / "thesis.pdf")
    args = ap.parse_args()
    if not args.submission.exists():
        raise SystemExit(f"{args.submission} is missing (it comes from ../shared/data)")
    base = REPO / "bench" / "out" / f"repo-{args.docs}"
    if not (base / "build.json").exists():
        raise SystemExit(f"{base} is missing: run bench/check_speed.py --docs {args.docs} first")
    repo_dir = REPO / "bench" / "out" / f"repo-{args.docs}-semantic"
    marker = repo_dir / "vectors.json"
    if args.rebuild or not marker.exists():
        import shutil

        shutil.rmtree(repo_dir, ignore_errors=True)
        print(f"copying {base} and adding passage vectors ...", flush=True)
        copy_repository(base, repo_dir)
        marker.write_text(json.dumps(add_pool_vectors(repo_dir, args.pool, args.seed, args.noise), indent=2))
    built = json.loads((base / "build.json").read_text())
    vectors = json.loads(marker.read_text())
    print("repository:", json.dumps({k: built[k] for k in ("docs", "words", "characters")}))
    print("vectors:", json.dumps(vectors))
    if args.prepare_only:
        return

    env = {**os.environ, "KRATUVE_SEMANTIC_ENABLED": "true"}
    kratuve = Path(sys.executable).with_name("kratuve")
    walls = []
    for run in range(args.runs):
        out = repo_dir / f"report-{run}"
        t0 = time.perf_counter()
        proc = subprocess.run(
            [str(kratuve), "--data-dir", str(repo_dir), "check", str(args.submission), "--json", str(out) + ".json"],
            capture_output=True, text=True, env=env,
        )
        walls.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            raise SystemExit(proc.stderr)
        print(f"run {run + 1}: {walls[-1]:.2f} s  | {proc.stdout.splitlines()[0]}", flush=True)

    from api.pipeline import Checker
    from api.settings import Settings
    from repository.embedded import EmbeddedRepository

    os.environ["KRATUVE_SEMANTIC_ENABLED"] = "true"
    checker = Checker(Settings(data_dir=repo_dir), EmbeddedRepository(repo_dir))
    report = checker.check(args.submission)
    document_words = len(checker.ingest(args.submission).text.split())
    t = checker.last_timings
    result = {
        "similarity_index": report.similarity_index,
        "matches": len(report.matches),
        "match_kinds": sorted({m.kind for m in report.matches}),
        "submission": args.submission.name,
        "submission_words": document_words,
        "repository_docs": built["docs"],
        "check_wall_seconds": [round(w, 2) for w in walls],
        "check_wall_median": round(sorted(walls)[len(walls) // 2], 2),
        "stages_seconds": {k: round(v, 3) for k, v in t.items()},
        "submission_embedding_words_per_second": round(document_words / t["embed_submission"], 1)
        if t.get("embed_submission") else None,
        "cpu_count": os.cpu_count(),
        "load_average": os.getloadavg(),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
