"""Benchmark: public search latency on a large embedded repository.

    .venv/bin/python bench/repository/search_latency.py --repo bench/out/scale-10k --runs 15

Runs ``repo.search`` (what ``kratuve search``, ``GET /api/v1/search`` and the public
search page call: FTS5 over the stemmed, folded text of every open thesis, facet counts,
highlighted snippets) for a fixed set of queries. They run from very common to rare
words, Latinised and inflected Latvian, English, phrases, a facet filter, sorting by year
and a deep page. Each query is run once untimed, then ``--runs`` times; reported per query:
total hits, p50 and p95 in ms. Written to ``REPO/search-latency.json`` as well.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

# (label, query, options): words of the generated corpus (bench/corpus.py: Latvian Treebank
# and Latvian study sentences, every fifth document English from the Linköping thesis).
QUERIES: list[tuple[str, str, dict[str, Any]]] = [
    ("very common Latvian word", "gada", {}),
    ("common Latvian word, inflected", "valstij", {}),
    ("Latvian without diacritics", "petijums", {}),
    ("less common English word", "collimate", {}),
    ("two Latvian words", "izglītības sistēma", {}),
    ("quoted Latvian phrase", '"Latvijas Republikas"', {}),
    ("English words", "thin film deposition", {}),
    ("common word, filtered by year", "gada", {"filters": {"year": 2010}}),
    ("common word, newest first", "gada", {"sort": "year_desc"}),
    ("common word, page 5", "gada", {"page": 5}),
    ("no match", "qqxyzzy", {}),
]


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", type=Path, required=True, help="a repository directory (e.g. a scale.py --out)")
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()

    from repository.embedded import EmbeddedRepository
    from repository.search_models import SearchFilters

    if not (args.repo / "kratuve.sqlite3").exists():
        raise SystemExit(f"{args.repo / 'kratuve.sqlite3'} is missing")
    repo = EmbeddedRepository(args.repo)
    out: dict[str, Any] = {"repository": str(args.repo), "theses": repo.count(), "runs": args.runs, "queries": []}
    try:
        for label, query, options in QUERIES:
            kwargs = dict(options)
            if "filters" in kwargs:
                kwargs["filters"] = SearchFilters(**kwargs["filters"])
            first = time.perf_counter()
            result = repo.search(query, **kwargs)
            first_ms = (time.perf_counter() - first) * 1000
            times = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                repo.search(query, **kwargs)
                times.append((time.perf_counter() - t0) * 1000)
            row = {
                "label": label, "query": query, "options": options, "total": result.total,
                "hits_on_page": len(result.hits), "first_ms": round(first_ms, 1),
                "p50_ms": round(statistics.median(times), 1), "p95_ms": round(percentile(times, 95), 1),
            }
            out["queries"].append(row)
            print(f"{label:<34} {query!r:<26} {result.total:>6} hits  p50 {row['p50_ms']:>7} ms"
                  f"  p95 {row['p95_ms']:>7} ms  (first {row['first_ms']} ms)", flush=True)
    finally:
        repo.close()
    (args.repo / "search-latency.json").write_text(json.dumps(out, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
