"""A submission seen through machine translation: its lv/en passages in the other language.

With a translator configured, the check fingerprints this view as well as the
original text, so a Latvian submission translated from an English thesis (or
the other way round) shares MinHash bands with its source and is aligned with
the verbatim aligner. Found spans are mapped back to the original passages
they came from; the match kind is ``translated`` and its evidence names the
translator. Translating the submission covers both directions (lv->en finds
English sources, en->lv Latvian ones), so stored theses need no translation.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.document import Document
from similarity.align import Alignment
from similarity.fingerprint import Fingerprints, MinHashParams, PassageFingerprint, minhash_of
from similarity.shingles import TokenStream, shingle_hashes, tokenize
from similarity.translate.base import Translator
from similarity.translate.fingerprints import translated_fingerprint_texts


@dataclass(slots=True)
class Piece:
    """One translated passage: its range in the view and in the original text."""

    passage_index: int
    start: int
    end: int
    original_start: int
    original_end: int
    source_lang: str
    target_lang: str


@dataclass(slots=True)
class TranslatedView:
    text: str
    pieces: list[Piece]
    translator_id: str
    tokens: TokenStream
    fingerprints: Fingerprints

    def to_original(self, alignments: list[Alignment], original_text: str) -> list[Alignment]:
        """Alignments on the view, moved onto the original passages they overlap."""
        out = []
        for a in alignments:
            hit = [p for p in self.pieces if p.start < a.susp_chars[1] and a.susp_chars[0] < p.end]
            if not hit:
                continue
            start, end = hit[0].original_start, hit[-1].original_end
            out.append(Alignment(
                susp_tokens=(_words_before(original_text, start), _words_before(original_text, end)),
                src_tokens=a.src_tokens,
                susp_chars=(start, end),
                src_chars=a.src_chars,
                seeds=a.seeds,
                kind="translated",
                score=a.score,
                evidence={
                    "machine_translation": self.translator_id,
                    "susp_language": hit[0].source_lang,
                    "src_language": hit[0].target_lang,
                    "translated_passages": len(hit),
                    "translated_text": self.text[a.susp_chars[0]:a.susp_chars[1]][:500],
                },
            ))
        return out


def _words_before(text: str, offset: int) -> int:
    return len(text[:offset].split())


def translated_view(document: Document, translator: Translator, params: MinHashParams) -> TranslatedView | None:
    """The lv/en passages of ``document`` translated into the other language, fingerprinted with
    ``params``; None when the document has no lv/en passage. Raises TranslationError."""
    texts = translated_fingerprint_texts(document, translator)
    if not texts:
        return None
    by_index = {p.index: p for p in document.passages}
    parts, pieces, pos = [], [], 0
    for t in texts:
        p = by_index[t.passage_index]
        body = t.text.strip()
        pieces.append(Piece(t.passage_index, pos, pos + len(body), p.start, p.end, t.source_lang, t.target_lang))
        parts.append(body)
        pos += len(body) + 2
    text = "\n\n".join(parts)
    tokens = tokenize(text, fold_diacritics=params.fold_diacritics)
    fps = []
    for piece in pieces:
        piece_tokens = tokenize(text[piece.start:piece.end], fold_diacritics=params.fold_diacritics)
        m = minhash_of(shingle_hashes(piece_tokens.hashes, params.shingle_size), params)
        fps.append(PassageFingerprint(passage_index=piece.passage_index,
                                      hashvalues=[] if m is None else [int(v) for v in m.hashvalues]))
    return TranslatedView(text, pieces, translator.translator_id, tokens, Fingerprints(params=params, passages=fps))
