"""A vector cache in front of any :class:`Embedder`: the same text is embedded once.

Keys are ``(model key, kind, sha256(text))``, so vectors of another model or of
the other prefix ("passage: " / "query: ") are never returned. The cache lives
in memory (bounded, least recently used first out) and optionally in an SQLite
file, so that benchmark runs and repeated ``pan align`` calls reuse vectors.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from similarity.embeddings.base import Embedder, EmbeddingModelInfo

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    model TEXT NOT NULL, kind TEXT NOT NULL, sha256 TEXT NOT NULL, vector BLOB NOT NULL,
    PRIMARY KEY (model, kind, sha256)
) WITHOUT ROWID
"""


class CachedEmbedder:
    """``Embedder`` that asks ``inner`` only for texts it has not seen."""

    def __init__(self, inner: Embedder, path: Path | str | None = None, max_items: int = 200_000) -> None:
        self.inner = inner
        self.max_items = max_items
        self._mem: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), check_same_thread=False)
            self._db.execute(_SCHEMA)
        self.hits = 0
        self.misses = 0

    @property
    def info(self) -> EmbeddingModelInfo:
        return self.inner.info

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed("passage", texts, self.inner.embed_passages)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed("query", texts, self.inner.embed_queries)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def _embed(self, kind: str, texts: Sequence[str], fn) -> np.ndarray:
        info = self.inner.info
        out = np.zeros((len(texts), info.dim), dtype=np.float32)
        keys = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
        todo: dict[str, list[int]] = {}
        with self._lock:
            for i, k in enumerate(keys):
                v = self._mem.get((kind, k))
                if v is not None:
                    self._mem.move_to_end((kind, k))
                    out[i] = v
                else:
                    todo.setdefault(k, []).append(i)
            if todo and self._db is not None:
                found = self._load(info.key(), kind, list(todo))
                for k, v in found.items():
                    for i in todo.pop(k):
                        out[i] = v
                    self._remember(kind, k, v)
        self.hits += len(texts) - sum(len(v) for v in todo.values())
        if not todo:
            return out
        firsts = [idx[0] for idx in todo.values()]
        vectors = np.asarray(fn([texts[i] for i in firsts]), dtype=np.float32)
        self.misses += len(firsts)
        with self._lock:
            for (k, idx), v in zip(todo.items(), vectors):
                out[idx] = v
                self._remember(kind, k, v)
            if self._db is not None:
                self._db.executemany(
                    "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?)",
                    [(info.key(), kind, k, v.tobytes()) for k, v in zip(todo, vectors)],
                )
                self._db.commit()
        return out

    def _remember(self, kind: str, key: str, vector: np.ndarray) -> None:
        self._mem[(kind, key)] = vector
        while len(self._mem) > self.max_items:
            self._mem.popitem(last=False)

    def _load(self, model: str, kind: str, keys: list[str]) -> dict[str, np.ndarray]:
        assert self._db is not None
        found: dict[str, np.ndarray] = {}
        for b in range(0, len(keys), 500):
            chunk = keys[b : b + 500]
            rows = self._db.execute(
                f"SELECT sha256, vector FROM vectors WHERE model = ? AND kind = ? AND sha256 IN ({','.join('?' * len(chunk))})",
                [model, kind, *chunk],
            )
            for k, blob in rows:
                found[k] = np.frombuffer(blob, dtype=np.float32).copy()
        return found
