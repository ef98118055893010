"""Small real texts shipped in api/demo/data for the semantic tests (always present)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

DEMO = Path(__file__).resolve().parents[2] / "api" / "demo" / "data"


def read(name: str) -> str:
    return (DEMO / name).read_text(encoding="utf-8")


@lru_cache(maxsize=4)
def udhr_articles(lang: str) -> dict[int, str]:
    """Article number -> its text (paragraphs joined by blank lines, heading dropped)."""
    text = read(f"udhr.{lang}.txt")
    head = re.compile(r"^(\d+)\. pants$" if lang == "lv" else r"^Article (\d+)$", re.M)
    marks = list(head.finditer(text))
    out = {}
    for m, nxt in zip(marks, marks[1:] + [None]):
        body = text[m.end() : nxt.start() if nxt else len(text)].strip()
        out[int(m.group(1))] = "\n\n".join(p.strip() for p in body.split("\n\n") if p.strip())
    return out


def lvtb_paragraphs(n: int, skip: int = 0) -> list[str]:
    """``n`` LVTB document bodies of 25+ words (unrelated Latvian prose)."""
    docs = [d.split("\n", 1)[1].strip() for d in read("lvtb-docs.lv.txt").split("### ")[1:] if "\n" in d]
    return [d for d in docs if len(d.split()) >= 25][skip : skip + n]
