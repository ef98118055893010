"""Group sentences into passages of about ``target_words`` words."""

from __future__ import annotations

import re

from ingest.document import Span
from ingest.sentences import is_paragraph_break

_WORD = re.compile(r"\S+")


def make_passages(
    text: str, sentences: list[Span], target_words: int = 80, max_words: int = 160
) -> list[tuple[int, int]]:
    """Passage spans ``(start, end)``: runs of consecutive sentences, in order, not overlapping.

    A passage closes when adding the next sentence would take it further from
    ``target_words`` than stopping, when it would exceed ``max_words``, or at a
    paragraph break once it has ``target_words / 2`` words. A sentence longer
    than ``max_words`` is split at word boundaries into passages of its own. A
    short last passage is merged into the one before when they fit together.
    """
    if target_words < 1 or max_words < target_words:
        raise ValueError("need 1 <= target_words <= max_words")
    out: list[tuple[int, int]] = []
    counts: list[int] = []
    cur_start = cur_end = -1
    cur_words = 0

    def flush() -> None:
        nonlocal cur_start, cur_words
        if cur_start >= 0:
            out.append((cur_start, cur_end))
            counts.append(cur_words)
        cur_start, cur_words = -1, 0

    for s in sentences:
        words = _WORD.findall(text, s.start, s.end)
        n = len(words)
        if n > max_words:
            flush()
            for chunk, size in _chunks(text, s, max_words):
                out.append(chunk)
                counts.append(size)
            continue
        if cur_start >= 0:
            new_total = cur_words + n
            closer_now = target_words - cur_words < new_total - target_words
            at_paragraph = cur_words * 2 >= target_words and is_paragraph_break(text[cur_end : s.start])
            if new_total > max_words or (new_total > target_words and closer_now) or at_paragraph:
                flush()
        if cur_start < 0:
            cur_start = s.start
        cur_end = s.end
        cur_words += n
        if cur_words >= target_words:
            flush()
    flush()
    if len(out) >= 2 and counts[-1] * 4 < target_words and counts[-1] + counts[-2] <= max_words:
        out[-2:] = [(out[-2][0], out[-1][1])]
    return out


def _chunks(text: str, s: Span, max_words: int) -> list[tuple[tuple[int, int], int]]:
    """Split an over-long sentence into equal runs of at most ``max_words`` words."""
    bounds = [(m.start(), m.end()) for m in _WORD.finditer(text, s.start, s.end)]
    parts = -(-len(bounds) // max_words)
    size = -(-len(bounds) // parts)
    return [
        ((bounds[i][0], bounds[min(i + size, len(bounds)) - 1][1]), min(size, len(bounds) - i))
        for i in range(0, len(bounds), size)
    ]
