"""The translator interface."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


class TranslationError(RuntimeError):
    """A translation service failed (after retries) or answered nonsense."""


@runtime_checkable
class Translator(Protocol):
    """Translates texts between ISO 639-1 languages ("lv", "en")."""

    @property
    def translator_id(self) -> str:
        """Stable id of the service and its model, e.g. ``libretranslate:https://lt.example/``."""
        ...

    def translate(self, texts: list[str], source_lang: str, target_lang: str) -> list[str]: ...
