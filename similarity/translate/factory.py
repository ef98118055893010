"""Choosing a translator from settings (``none`` by default: nothing is translated)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from similarity.translate.base import Translator
from similarity.translate.http import HttpPolicy


class TranslatorConfig(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: Literal["none", "libretranslate", "tilde"] = "none"
    url: str = ""
    api_key: SecretStr | None = None
    tilde_path: str = "/translate/text"
    tilde_key_header: str = "x-api-key"
    tilde_domain: str | None = None
    cache_dir: Path | None = Field(None, description="folder of the SQLite translation cache")
    http: HttpPolicy = Field(default_factory=HttpPolicy)


def make_translator(config: TranslatorConfig) -> Translator | None:
    """The configured translator (wrapped in its cache when ``cache_dir`` is set), or None."""
    if config.kind == "none":
        return None
    if not config.url:
        raise ValueError(f"the {config.kind} translator needs a url")
    key = config.api_key.get_secret_value() if config.api_key else None
    if config.kind == "libretranslate":
        from similarity.translate.libretranslate import LibreTranslateTranslator

        inner: Translator = LibreTranslateTranslator(config.url, key, config.http)
    else:
        from similarity.translate.tilde import TildeTranslator

        if not key:
            raise ValueError("the tilde translator needs an api_key")
        inner = TildeTranslator(config.url, key, path=config.tilde_path, key_header=config.tilde_key_header,
                                domain=config.tilde_domain, policy=config.http)
    if config.cache_dir is None:
        return inner
    from similarity.translate.cache import CachingTranslator, TranslationCache

    return CachingTranslator(inner, TranslationCache(config.cache_dir))
