"""Fixtures of the web tests: one real corpus (repository + report) per session."""

from __future__ import annotations

import pytest

from web_corpus import Corpus, build_corpus


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return build_corpus(tmp_path_factory.mktemp("web-corpus"))
