"""LibreTranslate-compatible HTTP API (https://libretranslate.com/docs).

Request: ``POST {url}/translate`` with JSON
``{"q": ["text", ...], "source": "lv", "target": "en", "format": "text", "api_key": "..."}``
(``api_key`` only when configured). Answer: ``{"translatedText": ["...", ...]}``
(one string when ``q`` was one string). Texts go in batches of
``policy.batch_size``.
"""

from __future__ import annotations

from similarity.translate.base import TranslationError
from similarity.translate.http import HttpPolicy, post_json


class LibreTranslateTranslator:
    def __init__(self, url: str, api_key: str | None = None, policy: HttpPolicy | None = None) -> None:
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.policy = policy or HttpPolicy()

    @property
    def translator_id(self) -> str:
        return f"libretranslate:{self.url}"

    def translate(self, texts: list[str], source_lang: str, target_lang: str) -> list[str]:
        out: list[str] = []
        for b in range(0, len(texts), self.policy.batch_size):
            batch = texts[b : b + self.policy.batch_size]
            payload: dict = {"q": batch, "source": source_lang, "target": target_lang, "format": "text"}
            if self.api_key:
                payload["api_key"] = self.api_key
            answer = post_json(f"{self.url}/translate", payload, {}, self.policy)
            got = answer.get("translatedText") if isinstance(answer, dict) else None
            if isinstance(got, str) and len(batch) == 1:
                got = [got]
            if not isinstance(got, list) or len(got) != len(batch) or not all(isinstance(t, str) for t in got):
                raise TranslationError(f"{self.url}: expected {len(batch)} translations, got {answer!r:.200}")
            out.extend(got)
        return out
