"""Text-PDF extraction speed (pages per second), median of several runs.

    .venv/bin/python bench/ingest/extract_speed.py [--runs 3] [--isolated] [PDF...]

Default file: ../shared/data/theses/liu-phd-2023/thesis.pdf (139 pages; target
>= 30 pages/s, i.e. under 5 s). Each run extracts the whole file in this
process (``--isolated``: in the child process the pipeline uses, fork-server
start excluded by a warm-up call). The load average is printed, since the
machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
DEFAULT = REPO.parent / "shared" / "data" / "theses" / "liu-phd-2023" / "thesis.pdf"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdfs", nargs="*", type=Path, default=[DEFAULT])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--isolated", action="store_true")
    args = ap.parse_args()

    from ingest.extract import extract_bytes, extract_isolated

    run = extract_isolated if args.isolated else extract_bytes
    if args.isolated:
        run(b"warm up", "a.txt")
    for path in args.pdfs:
        data = path.read_bytes()
        times = []
        pages = 0
        for _ in range(args.runs):
            t0 = time.perf_counter()
            result = run(data, path.name)
            times.append(time.perf_counter() - t0)
            pages = len(result.pages)
        median = statistics.median(times)
        print(
            f"{path.parent.name}/{path.name}: {pages} pages, median {median:.2f} s of {args.runs} "
            f"({', '.join(f'{t:.2f}' for t in times)}) -> {pages / median:.1f} pages/s"
            f"{' (isolated)' if args.isolated else ''}; load average {os.getloadavg()[0]:.2f}"
        )


if __name__ == "__main__":
    main()
