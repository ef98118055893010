"""Sentence segments for semantic alignment: sentences, very short ones merged.

A "segment" is one sentence of ``ingest.sentences.split_sentences``; a sentence
shorter than ``min_words`` words (a heading, "1. pants", a list stub) joins the
next sentence of the same paragraph, or the one before when it is the last.
Offsets are ``str`` indices into the whole text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.sentences import is_paragraph_break, split_sentences

_WORD = re.compile(r"\w+")


@dataclass(slots=True)
class Segment:
    start: int
    end: int
    words: int


def segment_text(text: str, start: int = 0, end: int | None = None, *, min_words: int = 5) -> list[Segment]:
    """Segments of ``text[start:end]`` (offsets into ``text``)."""
    end = len(text) if end is None else end
    part = text[start:end]
    raw = [Segment(s.start + start, s.end + start, len(_WORD.findall(part, s.start, s.end)))
           for s in split_sentences(part)]
    raw = [s for s in raw if s.words > 0]
    out: list[Segment] = []
    pending: Segment | None = None

    def settle(seg: Segment) -> None:
        """A short segment that cannot join the next one: join the one before, or stand alone."""
        if out and not is_paragraph_break(text[out[-1].end : seg.start]):
            last = out[-1]
            out[-1] = Segment(last.start, seg.end, last.words + seg.words)
        else:
            out.append(seg)

    for s in raw:
        if pending is not None:
            if is_paragraph_break(text[pending.end : s.start]):
                settle(pending)
            else:
                s = Segment(pending.start, s.end, pending.words + s.words)
            pending = None
        if s.words < min_words:
            pending = s
        else:
            out.append(s)
    if pending is not None:
        settle(pending)
    return out
