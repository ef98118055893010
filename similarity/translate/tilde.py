"""Tilde MT over HTTP, configured by URL and key.

Implemented after Tilde MT's public REST API documentation as far as it is
known here (no live service was reachable while writing it), and every name
is configurable, so an operator can match the deployed service:

Request: ``POST {url}{path}`` (default path ``/translate/text``) with header
``{key_header}: {api_key}`` (default ``x-api-key``) and JSON
``{"srcLang": "lv", "trgLang": "en", "text": ["...", ...], "domain": "..."}``
(``domain`` only when configured). Answer: ``{"translations": [{"translation": "..."}, ...]}``
in the order of ``text``; a plain list of strings under ``translations`` is
accepted too.
"""

from __future__ import annotations

from similarity.translate.base import TranslationError
from similarity.translate.http import HttpPolicy, post_json


class TildeTranslator:
    def __init__(self, url: str, api_key: str, *, path: str = "/translate/text", key_header: str = "x-api-key",
                 domain: str | None = None, policy: HttpPolicy | None = None) -> None:
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.path = path if path.startswith("/") else "/" + path
        self.key_header = key_header
        self.domain = domain
        self.policy = policy or HttpPolicy()

    @property
    def translator_id(self) -> str:
        return f"tilde:{self.url}{self.path}" + (f"#{self.domain}" if self.domain else "")

    def translate(self, texts: list[str], source_lang: str, target_lang: str) -> list[str]:
        out: list[str] = []
        for b in range(0, len(texts), self.policy.batch_size):
            batch = texts[b : b + self.policy.batch_size]
            payload: dict = {"srcLang": source_lang, "trgLang": target_lang, "text": batch}
            if self.domain:
                payload["domain"] = self.domain
            answer = post_json(self.url + self.path, payload, {self.key_header: self.api_key}, self.policy)
            items = answer.get("translations") if isinstance(answer, dict) else None
            if not isinstance(items, list) or len(items) != len(batch):
                raise TranslationError(f"{self.url}: expected {len(batch)} translations, got {answer!r:.200}")
            for item in items:
                text = item.get("translation") if isinstance(item, dict) else item
                if not isinstance(text, str):
                    raise TranslationError(f"{self.url}: a translation is not text: {item!r:.100}")
                out.append(text)
        return out
