"""Benchmark: candidate lookup against a band table the size of 100,000 theses.

    nice -n 19 .venv/bin/python bench/repository/replicate_bands.py \\
        --source bench/out/scale-10k --factor 10 --out bench/out/bands-100k

Importing 100,000 generated theses takes more than a day on this 2-core machine, so this
measures the part of the 100,000-document target that does not need the text: the
``repo.candidates`` lookup. It copies the candidate-lookup tables of a repository built by
``bench/repository/scale.py`` (``thesis`` rows, ``passage`` rows and every ``lsh_band`` row)
``--factor`` times into a fresh embedded repository, each copy under new primary keys
(``pk * factor + copy``) and new thesis ids, and then times ``repo.candidates`` with the same
submissions as scale.py (``lookup_latency``).

What this is and is not: every band key then appears ``factor`` times as often, as it would
when ``factor`` times as many documents recombine the same pool of real sentences, so the rows
a lookup reads, joins and groups grow by ``factor`` and the B-tree is ``factor`` times larger
(~1.06 billion band rows from 10,000 theses). The copies are exact duplicates of each other, so
a submission finds each matching thesis ``factor`` times, where fresh documents would spread
those hits over different theses. No document text, search index or vectors are copied (they
are not read by the lookup); the database is not a usable repository beyond the lookup.
Import speed, disk and memory at 100,000 documents are not measured by this script.

Writes ``DIR/replica.json`` (build time, rows, file size, lookup latency).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bench.repository.scale import lookup_latency  # noqa: E402


def _thesis_copy_sql(columns: list[str]) -> str:
    renamed = {
        "pk": "t.pk * :f + r.r",
        "id": "CASE r.r WHEN 0 THEN t.id ELSE t.id || '~' || r.r END",
        "sha256": "CASE r.r WHEN 0 THEN t.sha256 ELSE t.sha256 || '~' || r.r END",
        "family": "CASE WHEN t.family IS NULL OR r.r = 0 THEN t.family ELSE t.family || '~' || r.r END",
        "supersedes": "NULL",
    }
    select = ", ".join(renamed.get(c, f"t.\"{c}\"") for c in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    return f"INSERT INTO main.thesis({names}) SELECT {select} FROM src.thesis t, reps r ORDER BY t.pk, r.r"


def build(source: Path, out: Path, factor: int) -> dict[str, Any]:
    from repository.embedded import EmbeddedRepository
    from similarity.fingerprint import MinHashParams

    src_db = source / "kratuve.sqlite3"
    if not src_db.exists():
        raise SystemExit(f"{src_db} is missing: run bench/repository/scale.py --out {source} first")
    out.mkdir(parents=True, exist_ok=True)
    if (out / "kratuve.sqlite3").exists():
        raise SystemExit(f"{out / 'kratuve.sqlite3'} exists: choose a fresh --out")
    repo = EmbeddedRepository(out, params=MinHashParams())  # the schema, at the current version
    repo.close()

    import sqlite3

    conn = sqlite3.connect(out / "kratuve.sqlite3", isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("PRAGMA cache_size=-1000000")  # 1 GB
    conn.execute("ATTACH DATABASE ? AS src", (f"file:{src_db}?mode=ro",))
    src_version = conn.execute("PRAGMA src.user_version").fetchone()[0]
    dst_version = conn.execute("PRAGMA main.user_version").fetchone()[0]
    if src_version != dst_version:
        raise SystemExit(f"source schema v{src_version}, this code v{dst_version}: migrate the source first")
    conn.execute("CREATE TEMP TABLE reps(r INTEGER PRIMARY KEY)")
    conn.executemany("INSERT INTO reps VALUES (?)", [(r,) for r in range(factor)])
    columns = [row[1] for row in conn.execute("PRAGMA src.table_info(thesis)")]
    steps = {
        "thesis": _thesis_copy_sql(columns),
        "passage": "INSERT INTO main.passage(pk, thesis_pk, idx, start, \"end\", language)"
        " SELECT p.pk * :f + r.r, p.thesis_pk * :f + r.r, p.idx, p.start, p.\"end\", p.language"
        " FROM src.passage p, reps r ORDER BY p.pk, r.r",
        # (key, passage_pk * f + r) is in primary-key order when the source is read in its own
        # order: the copy appends to the B-tree instead of sorting a billion rows.
        "lsh_band": "INSERT INTO main.lsh_band(key, passage_pk)"
        " SELECT b.key, b.passage_pk * :f + r.r FROM src.lsh_band b, reps r ORDER BY b.key, b.passage_pk, r.r",
    }
    timings: dict[str, float] = {}
    for table, sql in steps.items():
        plan = " | ".join(row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, {"f": factor}))
        print(f"{table}: {plan}", flush=True)
        t0 = time.perf_counter()
        conn.execute("BEGIN")
        conn.execute(sql, {"f": factor})
        conn.execute("COMMIT")
        timings[table] = round(time.perf_counter() - t0, 1)
        print(f"  copied in {timings[table]} s", flush=True)
    counts = {t: conn.execute(f"SELECT count(*) FROM main.{t}").fetchone()[0] for t in ("thesis", "passage")}
    counts["lsh_band"] = conn.execute("SELECT sum(band_rows) FROM main.thesis").fetchone()[0]
    conn.execute("DETACH DATABASE src")
    conn.execute("ANALYZE")
    conn.close()
    return {
        "source": str(source),
        "factor": factor,
        "rows": counts,
        "build_seconds": timings,
        "file_bytes": (out / "kratuve.sqlite3").stat().st_size,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", type=Path, required=True, help="a scale.py --out directory")
    ap.add_argument("--factor", type=int, default=10, help="copies of every row")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=25, help="timed candidate lookups per submission")
    ap.add_argument("--seed", type=int, default=1, help="scale.py's seed (the generated submissions)")
    ap.add_argument("--lookup-only", action="store_true", help="time the lookups of an existing --out")
    args = ap.parse_args()
    if args.factor < 1:
        raise SystemExit("--factor must be at least 1")

    from repository.embedded import EmbeddedRepository
    from similarity.fingerprint import MinHashParams

    result_path = args.out / "replica.json"
    result: dict[str, Any] = json.loads(result_path.read_text()) if args.lookup_only else build(
        args.source, args.out, args.factor
    )
    if not args.lookup_only:
        result_path.write_text(json.dumps(result, indent=2), encoding="utf-8")
    repo = EmbeddedRepository(args.out, params=MinHashParams())
    try:
        result["candidates"] = lookup_latency(repo, args.seed, args.runs, args.source / "english-training.txt")
    finally:
        repo.close()
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result_path.write_text(json.dumps(result, indent=2), encoding="utf-8")
    rows = result["rows"]
    print(f"{rows['thesis']:,} theses, {rows['passage']:,} passages, {rows['lsh_band']:,} band rows,"
          f" {result['file_bytes'] / 1e9:.1f} GB")
    for name, c in result["candidates"].items():
        print(f"candidates: {name}: p50 {c['p50_ms']} ms, p95 {c['p95_ms']} ms"
              f" ({c['passages']} passages, {c['candidates']} found, top {c['top_hits']} hits)")


if __name__ == "__main__":
    main()
