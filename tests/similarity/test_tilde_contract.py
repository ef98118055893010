"""The Tilde MT adapter against a local server speaking the request/response shape it implements."""

from __future__ import annotations

import pytest

from similarity.translate.base import TranslationError
from similarity.translate.factory import TranslatorConfig, make_translator
from similarity.translate.http import HttpPolicy
from similarity.translate.tilde import TildeTranslator

from translate_server import fake_translate, serve

FAST = HttpPolicy(timeout=2, retries=2, backoff=0.01, max_backoff=0.05, batch_size=3)


def tilde(path, headers, body):
    if path != "/translate/text":
        return 404, {"error": "no such path"}, {}
    if headers.get("x-api-key") != "secret":
        return 401, {"error": "unauthorised"}, {}
    return 200, {"translations": [{"translation": fake_translate(t, body["trgLang"])} for t in body["text"]]}, {}


def test_translates_with_key_header_and_batches():
    texts = [f"teikums {i}" for i in range(7)]
    with serve(tilde) as (url, seen):
        out = TildeTranslator(url, "secret", policy=FAST).translate(texts, "lv", "en")
    assert out == [f"[en] teikums {i}" for i in range(7)]
    assert [len(r["body"]["text"]) for r in seen] == [3, 3, 1]
    assert seen[0]["body"]["srcLang"] == "lv" and seen[0]["body"]["trgLang"] == "en"
    assert "domain" not in seen[0]["body"]


def test_configurable_path_header_and_domain_and_plain_string_answers():
    def custom(path, headers, body):
        assert path == "/api/v2/translate" and headers["client-id"] == "secret" and body["domain"] == "legal"
        return 200, {"translations": [fake_translate(t, body["trgLang"]) for t in body["text"]]}, {}

    with serve(custom) as (url, _):
        tr = TildeTranslator(url, "secret", path="api/v2/translate", key_header="client-id", domain="legal",
                             policy=FAST)
        assert tr.translate(["a"], "en", "lv") == ["[lv] a"]
        assert tr.translator_id.endswith("/api/v2/translate#legal")


def test_retries_5xx_and_refuses_bad_keys():
    calls = {"n": 0}

    def flaky(path, headers, body):
        calls["n"] += 1
        return (502, None, {}) if calls["n"] < 3 else tilde(path, headers, body)

    with serve(flaky) as (url, _):
        assert TildeTranslator(url, "secret", policy=FAST).translate(["x"], "lv", "en") == ["[en] x"]
    with serve(tilde) as (url, seen):
        with pytest.raises(TranslationError, match="HTTP 401"):
            TildeTranslator(url, "nope", policy=FAST).translate(["x"], "lv", "en")
        assert len(seen) == 1
    with serve(lambda p, h, b: (503, None, {})) as (url, seen):
        with pytest.raises(TranslationError, match="gave up"):
            TildeTranslator(url, "secret", policy=FAST).translate(["x"], "lv", "en")
        assert len(seen) == 3


def test_factory_builds_a_cached_tilde_translator(tmp_path):
    assert make_translator(TranslatorConfig()) is None
    with serve(tilde) as (url, seen):
        tr = make_translator(TranslatorConfig(kind="tilde", url=url, api_key="secret", cache_dir=tmp_path, http=FAST))
        assert tr.translate(["x", "x"], "lv", "en") == ["[en] x", "[en] x"]
        tr.translate(["x"], "lv", "en")
        assert len(seen) == 1
    with pytest.raises(ValueError):
        make_translator(TranslatorConfig(kind="tilde", url="http://127.0.0.1:9"))
