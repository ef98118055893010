"""The LibreTranslate adapter against a local server that speaks the LibreTranslate API."""

from __future__ import annotations

import time

import pytest

from similarity.translate.base import TranslationError, Translator
from similarity.translate.cache import CachingTranslator, TranslationCache
from similarity.translate.http import HttpPolicy
from similarity.translate.libretranslate import LibreTranslateTranslator

from translate_server import fake_translate, serve

FAST = HttpPolicy(timeout=2, retries=3, backoff=0.01, max_backoff=0.05, batch_size=2)


def libre(path, headers, body):
    assert path == "/translate"
    if body.get("api_key") != "k":
        return 403, {"error": "Invalid API key"}, {}
    q = body["q"]
    out = [fake_translate(t, body["target"]) for t in q] if isinstance(q, list) else fake_translate(q, body["target"])
    return 200, {"translatedText": out}, {}


def test_translates_in_batches_and_sends_the_documented_fields():
    with serve(libre) as (url, seen):
        tr = LibreTranslateTranslator(url + "/", api_key="k", policy=FAST)
        assert isinstance(tr, Translator)
        out = tr.translate(["Labdien", "Visi cilvēki", "piedzimst brīvi"], "lv", "en")
    assert out == ["[en] Labdien", "[en] Visi cilvēki", "[en] piedzimst brīvi"]
    assert [len(r["body"]["q"]) for r in seen] == [2, 1]  # batch_size 2
    first = seen[0]["body"]
    assert (first["source"], first["target"], first["format"], first["api_key"]) == ("lv", "en", "text", "k")
    assert tr.translator_id == f"libretranslate:{url}"


def test_retries_429_and_5xx_then_succeeds():
    calls = {"n": 0}

    def flaky(path, headers, body):
        calls["n"] += 1
        if calls["n"] == 1:
            return 429, {"error": "slow down"}, {"Retry-After": "0"}
        if calls["n"] == 2:
            return 503, {"error": "busy"}, {}
        return libre(path, headers, body)

    with serve(flaky) as (url, _):
        out = LibreTranslateTranslator(url, "k", FAST).translate(["Sveiki"], "lv", "en")
    assert out == ["[en] Sveiki"] and calls["n"] == 3


def test_gives_up_after_retries_and_does_not_retry_client_errors():
    with serve(lambda p, h, b: (500, {"error": "down"}, {})) as (url, seen):
        with pytest.raises(TranslationError, match="gave up after 4 tries"):
            LibreTranslateTranslator(url, "k", FAST).translate(["a"], "lv", "en")
        assert len(seen) == 4
    with serve(libre) as (url, seen):
        with pytest.raises(TranslationError, match="HTTP 403"):
            LibreTranslateTranslator(url, "wrong", FAST).translate(["a"], "lv", "en")
        assert len(seen) == 1


def test_timeout_is_retried():
    calls = {"n": 0}

    def slow_once(path, headers, body):
        calls["n"] += 1
        if calls["n"] == 1:
            time.sleep(0.6)
        return libre(path, headers, body)

    policy = HttpPolicy(timeout=0.3, retries=2, backoff=0.01, batch_size=8)
    with serve(slow_once) as (url, _):
        assert LibreTranslateTranslator(url, "k", policy).translate(["x"], "en", "lv") == ["[lv] x"]
    assert calls["n"] >= 2


def test_wrong_answer_shape_is_an_error():
    with serve(lambda p, h, b: (200, {"translatedText": ["only one"]}, {})) as (url, _):
        with pytest.raises(TranslationError, match="expected 2"):
            LibreTranslateTranslator(url, "k", FAST).translate(["a", "b"], "lv", "en")


def test_cache_asks_the_service_only_for_new_texts(tmp_path):
    with serve(libre) as (url, seen):
        tr = CachingTranslator(LibreTranslateTranslator(url, "k", FAST), TranslationCache(tmp_path))
        assert tr.translate(["a", "b", "a"], "lv", "en") == ["[en] a", "[en] b", "[en] a"]
        n = len(seen)
        again = CachingTranslator(LibreTranslateTranslator(url, "k", FAST), TranslationCache(tmp_path))
        assert again.translate(["b", "a"], "lv", "en") == ["[en] b", "[en] a"]
        assert len(seen) == n  # all from the SQLite file
        assert again.translate(["a"], "en", "lv") == ["[lv] a"]  # other direction: a new key
        assert len(seen) == n + 1
    assert (tmp_path / "translations.sqlite3").is_file()
