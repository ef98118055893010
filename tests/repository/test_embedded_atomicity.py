"""A process killed in the middle of ``add`` leaves all of the thesis or none of it."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from repo_corpus import DIGITAL, FOOD, OWN, make_document
from repository.embedded import DB_FILENAME, EmbeddedRepository
from repository.models import ThesisMetadata
from similarity.fingerprint import MinHashParams, fingerprint_document

# Adds the prepared thesis under the sha256 given in argv; prints "begin" when
# the write transaction starts and "done" after it committed.
CHILD = """
import sys
from pathlib import Path
from ingest.document import Document
from repository.embedded import EmbeddedRepository
from repository.models import ThesisMetadata
from similarity.fingerprint import Fingerprints

work, sha = Path(sys.argv[1]), sys.argv[2]
document = Document.model_validate_json((work / "document.json").read_text()).model_copy(update={"sha256": sha})
fingerprints = Fingerprints.model_validate_json((work / "fingerprints.json").read_text())
repo = EmbeddedRepository(work / "repo")
repo._conn.set_trace_callback(
    lambda sql: print("begin", flush=True) if sql.startswith("BEGIN IMMEDIATE") else None
)
print("ready", flush=True)
repo.add(ThesisMetadata(title="Liels darbs"), document, fingerprints, original_filename="big.pdf", size_bytes=1)
print("done", flush=True)
"""


def _spawn(work: Path, sha: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(work), sha], stdout=subprocess.PIPE, text=True
    )


def _wait_for(child: subprocess.Popen[str], word: str) -> None:
    assert child.stdout is not None
    line = child.stdout.readline().strip()
    assert line == word, f"child said {line!r}, expected {word!r}"


def _check_consistent(path: Path) -> set[str]:
    """Every stored thesis is complete and nothing else is stored; return the stored sha256s."""
    with EmbeddedRepository(path):  # opening runs WAL recovery as any later user would
        pass
    conn = sqlite3.connect(path / DB_FILENAME)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        theses, passages, bands = conn.execute(
            "SELECT count(*), coalesce(sum(passages), 0), coalesce(sum(band_rows), 0) FROM thesis"
        ).fetchone()
        assert conn.execute("SELECT count(*) FROM document").fetchone()[0] == theses
        assert conn.execute("SELECT count(*) FROM passage").fetchone()[0] == passages
        assert conn.execute("SELECT count(*) FROM lsh_band").fetchone()[0] == bands
        return {sha for (sha,) in conn.execute("SELECT sha256 FROM thesis")}
    finally:
        conn.close()


@pytest.mark.slow
def test_killed_add_leaves_all_or_nothing(tmp_path: Path) -> None:
    sentences = [s.strip() + "." for s in (DIGITAL + FOOD + OWN).split(".") if s.strip()]
    rng = random.Random(7)
    text = "\n".join(f"{i}. {rng.choice(sentences)} {rng.choice(sentences)}" for i in range(800))
    document = make_document(text, "big.txt", per_passage=1)
    fingerprints = fingerprint_document(document, MinHashParams())
    (tmp_path / "document.json").write_text(document.model_dump_json())
    (tmp_path / "fingerprints.json").write_text(fingerprints.model_dump_json())
    path = tmp_path / "repo"

    # One undisturbed run, to learn how long the transaction takes.
    child = _spawn(tmp_path, "0" * 64)
    _wait_for(child, "ready")
    _wait_for(child, "begin")
    began = time.perf_counter()
    _wait_for(child, "done")
    duration = time.perf_counter() - began
    assert child.wait(timeout=60) == 0
    assert _check_consistent(path) == {"0" * 64}

    killed_inside = 0
    for attempt in range(1, 6):
        sha = f"{attempt:064x}"
        child = _spawn(tmp_path, sha)
        _wait_for(child, "ready")
        _wait_for(child, "begin")
        time.sleep(rng.uniform(0.05, 0.9) * duration)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
        stored = _check_consistent(path)
        killed_inside += sha not in stored
    assert killed_inside > 0, f"no kill landed inside a transaction of {duration:.3f}s"
