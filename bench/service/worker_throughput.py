"""Benchmark: sustained checks per hour and resident memory of worker processes.

    .venv/bin/python bench/service/worker_throughput.py --repo bench/out/repo-1000 --checks 12 --processes 1
    .venv/bin/python bench/service/worker_throughput.py --repo bench/out/repo-1000 --checks 12 --processes 2

Each of ``--processes`` processes does what a worker does with a job
(``api/worker/process.py``: ingest the upload, check it against the whole
repository, store the report) for ``--checks`` submissions in a row, with one
``Checker`` kept open as a Celery worker keeps it. The repository is used as it
is (the reports are stored, as a worker stores them, and deleted again at the end).

Submissions alternate between the 111-page synthetic Latvian thesis PDF
(../shared/data/theses/synthetic-lv/thesis.pdf) and generated thesis-sized
documents (15,000-35,000 words, bench/corpus.py, as plain text, seeds that the
repository does not hold). Reported as JSON: seconds per check (p50/p95, per
kind), checks per hour in total and per process (checks over the time spent
checking, start-up excluded; the processes run at the same time), and every process's resident
memory (peak and after the last check, sampled every 0.2 s).

``--semantic`` turns on the embedding path (``KRATUVE_SEMANTIC_ENABLED``); a
check then takes minutes on a CPU (BENCHMARKS §4), so use few ``--checks``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bench.corpus import SHARED, BigramModel, thesis_text, training_text  # noqa: E402

PDF = SHARED / "theses" / "synthetic-lv" / "thesis.pdf"


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class RssSampler(threading.Thread):
    def __init__(self, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        import psutil

        self.proc = psutil.Process()
        self.interval = interval
        self.peak = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            self.stop.wait(self.interval)


def worker(index: int, repo_dir: str, checks: int, seed: int, semantic: bool, queue) -> None:
    from api.pipeline import Checker
    from api.settings import Settings
    from repository.embedded import EmbeddedRepository

    sampler = RssSampler()
    sampler.start()
    settings = Settings(data_dir=Path(repo_dir), semantic_enabled=semantic)
    repository = EmbeddedRepository(Path(repo_dir))
    checker = Checker(settings, repository)
    model = BigramModel(training_text())
    results = []
    reports = []
    with tempfile.TemporaryDirectory(prefix=f"kratuve-worker-{index}-") as tmp:
        for k in range(checks):
            if k % 2 == 0:
                path, kind = PDF, "pdf-111-pages"
            else:
                rng = random.Random(seed * 7_919 + index * 1_000 + k)
                path = Path(tmp) / f"submission-{k}.txt"
                path.write_text(thesis_text(model, rng, rng.randint(15_000, 35_000)), encoding="utf-8")
                kind = "generated-text"
            t0 = time.perf_counter()
            document = checker.ingest(path)
            report = checker.check_document(document)
            stored = repository.save_report(report.model_dump_json(), kind="check", thesis_id=None)
            seconds = time.perf_counter() - t0
            reports.append(stored.id)
            results.append({"kind": kind, "seconds": seconds, "words": len(document.text.split()),
                            "sources": len(report.sources), "index": report.similarity_index})
    rss_end = sampler.proc.memory_info().rss
    sampler.stop.set()
    sampler.join()
    repository.close()
    queue.put({"process": index, "checks": results, "reports": reports, "peak_rss_mb": round(sampler.peak / 2**20, 1),
               "end_rss_mb": round(rss_end / 2**20, 1)})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", type=Path, default=REPO / "bench" / "out" / "repo-1000",
                    help="an embedded repository (bench/check_speed.py or bench/repository/scale.py builds one)")
    ap.add_argument("--checks", type=int, default=12, help="checks per process")
    ap.add_argument("--processes", type=int, default=1)
    ap.add_argument("--seed", type=int, default=101)
    ap.add_argument("--semantic", action="store_true", help="with embeddings (KRATUVE_SEMANTIC_ENABLED)")
    ap.add_argument("--out", type=Path, default=None, help="also write the JSON here")
    args = ap.parse_args()
    if not PDF.exists():
        raise SystemExit(f"{PDF} is missing (it comes from ../shared/data)")
    if not (args.repo / "kratuve.sqlite3").exists():
        raise SystemExit(f"{args.repo} holds no repository: run bench/check_speed.py first")

    import sqlite3

    with sqlite3.connect(f"file:{args.repo / 'kratuve.sqlite3'}?mode=ro", uri=True) as conn:
        docs = conn.execute("SELECT count(*) FROM thesis").fetchone()[0]
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    t0 = time.perf_counter()
    procs = [ctx.Process(target=worker, args=(i, str(args.repo), args.checks, args.seed, args.semantic, queue))
             for i in range(args.processes)]
    for p in procs:
        p.start()
    per_process = [queue.get() for _ in procs]
    for p in procs:
        p.join()
        if p.exitcode:
            raise SystemExit(f"a worker process failed (exit {p.exitcode})")
    wall = time.perf_counter() - t0
    with sqlite3.connect(args.repo / "kratuve.sqlite3") as conn:  # leave the repository as it was
        conn.executemany("DELETE FROM report WHERE id = ?", [(r,) for p in per_process for r in p["reports"]])
    per_process.sort(key=lambda r: r["process"])
    checks = [c for r in per_process for c in r["checks"]]
    by_kind = {}
    for kind in sorted({c["kind"] for c in checks}):
        secs = [c["seconds"] for c in checks if c["kind"] == kind]
        words = [c["words"] for c in checks if c["kind"] == kind]
        by_kind[kind] = {"checks": len(secs), "p50_s": round(statistics.median(secs), 2),
                         "p95_s": round(_percentile(secs, 95), 2), "mean_words": round(statistics.mean(words))}
    busy = sum(c["seconds"] for c in checks)
    result = {
        "repository": str(args.repo), "repository_docs": docs, "processes": args.processes,
        "semantic": args.semantic, "cpu_count": os.cpu_count(), "load_average_end": os.getloadavg(),
        "checks": len(checks), "wall_s_with_start_up": round(wall, 1),
        # each process checks one submission after another: its rate is checks / time spent checking
        "checks_per_hour": round(sum(len(r["checks"]) / sum(c["seconds"] for c in r["checks"]) for r in per_process)
                                 * 3600),
        "checks_per_hour_per_process": round(statistics.mean(
            len(r["checks"]) / sum(c["seconds"] for c in r["checks"]) for r in per_process) * 3600),
        "seconds_per_check_in_process": round(busy / len(checks), 2),
        "by_kind": by_kind,
        "rss_mb": [{"process": r["process"], "peak": r["peak_rss_mb"], "after_last_check": r["end_rss_mb"]}
                   for r in per_process],
    }
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
