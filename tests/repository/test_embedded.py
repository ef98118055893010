"""The embedded (SQLite) backend: the shared contract plus SQLite specifics."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from contract import *  # noqa: F403  (the shared backend contract tests)
from contract import DIGITAL, FOOD, OTHER_PARAMS, PARAMS, TODAY, add_thesis
from repo_corpus import make_document
from repository.embedded import DB_FILENAME, EmbeddedRepository
from repository.errors import ParamsMismatch
from repository.models import ThesisMetadata
from similarity.fingerprint import fingerprint_document
from repository.sqlite_schema import MIGRATIONS, SCHEMA_VERSION


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
        for table in ("thesis", "document", "passage", "lsh_band", "report", "search_text"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_newer_schema_refused(tmp_path: Path) -> None:
    EmbeddedRepository(tmp_path).close()
    with _raw(tmp_path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(Exception, match="newer"):
        EmbeddedRepository(tmp_path)


def _v2_database(path: Path) -> None:
    """A schema v2 database as the previous release wrote it, with legacy metadata."""
    import zlib

    path.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path / DB_FILENAME, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")  # as the embedded backend has always set it
    conn.execute("BEGIN")
    MIGRATIONS[0](conn)
    MIGRATIONS[1](conn)
    conn.execute("INSERT INTO fingerprint_params(key, json) VALUES (?, ?)", (PARAMS.key(), PARAMS.model_dump_json()))
    legacy = [
        (DIGITAL, {"title": "Digitalizācija", "authors": ["Anna Bērziņa"], "degree": "Maģistra darbs", "language": "lv"}),
        (FOOD, {"title": "Uzturs", "degree": "habilitation", "access": "embargoed", "extra": {}}),
    ]
    for pk, (text, meta) in enumerate(legacy, 1):
        doc = make_document(text, f"{pk}.txt")
        conn.execute(
            "INSERT INTO thesis(pk, id, sha256, original_filename, size_bytes, format, language, pages, characters,"
            " passages, band_rows, created_at, params_key, metadata_json) VALUES (?, ?, ?, ?, 1, 'txt', 'lv', 2, ?, ?, 0,"
            " ?, ?, ?)",
            (pk, f"OLD{pk}", doc.sha256, f"{pk}.pdf", len(text), len(doc.passages),
             f"2025-01-0{pk}T00:00:00.000000+00:00", PARAMS.key(), json.dumps(meta)),
        )
        conn.execute("INSERT INTO document(thesis_pk, data) VALUES (?, ?)",
                     (pk, zlib.compress(doc.model_dump_json().encode())))
    conn.execute("PRAGMA user_version = 2")
    conn.execute("COMMIT")
    conn.close()


def test_v2_database_migrates_on_open_and_keeps_data(tmp_path: Path) -> None:
    _v2_database(tmp_path)
    with EmbeddedRepository(tmp_path) as repo:
        assert repo.stats()["schema_version"] == SCHEMA_VERSION and repo.count() == 2
        old = repo.get("OLD1")
        assert old.metadata.degree == "master" and old.metadata.languages == ["lv"]
        assert old.metadata.author_names == ["Anna Bērziņa"] and old.supersedes is None
        assert repo.document("OLD1").text == DIGITAL
        odd = repo.get("OLD2").metadata
        assert odd.extra == {"degree_text": "habilitation"} and odd.access == "restricted"
        # indexed for search during the migration; the restricted one stays hidden
        assert [h.thesis_id for h in repo.search("pētījums", today=TODAY).hits] == ["OLD1"]
        # versions work on migrated theses
        assert repo.version_family("OLD1") == {"OLD1"}
        doc = make_document(DIGITAL + " Otrā versija.", "v2.txt")
        new = repo.add(ThesisMetadata(title="v2"), doc, fingerprint_document(doc, PARAMS),
                       original_filename="v2.pdf", size_bytes=1, supersedes="OLD1")
        assert [r.id for r in repo.versions("OLD1")] == ["OLD1", new.id]
    with _raw(tmp_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_second_opener_waits_for_a_running_migration(tmp_path: Path) -> None:
    import threading

    from repository import sqlite_schema

    _v2_database(tmp_path)
    holder = sqlite3.connect(tmp_path / DB_FILENAME, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # stands for a slow migration in another process
    threading.Timer(1.5, lambda: holder.execute("COMMIT")).start()
    conn = sqlite_schema.connect(tmp_path / DB_FILENAME, busy_timeout_ms=100)  # outlives busy_timeout
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        conn.close()
        holder.close()
