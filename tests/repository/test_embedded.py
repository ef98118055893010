"""The embedded (SQLite) backend: the shared contract plus SQLite specifics."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from contract import *  # noqa: F403  (the shared backend contract tests)
from contract import DIGITAL, OTHER_PARAMS, PARAMS, add_thesis
from repository.embedded import DB_FILENAME, EmbeddedRepository
from repository.errors import ParamsMismatch
from repository.sqlite_schema import SCHEMA_VERSION


@pytest.fixture(params=["embedded"])
def repo(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EmbeddedRepository]:
    with EmbeddedRepository(tmp_path / "repo") as repository:
        yield repository


def _raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path / DB_FILENAME)


def test_creates_directory_schema_and_wal(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b"
    EmbeddedRepository(path).close()
    with _raw(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopen_keeps_everything(tmp_path: Path) -> None:
    with EmbeddedRepository(tmp_path) as repo:
        record, document, fingerprints = add_thesis(repo, DIGITAL, "Digitalizācija")
    with EmbeddedRepository(tmp_path) as repo:
        assert repo.get(record.id) == record
        assert repo.document(record.id) == document
        assert repo.active_params == PARAMS
        assert repo.candidates(fingerprints)[0].thesis_id == record.id


def test_params_given_at_open(tmp_path: Path) -> None:
    EmbeddedRepository(tmp_path, params=OTHER_PARAMS).close()
    with EmbeddedRepository(tmp_path) as repo:
        assert repo.active_params == OTHER_PARAMS
        assert repo.stats()["active_params_key"] == OTHER_PARAMS.key()
        with pytest.raises(ParamsMismatch):
            add_thesis(repo, DIGITAL, "Digitalizācija", params=PARAMS)
    with pytest.raises(ParamsMismatch):
        EmbeddedRepository(tmp_path, params=PARAMS)
    EmbeddedRepository(tmp_path, params=OTHER_PARAMS).close()


def test_rows_match_stats_and_delete_leaves_no_orphans(tmp_path: Path) -> None:
    with EmbeddedRepository(tmp_path) as repo:
        record, _, fingerprints = add_thesis(repo, DIGITAL, "Digitalizācija")
        stats = repo.stats()
        with _raw(tmp_path) as conn:
            assert conn.execute("SELECT count(*) FROM passage").fetchone()[0] == stats["passages"]
            assert conn.execute("SELECT count(*) FROM lsh_band").fetchone()[0] == stats["band_rows"]
        assert stats["band_rows"] == len(set(fingerprints.band_keys())) > 0
        repo.delete(record.id)
    with _raw(tmp_path) as conn:
        for table in ("thesis", "document", "passage", "lsh_band", "report"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_newer_schema_refused(tmp_path: Path) -> None:
    EmbeddedRepository(tmp_path).close()
    with _raw(tmp_path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(Exception, match="newer"):
        EmbeddedRepository(tmp_path)
