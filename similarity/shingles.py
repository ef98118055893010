"""Word tokens of the normalised view and stable 64-bit word-shingle hashes.

Hashes are deterministic across processes and machines (BLAKE2b of each
distinct token, combined polynomially in uint64 arithmetic), so they can be
stored and compared later.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np

from ingest.normalize import NormalizedView, normalize

_TOKEN = re.compile(r"\w+")
_MULTIPLIERS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5,
     0x85EBCA77C2B2AE63, 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB,
     0xBF58476D1CE4E5B9, 0xD6E8FEB86659FD93, 0xA0761D6478BD642F, 0xE7037ED1A0B428DB],
    dtype=np.uint64,
)
MAX_SHINGLE = len(_MULTIPLIERS)


@dataclass(slots=True)
class TokenStream:
    """Tokens of a text: normalised strings, their 64-bit hashes, original spans."""

    tokens: list[str]
    hashes: np.ndarray  # uint64, one per token
    starts: np.ndarray  # original start offset of each token
    ends: np.ndarray  # original end offset of each token
    text: str = ""  # the original text, when known

    def __len__(self) -> int:
        return len(self.tokens)


def _token_hash(token: str) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "little")


def tokenize_view(view: NormalizedView) -> TokenStream:
    spans = [(m.start(), m.end()) for m in _TOKEN.finditer(view.text)]
    tokens = [view.text[s:e] for s, e in spans]
    cache: dict[str, int] = {}
    hashes = np.fromiter(
        (cache[t] if t in cache else cache.setdefault(t, _token_hash(t)) for t in tokens),
        dtype=np.uint64,
        count=len(tokens),
    )
    if spans:
        norm_starts = np.fromiter((s for s, _ in spans), dtype=np.int64, count=len(spans))
        norm_ends = np.fromiter((e for _, e in spans), dtype=np.int64, count=len(spans))
        starts = view.starts[norm_starts]
        ends = view.ends[norm_ends - 1]
    else:
        starts = ends = np.zeros(0, dtype=np.int64)
    return TokenStream(tokens, hashes, starts, ends)


def tokenize(text: str, *, fold_diacritics: bool = True) -> TokenStream:
    stream = tokenize_view(normalize(text, fold_diacritics=fold_diacritics))
    stream.text = text
    return stream


def shingle_hashes(token_hashes: np.ndarray, size: int) -> np.ndarray:
    """Hash of every run of ``size`` consecutive tokens (uint64; empty if too few tokens)."""
    if not 1 <= size <= MAX_SHINGLE:
        raise ValueError(f"shingle size must be 1..{MAX_SHINGLE}, got {size}")
    n = len(token_hashes) - size + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    out = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(size):
            out += token_hashes[j : j + n] * _MULTIPLIERS[j]
    return out


def tokenize_region(text: str, start: int, end: int, *, fold_diacritics: bool = True) -> TokenStream:
    """Tokens of ``text[start:end]`` with offsets into the whole ``text``."""
    stream = tokenize_view(normalize(text[start:end], fold_diacritics=fold_diacritics))
    stream.starts = stream.starts + start
    stream.ends = stream.ends + start
    stream.text = text
    return stream
