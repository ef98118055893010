"""docs/configuration.md is generated from the settings class and must be kept up to date."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings

from api.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "config_reference.py"


def _module():
    spec = importlib.util.spec_from_file_location("config_reference", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_configuration_md_is_up_to_date():
    current = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert current == _module().render(Settings), (
        "docs/configuration.md is out of date: run .venv/bin/python scripts/config_reference.py"
    )


def test_every_setting_is_listed_under_its_variable():
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for name, field in Settings.model_fields.items():
        assert f"`KRATUVE_{name.upper()}" in text, name
        nested = field.annotation
        if isinstance(nested, type) and issubclass(nested, BaseModel):
            for sub in nested.model_fields:
                assert f"`KRATUVE_{name.upper()}__{sub.upper()}" in text, (name, sub)


def test_secrets_are_hidden_and_nesting_is_flattened(monkeypatch):
    class Inner(BaseModel):
        url: str = Field("https://es:9200", description="where")
        api_key: SecretStr | None = Field(None, description="key")
        password: str = Field("changeme", description="pw")
        min_tokens: int = Field(3, description="not a secret")

    class Fake(BaseSettings):
        token: SecretStr = Field(SecretStr("abc"), description="a | pipe")
        search: Inner = Field(default_factory=Inner, description="search engine")

    monkeypatch.setenv("KRATUVE_SEARCH__URL", "https://from-env:1")
    text = _module().render(Fake)
    assert "| `KRATUVE_TOKEN` | string (secret) | (secret) | a \\| pipe |" in text
    assert "## `KRATUVE_SEARCH__*`: search engine" in text
    assert "| `KRATUVE_SEARCH__URL` | string | `https://es:9200` | where |" in text
    assert "| `KRATUVE_SEARCH__API_KEY` | string (secret) \\| none | (secret) | key |" in text
    assert "changeme" not in text and "abc" not in text
    assert "| `KRATUVE_SEARCH__MIN_TOKENS` | integer | `3` |" in text


def test_check_mode_reports_a_stale_file(tmp_path):
    stale = tmp_path / "configuration.md"
    stale.write_text("# old\n", encoding="utf-8")
    run = [sys.executable, str(SCRIPT), "--out", str(stale)]
    assert subprocess.run(run + ["--check"], capture_output=True, cwd=ROOT).returncode == 1
    assert subprocess.run(run, capture_output=True, cwd=ROOT).returncode == 0
    assert subprocess.run(run + ["--check"], capture_output=True, cwd=ROOT).returncode == 0
