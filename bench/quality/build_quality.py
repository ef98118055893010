"""Build one PAN-format corpus with every kind of copying the checker must find.

    python bench/quality/build_quality.py --out bench/out/quality-s1 --seed 1

Text comes from ``../shared/data`` (read only) through the pools of
``build_verbatim.py`` and the parallel units of ``parallel.py``. Documents are
shorter than in the verbatim corpus (3-6 paragraphs a side) so that the
embedding path stays affordable on a CPU. Truth ``obfuscation`` values:

- ``none``: verbatim copies (as ``build_verbatim.py``), lv and en;
- ``random``: copies edited by ``obfuscate.random_obfuscation`` (rates there);
- ``translation``: the suspicious document (language A) holds the other-language
  side of parallel units whose language-B side is in the source: whole units
  at a paragraph boundary (``insertion="paragraph"``, 1-3 units) or 1-3
  sentences of a unit inside one of the writer's paragraphs (``insertion=
  "sentence"``; only units whose two sides split into the same number of
  sentences). lv->en and en->lv in equal numbers. The writer's own text comes
  from the non-parallel pools (LVTB and the study; the English thesis), and for
  half the pairs also includes parallel units of language A from other sections
  (same topic as the source, not copied);
- ``lookalike``: copies with half the Latin letters that have a Cyrillic twin
  replaced, and an invisible character inside 30 % of the words.

Negative pairs (no truth features, ``negative`` in corpus.json): the source and
the suspicious text are different parts of the same material: two stretches of
the study or of LVTB (lv), of the UDHR / Common Voice / thesis (en), and
cross-language: Latvian units against English units of other sections.
32 of them (8 lv, 8 en, 16 cross) are shuffled in with the positive pairs; 96
more (``extra_negative``, same flavours) follow them, drawn from their own
random generator, so that false detections per 100 negative pairs are
measured on 128 pairs while the first 108 pairs stay the files they were
before the extra ones were added.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import build_verbatim as bv  # noqa: E402
from obfuscate import RATES, lookalike, random_obfuscation, zero_width  # noqa: E402
from parallel import ParallelUnit, parallel_units  # noqa: E402

from similarity.pan.xmlio import PLAGIARISM, Detection  # noqa: E402

GENERATOR = "build_quality/1"
PARA_RANGE = (3, 6)
DEFAULT_COUNTS = {"none": 16, "random": 20, "translation": 30, "lookalike": 10, "negative": 32,
                  "extra_negative": 96}
NON_PARALLEL = {"lv": ("lv-lvtb", "lv-study"), "en": ("en-liu-thesis",)}


@dataclass(slots=True)
class Placed:
    """A case: its source span, the text put into the suspicious document, where."""

    insertion: str
    src_offset: int
    src_length: int
    text: str
    target: int
    this_offset: int = -1


def assemble(rng: random.Random, own: list[str], cases: list[Placed]) -> str:
    """Own paragraphs with the cases inserted (sets ``this_offset``), as in ``build_verbatim``."""
    paras: list[list[tuple[str, Placed | None]]] = [[(p, None)] for p in own]
    for case in cases:
        if case.insertion != "sentence":
            continue
        text = own[case.target]
        spans = bv.sentence_spans(text)
        if len(spans) >= 2:
            j = rng.randrange(1, len(spans))
            before, after = text[: spans[j - 1][1]], text[spans[j][0] :]
            paras[case.target] = [(before + " ", None), (case.text, case), (" " + after, None)]
        else:
            paras[case.target] = [(text + " ", None), (case.text, case)]
    blocks: list[list[tuple[str, Placed | None]]] = []
    for b in range(len(own) + 1):
        blocks += [[(c.text, c)] for c in cases if c.insertion == "paragraph" and c.target == b]
        if b < len(own):
            blocks.append(paras[b])
    out, pos = [], 0
    for k, block in enumerate(blocks):
        if k:
            out.append("\n\n")
            pos += 2
        for text, case in block:
            if case is not None:
                case.this_offset = pos
            out.append(text)
            pos += len(text)
    return "".join(out)


def _pools_of(pools: list[bv.Pool], names: tuple[str, ...]) -> list[bv.Pool]:
    return [p for p in pools if p.name in names]


def _copy_pair(rng, pools, lang, kind, vocab):
    """Source and copied cases for the verbatim / random / lookalike kinds."""
    _, src_paras = bv._draw_paragraphs(rng, pools, lang, rng.randint(*PARA_RANGE), set(), set())
    _, own = bv._draw_paragraphs(rng, pools, lang, rng.randint(*PARA_RANGE), {p.text for p in src_paras},
                                 {p.group for p in src_paras if p.group.startswith("lvtb:")})
    src_text = "\n\n".join(p.text for p in src_paras)
    n_cases = 1 if rng.random() < 0.5 else rng.randint(2, 3)
    plan = bv._plan_cases(rng, [p.text for p in src_paras], len(own), n_cases)
    cases = []
    for c in plan:
        copied = src_text[c.src_offset : c.src_offset + c.src_length]
        if kind == "random":
            copied = "\n\n".join(random_obfuscation(p, rng, vocab[lang]) for p in copied.split("\n\n"))
        elif kind == "lookalike":
            copied = zero_width(lookalike(copied, rng), rng)
        cases.append(Placed(c.insertion, c.src_offset, c.src_length, copied, c.target))
    return src_text, [p.text for p in own], cases


def _translation_pair(rng, pools, units: list[ParallelUnit], a: str):
    """Source in language b = not a; the suspicious text in a holds translations of source parts."""
    b = "en" if a == "lv" else "lv"
    groups = sorted({u.group for u in units})
    n = rng.randint(*PARA_RANGE)
    start = rng.randrange(len(units) - n + 1)
    src_units = units[start : start + n]
    src_groups = {u.group for u in src_units}
    src_text = "\n\n".join(getattr(u, b) for u in src_units)
    starts, pos = [], 0
    for u in src_units:
        starts.append(pos)
        pos += len(getattr(u, b)) + 2
    _, own_paras = bv._draw_paragraphs(rng, _pools_of(pools, NON_PARALLEL[a]), a, rng.randint(*PARA_RANGE),
                                       set(), set())
    own = [p.text for p in own_paras]
    if rng.random() < 0.5:  # same-topic text of language a that is not a translation of the source
        others = [u for u in units if u.group not in src_groups and len(getattr(u, a).split()) >= 15]
        for u in rng.sample(others, min(2, len(others))):
            own.insert(rng.randrange(len(own) + 1), getattr(u, a))
    del groups
    cases: list[Placed] = []
    blocked: set[int] = set()
    used_targets: set[tuple[str, int]] = set()
    for _ in range(1 if rng.random() < 0.5 else rng.randint(2, 3)):
        for _attempt in range(50):
            kind = rng.choice(("paragraph", "sentence"))
            if kind == "paragraph":
                run = min(rng.randint(1, 3), len(src_units))
                first = rng.randrange(len(src_units) - run + 1)
                idx = list(range(first, first + run))
                target = rng.randrange(len(own) + 1)
                if blocked.intersection(idx) or ("p", target) in used_targets:
                    continue
                words = sum(len(getattr(src_units[k], a).split()) for k in idx)
                if words < 10:
                    continue
                last = idx[-1]
                off = starts[first]
                length = starts[last] + len(getattr(src_units[last], b)) - off
                text = "\n\n".join(getattr(src_units[k], a) for k in idx)
                used_targets.add(("p", target))
            else:
                k = rng.randrange(len(src_units))
                u = src_units[k]
                sa, sb = bv.sentence_spans(getattr(u, a)), bv.sentence_spans(getattr(u, b))
                target = rng.randrange(len(own))
                if k in blocked or len(sa) != len(sb) or ("s", target) in used_targets:
                    continue
                m = min(rng.randint(1, 3), len(sa))
                i0 = rng.randrange(len(sa) - m + 1)
                text = getattr(u, a)[sa[i0][0] : sa[i0 + m - 1][1]]
                if len(text.split()) < bv.MIN_SENTENCE_CASE_WORDS:
                    continue
                off = starts[k] + sb[i0][0]
                length = sb[i0 + m - 1][1] - sb[i0][0]
                idx = [k]
                used_targets.add(("s", target))
            blocked.update(range(idx[0] - 1, idx[-1] + 2))
            cases.append(Placed(kind, off, length, text, target))
            break
    return src_text, own, cases


def _negative_pair(rng, pools, units: list[ParallelUnit], flavour: str):
    """Same-topic text that is not copied: two parts of one material, or lv vs en of other sections."""
    if flavour == "cross":
        a = rng.choice(("lv", "en"))
        b = "en" if a == "lv" else "lv"
        n = rng.randint(*PARA_RANGE)
        start = rng.randrange(len(units) - n + 1)
        src_units = units[start : start + n]
        groups = {u.group for u in src_units}
        others = [u for u in units if u.group not in groups]
        k = rng.randint(*PARA_RANGE)
        s0 = rng.randrange(len(others) - k + 1)
        own = [getattr(u, a) for u in others[s0 : s0 + k]]
        return "\n\n".join(getattr(u, b) for u in src_units), own, []
    lang = flavour
    names = {"lv": ("lv-study", "lv-lvtb"), "en": ("en-udhr", "en-common-voice", "en-liu-thesis")}[lang]
    pool = rng.choice(_pools_of(pools, names))
    n1, n2 = rng.randint(*PARA_RANGE), rng.randint(*PARA_RANGE)
    paras = pool.paragraphs
    first = rng.randrange(len(paras) - n1 - n2 - 2)
    src = paras[first : first + n1]
    gap = rng.randint(2, max(2, min(30, len(paras) - first - n1 - n2)))
    own = [p for p in paras[first + n1 + gap : first + n1 + gap + n2] if p.group not in {q.group for q in src}
           or not p.group.startswith("lvtb:")]
    if not own:
        own = paras[first + n1 + gap : first + n1 + gap + n2]
    src_text = "\n\n".join(p.text for p in src)
    # A material can repeat itself (the UDHR's "rights and freedoms set forth in this
    # Declaration", a paper title in a thesis's abstract and its list of papers): a
    # paragraph sharing a run of SHARED_RUN words with the source is copied text, not a
    # negative, so it is left out (no random draw, so the other pairs stay as they were).
    # A run with one word changed inside counts as shared (a near self-copy, "a multilayer
    # consisting of just / only 20 bilayer periods"; ground-truth correction, 6 Dec 2026).
    runs = _word_runs(src_text)
    kept = [p for p in own if not (_word_runs(p.text) & runs)]
    if not kept:  # look further on in the material, still without a random draw
        kept = [p for p in paras[first + n1 + gap + n2 :] if p not in src and not (_word_runs(p.text) & runs)][:n2]
    return src_text, [p.text for p in kept], []


SHARED_RUN = 8


NEAR_CONTEXT = 2


def _word_runs(text: str, n: int = SHARED_RUN) -> set[tuple[str | None, ...]]:
    """Keys of the runs of ``n`` words in ``text``; two texts share one when they hold a shared run.

    A shared run is a run of ``n`` identical words, or a run of ``n + 1`` words in which one
    word differs that has ``NEAR_CONTEXT`` or more identical words on each side: ``n`` words
    in order around one changed word, a near copy ("a 120 nm thick multilayer consisting of
    just 20 bilayer periods" / "a 128 nm thick multilayer consisting of only 20 bilayer
    periods"). A changed word at or next to an end is not enough: formulas such as the UDHR's
    "Everyone has the right to freedom of thought / opinion", "... freedom of opinion /
    movement and" or "the right to form / seek and to" are not copies, and such pairs stay
    negatives.
    """
    words = re.findall(r"\w+", text.casefold())
    keys: set[tuple[str | None, ...]] = {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}
    for i in range(len(words) - n):
        run = words[i : i + n + 1]
        keys.update(tuple(None if m == k else w for m, w in enumerate(run))
                    for k in range(NEAR_CONTEXT, n + 1 - NEAR_CONTEXT))
    return keys


def build(out: Path, seed: int, shared: Path, counts: dict[str, int] | None = None,
          cache: Path | None = None) -> dict:
    counts = {**DEFAULT_COUNTS, **(counts or {})}
    out, shared = out.resolve(), shared.resolve()
    if out.is_relative_to(shared.parent) or shared.is_relative_to(out):
        raise ValueError(f"refusing to write {out} inside or around the shared data {shared.parent}")
    cache = (cache or out / "cache").resolve()
    pools = bv.load_pools(shared, cache)
    units = [u for u in parallel_units(shared) if min(len(u.lv.split()), len(u.en.split())) >= 5]
    vocab = {lang: [w for p in pools if p.lang == lang for para in p.paragraphs[:200] for w in para.text.split()]
             for lang in ("lv", "en")}
    for sub in ("src", "susp", "truth"):
        shutil.rmtree(out / sub, ignore_errors=True)
        (out / sub).mkdir(parents=True)
    rng = random.Random(seed)
    plan: list[tuple[str, str]] = []
    for kind in ("none", "random", "lookalike"):
        plan += [(kind, "lv" if k % 2 == 0 else "en") for k in range(counts[kind])]
    plan += [("translation", "en" if k % 2 == 0 else "lv") for k in range(counts["translation"])]
    flavours = ["lv", "en", "cross", "cross"]
    plan += [("negative", flavours[k % 4]) for k in range(counts["negative"])]
    rng.shuffle(plan)
    # extra negatives after the shuffled plan, from their own generator: the first pairs stay
    # the same files whatever their number (corpora built before they were added compare)
    plan += [("negative", flavours[k % 4]) for k in range(counts["extra_negative"])]
    first_extra = len(plan) - counts["extra_negative"]
    pair_lines, stats = [], {"cases": {}, "pairs_by_kind": {}, "negative_pairs": 0}
    for i, (kind, lang) in enumerate(plan):
        if i == first_extra:
            rng = random.Random(f"extra-negatives-{seed}")
        susp_name = f"suspicious-document{i + 1:05d}.txt"
        src_name = f"source-document{i + 1:05d}.txt"
        if kind == "translation":
            src_text, own, cases = _translation_pair(rng, pools, units, lang)
            this_lang, src_lang = lang, "en" if lang == "lv" else "lv"
        elif kind == "negative":
            src_text, own, cases = _negative_pair(rng, pools, units, lang)
            this_lang = src_lang = lang
            stats["negative_pairs"] += 1
        else:
            src_text, own, cases = _copy_pair(rng, pools, lang, kind, vocab)
            this_lang = src_lang = lang
        susp_text = assemble(rng, own, cases)
        key = f"{kind}:{lang}"
        stats["pairs_by_kind"][key] = stats["pairs_by_kind"].get(key, 0) + 1
        truth = []
        for c in sorted(cases, key=lambda c: c.this_offset):
            assert susp_text[c.this_offset : c.this_offset + len(c.text)] == c.text
            stats["cases"][kind] = stats["cases"].get(kind, 0) + 1
            truth.append(Detection(
                susp_name, c.this_offset, len(c.text), src_name, c.src_offset, c.src_length, name=PLAGIARISM,
                attrs={"obfuscation": kind, "type": "artificial", "insertion": c.insertion,
                       "this_language": this_lang, "source_language": src_lang},
            ))
        bv.write_pair(out, susp_name, susp_text, src_name, src_text, truth)
        pair_lines.append(f"{susp_name} {src_name}\n")
    digest = bv.write_pairs_file(out, pair_lines)
    meta = {"generator": GENERATOR, "seed": seed, "pairs": len(plan), **stats, "random_rates": RATES,
            "parallel_units": len(units), "content_sha256": digest.hexdigest()}
    (out / "corpus.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return meta


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--shared", type=Path, default=bv.DEFAULT_SHARED)
    ap.add_argument("--cache", type=Path, default=None, help="extracted PDF text cache (default OUT/cache)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    meta = build(args.out, args.seed, args.shared, cache=args.cache)
    print(f"{meta['pairs']} pairs {meta['pairs_by_kind']}, cases {meta['cases']}, in {time.perf_counter() - t0:.1f} s"
          f" -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
