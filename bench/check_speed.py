"""Benchmark: `kratuve check` of a ~100-page PDF against 1,000 thesis-sized documents.

    .venv/bin/python bench/check_speed.py [--docs 1000] [--runs 3]

The repository is generated once into bench/out/repo-<docs> (kept between runs;
--rebuild makes it anew): thesis-sized Latvian documents (15,000-35,000 words,
bench/corpus.py) added through the real pipeline (ingest, fingerprints,
SQLite). Five of them contain passages copied from the submission's body, so
the check has real matches to find. The submission is
../shared/data/theses/synthetic-lv/thesis.pdf (111 pages, LaTeX-typeset).

Each run is a fresh `kratuve check` process (model loading and all), timed
from start to exit; the stage times inside one in-process check are printed too.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.corpus import SHARED, BigramModel, thesis_text, training_text  # noqa: E402


def build_repository(path: Path, docs: int, seed: int) -> dict:
    from api.pipeline import Checker
    from api.settings import Settings
    from repository.embedded import EmbeddedRepository
    from repository.models import ThesisMetadata

    settings = Settings(data_dir=path)
    checker = Checker(settings, EmbeddedRepository(path))
    rng = random.Random(seed)
    model = BigramModel(training_text())
    body = (SHARED / "theses" / "synthetic-lv" / "body_groundtruth.txt").read_text(encoding="utf-8")
    # the ground truth is one line per LVTB document, under "#" heading lines
    body_paragraphs = [line for line in body.splitlines() if not line.startswith("#") and len(line.split()) > 40]
    started = time.perf_counter()
    words = chars = 0
    tmp = path / "incoming"
    tmp.mkdir(parents=True, exist_ok=True)
    for i in range(docs):
        text = thesis_text(model, rng, rng.randint(15_000, 35_000))
        if i % 200 == 7:  # a source of the submission: copied paragraphs inside generated text
            paras = text.split("\n\n")
            for k in range(8):
                paras.insert(rng.randrange(len(paras)), rng.choice(body_paragraphs))
            text = "\n\n".join(paras)
        words += len(text.split())
        chars += len(text)
        f = tmp / f"bench-{i:05d}.txt"
        f.write_text(text, encoding="utf-8")
        outcome = checker.add(f, ThesisMetadata(title=f"Bench thesis {i}", year=2000 + i % 25))
        f.unlink()
        if outcome.status == "failed":
            raise SystemExit(f"{f}: {outcome.reason}")
        if (i + 1) % 100 == 0:
            rate = (i + 1) / (time.perf_counter() - started)
            print(f"  {i + 1}/{docs} documents, {rate:.1f} docs/s", flush=True)
    elapsed = time.perf_counter() - started
    stats = checker.repository.stats()
    return {"docs": docs, "words": words, "characters": chars, "seconds": round(elapsed, 1), **stats}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--submission", type=Path, default=SHARED / "theses" / "synthetic-lv" / "thesis.pdf")
    args = ap.parse_args()
    if not args.submission.exists():
        raise SystemExit(f"{args.submission} is missing (it comes from ../shared/data)")

    repo_dir = REPO / "bench" / "out" / f"repo-{args.docs}"
    marker = repo_dir / "build.json"
    if args.rebuild or not marker.exists():
        import shutil

        shutil.rmtree(repo_dir, ignore_errors=True)
        print(f"building {args.docs} documents into {repo_dir} ...", flush=True)
        built = build_repository(repo_dir, args.docs, args.seed)
        marker.write_text(json.dumps(built, indent=2))
    built = json.loads(marker.read_text())
    print("repository:", json.dumps(built))

    kratuve = Path(sys.executable).with_name("kratuve")
    walls = []
    for run in range(args.runs):
        out = repo_dir / f"report-{run}"
        t0 = time.perf_counter()
        proc = subprocess.run(
            [str(kratuve), "--data-dir", str(repo_dir), "check", str(args.submission),
             "--json", str(out) + ".json", "--html", str(out) + ".html"],
            capture_output=True, text=True, env={**os.environ},
        )
        walls.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            raise SystemExit(proc.stderr)
        print(f"run {run + 1}: {walls[-1]:.2f} s  | {proc.stdout.splitlines()[0]}")

    # stage times inside one process
    from api.pipeline import Checker
    from api.settings import Settings
    from repository.embedded import EmbeddedRepository

    checker = Checker(Settings(data_dir=repo_dir), EmbeddedRepository(repo_dir))
    report = checker.check(args.submission)
    result = {
        "similarity_index": report.similarity_index,
        "matches": len(report.matches),
        "sources": len(report.sources),
        "submission": str(args.submission.name),
        "repository_docs": built["docs"],
        "check_wall_seconds": [round(w, 2) for w in walls],
        "check_wall_median": round(sorted(walls)[len(walls) // 2], 2),
        "stages_seconds": {k: round(v, 3) for k, v in checker.last_timings.items()},
        "cpu_count": os.cpu_count(),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
