"""Schema v5 of the embedded repository: the smaller layout (issue 5) and its migration.

v5 stores no MinHash values (delete recomputes band keys from the stored document),
keeps band keys without their low 16 bits and compresses new documents with LZMA.
Databases written at v3 and v4 (full keys, MinHash blobs, zlib documents) must
migrate on open and then behave exactly as if their theses had been added at v5.
"""

from __future__ import annotations

import sqlite3
import zlib
from datetime import datetime, timezone
from pathlib import Path

import pytest

from contract import DIGITAL, FOOD, PARAMS, TODAY
from repo_corpus import make_document
from repository.embedded import DB_FILENAME, EmbeddedRepository
from repository.models import ThesisMetadata
from repository.sqlite_rows import band_rows, minhash_blobs, stored_band_key
from repository.sqlite_schema import MIGRATIONS, SCHEMA_VERSION
from similarity.fingerprint import fingerprint_document


def _old_database(path: Path, version: int) -> None:
    """A database at schema ``version`` (3 or 4) holding DIGITAL as that release wrote it."""
    from repository import sqlite_search

    path.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path / DB_FILENAME, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("BEGIN")
    for v in range(version):
        MIGRATIONS[v](conn)
    conn.execute("INSERT INTO fingerprint_params(key, json) VALUES (?, ?)", (PARAMS.key(), PARAMS.model_dump_json()))
    conn.execute("INSERT INTO setting(name, value) VALUES ('active_params_key', ?)", (PARAMS.key(),))
    doc = make_document(DIGITAL, "old.txt")
    fps = fingerprint_document(doc, PARAMS)
    meta = ThesisMetadata(title="Digitalizācija", year=2020, languages=["lv"])
    created = datetime(2025, 1, 1, tzinfo=timezone.utc)
    pk_of = {p.index: 100 + p.index for p in doc.passages}
    keys, pks = band_rows(fps.band_keys(), pk_of)  # full 64-bit keys, as before v5
    conn.execute(
        "INSERT INTO thesis(pk, id, sha256, original_filename, size_bytes, format, language, pages, characters,"
        " passages, band_rows, created_at, params_key, metadata_json, supersedes, family)"
        " VALUES (1, 'OLD1', ?, 'old.pdf', 1, 'txt', 'lv', 1, ?, ?, ?, ?, ?, ?, NULL, 'OLD1')",
        (doc.sha256, len(doc.text), len(doc.passages), len(keys), created.isoformat(timespec="microseconds"),
         PARAMS.key(), meta.model_dump_json()),
    )
    conn.execute("INSERT INTO document(thesis_pk, data) VALUES (1, ?)", (zlib.compress(doc.model_dump_json().encode()),))
    sqlite_search.insert(conn, 1, meta, doc)
    if version >= 4:
        from repository import sqlite_harvest

        sqlite_harvest.insert(conn, 1, "OLD1", created, meta)
    minhashes = minhash_blobs(doc, fps)
    conn.executemany(
        'INSERT INTO passage(pk, thesis_pk, idx, start, "end", language, minhash) VALUES (?, 1, ?, ?, ?, ?, ?)',
        [(pk_of[p.index], p.index, p.start, p.end, p.language, minhashes.get(p.index)) for p in doc.passages],
    )
    conn.executemany("INSERT INTO lsh_band(key, passage_pk) VALUES (?, ?)", zip(keys, pks))
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute("COMMIT")
    conn.close()


def _raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path / DB_FILENAME)


@pytest.mark.parametrize("version", [3, 4])
def test_old_database_migrates_to_the_small_layout(tmp_path: Path, version: int) -> None:
    _old_database(tmp_path / "old", version)
    doc = make_document(DIGITAL, "old.txt")
    with _raw(tmp_path / "old") as conn:
        full_keys = sorted(k for (k,) in conn.execute("SELECT key FROM lsh_band"))
    with EmbeddedRepository(tmp_path / "old") as old:
        assert old.stats()["schema_version"] == SCHEMA_VERSION == 5
        assert old.document("OLD1") == doc  # zlib blob written before v5 still reads
        fresh_doc = make_document(DIGITAL + " Jauns teikums.", "new.txt")
        query = fingerprint_document(fresh_doc, PARAMS)
        found = old.candidates(query)
        assert [c.thesis_id for c in found] == ["OLD1"]
        assert [h.thesis_id for h in old.search("digitalizācijas", today=TODAY).hits] == ["OLD1"]
    with _raw(tmp_path / "old") as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(passage)")]
        assert "minhash" not in columns
        assert sorted(k for (k,) in conn.execute("SELECT key FROM lsh_band")) == sorted(
            stored_band_key(k) for k in full_keys
        )
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    # the same thesis added at v5 finds the same candidate passages
    with EmbeddedRepository(tmp_path / "new") as new:
        new.add(ThesisMetadata(title="Digitalizācija"), doc, fingerprint_document(doc, PARAMS),
                original_filename="old.pdf", size_bytes=1)
        assert [c.passages for c in new.candidates(query)] == [c.passages for c in found]


def test_delete_after_migration_removes_every_band_row(tmp_path: Path) -> None:
    _old_database(tmp_path, 4)
    with EmbeddedRepository(tmp_path) as repo:
        repo.delete("OLD1")
        assert repo.count() == 0
    with _raw(tmp_path) as conn:
        assert conn.execute("SELECT count(*) FROM lsh_band").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM passage").fetchone()[0] == 0


def test_new_documents_are_stored_lzma_and_deleted_by_recomputed_keys(tmp_path: Path) -> None:
    with EmbeddedRepository(tmp_path) as repo:
        kept, gone = make_document(FOOD, "food.txt"), make_document(DIGITAL, "digital.txt")
        for doc in (kept, gone):
            record = repo.add(ThesisMetadata(title=doc.source_name), doc, fingerprint_document(doc, PARAMS),
                              original_filename=doc.source_name, size_bytes=1)
        assert repo.document(record.id) == gone  # (LZMA pays off on thesis-sized text, not on these)
        with _raw(tmp_path) as conn:
            blobs = [b for (b,) in conn.execute("SELECT data FROM document")]
            kept_rows = conn.execute(
                "SELECT count(*) FROM lsh_band b JOIN passage p ON p.pk = b.passage_pk JOIN thesis t"
                " ON t.pk = p.thesis_pk WHERE t.original_filename = 'food.txt'"
            ).fetchone()[0]
        assert all(not b.startswith(b"x") for b in blobs)  # not zlib
        repo.delete(record.id)
        with _raw(tmp_path) as conn:
            assert conn.execute("SELECT count(*) FROM lsh_band").fetchone()[0] == kept_rows > 0
