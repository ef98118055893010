"""Formatting marks seen by extractors (hidden, white, tiny, spaced text) turned into evasion flags.

Such text is kept in the extracted text, exactly as a reader of the file's
source would get it; its spans are flagged so a report can show them.
"""

from __future__ import annotations

from collections import defaultdict

from ingest.document import EvasionFlag, Span

DETAILS = {
    "hidden_text": "text formatted as hidden (not shown when the document is viewed or printed)",
    "white_text": "white or near-background text that a reader cannot see",
    "tiny_text": "text under 2 pt that a reader cannot see",
    "letter_spacing": "letters spaced apart by character spacing",
    "scrambled_order": "text drawn in an order different from the order it is read",
}
NEAR_WHITE = 0.92  # relative luminance at or above this counts as white on a white page


class Marks:
    """Collects ``(kind, start, end)`` spans while an extractor builds its text."""

    def __init__(self) -> None:
        self._spans: dict[str, list[tuple[int, int]]] = defaultdict(list)

    def add(self, kind: str, start: int, end: int) -> None:
        if end > start:
            self._spans[kind].append((start, end))

    def shifted(self, other: Marks, offset: int) -> None:
        """Add every span of ``other`` moved by ``offset``."""
        for kind, spans in other._spans.items():
            self._spans[kind].extend((s + offset, e + offset) for s, e in spans)

    def flags(self, text: str, *, min_chars: int = 1, extra: dict[str, str] | None = None) -> list[EvasionFlag]:
        """One flag per kind whose spans hold at least ``min_chars`` non-space characters."""
        out = []
        for kind, spans in sorted(self._spans.items()):
            merged = merge_spans(spans)
            chars = sum(len(text[s:e].strip()) for s, e in merged)
            if chars < min_chars:
                continue
            detail = (extra or {}).get(kind) or f"{chars} characters of {DETAILS.get(kind, kind)}"
            out.append(
                EvasionFlag(
                    kind=kind,
                    count=chars,
                    locations=[Span(start=s, end=e) for s, e in merged],
                    detail=detail,
                )
            )
        return out


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans with overlapping or touching ones merged."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def luminance(r: float, g: float, b: float) -> float:
    """Relative luminance of an sRGB colour with channels in [0, 1] (approximate, no gamma)."""
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def hex_is_white(value: str) -> bool:
    """Whether a hex colour "FFFFFF" / "#fefefe" is white or nearly so."""
    v = value.strip().lstrip("#")
    if len(v) != 6:
        return False
    try:
        r, g, b = (int(v[i : i + 2], 16) / 255 for i in (0, 2, 4))
    except ValueError:
        return False
    return luminance(r, g, b) >= NEAR_WHITE and min(r, g, b) >= 0.85
