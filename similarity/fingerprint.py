"""MinHash fingerprints of passages and their LSH band keys.

A :class:`Fingerprints` object always carries the :class:`MinHashParams` that
made it; comparing or indexing fingerprints made with other parameters is
refused rather than silently wrong.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ingest.document import Document
from similarity.shingles import MAX_SHINGLE, TokenStream, shingle_hashes, tokenize

if TYPE_CHECKING:  # datasketch takes ~1 s to import (it pulls in scipy): only when used
    from datasketch import LeanMinHash, MinHash


class MinHashParams(BaseModel):
    """Everything that decides a fingerprint's value. Stored with every fingerprint."""

    model_config = ConfigDict(frozen=True)

    num_perm: int = Field(64, ge=8, le=1024)
    seed: int = Field(1, ge=0)
    shingle_size: int = Field(4, ge=1, le=MAX_SHINGLE)
    bands: int = Field(32, ge=1)
    rows: int = Field(2, ge=1)
    fold_diacritics: bool = True
    scheme: str = "affine64"

    @model_validator(mode="after")
    def _bands_fit(self) -> "MinHashParams":
        if self.bands * self.rows > self.num_perm:
            raise ValueError(
                f"bands*rows = {self.bands * self.rows} exceeds num_perm = {self.num_perm}"
            )
        return self

    def key(self) -> str:
        """A short stable id of these parameters, e.g. for a database column."""
        return hashlib.sha1(self.model_dump_json().encode()).hexdigest()[:12]


class PassageFingerprint(BaseModel):
    passage_index: int
    hashvalues: list[int]  # uint64 MinHash values, num_perm of them; empty for a too-short passage


class Fingerprints(BaseModel):
    params: MinHashParams
    passages: list[PassageFingerprint]

    def band_keys(self) -> list[tuple[int, int]]:
        """``(passage_index, key)`` for each LSH band of each non-empty passage.

        A key is a signed 64-bit integer (it fits an SQLite INTEGER and an
        Elasticsearch long) hashing the band number and the band's values.
        """
        return [
            (fp.passage_index, key)
            for fp in self.passages
            if fp.hashvalues
            for key in band_keys(np.asarray(fp.hashvalues, dtype=np.uint64), self.params)
        ]


def band_keys(hashvalues: np.ndarray, params: MinHashParams) -> list[int]:
    keys = []
    for b in range(params.bands):
        chunk = hashvalues[b * params.rows : (b + 1) * params.rows]
        digest = hashlib.blake2b(chunk.tobytes(), digest_size=8, person=b.to_bytes(2, "little")).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


@lru_cache(maxsize=8)
def _template(params: MinHashParams) -> "MinHash":
    from datasketch import MinHash

    return MinHash(num_perm=params.num_perm, seed=params.seed, hashfunc=_identity, scheme=params.scheme)


def _identity(value: int) -> int:
    return value


def minhash_of(shingles: np.ndarray, params: MinHashParams) -> "LeanMinHash | None":
    if len(shingles) == 0:
        return None
    from datasketch import LeanMinHash, MinHash

    template = _template(params)
    m = MinHash(
        num_perm=params.num_perm,
        seed=params.seed,
        hashfunc=_identity,
        permutations=template.permutations,
        scheme=params.scheme,
    )
    m.update_batch(np.unique(shingles).tolist())
    return LeanMinHash(m)


def fingerprint_document(
    document: Document, params: MinHashParams, tokens: TokenStream | None = None
) -> Fingerprints:
    """MinHash fingerprints of every passage of ``document``."""
    if tokens is None:
        tokens = tokenize(document.text, fold_diacritics=params.fold_diacritics)
    shingles = shingle_hashes(tokens.hashes, params.shingle_size)
    out = []
    for passage in document.passages:
        # tokens whose start lies in the passage; shingles that start there
        lo = int(np.searchsorted(tokens.starts, passage.start, side="left"))
        hi = int(np.searchsorted(tokens.starts, passage.end, side="left"))
        hi = min(hi, len(shingles))
        m = minhash_of(shingles[lo:hi], params) if hi > lo else None
        out.append(
            PassageFingerprint(
                passage_index=passage.index,
                hashvalues=[] if m is None else [int(v) for v in m.hashvalues],
            )
        )
    return Fingerprints(params=params, passages=out)
