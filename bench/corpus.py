"""Synthetic thesis-sized documents for benchmarks.

Real theses cannot be shipped, and recombining whole sentences would make
every generated document share sentences with hundreds of others (far more
overlap than real theses have). So the text is generated word by word from
a bigram model of real Latvian text (the LVTB treebank sentences and the
240 kB study in ../shared/data, or the demo corpus shipped with the package):
locally fluent Latvian whose 4-word shingles are as rare as in real writing.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"


def training_text() -> str:
    parts = []
    for p in (SHARED / "lvtb" / "lv_lvtb-ud-dev.text.txt", SHARED / "seeds" / "004_a5a919650eac9e68.txt"):
        if p.exists():
            parts.append(p.read_text(encoding="utf-8"))
    if not parts:  # a clone without ../shared: the demo corpus that ships with the package
        parts.append((REPO / "api" / "demo" / "data" / "lvtb-docs.lv.txt").read_text(encoding="utf-8"))
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
