"""Evasion flags: look-alike letters and invisible characters that hide copied text."""

from __future__ import annotations

import unicodedata
from collections import Counter

from ingest.document import EvasionFlag, Span
from ingest.normalize import INVISIBLE, normalize


def evasion_flags(text: str) -> list[EvasionFlag]:
    """Flags for Cyrillic/Greek look-alike letters in Latin words and for invisible characters."""
    view = normalize(text)
    flags: list[EvasionFlag] = []
    if view.lookalikes:
        spans = word_spans(text, view.lookalikes)
        flags.append(
            EvasionFlag(
                kind="lookalike_letters",
                count=len(view.lookalikes),
                locations=spans,
                detail=f"{len(view.lookalikes)} Cyrillic/Greek look-alike letters in {len(spans)} Latin-script words",
            )
        )
    if view.invisible:
        spans = word_spans(text, view.invisible)
        kinds = Counter(text[i] for i in view.invisible)
        detail = ", ".join(
            f"{n} × U+{ord(c):04X} {unicodedata.name(c, 'invisible').lower()}" for c, n in kinds.most_common()
        )
        flags.append(
            EvasionFlag(kind="invisible_characters", count=len(view.invisible), locations=spans, detail=detail)
        )
    return flags


def word_spans(text: str, positions: list[int]) -> list[Span]:
    """The words holding ``positions``, adjacent or overlapping ones merged into one span."""
    spans: list[Span] = []
    end = -1
    for pos in sorted(positions):
        if pos < end:
            continue
        start = pos
        while start > 0 and _in_word(text[start - 1]):
            start -= 1
        end = pos + 1
        while end < len(text) and _in_word(text[end]):
            end += 1
        if spans and start <= spans[-1].end:
            spans[-1] = Span(start=spans[-1].start, end=end)
        else:
            spans.append(Span(start=start, end=end))
    return spans


def _in_word(ch: str) -> bool:
    return ch.isalnum() or ch in INVISIBLE or unicodedata.combining(ch) > 0
