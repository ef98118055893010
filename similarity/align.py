"""Verbatim and near-verbatim alignment of a submission with one source.

Seed, chain, merge, filter, the classic text-alignment recipe:

1. seeds: word ``seed_size``-grams shared by both texts (hashes of the
   normalised view, so case, diacritics, look-alike letters and invisible
   characters do not hide a copy); n-grams frequent in the source are skipped;
2. chains: seeds that follow each other on both sides within ``max_gap``
   tokens join one chain (monotonic on both sides);
3. merge: chains close on both sides (``merge_gap``) become one match, so a
   lightly edited copy stays one match;
4. filter: matches shorter than ``min_tokens`` words on either side go.

Every span is reported in original character offsets of both texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from similarity.shingles import MAX_SHINGLE, TokenStream, shingle_hashes

MatchKind = Literal["identical", "near-identical", "paraphrase", "translated"]


class AlignParams(BaseModel):
    model_config = ConfigDict(frozen=True)

    seed_size: int = Field(3, ge=1, le=MAX_SHINGLE)
    max_gap: int = Field(6, ge=1, description="tokens between seeds of one chain")
    merge_gap: int = Field(24, ge=0, description="tokens between chains merged into one match")
    min_tokens: int = Field(10, ge=1, description="shortest match reported, in words")
    min_score: float = Field(0.65, ge=0, le=1, description="least share of a match's words in shared n-grams")
    max_seed_frequency: int = Field(20, ge=1, description="source n-grams seen more often are ignored")


@dataclass(slots=True)
class Alignment:
    """One match in token and character coordinates."""

    susp_tokens: tuple[int, int]  # [first, last) token index in the submission
    src_tokens: tuple[int, int]
    susp_chars: tuple[int, int]  # original character span in the submission
    src_chars: tuple[int, int]
    seeds: int  # shared n-grams inside the match
    kind: MatchKind
    score: float  # share of the match's words covered by shared n-grams (0..1); mean cosine for semantic
    evidence: dict[str, Any] | None = None  # semantic matches: sentence pairs, cosines, model, languages


@dataclass(slots=True)
class _Chain:
    i0: int
    j0: int
    i1: int  # last seed position (inclusive)
    j1: int
    seeds: int


def find_seeds(susp: TokenStream, src: TokenStream, params: AlignParams) -> tuple[np.ndarray, np.ndarray]:
    """Positions ``(i, j)`` of shared n-grams, sorted by ``i`` then ``j``."""
    k = params.seed_size
    a = shingle_hashes(susp.hashes, k)
    b = shingle_hashes(src.hashes, k)
    if len(a) == 0 or len(b) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    order = np.argsort(b, kind="stable")
    b_sorted = b[order]
    lo = np.searchsorted(b_sorted, a, side="left")
    hi = np.searchsorted(b_sorted, a, side="right")
    counts = hi - lo
    counts[counts > params.max_seed_frequency] = 0
    total = int(counts.sum())
    if total == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    i_idx = np.repeat(np.arange(len(a), dtype=np.int64), counts)
    # offsets within each run of equal source hashes
    starts = np.repeat(lo, counts)
    run_offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    j_idx = order[starts + run_offsets].astype(np.int64)
    sort = np.lexsort((j_idx, i_idx))
    return i_idx[sort], j_idx[sort]


def _chain(i_idx: np.ndarray, j_idx: np.ndarray, max_gap: int) -> list[_Chain]:
    done: list[_Chain] = []
    open_: list[_Chain] = []
    for i, j in zip(i_idx.tolist(), j_idx.tolist()):
        still_open = []
        for c in open_:
            (still_open if i - c.i1 <= max_gap else done).append(c)
        open_ = still_open
        best = None
        best_dev = max_gap + 1
        for c in open_:
            di, dj = i - c.i1, j - c.j1
            if 0 < di <= max_gap and 0 < dj <= max_gap:
                dev = abs(dj - di)
                if dev < best_dev:
                    best, best_dev = c, dev
        if best is None:
            open_.append(_Chain(i, j, i, j, 1))
        else:
            best.i1, best.j1 = i, j
            best.seeds += 1
    done.extend(open_)
    return done


def _merge(chains: list[_Chain], k: int, merge_gap: int) -> list[_Chain]:
    """Join chains whose token spans follow each other on both sides within ``merge_gap``."""
    chains = sorted(chains, key=lambda c: (c.i0, c.j0))
    merged: list[_Chain] = []
    for c in chains:
        joined = False
        for m in reversed(merged[-8:]):
            gap_i = c.i0 - (m.i1 + k)
            gap_j = c.j0 - (m.j1 + k)
            if -k <= gap_i <= merge_gap and -k <= gap_j <= merge_gap and c.j1 > m.j1:
                m.i1 = max(m.i1, c.i1)
                m.j1 = max(m.j1, c.j1)
                m.seeds += c.seeds
                joined = True
                break
        if not joined:
            merged.append(_Chain(c.i0, c.j0, c.i1, c.j1, c.seeds))
    return merged


def align(susp: TokenStream, src: TokenStream, params: AlignParams | None = None) -> list[Alignment]:
    """Maximal verbatim or near-verbatim matches between ``susp`` and ``src``."""
    params = params or AlignParams()
    k = params.seed_size
    i_idx, j_idx = find_seeds(susp, src, params)
    if len(i_idx) == 0:
        return []
    chains = _merge(_chain(i_idx, j_idx, params.max_gap), k, params.merge_gap)
    out: list[Alignment] = []
    for c in chains:
        ti = (c.i0, c.i1 + k)
        tj = (c.j0, c.j1 + k)
        if min(ti[1] - ti[0], tj[1] - tj[0]) < params.min_tokens:
            continue
        covered = _covered_tokens(i_idx, j_idx, ti, tj, k)
        length = max(ti[1] - ti[0], tj[1] - tj[0])
        identical = (ti[1] - ti[0] == tj[1] - tj[0]) and np.array_equal(
            susp.hashes[ti[0] : ti[1]], src.hashes[tj[0] : tj[1]]
        )
        susp_chars, src_chars = _extend_punctuation(
            susp, src, (int(susp.starts[ti[0]]), int(susp.ends[ti[1] - 1])),
            (int(src.starts[tj[0]]), int(src.ends[tj[1] - 1])),
        )
        out.append(
            Alignment(
                susp_tokens=ti,
                src_tokens=tj,
                susp_chars=susp_chars,
                src_chars=src_chars,
                seeds=c.seeds,
                kind="identical" if identical else "near-identical",
                score=1.0 if identical else round(covered / length, 4),
            )
        )
    return _drop_shadowed([a for a in out if a.score >= params.min_score])


_EDGE = frozenset(".,;:!?…)]}\"'»“”’")
_OPENING = frozenset("([{\"'«„“‘")


def _extend_punctuation(
    susp: TokenStream, src: TokenStream, a: tuple[int, int], b: tuple[int, int], limit: int = 3
) -> tuple[tuple[int, int], tuple[int, int]]:
    """Take in punctuation that closes (or opens) the match identically on both sides."""
    if not susp.text or not src.text:
        return a, b
    (s0, s1), (r0, r1) = a, b
    for _ in range(limit):
        if s1 < len(susp.text) and r1 < len(src.text) and susp.text[s1] == src.text[r1] and susp.text[s1] in _EDGE:
            s1, r1 = s1 + 1, r1 + 1
        else:
            break
    for _ in range(limit):
        if s0 > 0 and r0 > 0 and susp.text[s0 - 1] == src.text[r0 - 1] and susp.text[s0 - 1] in _OPENING:
            s0, r0 = s0 - 1, r0 - 1
        else:
            break
    return (s0, s1), (r0, r1)


def _drop_shadowed(alignments: list[Alignment]) -> list[Alignment]:
    """Drop a match whose submission span lies mostly inside a stronger match.

    A phrase repeated in the source otherwise yields a second, weaker match for
    text that is already explained.
    """
    ranked = sorted(alignments, key=lambda a: (-a.seeds, a.susp_tokens))
    kept: list[Alignment] = []
    for a in ranked:
        lo, hi = a.susp_tokens
        shadowed = any(
            min(hi, b.susp_tokens[1]) - max(lo, b.susp_tokens[0]) > 0.5 * (hi - lo) for b in kept
        )
        if not shadowed:
            kept.append(a)
    kept.sort(key=lambda a: a.susp_chars)
    return kept


def _covered_tokens(i_idx: np.ndarray, j_idx: np.ndarray, ti: tuple[int, int], tj: tuple[int, int], k: int) -> int:
    """Submission tokens inside ``ti`` covered by a seed that lands inside ``tj``."""
    inside = (i_idx >= ti[0]) & (i_idx < ti[1]) & (j_idx >= tj[0]) & (j_idx < tj[1])
    covered = np.zeros(ti[1] - ti[0], dtype=bool)
    for i in np.unique(i_idx[inside]).tolist():
        covered[i - ti[0] : i - ti[0] + k] = True
    return int(covered.sum())
