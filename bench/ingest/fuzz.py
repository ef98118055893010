"""Fuzzing the extractors: mutated PDF/DOCX/ODT/RTF/HTML bytes must give text or an IngestError.

    .venv/bin/python bench/ingest/fuzz.py [--examples 10000] [--timeout 20]

Hypothesis drives mutations (byte flips, cuts, insertions, duplicated runs)
of small seed files. Every input runs in the isolated child process
(``extract_isolated``, OCR off) with a time limit: anything but a result or an
:class:`IngestError` subclass is a failure, and so is an
``ExtractionTimeout`` (a hang) or an ``ExtractorCrashed`` (a crash in C code).
Counts per outcome are printed at the end.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "ingest"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--examples", type=int, default=10_000)
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds per input before it counts as a hang")
    args = ap.parse_args()

    from hypothesis import HealthCheck, given, settings
    from test_fuzz import SEEDS, mutated

    from ingest.errors import ExtractionTimeout, ExtractorCrashed, IngestError
    from ingest.extract import ExtractLimits, extract_isolated

    limits = ExtractLimits(ocr=False, timeout_s=args.timeout)
    outcomes: collections.Counter[str] = collections.Counter()
    failures: list[str] = []
    start = time.perf_counter()

    @settings(
        max_examples=args.examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(mutated())
    def run(case) -> None:
        name, data = case
        try:
            extract_isolated(data, name, limits)
            outcomes["text"] += 1
        except (ExtractionTimeout, ExtractorCrashed) as err:
            outcomes[type(err).__name__] += 1
            failures.append(f"{name}: {err.reason}")
        except IngestError as err:
            outcomes[type(err).__name__] += 1
        n = sum(outcomes.values())
        if n % 1000 == 0:
            print(f"{n} inputs, {time.perf_counter() - start:.0f} s: {dict(outcomes)}", flush=True)

    run()
    total = sum(outcomes.values())
    print(f"{total} inputs in {time.perf_counter() - start:.0f} s; seeds {sorted(SEEDS)}")
    print("outcomes:", dict(outcomes.most_common()))
    print(f"hangs/crashes: {len(failures)}")
    for f in failures[:20]:
        print("  ", f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
