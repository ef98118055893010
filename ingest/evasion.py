"""Evasion flags found in the text itself: tricks that hide copied text from a checker.

- ``lookalike_letters``: Cyrillic/Greek letters that look Latin inside Latin words
  (Greek letters in words of up to three characters are taken for mathematics);
- ``invisible_characters``: zero-width and other invisible characters (not the soft hyphen);
- ``soft_hyphens``: soft hyphens used to break words, not to hyphenate them: a
  few optional hyphens are normal in Word documents, so this needs many of
  them (in at least ``SOFT_HYPHEN_WORD_SHARE`` of words) or words chopped into
  pieces by three or more;
- ``unusual_spaces``: exotic space characters (en/em/hair/ideographic spaces,
  ...) standing in for ordinary spaces between words; a no-break or thin space
  counts only when most spaces in a stretch are such;
- ``spaced_letters``: letters spaced apart ("p l a ģ i ā t s"), runs of five or
  more single letters separated by spaces, when enough of them occur.

Flags from formatting (hidden, white or tiny text, image-only pages, scrambled
drawing order) come from the extractors.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from ingest.document import EvasionFlag, Span
from ingest.normalize import INVISIBLE, normalize

MATH_WORD = 3
SOFT_HYPHEN = "\u00ad"
SOFT_HYPHEN_MIN = 10
SOFT_HYPHEN_WORD_SHARE = 0.05
SOFT_HYPHEN_CHOPPED = 3  # soft hyphens in one word that chop it into pieces
EXOTIC_SPACES = "\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u200a\u205f\u3000"
COMMON_SPACES = "\u00a0\u2007\u2009\u202f"  # no-break, figure, thin, narrow no-break: normal typography
UNUSUAL_SPACE_MIN = 10
COMMON_SPACE_SHARE = 0.5  # share of a stretch's spaces that are no-break/thin spaces to count
COMMON_SPACE_WINDOW = 200  # characters
SPACED_MIN_LETTERS = 5  # a run of single letters this long...
SPACED_MIN_TOTAL = 12  # ...counts when all runs hold this many letters, or one run holds:
SPACED_LONG_RUN = 8
_WORD = re.compile(r"\w+(?:\u00ad\w+)*")
_SPACED = re.compile(r"(?<![\w])(?:[^\W\d_] ){%d,}[^\W\d_](?![\w])" % (SPACED_MIN_LETTERS - 1))
_EXOTIC = re.compile("[" + EXOTIC_SPACES + "]")
_COMMON = re.compile("[" + COMMON_SPACES + "]")


def evasion_flags(text: str) -> list[EvasionFlag]:
    """All text-level evasion flags of ``text`` (see the module docstring)."""
    view = normalize(text)
    flags: list[EvasionFlag] = []
    lookalikes = _not_math(text, view.lookalikes)
    if lookalikes:
        spans = word_spans(text, lookalikes)
        flags.append(
            EvasionFlag(
                kind="lookalike_letters",
                count=len(lookalikes),
                locations=spans,
                detail=f"{len(lookalikes)} Cyrillic/Greek look-alike letters in {len(spans)} Latin-script words",
            )
        )
    invisible = [i for i in view.invisible if text[i] != SOFT_HYPHEN]
    if invisible:
        spans = word_spans(text, invisible)
        kinds = Counter(text[i] for i in invisible)
        detail = ", ".join(
            f"{n} × U+{ord(c):04X} {unicodedata.name(c, 'invisible').lower()}" for c, n in kinds.most_common()
        )
        flags.append(EvasionFlag(kind="invisible_characters", count=len(invisible), locations=spans, detail=detail))
    flags.extend(f for f in (_soft_hyphens(text), _unusual_spaces(text), _spaced_letters(text)) if f is not None)
    return flags


def _not_math(text: str, positions: list[int]) -> list[int]:
    """Drop Greek letters in words of at most ``MATH_WORD`` characters: symbols with subscripts ("αf", "hν", "ρ").

    The matching view still folds them; only the flag leaves them out.
    """
    out = []
    for i in positions:
        if "\u0370" <= text[i] <= "\u03ff":
            s = e = i
            while s > 0 and text[s - 1].isalnum():
                s -= 1
            while e < len(text) and text[e].isalnum():
                e += 1
            if e - s <= MATH_WORD:
                continue
        out.append(i)
    return out


def _soft_hyphens(text: str) -> EvasionFlag | None:
    total = text.count(SOFT_HYPHEN)
    if not total:
        return None
    words = _WORD.findall(text)
    with_soft = [w for w in words if SOFT_HYPHEN in w]
    chopped = [w for w in with_soft if w.count(SOFT_HYPHEN) >= SOFT_HYPHEN_CHOPPED]
    many = total >= SOFT_HYPHEN_MIN and len(with_soft) >= SOFT_HYPHEN_WORD_SHARE * max(len(words), 1)
    if not many and len(chopped) < 2:
        return None
    positions = [i for i, c in enumerate(text) if c == SOFT_HYPHEN]
    spans = word_spans(text, positions)
    return EvasionFlag(
        kind="soft_hyphens",
        count=total,
        locations=spans,
        detail=f"{total} soft hyphens in {len(with_soft)} of {len(words)} words ({len(chopped)} words chopped into pieces)",
    )


def _unusual_spaces(text: str) -> EvasionFlag | None:
    positions = [m.start() for m in _EXOTIC.finditer(text)]
    common = [m.start() for m in _COMMON.finditer(text)]
    if len(common) >= UNUSUAL_SPACE_MIN:
        # No-break spaces count only where they replace most ordinary spaces.
        for i in common:
            lo, hi = max(0, i - COMMON_SPACE_WINDOW // 2), i + COMMON_SPACE_WINDOW // 2
            window = text[lo:hi]
            spaces = window.count(" ") + sum(1 for c in window if c in COMMON_SPACES)
            if spaces and sum(1 for c in window if c in COMMON_SPACES) >= COMMON_SPACE_SHARE * spaces:
                positions.append(i)
    if len(positions) < UNUSUAL_SPACE_MIN:
        return None
    positions.sort()
    kinds = Counter(text[i] for i in positions)
    detail = ", ".join(f"{n} × U+{ord(c):04X} {unicodedata.name(c, 'space').lower()}" for c, n in kinds.most_common())
    return EvasionFlag(kind="unusual_spaces", count=len(positions), locations=_runs(positions), detail=detail)


def _spaced_letters(text: str) -> EvasionFlag | None:
    runs = [m for m in _SPACED.finditer(text)]
    letters = [len(m.group(0).replace(" ", "")) for m in runs]
    if not runs or (sum(letters) < SPACED_MIN_TOTAL and max(letters) < SPACED_LONG_RUN):
        return None
    return EvasionFlag(
        kind="spaced_letters",
        count=sum(letters),
        locations=[Span(start=m.start(), end=m.end()) for m in runs],
        detail=f"{len(runs)} words written with spaces between their letters ({sum(letters)} letters)",
    )


def _runs(positions: list[int]) -> list[Span]:
    """Positions merged into spans where they are at most one word apart."""
    spans: list[Span] = []
    for p in positions:
        if spans and p - spans[-1].end <= 30:
            spans[-1] = Span(start=spans[-1].start, end=p + 1)
        else:
            spans.append(Span(start=p, end=p + 1))
    return spans


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
