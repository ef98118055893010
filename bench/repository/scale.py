"""Benchmark: how the embedded repository scales (import speed, disk, memory, LSH lookup).

    nice -n 19 .venv/bin/python bench/repository/scale.py --docs 10000 --out bench/out/scale-10k

Generates ``--docs`` thesis-sized documents (15,000-35,000 words, as
bench/check_speed.py: word-by-word bigram text from ../shared/data, see
bench/corpus.py; every fifth document is English, from a bigram model of the
English LiU PhD thesis, the UDHR and the Common Voice terms), and imports them
into an EmbeddedRepository in DIR: a process pool of ``--workers`` generates,
ingests (``ingest_bytes`` of the text as a .txt file: sentences, passages,
languages) and fingerprints; this process is the one writer (``repo.add``).

Streaming and resumable: document *i* is generated from ``(seed, i)`` inside a
worker, at most ``2 * workers`` are in flight, nothing of the corpus stays in
memory, and a rerun with the same DIR continues after the last stored document.

Reported (``DIR/scale.json`` and a table): import throughput (docs/s, MB of text/s),
disk per 1,000 characters of text (text included) split by table (``dbstat``),
the importer's peak RSS and its curve (sampled every ``--sample`` documents),
and ``repo.candidates`` latency p50/p95 for the fingerprints of a 111-page
submission (../shared/data/theses/synthetic-lv/thesis.pdf) and of a few
generated submissions that are not in the repository.

With ``--es-url`` the same corpus goes into Elasticsearch instead (bench/repository/scale_es.py:
authentication from ``KRATUVE_ELASTICSEARCH__*``, indices under ``--es-prefix``), and the
cluster's store size per index and its nodes' heap replace the SQLite file measurements.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import sqlite3
import statistics
import sys
import time
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bench.corpus import SHARED, BigramModel, thesis_text, training_text  # noqa: E402
from bench.repository import scale_es  # noqa: E402

FILENAME = "scale-{:07d}.txt"
_ENGLISH_EVERY = 5

# -- corpus (runs in the workers) ------------------------------------------------------------

_models: dict[str, BigramModel] = {}


def _english_text(cache: Path) -> str:
    """English training text: the LiU thesis (extracted once, cached), UDHR, Common Voice terms."""
    if not cache.exists():
        from ingest.pipeline import ingest_file

        thesis = ingest_file(SHARED / "theses" / "liu-phd-2023" / "thesis.pdf").text
        udhr = re.sub(r"<[^>]+>", " ", (SHARED / "parallel" / "udhr" / "eng.html").read_text(encoding="utf-8"))
        voice = "\n".join(
            p.read_text(encoding="utf-8") for p in sorted((SHARED / "parallel" / "mozilla-common-voice").glob("*.en.md"))
        )
        tmp = cache.with_suffix(".tmp")
        tmp.write_text("\n".join((thesis, udhr, voice)), encoding="utf-8")
        tmp.replace(cache)
    return cache.read_text(encoding="utf-8")


def _init_worker(english_cache: str) -> None:
    _models["lv"] = BigramModel(training_text())
    _models["en"] = BigramModel(_english_text(Path(english_cache)))


def document_text(seed: int, index: int) -> str:
    """Document ``index`` of the corpus: the same text on every run (``_init_worker`` first)."""
    rng = random.Random(seed * 1_000_003 + index)
    model = _models["en" if index % _ENGLISH_EVERY == _ENGLISH_EVERY - 1 else "lv"]
    text = thesis_text(model, rng, rng.randint(15_000, 35_000))
    return f"Scale thesis {index}\n\n{text}"


def prepare(seed: int, index: int) -> tuple[int, Any, Any, int]:
    """Generate, ingest and fingerprint document ``index``: (index, Document, Fingerprints, bytes)."""
    from ingest.pipeline import IngestOptions, ingest_bytes
    from similarity.fingerprint import MinHashParams, fingerprint_document

    data = document_text(seed, index).encode("utf-8")
    document = ingest_bytes(data, FILENAME.format(index), IngestOptions(isolate=False))
    return index, document, fingerprint_document(document, MinHashParams()), len(data)


# -- measurements ----------------------------------------------------------------------------------


def rss_bytes() -> tuple[int, int]:
    """(RSS of this process, RSS of its children) now."""
    import psutil

    me = psutil.Process()
    children = 0
    for child in me.children(recursive=True):
        try:
            children += child.memory_info().rss
        except psutil.Error:
            pass
    return me.memory_info().rss, children


def disk_usage(db_path: Path, characters: int) -> dict[str, Any]:
    """Bytes on disk by table and per 1,000 characters of stored text (after a checkpoint)."""
    conn = sqlite3.connect(db_path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        free = conn.execute("PRAGMA freelist_count").fetchone()[0]
        try:
            by_table = {
                name: size for name, size in conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC")
            }
        except sqlite3.OperationalError:  # SQLite built without dbstat
            by_table = {}
    finally:
        conn.close()
    file_bytes = db_path.stat().st_size
    per_k = (lambda n: round(n * 1000 / characters, 1)) if characters else (lambda n: None)
    return {
        "file_bytes": file_bytes,
        "page_size": page_size,
        "pages": pages,
        "free_pages": free,
        "bytes_per_1000_chars": per_k(file_bytes),
        "by_table_bytes": by_table,
        "by_table_per_1000_chars": {name: per_k(size) for name, size in by_table.items() if size >= 0.001 * file_bytes},
    }


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))]


def lookup_latency(repo: Any, seed: int, runs: int, english_cache: Path) -> dict[str, Any]:
    """``repo.candidates`` p50/p95 (ms) for the 111-page submission and three generated ones."""
    from ingest.pipeline import IngestOptions, ingest_bytes, ingest_file
    from similarity.fingerprint import MinHashParams, fingerprint_document

    params = MinHashParams()
    submissions: dict[str, Any] = {}
    pdf = SHARED / "theses" / "synthetic-lv" / "thesis.pdf"
    if pdf.exists():
        submissions["synthetic-lv/thesis.pdf (111 pages)"] = fingerprint_document(ingest_file(pdf), params)
    _init_worker(str(english_cache))
    for k in (1, 2, 4):  # negative indexes are never stored; -1 is English (-1 % 5 == 4)
        index = -k
        data = document_text(seed, index).encode("utf-8")
        doc = ingest_bytes(data, f"submission{index}.txt", IngestOptions(isolate=False))
        submissions[f"generated {index} ({doc.language}, {len(doc.text):,} chars)"] = fingerprint_document(doc, params)
    out: dict[str, Any] = {}
    for name, fingerprints in submissions.items():
        t0 = time.perf_counter()
        repo.candidates(fingerprints)  # warms the page cache: timed apart ("first_ms")
        first_ms = (time.perf_counter() - t0) * 1000
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            found = repo.candidates(fingerprints)
            times.append((time.perf_counter() - t0) * 1000)
        out[name] = {
            "passages": len(fingerprints.passages),
            "band_keys": len(fingerprints.band_keys()),
            "candidates": len(found),
            "top_hits": found[0].hits if found else 0,
            "runs": runs,
            "first_ms": round(first_ms, 1),
            "p50_ms": round(percentile(times, 50), 1),
            "p95_ms": round(percentile(times, 95), 1),
        }
    return out


# -- import ------------------------------------------------------------------------------------------------


def stored_count(repo: Any) -> int:
    """How many corpus documents are stored: they are stored in index order, 0 first."""
    conn = repo._conn
    n, top = conn.execute(
        "SELECT count(*), max(original_filename) FROM thesis WHERE original_filename LIKE 'scale-%'"
    ).fetchone()
    if n and top != FILENAME.format(n - 1):
        raise SystemExit(f"{repo.db_path}: {n} corpus documents but the last is {top}; start a fresh --out")
    return int(n)


def import_corpus(args: argparse.Namespace, repo: Any, log: dict[str, Any], english_cache: Path) -> None:
    from repository.errors import DuplicateThesis
    from repository.models import ThesisMetadata

    start = scale_es.stored_count(repo) if args.es_url else stored_count(repo)
    if start >= args.docs:
        print(f"{start} documents stored already", flush=True)
        return
    print(f"importing documents {start}..{args.docs - 1} into {args.es_url or repo.path}", flush=True)
    session = {"first": start, "last": start - 1, "seconds": 0.0, "characters": 0, "text_bytes": 0}
    log["sessions"].append(session)
    window = 2 * args.workers
    t0 = time.perf_counter()
    peak = [0, 0]
    # spawn, not fork: this process has threads (SQLite, ingest) and a forked child can hang on their locks
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        args.workers, mp_context=context, initializer=_init_worker, initargs=(str(english_cache),)
    ) as pool:
        in_flight: list[Future] = []
        next_index = start
        while next_index < args.docs or in_flight:
            while next_index < args.docs and len(in_flight) < window:
                in_flight.append(pool.submit(prepare, args.seed, next_index))
                next_index += 1
            index, document, fingerprints, size = in_flight.pop(0).result()  # in order: resumable
            year = 1995 + index % 30
            try:
                repo.add(
                    ThesisMetadata(title=f"Scale thesis {index}", year=year, languages=[document.language]),
                    document,
                    fingerprints,
                    original_filename=FILENAME.format(index),
                    size_bytes=size,
                )
            except DuplicateThesis:
                pass  # stored by an earlier run that stopped before its log was written
            session["last"] = index
            session["characters"] += len(document.text)
            session["text_bytes"] += size
            del document, fingerprints
            done = index + 1 - start
            if done % args.sample == 0 or index + 1 == args.docs:
                me, children = rss_bytes()
                peak = [max(peak[0], me), max(peak[1], children)]
                elapsed = time.perf_counter() - t0
                session["seconds"] = round(elapsed, 1)
                log["rss_curve"].append(
                    {"docs": index + 1, "rss_mb": round(me / 2**20, 1), "workers_rss_mb": round(children / 2**20, 1),
                     "seconds": round(elapsed, 1)}
                )
                log["peak_rss_mb"] = max(log.get("peak_rss_mb", 0), round(peak[0] / 2**20, 1))
                log["peak_workers_rss_mb"] = max(log.get("peak_workers_rss_mb", 0), round(peak[1] / 2**20, 1))
                _save(args.out, log)
                print(
                    f"  {index + 1}/{args.docs}  {done / elapsed:.2f} docs/s"
                    f"  {session['text_bytes'] / elapsed / 1e6:.2f} MB/s  rss {me / 2**20:.0f} MB"
                    f" (workers {children / 2**20:.0f} MB)  {time.strftime('%H:%M:%S')}",
                    flush=True,
                )
    session["seconds"] = round(time.perf_counter() - t0, 1)


def _save(out: Path, log: dict[str, Any]) -> None:
    tmp = out / "scale.json.tmp"
    tmp.write_text(json.dumps(log, indent=2), encoding="utf-8")
    tmp.replace(out / "scale.json")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=0, help="corpus size to reach (a rerun continues)")
    ap.add_argument("--out", type=Path, required=True, help="repository and results directory")
    ap.add_argument("--workers", type=int, default=2, help="generating/fingerprinting processes")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=25, help="timed candidate lookups per submission")
    ap.add_argument("--sample", type=int, default=100, help="RSS and progress every N documents")
    ap.add_argument("--no-lookup", action="store_true", help="skip the candidate-lookup timing")
    ap.add_argument(
        "--disk-only", action="store_true",
        help="only measure DIR's database as it is (no import, no migration): DIR/disk-v<schema>.json",
    )
    ap.add_argument("--vacuum", action="store_true", help="VACUUM the database before measuring the disk")
    ap.add_argument("--cache-mb", type=int, default=None,
                    help="the writer's SQLite page cache (default: the repository_cache_mb setting's default)")
    ap.add_argument("--es-url", default=None, help="import into this Elasticsearch instead of DIR's SQLite file")
    ap.add_argument("--es-prefix", default="kratuve-scale", help="index prefix for --es-url (keep it apart from production)")
    args = ap.parse_args()
    if args.disk_only:
        measure_disk_only(args.out / "kratuve.sqlite3", args.vacuum)
        return
    if not SHARED.is_dir():
        raise SystemExit(f"{SHARED} is missing: this benchmark needs ../shared/data beside the repository")

    from repository.embedded import EmbeddedRepository
    from similarity.fingerprint import MinHashParams

    args.out.mkdir(parents=True, exist_ok=True)
    english_cache = args.out / "english-training.txt"
    _english_text(english_cache)
    log_path = args.out / "scale.json"
    log: dict[str, Any] = json.loads(log_path.read_text()) if log_path.exists() else {"sessions": [], "rss_curve": []}
    log.update({"seed": args.seed, "workers": args.workers, "cpu_count": os.cpu_count()})
    if args.es_url:
        log["backend"] = {"elasticsearch": args.es_url, "prefix": args.es_prefix}
        repo = scale_es.open_repository(args.es_url, args.es_prefix, MinHashParams())
    else:
        from repository.sqlite_schema import DEFAULT_CACHE_MB

        log["cache_mb"] = args.cache_mb or DEFAULT_CACHE_MB
        repo = EmbeddedRepository(args.out, params=MinHashParams(), cache_mb=log["cache_mb"])
    try:
        import_corpus(args, repo, log, english_cache)
        if args.es_url:  # text lengths as generated (the index keeps no character counts)
            docs, characters = scale_es.stored_count(repo), sum(s["characters"] for s in log["sessions"])
        else:
            docs, characters = repo._conn.execute("SELECT count(*), coalesce(sum(characters), 0) FROM thesis").fetchone()
        seconds = sum(s["seconds"] for s in log["sessions"])
        imported_chars = sum(s["characters"] for s in log["sessions"])
        imported_bytes = sum(s["text_bytes"] for s in log["sessions"])
        imported_docs = sum(s["last"] - s["first"] + 1 for s in log["sessions"])
        stats = repo.stats()
        log["result"] = {
            "docs": docs,
            "characters": characters,
            "average_characters_per_doc": round(characters / docs) if docs else 0,
            "passages": stats["passages"],
            "band_rows": stats["band_rows"],
            "schema_version": stats.get("schema_version"),
            "import_seconds": round(seconds, 1),
            "docs_per_s": round(imported_docs / seconds, 2) if seconds else None,
            "text_mb_per_s": round(imported_bytes / seconds / 1e6, 3) if seconds else None,
            "imported_characters": imported_chars,
            "load_average": os.getloadavg(),
        }
        log["disk"] = scale_es.usage(repo, characters) if args.es_url else disk_usage(repo.db_path, characters)
        if not args.no_lookup:
            log["candidates"] = lookup_latency(repo, args.seed, args.runs, english_cache)
        _save(args.out, log)
    finally:
        repo.close()
    print_table(log)


def measure_disk_only(db_path: Path, vacuum: bool) -> None:
    conn = sqlite3.connect(db_path)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        docs, characters = conn.execute("SELECT count(*), coalesce(sum(characters), 0) FROM thesis").fetchone()
        if vacuum:
            conn.execute("VACUUM")
    finally:
        conn.close()
    disk = {"schema_version": version, "docs": docs, "characters": characters, "vacuumed": vacuum,
            **disk_usage(db_path, characters)}
    out = db_path.parent / f"disk-v{version}{'-vacuumed' if vacuum else ''}.json"
    out.write_text(json.dumps(disk, indent=2), encoding="utf-8")
    print(f"schema v{version}, {docs:,} documents, {characters:,} characters: {disk['file_bytes'] / 1e6:,.1f} MB,"
          f" {disk['bytes_per_1000_chars']} B per 1,000 characters ({disk['free_pages']} free pages)")
    for name, per in disk["by_table_per_1000_chars"].items():
        print(f"  {name:<28} {per:>8} B / 1,000 chars")


def print_table(log: dict[str, Any]) -> None:
    r, d = log["result"], log["disk"]
    rows = [
        ("documents", f"{r['docs']:,} (average {r['average_characters_per_doc']:,} characters)"),
        ("passages / LSH band rows", f"{r['passages']:,} / {r['band_rows']:,}"),
        ("import", f"{r['docs_per_s']} docs/s, {r['text_mb_per_s']} MB text/s ({r['import_seconds']} s, {log['workers']} workers)"),
    ]
    if d.get("backend") == "elasticsearch":
        rows.append(("index store, primaries (with replicas)",
                     f"{d['primary_store_bytes'] / 1e6:,.1f} MB ({d['total_store_bytes'] / 1e6:,.1f} MB)"
                     f" = {d['bytes_per_1000_chars']} B per 1,000 chars"))
        rows += [(f"  {name}", f"{i['docs']:,} docs, {i['primary_bytes'] / 1e6:,.1f} MB") for name, i in d["by_index"].items()]
        rows += [(f"  node {name}", f"heap {n['heap_used_mb']} of {n['heap_max_mb']} MB, non-heap {n['non_heap_used_mb']} MB")
                 for name, n in d["nodes"].items()]
    else:
        rows.append(("database file", f"{d['file_bytes'] / 1e6:,.1f} MB = {d['bytes_per_1000_chars']} B per 1,000 chars"))
        rows += [(f"  {name}", f"{per} B / 1,000 chars") for name, per in d["by_table_per_1000_chars"].items()]
    rows.append(("peak RSS importer / workers", f"{log.get('peak_rss_mb')} MB / {log.get('peak_workers_rss_mb')} MB"))
    for name, c in log.get("candidates", {}).items():
        rows.append((f"candidates: {name}", f"p50 {c['p50_ms']} ms, p95 {c['p95_ms']} ms ({c['passages']} passages, {c['candidates']} found)"))
    width = max(len(a) for a, _ in rows)
    for a, b in rows:
        print(f"{a:<{width}}  {b}")


if __name__ == "__main__":
    main()
