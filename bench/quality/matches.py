"""Every semantic match of the quality corpora with its evidence, labelled true or false.

    OMP_NUM_THREADS=1 .venv/bin/python bench/quality/matches.py bench/out/quality/seed{1,2,3,4,5}/quality --out m.jsonl

For studying which evidence separates true matches from false ones on the *tuning* seeds
(never choose a rule by looking at held-out seeds). A match is ``true`` when it overlaps a
truth case of its pair on both sides, ``negative`` when its pair is a negative pair, and
``false`` otherwise. Vectors come from the vector cache (``run.py`` fills it).

``--set NAME=VALUE`` (repeatable) changes a ``SemanticParams`` threshold, e.g. loose bars to see
the candidates that the current ones turn away. Besides the match's evidence, each line has the
number of segments it covers on each side (``susp_segments``, ``src_segments``) and the share of
the shorter side's words (4+ letters, normalised view) found in the other (``word_share``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from tune import load  # noqa: E402

from similarity.semantic import SemanticParams, align_semantic  # noqa: E402
from similarity.shingles import tokenize  # noqa: E402


def _words(text: str) -> set[str]:
    return {t for t in tokenize(text).tokens if len(t) >= 4}


def _share(a: set[str], b: set[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _segments(text, span: tuple[int, int]) -> int:
    return sum(1 for s in text.segments if span[0] <= s.start and s.end <= span[1])


def params_from(settings: list[str]) -> SemanticParams:
    """``SemanticParams`` with ``NAME=VALUE`` changes (values coerced by the field types)."""
    changes = {}
    for item in settings:
        name, sep, value = item.partition("=")
        if not sep or name not in SemanticParams.model_fields:
            raise SystemExit(f"--set wants NAME=VALUE with a SemanticParams field, not {item!r}")
        changes[name] = value
    return SemanticParams(**changes)


def _overlaps(a: tuple[int, int], b0: int, blen: int) -> bool:
    return a[0] < b0 + blen and b0 < a[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path, nargs="+")
    ap.add_argument("--vector-cache", type=Path, default=Path("bench/out/quality/vectors.sqlite"))
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="change a SemanticParams threshold (repeatable)")
    args = ap.parse_args(argv)
    params = params_from(args.set)
    written = 0
    with args.out.open("w", encoding="utf-8") as fh:
        for corpus in args.corpus:
            for susp, src, truth, verb, ea, eb in load(corpus, args.vector_cache):
                for a in align_semantic(ea, eb, params, skip_susp=[v.susp_chars for v in verb],
                                        skip_src=[v.src_chars for v in verb]):
                    hit = [t for t in truth if _overlaps(a.susp_chars, t.this_offset, t.this_length)
                           and _overlaps(a.src_chars, t.source_offset, t.source_length)]
                    label = "negative" if not truth else ("true" if hit else "false")
                    susp_text = ea.text[a.susp_chars[0]:a.susp_chars[1]]
                    src_text = eb.text[a.src_chars[0]:a.src_chars[1]]
                    written += 1
                    fh.write(json.dumps({
                        "corpus": str(corpus), "susp": susp, "src": src, "label": label,
                        "obfuscation": hit[0].attrs.get("obfuscation") if hit else None,
                        "kind": a.kind, "susp_chars": a.susp_chars, "src_chars": a.src_chars,
                        "susp_text": susp_text, "src_text": src_text,
                        "susp_segments": _segments(ea, a.susp_chars), "src_segments": _segments(eb, a.src_chars),
                        "word_share": round(_share(_words(susp_text), _words(src_text)), 4),
                        **{k: v for k, v in a.evidence.items() if k != "model"},
                    }, ensure_ascii=False) + "\n")
    print(f"{written} matches -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
