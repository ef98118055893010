"""Build the quality corpora, align them and print the PAN measures per kind.

    OMP_NUM_THREADS=1 .venv/bin/python bench/quality/run.py --seed 2 [--out bench/out/quality]

1. ``build_verbatim.py`` corpus (``--verbatim-pairs``, lv+en), aligned with
   ``--mode verbatim`` (the n-gram path alone, as before this change);
2. ``build_quality.py`` corpus (verbatim, random obfuscation, lv<->en
   translation, look-alike letters + invisible characters, negative pairs),
   aligned with ``--mode`` (default ``all``: verbatim + semantic).

Both use the functions behind ``kratuve pan align`` and ``kratuve pan score``
in-process. Printed: plagdet, recall, precision, granularity per kind, false
detections per 100 negative pairs, and alignment time per pair (embedding
included; ``--vector-cache`` keeps sentence vectors between runs, so a second
run shows the time with vectors already stored, as in the repository).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import build_quality  # noqa: E402
import build_verbatim  # noqa: E402

from api.cli.pan import EmbeddingCache, align_texts, detect_config  # noqa: E402
from api.settings import Settings  # noqa: E402
from similarity.embeddings.factory import EmbeddingConfig, make_embedder  # noqa: E402
from similarity.pan import pair_filename, read_features, read_pairs, read_text, score_dirs  # noqa: E402
from similarity.pan.xmlio import PLAGIARISM, write_detections  # noqa: E402


def align_corpus(corpus: Path, det: Path, mode: str, cache: EmbeddingCache | None, settings: Settings) -> dict:
    det.mkdir(parents=True, exist_ok=True)
    pairs = read_pairs(corpus / "pairs")
    t0 = time.perf_counter()
    for susp, src in pairs:
        found = align_texts(read_text(corpus / "susp" / susp), read_text(corpus / "src" / src), susp, src,
                            settings, mode=mode, cache=cache)
        write_detections(det / pair_filename(susp, src), susp, found)
    elapsed = time.perf_counter() - t0
    return {"pairs": len(pairs), "seconds": elapsed, "ms_per_pair": 1000 * elapsed / max(len(pairs), 1)}


def false_detections(corpus: Path, det: Path) -> tuple[int, int]:
    """(negative pairs, detections in them)."""
    negatives = found = 0
    for tf in sorted((corpus / "truth").glob("*.xml")):
        if read_features(tf, names=(PLAGIARISM,)):
            continue
        negatives += 1
        df = det / tf.name
        if df.is_file():
            found += len(read_features(df))
    return negatives, found


def table(title: str, report) -> list[str]:
    lines = [title, f"{'kind':<14}{'plagdet':>9}{'recall':>9}{'precision':>11}{'granularity':>13}{'cases':>7}"]
    for name, s in [("all", report.overall)] + sorted(report.groups.items()):
        lines.append(f"{name:<14}{s.plagdet:>9.4f}{s.recall:>9.4f}{s.precision:>11.4f}{s.granularity:>13.4f}"
                     f"{s.cases:>7}")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--out", type=Path, default=HERE.parents[1] / "bench" / "out" / "quality")
    ap.add_argument("--shared", type=Path, default=build_verbatim.DEFAULT_SHARED)
    ap.add_argument("--mode", choices=("verbatim", "semantic", "all"), default="all")
    ap.add_argument("--verbatim-pairs", type=int, default=200)
    ap.add_argument("--vector-cache", type=Path, default=None,
                    help="SQLite vector cache (default: OUT/vectors.sqlite; 'none' for memory only)")
    ap.add_argument("--skip-verbatim", action="store_true")
    args = ap.parse_args(argv)
    out = args.out / f"seed{args.seed}"
    pdf_cache = args.out / "pdf-cache"
    settings = Settings()
    lines: list[str] = []
    summary: dict = {"seed": args.seed, "mode": args.mode}

    if not args.skip_verbatim:
        vc = out / "verbatim"
        build_verbatim.build(vc, args.seed, args.verbatim_pairs, args.shared, pdf_cache)
        timing = align_corpus(vc, out / "verbatim-det", "verbatim", None, settings)
        rep = score_dirs(vc / "truth", out / "verbatim-det", by="insertion")
        lines += table(f"verbatim corpus (build_verbatim.py, {timing['pairs']} pairs, --mode verbatim)", rep)
        lines.append(f"negative pairs {rep.negative_pairs}, with detections {rep.false_positive_pairs}; "
                     f"{timing['ms_per_pair']:.1f} ms per pair")
        summary["verbatim_corpus"] = {"plagdet": rep.overall.plagdet, **timing}

    qc = out / "quality"
    build_quality.build(qc, args.seed, args.shared, cache=pdf_cache)
    vector_cache = None if str(args.vector_cache) == "none" else (args.vector_cache or args.out / "vectors.sqlite")
    cache = None
    if args.mode != "verbatim":
        embedder = make_embedder(EmbeddingConfig(cache_path=vector_cache))
        cache = EmbeddingCache(embedder, detect_config(settings, args.mode))
    timing = align_corpus(qc, out / "quality-det", args.mode, cache, settings)
    rep = score_dirs(qc / "truth", out / "quality-det", by="obfuscation")
    negatives, found = false_detections(qc, out / "quality-det")
    lines += table(f"quality corpus (build_quality.py, {timing['pairs']} pairs, --mode {args.mode})", rep)
    lines.append(f"negative pairs {negatives}: {found} false detections = {100 * found / max(negatives, 1):.1f} "
                 f"per 100 negative pairs ({rep.false_positive_pairs} pairs with any)")
    stats = "" if cache is None else (f"; segments embedded {getattr(cache.embedder, 'misses', '?')}, "
                                      f"from the vector cache {getattr(cache.embedder, 'hits', '?')}")
    lines.append(f"alignment time {timing['ms_per_pair']:.0f} ms per pair (embedding included{stats})")
    summary["quality_corpus"] = {
        "overall": rep.overall.model_dump(), "groups": {k: v.model_dump() for k, v in rep.groups.items()},
        "negative_pairs": negatives, "false_detections": found, **timing,
    }
    print("\n".join(lines))
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
