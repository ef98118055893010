"""Cosines of pooled passage vectors (the vectors the repository stores and searches), for
``KRATUVE_SEMANTIC_MIN_COSINE``: copied (paraphrased, translated) passages vs the best
passage of an unrelated same-topic text.

    OMP_NUM_THREADS=1 .venv/bin/python bench/embeddings/passage_cosines.py bench/out/quality/seed1/quality

Passages are runs of sentences of about ``--words`` words, pooled like
``api.pipeline.pooled_passage_vectors`` (normalised mean of sentence vectors).
For each truth case the best cosine between a submission passage overlapping it
and a source passage overlapping its source span is taken; for each negative
pair, the best cosine of any passage pair (what a vector search would return).
Vectors come from the benchmark's vector cache.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from similarity.embeddings.factory import EmbeddingConfig, make_embedder
from similarity.pan import read_features, read_pairs, read_text
from similarity.pan.xmlio import PLAGIARISM, pair_filename
from similarity.semantic import embed_text


def windows(embedded, words: int) -> list[tuple[int, int, np.ndarray]]:
    out, run, count = [], [], 0
    for k, seg in enumerate(embedded.segments):
        run.append(k)
        count += seg.words
        if count >= words:
            out.append(run)
            run, count = [], 0
    if run:
        out.append(run)
    result = []
    for r in out:
        v = embedded.vectors[r].mean(axis=0)
        result.append((embedded.segments[r[0]].start, embedded.segments[r[-1]].end, v / np.linalg.norm(v)))
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--vector-cache", type=Path, default=Path("bench/out/quality/vectors.sqlite"))
    ap.add_argument("--words", type=int, default=80)
    args = ap.parse_args(argv)
    emb = make_embedder(EmbeddingConfig(cache_path=args.vector_cache))
    pos: dict[str, list[float]] = {}
    neg: dict[str, list[float]] = {"same": [], "cross": []}
    for susp, src in read_pairs(args.corpus / "pairs"):
        a, b = read_text(args.corpus / "susp" / susp), read_text(args.corpus / "src" / src)
        ea, eb = embed_text(a, emb), embed_text(b, emb)
        wa, wb = windows(ea, args.words), windows(eb, args.words)
        if not wa or not wb:
            continue
        sims = np.array([x[2] for x in wa]) @ np.array([y[2] for y in wb]).T
        truth = read_features(args.corpus / "truth" / pair_filename(susp, src), names=(PLAGIARISM,))
        cross = ea.languages[0] != eb.languages[0]
        if not truth:
            neg["cross" if cross else "same"].append(float(sims.max()))
        for t in truth:
            ia = [k for k, w in enumerate(wa) if w[0] < t.this_offset + t.this_length and t.this_offset < w[1]]
            ib = [k for k, w in enumerate(wb) if w[0] < t.source_offset + t.source_length and t.source_offset < w[1]]
            if ia and ib:
                pos.setdefault(t.attrs.get("obfuscation", "?"), []).append(float(sims[np.ix_(ia, ib)].max()))
    qs = (0.0, 0.05, 0.1, 0.25, 0.5)
    for name, vals in sorted(pos.items()):
        print(f"copied {name:<12} n={len(vals):4d} " + " ".join(f"q{q}={np.quantile(vals, q):.3f}" for q in qs))
    for name, vals in neg.items():
        if vals:
            print(f"best unrelated {name:<5} n={len(vals):4d} " + " ".join(
                f"q{q}={np.quantile(vals, q):.3f}" for q in (0.5, 0.9, 0.99, 1.0)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
