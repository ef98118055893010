"""Synthetic thesis-sized documents for benchmarks.

Real theses cannot be shipped, and recombining whole sentences would make
every generated document share sentences with hundreds of others (far more
overlap than real theses have). So the text is generated word by word from
a bigram model of real Latvian text from ../shared/data: the five seed
documents (among them a 240 kB study of higher-education digitalisation) and
the Latvian New Testament (CC0). The LVTB treebank is left out on purpose:
the synthetic thesis used as a submission is LVTB text, and a generator
trained on it would reproduce its phrases in every generated document.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"


def training_text() -> str:
    if not SHARED.is_dir():
        raise SystemExit(f"{SHARED} is missing: benchmarks need ../shared/data beside the repository")
    parts = [p.read_text(encoding="utf-8") for p in sorted((SHARED / "seeds").glob("*.txt"))]
    verses = (SHARED / "latvian-nt" / "Latvian-NT.verses.tsv").read_text(encoding="utf-8")
    parts.append("\n".join(line.split("\t", 1)[-1] for line in verses.splitlines()))
    return "\n".join(parts)


class BigramModel:
    def __init__(self, text: str) -> None:
        words = re.findall(r"\S+", text)
        nxt: dict[str, list[str]] = defaultdict(list)
        for a, b in zip(words, words[1:]):
            nxt[a].append(b)
        self.next = dict(nxt)
        self.starts = [w for w in self.next if w[:1].isupper()]

    def words(self, n: int, rng: random.Random) -> list[str]:
        out = []
        w = rng.choice(self.starts)
        nxt, starts = self.next, self.starts
        choice = rng.choice
        for _ in range(n):
            out.append(w)
            follow = nxt.get(w)
            w = choice(follow) if follow else choice(starts)
        return out


def paragraphs(model: BigramModel, words: int, rng: random.Random) -> list[str]:
    """About ``words`` words as paragraphs of 60-180 words, each ending a sentence."""
    out = []
    left = words
    while left > 0:
        n = min(left, rng.randint(60, 180))
        para = " ".join(model.words(n, rng))
        out.append(para.rstrip(",;:") + ("" if para.endswith(".") else "."))
        left -= n
    return out


def thesis_text(model: BigramModel, rng: random.Random, words: int) -> str:
    return "\n\n".join(paragraphs(model, words, rng)) + "\n"
