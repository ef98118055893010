"""Split a thesis into its parts: front matter, abstracts, contents, body, bibliography, appendices.

1. Heading lines are found by their words (:mod:`ingest.structure.cues`) when
   they stand apart from running text (a blank line before, or after an
   all-capitals line) and do not look like contents entries (dot leaders,
   page numbers).
2. The table of contents starts at its heading (or at the first cluster of
   dot-leader lines) and ends with its last page of dot leaders (PDF) or its
   last entry line before running text; headings inside it are entries.
3. The body starts at the first "Introduction" / "Ievads" / chapter 1 after
   the contents; when the same heading repeats before running text starts,
   the later one is the real heading.
4. After the body starts, the first bibliography and the first appendix
   heading open those parts; abstracts and front-matter parts only count
   before it, so "Summary" at the end of a chapter stays body.

Sections cover the text from 0 to its end, in order, without overlap.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.document import Page, Passage, Section
from ingest.structure.cues import (
    WEAK_BACK_MATTER,
    MAX_HEADING_CHARS,
    HeadingKind,
    classify_heading,
    is_chapter_word,
    is_first_chapter,
    normalise_heading,
)
from ingest.structure.lines import (
    Line,
    ends_with_page_number,
    is_leader_line,
    is_page_number,
    is_prose,
    split_lines,
)

TOC_SEARCH_SHARE = 0.4  # the table of contents is looked for in this first share of the text
WEAK_SHARE = 0.5  # back-matter words that also name chapters count only after this share
TOC_CLUSTER = 3  # dot-leader lines within TOC_WINDOW lines that make a contents list
TOC_WINDOW = 12
MIN_PASSAGES = 3  # a section with fewer whole passages gets its language from a sample
SAMPLE_CHARS = 600


@dataclass(slots=True)
class _Heading:
    line: Line
    kind: HeadingKind
    language: str | None
    text: str


def find_sections(text: str, pages: Sequence[Page] = (), passages: Sequence[Passage] = ()) -> list[Section]:
    """The sections of ``text``; one body section when no structure is recognised."""
    if not text.strip():
        return []
    lines = split_lines(text)
    headings = _headings(lines)
    toc = _contents(lines, headings, pages, len(text))
    toc_end = toc[1] if toc else 0
    body = _body_start(lines, headings, toc_end)
    if body is None and toc is not None:
        body = _first_line_after(lines, toc_end, "body")
    pre = [h for h in headings if h.kind in ("front_matter", "abstract", "contents")]
    if toc is not None:
        pre = [h for h in pre if not (toc[0] < h.line.start < toc[1])]
    if body is None:
        body = _body_after_front(lines, pre)
    if body is not None:
        pre = [h for h in pre if h.line.start < body.line.start]
        starts = pre + [body] + _back_matter(headings, body.line.start, len(text))
    else:  # where the body starts is unknown: the last front part runs to the back matter
        starts = pre + _back_matter(headings, pre[-1].line.start if pre else -1, len(text))
    lead: HeadingKind = "front_matter" if pre or body is not None else "body"
    return _assemble(text, _merge(starts), passages, lead)


def _headings(lines: list[Line]) -> list[_Heading]:
    out: list[_Heading] = []
    for i, line in enumerate(lines):
        standalone = line.blank_before or (line.blank_after and line.text.isupper())
        if not standalone or len(line.text) > MAX_HEADING_CHARS or is_leader_line(line.text):
            continue
        found = classify_heading(line.text)
        if found is not None:
            kind, language = found
            heading = line.text
            if is_chapter_word(line.text) and i + 1 < len(lines) and lines[i + 1].words <= 12:
                heading = f"{line.text} {lines[i + 1].text}"
            out.append(_Heading(line, kind, language, heading))
        elif is_first_chapter(line.text):
            out.append(_Heading(line, "body", None, line.text))
    return out


def _contents(
    lines: list[Line], headings: list[_Heading], pages: Sequence[Page], length: int
) -> tuple[int, int] | None:
    """``(start, end)`` offsets of the table of contents, or None."""
    limit = length * TOC_SEARCH_SHARE
    first = next((h for h in headings if h.kind == "contents" and h.line.start < limit), None)
    if first is not None:
        start_index = first.line.index
    else:
        start_index = _leader_cluster(lines, int(limit))
        if start_index is None:
            return None
    start = lines[start_index].start
    end = _contents_end_by_lines(lines, start_index)
    if len(pages) > 1:
        end = min(end, _contents_end_by_pages(lines, start_index, pages))
    return start, max(end, lines[start_index].end)


def _leader_cluster(lines: list[Line], limit: int) -> int | None:
    leaders = [i for i, ln in enumerate(lines) if ln.start < limit and is_leader_line(ln.text) and ln.words >= 1]
    for k in range(len(leaders) - TOC_CLUSTER + 1):
        if leaders[k + TOC_CLUSTER - 1] - leaders[k] < TOC_WINDOW:
            return leaders[k]
    return None


def _contents_end_by_lines(lines: list[Line], start_index: int) -> int:
    """End of the last contents-like line before running text starts."""
    end = lines[start_index].end
    for i in range(start_index + 1, len(lines)):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if is_prose(line, nxt):
            break
        if is_leader_line(line.text) or is_page_number(line.text):
            end = line.end
        elif ends_with_page_number(line.text) and classify_heading(line.text) is None:
            end = line.end
    return end


def _contents_end_by_pages(lines: list[Line], start_index: int, pages: Sequence[Page]) -> int:
    """End of the last page of dot leaders from the contents heading's page on (PDF)."""
    page_starts = [p.start for p in pages]
    page = max(bisect.bisect_right(page_starts, lines[start_index].start) - 1, 0)
    line_starts = [ln.start for ln in lines]
    while page + 1 < len(pages):
        nxt = pages[page + 1]
        lo, hi = bisect.bisect_left(line_starts, nxt.start), bisect.bisect_left(line_starts, nxt.end)
        chunk = lines[lo:hi]
        leaders = sum(1 for ln in chunk if is_leader_line(ln.text))
        prose = sum(1 for j, ln in enumerate(chunk) if is_prose(ln, chunk[j + 1] if j + 1 < len(chunk) else None))
        if leaders < 2 or prose > leaders:
            break
        page += 1
    return pages[page].end


def _body_start(lines: list[Line], headings: list[_Heading], after: int) -> _Heading | None:
    """The first body heading after ``after``, or its repeat before running text starts."""
    first = next((h for h in headings if h.kind == "body" and h.line.start >= after), None)
    if first is None:
        return None
    key = normalise_heading(first.text)
    best = first
    for i in range(first.line.index + 1, len(lines)):
        line = lines[i]
        if is_prose(line, lines[i + 1] if i + 1 < len(lines) else None):
            break
        if line.blank_before and normalise_heading(line.text) == key and not is_leader_line(line.text):
            best = _Heading(line, "body", first.language, line.text)
    return best


def _first_line_after(lines: list[Line], offset: int, kind: HeadingKind) -> _Heading | None:
    i = bisect.bisect_left([ln.start for ln in lines], offset)
    if i >= len(lines):
        return None
    return _Heading(lines[i], kind, None, lines[i].text if lines[i].words <= 12 else "")


def _body_after_front(lines: list[Line], pre: list[_Heading]) -> _Heading | None:
    """Without contents or a body heading: the first short standalone line followed by
    running text, once the last front part has had running text of its own."""
    if not pre:
        return None
    seen_prose = False
    for i in range(pre[-1].line.index + 1, len(lines)):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if is_prose(line, nxt):
            seen_prose = True
        elif seen_prose and _looks_like_heading(line) and nxt is not None:
            if is_prose(nxt, lines[i + 2] if i + 2 < len(lines) else None):
                return _Heading(line, "body", None, line.text)
    return None


def _looks_like_heading(line: Line) -> bool:
    return (
        line.blank_before
        and line.words <= 12
        and (line.text[:1].isupper() or line.text[:1].isdigit())
        and line.text[-1] not in ".,;:"
        and not is_page_number(line.text)
    )


def _back_matter(headings: list[_Heading], body_start: int, length: int) -> list[_Heading]:
    """The first bibliography and the first appendix heading after the body starts."""
    out: list[_Heading] = []
    seen: set[str] = set()
    for h in headings:
        if h.line.start <= body_start or h.kind not in ("bibliography", "appendix") or h.kind in seen:
            continue
        if h.line.start < length * WEAK_SHARE and normalise_heading(h.text) in WEAK_BACK_MATTER:
            continue
        if h.kind == "bibliography" and "appendix" in seen:
            continue  # references inside an appendix (an included paper) stay in it
        seen.add(h.kind)
        out.append(h)
    return out


def _merge(starts: list[_Heading]) -> list[_Heading]:
    """Drop repeats (running headers): the same kind again, with the same heading for
    abstracts and front-matter parts."""
    out: list[_Heading] = []
    for h in sorted(starts, key=lambda h: h.line.start):
        if out and out[-1].kind == h.kind:
            if h.kind not in ("abstract", "front_matter"):
                continue
            if normalise_heading(out[-1].text) == normalise_heading(h.text):
                continue
        out.append(h)
    return out


def _assemble(
    text: str, starts: list[_Heading], passages: Sequence[Passage], lead: HeadingKind
) -> list[Section]:
    """Sections from their starting headings; ``lead`` is the kind of any text before the first."""
    if not starts:
        bounds: list[tuple[HeadingKind, int, str]] = [(lead, 0, "")]
    else:
        bounds = [(h.kind, h.line.start, h.text) for h in starts]
        if text[: bounds[0][1]].strip():
            bounds.insert(0, (lead, 0, ""))
        else:
            bounds[0] = (bounds[0][0], 0, bounds[0][2])
    ends = [b[1] for b in bounds[1:]] + [len(text)]
    languages = _languages(text, [(start, end, len(heading)) for (_, start, heading), end in zip(bounds, ends)], passages)
    return [
        Section(kind=kind, start=start, end=end, heading=heading, language=language)
        for (kind, start, heading), end, language in zip(bounds, ends, languages)
    ]


def _languages(text: str, spans: list[tuple[int, int, int]], passages: Sequence[Passage]) -> list[str | None]:
    """Per section: the language of most of its passages' characters; for a section holding
    fewer than ``MIN_PASSAGES`` whole passages, the language of its first ``SAMPLE_CHARS``
    characters. None without passages (language was not detected for this text)."""
    if not passages:
        return [None] * len(spans)
    ends = [p.end for p in passages]
    out: list[str | None] = []
    samples: dict[int, str] = {}
    for n, (start, end, heading) in enumerate(spans):
        chars: dict[str, int] = {}
        whole = 0
        for p in passages[bisect.bisect_right(ends, start) :]:
            if p.start >= end:
                break
            overlap = min(p.end, end) - max(p.start, start)
            chars[p.language] = chars.get(p.language, 0) + overlap
            whole += p.start >= start and p.end <= end
        if whole < MIN_PASSAGES:
            samples[n] = text[start + heading : min(end, start + heading + SAMPLE_CHARS)]
        out.append(max(chars, key=chars.__getitem__) if chars else None)
    if samples:
        from ingest.language import detect_languages

        for n, language in zip(samples, detect_languages(list(samples.values()))):
            out[n] = language
    return out
