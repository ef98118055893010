"""Settings: every field documented, environment variables read with the KRATUVE_ prefix."""

from __future__ import annotations

from pathlib import Path

from api.settings import Settings


def test_every_setting_has_a_description():
    missing = [name for name, field in Settings.model_fields.items() if not field.description]
    assert missing == []


def test_environment_overrides(monkeypatch, tmp_path):
    monkeypatch.setenv("KRATUVE_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("KRATUVE_MINHASH__NUM_PERM", "128")
    monkeypatch.setenv("KRATUVE_EXCLUDE_QUOTATIONS", "true")
    s = Settings(_env_file=None)
    assert s.data_dir == Path(tmp_path / "d")
    assert s.minhash.num_perm == 128 and s.exclude_quotations is True
