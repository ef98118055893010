"""Fingerprints of passages in translation: a Latvian passage as English, and back.

The pipeline calls :func:`translated_fingerprints` for a document (with a
translator configured); the result carries the translator id and both
languages beside the MinHash parameters, so it is never mixed with
fingerprints of original text by accident.
"""

from __future__ import annotations

from pydantic import BaseModel

from ingest.document import Document
from similarity.fingerprint import MinHashParams, PassageFingerprint, minhash_of
from similarity.shingles import shingle_hashes, tokenize
from similarity.translate.base import Translator

TARGET = {"lv": "en", "en": "lv"}


class TranslatedText(BaseModel):
    passage_index: int
    source_lang: str
    target_lang: str
    text: str


class TranslatedFingerprints(BaseModel):
    params: MinHashParams
    translator_id: str
    source_lang: str
    target_lang: str
    passages: list[PassageFingerprint]


def translated_fingerprint_texts(
    document: Document, translator: Translator, targets: dict[str, str] | None = None
) -> list[TranslatedText]:
    """Each lv/en passage translated into the other language (passages of other languages are skipped)."""
    targets = targets or TARGET
    by_pair: dict[tuple[str, str], list[int]] = {}
    for k, p in enumerate(document.passages):
        lang = p.language if p.language != "other" else document.language
        if lang in targets:
            by_pair.setdefault((lang, targets[lang]), []).append(k)
    out: list[TranslatedText] = []
    for (src, tgt), idx in by_pair.items():
        texts = [document.passage_text(document.passages[k]) for k in idx]
        for k, tr in zip(idx, translator.translate(texts, src, tgt)):
            out.append(TranslatedText(passage_index=document.passages[k].index, source_lang=src,
                                      target_lang=tgt, text=tr))
    out.sort(key=lambda t: t.passage_index)
    return out


def translated_fingerprints(
    document: Document, params: MinHashParams, translator: Translator, targets: dict[str, str] | None = None
) -> list[TranslatedFingerprints]:
    """MinHash fingerprints of the translated passages, one object per language direction."""
    groups: dict[tuple[str, str], list[PassageFingerprint]] = {}
    for t in translated_fingerprint_texts(document, translator, targets):
        shingles = shingle_hashes(tokenize(t.text, fold_diacritics=params.fold_diacritics).hashes,
                                  params.shingle_size)
        m = minhash_of(shingles, params)
        groups.setdefault((t.source_lang, t.target_lang), []).append(
            PassageFingerprint(passage_index=t.passage_index,
                               hashvalues=[] if m is None else [int(v) for v in m.hashvalues]))
    return [
        TranslatedFingerprints(params=params, translator_id=translator.translator_id, source_lang=s,
                               target_lang=g, passages=fps)
        for (s, g), fps in groups.items()
    ]
