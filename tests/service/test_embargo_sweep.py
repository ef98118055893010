"""The scheduler's embargo sweep counts the embargoes that lifted today (UTC), and only those."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from service_support import DEMO

from api.settings import Settings


def test_embargo_sweep_counts_embargoes_lifted_today(tmp_path, monkeypatch):
    from api.backends import open_repository
    from api.pipeline import Checker
    from api.service.store import ServiceStore
    from api.worker import tasks
    from repository.models import ThesisMetadata

    settings = Settings(data_dir=tmp_path / "data", _env_file=None)
    checker = Checker(settings, open_repository(settings))
    today = datetime.now(UTC).date()
    texts = {"lifted": "udhr.lv.txt", "lifted_too": "common_voice_terms.lv.txt", "still": "udhr.en.txt",
             "long_ago": "lvtb-docs.lv.txt"}
    yesterday = today - timedelta(days=1)  # public from today on: embargo_until < today
    until = {"lifted": yesterday, "lifted_too": yesterday, "still": today, "long_ago": today - timedelta(days=30)}
    for name, file in texts.items():
        meta = ThesisMetadata(title=name, institution="LU", access="embargoed", embargo_until=until[name])
        outcome = checker.add(DEMO / file, meta)
        assert outcome.record is not None, outcome
    monkeypatch.setattr(tasks, "_context", lambda: (ServiceStore(settings.data_dir), checker))
    assert tasks.embargo_sweep() == 2
