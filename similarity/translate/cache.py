"""A persistent translation cache: one SQLite file in a given directory.

Key: ``(translator id, source language, target language, sha256(text))``.
:class:`CachingTranslator` wraps any translator and asks it only for misses.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

from similarity.translate.base import Translator

FILENAME = "translations.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    translator TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL, sha256 TEXT NOT NULL,
    translation TEXT NOT NULL, PRIMARY KEY (translator, source, target, sha256)
) WITHOUT ROWID
"""


class TranslationCache:
    def __init__(self, directory: Path | str) -> None:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / FILENAME
        self._db = sqlite3.connect(str(self.path), check_same_thread=False)
        self._db.execute(_SCHEMA)
        self._lock = threading.Lock()

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get_many(self, translator: str, source: str, target: str, texts: list[str]) -> dict[str, str]:
        keys = sorted({self.key(t) for t in texts})
        found: dict[str, str] = {}
        with self._lock:
            for b in range(0, len(keys), 500):
                chunk = keys[b : b + 500]
                rows = self._db.execute(
                    "SELECT sha256, translation FROM translations WHERE translator = ? AND source = ? "
                    f"AND target = ? AND sha256 IN ({','.join('?' * len(chunk))})",
                    [translator, source, target, *chunk],
                )
                found.update(rows)
        return found

    def put_many(self, translator: str, source: str, target: str, pairs: list[tuple[str, str]]) -> None:
        with self._lock:
            self._db.executemany(
                "INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?, ?)",
                [(translator, source, target, self.key(t), tr) for t, tr in pairs],
            )
            self._db.commit()

    def close(self) -> None:
        self._db.close()


class CachingTranslator:
    """A translator that remembers every translation in a :class:`TranslationCache`."""

    def __init__(self, inner: Translator, cache: TranslationCache) -> None:
        self.inner = inner
        self.cache = cache

    @property
    def translator_id(self) -> str:
        return self.inner.translator_id

    def translate(self, texts: list[str], source_lang: str, target_lang: str) -> list[str]:
        tid = self.translator_id
        found = self.cache.get_many(tid, source_lang, target_lang, texts)
        missing = list(dict.fromkeys(t for t in texts if self.cache.key(t) not in found))
        if missing:
            done = self.inner.translate(missing, source_lang, target_lang)
            self.cache.put_many(tid, source_lang, target_lang, list(zip(missing, done)))
            found.update((self.cache.key(t), tr) for t, tr in zip(missing, done))
        return [found[self.cache.key(t)] for t in texts]
