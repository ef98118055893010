"""One entry point for a (submission, source) pair: verbatim first, then semantic.

The verbatim path (:func:`similarity.align.align`) runs unchanged; the
semantic path (:func:`similarity.semantic.align_semantic`) only looks at
segments the verbatim matches do not already cover, and a semantic match that
still overlaps a verbatim one on the submission side is dropped: verbatim wins.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from similarity.align import AlignParams, Alignment, align
from similarity.embeddings.base import Embedder
from similarity.semantic import EmbeddedText, SemanticParams, align_semantic, embed_text
from similarity.shingles import tokenize

DetectMode = Literal["verbatim", "semantic", "all"]


class DetectConfig(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    mode: DetectMode = "all"
    fold_diacritics: bool = True
    align: AlignParams = Field(default_factory=AlignParams)
    semantic: SemanticParams = Field(default_factory=SemanticParams)
    join_chars: int = Field(300, ge=0, description="a match this close to the one before "
                            "(on both sides, in order) joins it: one copied passage, one match")


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def combine(verbatim: list[Alignment], semantic: list[Alignment], join_chars: int = 0) -> list[Alignment]:
    """Verbatim matches, plus semantic ones that overlap none of them on the submission side.

    With ``join_chars``, a match that follows another within that many
    characters on both sides (source in the same order) is joined with it: an
    obfuscated copy otherwise comes out in pieces (verbatim runs between edits,
    semantic matches between them).
    """
    kept = [s for s in semantic if not any(_overlap(s.susp_chars, v.susp_chars) for v in verbatim)]
    out = sorted(verbatim + kept, key=lambda a: a.susp_chars)
    if join_chars <= 0:
        return out
    joined: list[Alignment] = []
    for a in out:
        if joined and _joinable(joined[-1], a, join_chars):
            joined[-1] = _join(joined[-1], a)
        else:
            joined.append(a)
    return joined


_SEMANTIC = ("paraphrase", "translated")


def _joinable(a: Alignment, b: Alignment, gap: int) -> bool:
    gap_susp = b.susp_chars[0] - a.susp_chars[1]
    gap_src = b.src_chars[0] - a.src_chars[1]
    return -gap <= gap_susp <= gap and -gap <= gap_src <= gap and b.src_chars[1] > a.src_chars[1]


def _join(a: Alignment, b: Alignment) -> Alignment:
    wa, wb = a.susp_tokens[1] - a.susp_tokens[0], b.susp_tokens[1] - b.susp_tokens[0]
    kind = a.kind if a.kind in _SEMANTIC else b.kind if b.kind in _SEMANTIC else "near-identical"
    return Alignment(
        susp_tokens=(a.susp_tokens[0], max(a.susp_tokens[1], b.susp_tokens[1])),
        src_tokens=(min(a.src_tokens[0], b.src_tokens[0]), max(a.src_tokens[1], b.src_tokens[1])),
        susp_chars=(a.susp_chars[0], max(a.susp_chars[1], b.susp_chars[1])),
        src_chars=(min(a.src_chars[0], b.src_chars[0]), max(a.src_chars[1], b.src_chars[1])),
        seeds=a.seeds + b.seeds,
        kind=kind,
        score=round((a.score * wa + b.score * wb) / max(wa + wb, 1), 4),
        evidence=_joined_evidence(a, b),
    )


def _joined_evidence(a: Alignment, b: Alignment) -> dict:
    """Flat evidence of a joined match (reports keep scalar values only): how many pieces,
    and the semantic pieces' sentence pairs, cosines, languages and model. Joining a joined
    match again adds up in the same way."""
    out: dict = {"joined_parts": sum((x.evidence or {}).get("joined_parts", 1) for x in (a, b))}
    semantic = [x.evidence for x in (a, b) if x.evidence and "mean_cosine" in x.evidence]
    if semantic:
        pairs = [e.get("sentence_pairs", 1) for e in semantic]
        out["sentence_pairs"] = sum(pairs)
        out["mean_cosine"] = round(sum(e["mean_cosine"] * n for e, n in zip(semantic, pairs)) / sum(pairs), 4)
        out["min_cosine"] = min(e.get("min_cosine", e["mean_cosine"]) for e in semantic)
        for key in ("susp_language", "src_language", "model"):
            values = {e[key] for e in semantic if key in e}
            if len(values) == 1:
                out[key] = values.pop()
    return out


def detect(
    susp_text: str,
    src_text: str,
    config: DetectConfig | None = None,
    embedder: Embedder | None = None,
    *,
    susp_embedded: EmbeddedText | None = None,
    src_embedded: EmbeddedText | None = None,
) -> list[Alignment]:
    """All matches of ``susp_text`` in ``src_text``.

    The semantic path needs ``embedder`` or both pre-embedded texts (for
    example vectors kept in the repository, or a cache across pairs).
    """
    config = config or DetectConfig()
    verbatim: list[Alignment] = []
    if config.mode in ("verbatim", "all"):
        fold = config.fold_diacritics
        verbatim = align(tokenize(susp_text, fold_diacritics=fold), tokenize(src_text, fold_diacritics=fold),
                         config.align)
    if config.mode == "verbatim":
        return verbatim
    if susp_embedded is None or src_embedded is None:
        if embedder is None:
            raise ValueError("the semantic path needs an embedder or pre-embedded texts")
        susp_embedded = susp_embedded or embed_text(susp_text, embedder, config.semantic)
        src_embedded = src_embedded or embed_text(src_text, embedder, config.semantic)
    semantic = align_semantic(
        susp_embedded, src_embedded, config.semantic,
        skip_susp=[v.susp_chars for v in verbatim], skip_src=[v.src_chars for v in verbatim],
    )
    return combine(verbatim, semantic, config.join_chars)
