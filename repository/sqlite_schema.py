"""SQLite schema of the embedded repository, its migrations and connection set-up.

The schema version lives in ``PRAGMA user_version``. :func:`migrate` brings a
database from any older version to :data:`SCHEMA_VERSION` inside one write
transaction, so two processes opening a new directory at once do not race.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from repository.errors import RepositoryError

SCHEMA_VERSION = 5
MIGRATION_WAIT_S = 1800.0  # how long an opener waits for another process's migration

_V1 = """
CREATE TABLE setting (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE fingerprint_params (
    key  TEXT PRIMARY KEY,          -- MinHashParams.key()
    json TEXT NOT NULL              -- MinHashParams.model_dump_json()
) WITHOUT ROWID;

CREATE TABLE thesis (
    pk                INTEGER PRIMARY KEY,
    id                TEXT NOT NULL UNIQUE,
    sha256            TEXT NOT NULL UNIQUE,
    original_filename TEXT NOT NULL,
    size_bytes        INTEGER NOT NULL,
    format            TEXT NOT NULL,
    language          TEXT NOT NULL,
    pages             INTEGER NOT NULL,
    characters        INTEGER NOT NULL,
    passages          INTEGER NOT NULL,
    band_rows         INTEGER NOT NULL, -- rows this thesis owns in lsh_band
    created_at        TEXT NOT NULL,    -- ISO 8601, UTC, microseconds: sorts as text
    params_key        TEXT NOT NULL REFERENCES fingerprint_params(key),
    metadata_json     TEXT NOT NULL
);
CREATE INDEX thesis_created ON thesis(created_at);

-- Kept apart from thesis so that listing records never reads the large blobs.
CREATE TABLE document (
    thesis_pk INTEGER PRIMARY KEY REFERENCES thesis(pk) ON DELETE CASCADE,
    data      BLOB NOT NULL             -- zlib(Document.model_dump_json())
);

CREATE TABLE passage (
    pk        INTEGER PRIMARY KEY,
    thesis_pk INTEGER NOT NULL REFERENCES thesis(pk) ON DELETE CASCADE,
    idx       INTEGER NOT NULL,
    start     INTEGER NOT NULL,
    "end"     INTEGER NOT NULL,
    language  TEXT NOT NULL,
    minhash   BLOB,                     -- num_perm x uint64 little-endian; NULL: too short
    UNIQUE (thesis_pk, idx)
);

-- The LSH index: one row per (band key, passage). No foreign key on purpose:
-- a cascade would need a second index on passage_pk, as large as the table.
-- The repository deletes a thesis's rows by recomputing its band keys.
CREATE TABLE lsh_band (
    key        INTEGER NOT NULL,
    passage_pk INTEGER NOT NULL,
    PRIMARY KEY (key, passage_pk)
) WITHOUT ROWID;

CREATE TABLE report (
    pk           INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    thesis_pk    INTEGER REFERENCES thesis(pk) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    kind         TEXT NOT NULL,
    payload_json TEXT NOT NULL
);
CREATE INDEX report_thesis ON report(thesis_pk);
"""

# Version 2: passage vectors, each tied to the embedding model that made it.
_V2 = """
CREATE TABLE embedding_model (
    key  TEXT PRIMARY KEY,          -- EmbeddingModelInfo.key()
    json TEXT NOT NULL              -- EmbeddingModelInfo.model_dump_json()
) WITHOUT ROWID;

CREATE TABLE passage_vector (
    passage_pk INTEGER PRIMARY KEY REFERENCES passage(pk) ON DELETE CASCADE,
    model_key  TEXT NOT NULL REFERENCES embedding_model(key),
    scale      REAL NOT NULL,       -- vector ~= vec * scale
    vec        BLOB NOT NULL        -- dim x int8
);
CREATE INDEX passage_vector_model ON passage_vector(model_key);
"""

# Version 3: versions (a resubmission supersedes an earlier thesis; ``family`` is the
# id of the first version) and public full-text search (see repository.sqlite_search).
_V3 = """
ALTER TABLE thesis ADD COLUMN supersedes TEXT;  -- id of the earlier version; no FK: kept on delete
ALTER TABLE thesis ADD COLUMN family TEXT;      -- id of the first version of the chain
UPDATE thesis SET family = id;
CREATE INDEX thesis_family ON thesis(family);
-- A chain, not a tree: each version is superseded at most once.
CREATE UNIQUE INDEX thesis_supersedes ON thesis(supersedes) WHERE supersedes IS NOT NULL;
"""


def _to_v3(conn: sqlite3.Connection) -> None:
    """Add versions and search; bring stored metadata to the v3 model and index every thesis."""
    from repository import sqlite_search  # the stemmers load only when migrating

    _executescript_in_transaction(conn, _V3)
    _executescript_in_transaction(conn, sqlite_search.SCHEMA)
    sqlite_search.upgrade_metadata(conn)
    sqlite_search.backfill(conn)


def _to_v4(conn: sqlite3.Connection) -> None:
    """Add harvesting (OAI-PMH): a row per harvestable thesis and tombstones of deleted ones."""
    from repository import sqlite_harvest

    _executescript_in_transaction(conn, sqlite_harvest.SCHEMA)
    sqlite_harvest.backfill(conn)


# Version 5: a smaller file (issue 5: under 3 KB per 1,000 characters of text). MinHash
# values are no longer stored (1.1 KB per 1,000 characters; delete recomputes the band keys
# from the stored document), band keys lose their low 16 bits (6-byte integers, see
# repository.sqlite_rows.stored_band_key) and new documents are stored LZMA-compressed
# (old zlib blobs stay readable). Freed pages are reused by later imports; ``VACUUM``
# returns them to the file system.
_V5 = """
ALTER TABLE passage DROP COLUMN minhash;
CREATE TABLE lsh_band_v5 (
    key        INTEGER NOT NULL,    -- band key >> 16
    passage_pk INTEGER NOT NULL,
    PRIMARY KEY (key, passage_pk)
) WITHOUT ROWID;
INSERT OR IGNORE INTO lsh_band_v5(key, passage_pk) SELECT key >> 16, passage_pk FROM lsh_band ORDER BY 1, 2;
DROP TABLE lsh_band;
ALTER TABLE lsh_band_v5 RENAME TO lsh_band;
"""


# MIGRATIONS[n] takes a database at version n to version n + 1.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    0: lambda conn: _executescript_in_transaction(conn, _V1),
    1: lambda conn: _executescript_in_transaction(conn, _V2),
    2: _to_v3,
    3: _to_v4,
    4: lambda conn: _executescript_in_transaction(conn, _V5),
}


def _executescript_in_transaction(conn: sqlite3.Connection, script: str) -> None:
    # executescript() would COMMIT first; run statement by statement instead.
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            conn.execute(pending)
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement: {pending!r}")


DEFAULT_CACHE_MB = 256


def connect(path: Path, *, busy_timeout_ms: int, cache_mb: int = DEFAULT_CACHE_MB) -> sqlite3.Connection:
    """Open (creating if needed) the database file and set the connection pragmas.

    The connection is in autocommit mode; callers issue BEGIN/COMMIT themselves.
    Python's default ``check_same_thread=True`` stays: a connection belongs to
    the thread that opened it.
    """
    conn = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout_ms / 1000)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        # WAL: readers (other processes included) never block the writer or each other.
        conn.execute("PRAGMA journal_mode = WAL")
        # NORMAL in WAL mode fsyncs at checkpoints, not at every commit. That is
        # still atomic: a transaction reaches the WAL with its commit record or
        # not at all, and recovery ignores frames without one. A killed process
        # therefore leaves either nothing or everything of a transaction; only a
        # power cut may lose the last few *committed* transactions, never corrupt.
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        # SQLite's own page cache, at most ``cache_mb`` (filled only as pages are read). The
        # default 2 MB holds almost nothing of the LSH band B-tree, whose inserts land on random
        # pages: adding a thesis to a 10,000-thesis repository spent ~0.3 s on band rows alone
        # with 2 MB, ~0.07 s with the interior pages cached (bench/repository/scale.py, BENCHMARKS §9).
        conn.execute(f"PRAGMA cache_size = -{int(cache_mb) * 1024}")
        migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema to :data:`SCHEMA_VERSION`; return the version found before."""
    found = _user_version(conn)
    if found == SCHEMA_VERSION:
        return found
    if found > SCHEMA_VERSION:
        raise RepositoryError(
            f"database schema version {found} is newer than this code understands ({SCHEMA_VERSION})"
        )
    _begin_migration(conn)
    try:
        found = _user_version(conn)  # another process may have migrated meanwhile
        for version in range(found, SCHEMA_VERSION):
            MIGRATIONS[version](conn)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return found


def _begin_migration(conn: sqlite3.Connection, wait_s: float = MIGRATION_WAIT_S) -> None:
    """BEGIN IMMEDIATE, waiting out another process's migration (v3 indexes every
    thesis for search: about a minute per 500 theses) rather than failing on busy_timeout."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(1.0)


def _user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])
