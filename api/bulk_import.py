"""Bulk import of a university's backlog from a manifest (``kratuve import``).

The manifest is CSV (a header row; a ``file`` column plus ThesisMetadata fields,
list fields separated by ``;``) or JSON Lines (one object per line with
``"file"`` and metadata). It is read as a stream, one row at a time. Relative
file paths resolve against the manifest's folder.

Resumable: every row that ends up in the repository (added, or skipped because
the same file is stored) is written to a journal, ``<data dir>/import-journal.sqlite3``,
keyed by manifest path, line number and file SHA-256; a rerun skips those rows
without ingesting the files again. Whether a file is stored is decided by the
repository itself (its SHA-256 is unique there), so a process killed between
storing a thesis and journalling it is harmless: the rerun finds the file
stored and counts the row as skipped. Failed rows are not journalled: a rerun
tries them again.

With ``workers > 1``, reading and fingerprinting run in worker processes while
this process alone writes to the repository and the journal.
"""

from __future__ import annotations

import csv
import json
import multiprocessing
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from ingest.checksum import sha256_file
from ingest.document import Document
from ingest.errors import IngestError
from ingest.pipeline import IngestOptions, ingest_file
from repository.errors import DuplicateThesis, RepositoryError
from repository.models import ThesisMetadata
from similarity.fingerprint import Fingerprints, MinHashParams, fingerprint_document

from api.pipeline import Checker

JOURNAL_FILENAME = "import-journal.sqlite3"
LIST_FIELDS = {"keywords", "authors", "supervisors", "languages", "subjects"}
LIST_SEPARATOR = ";"


@dataclass(slots=True)
class Row:
    """One manifest row: its line number, the file, and metadata fields (or why it is unusable)."""

    line: int
    file: str
    fields: dict[str, Any] = field(default_factory=dict)
    error: str = ""


@dataclass(slots=True)
class ImportSummary:
    added: int = 0
    skipped: int = 0
    failed: int = 0
    failures_path: Path | None = None

    @property
    def done(self) -> int:
        return self.added + self.skipped + self.failed

    def line(self) -> str:
        return f"{self.added} added, {self.skipped} skipped, {self.failed} failed"


# -- the manifest ----------------------------------------------------------------


def read_manifest(path: Path) -> Iterator[Row]:
    """Rows of a CSV or JSON Lines manifest, streamed. JSON Lines: ``.jsonl``/``.ndjson``
    (or a first non-blank character ``{``); anything else is CSV."""
    if _is_jsonl(path):
        yield from _read_jsonl(path)
    else:
        yield from _read_csv(path)


def _is_jsonl(path: Path) -> bool:
    if path.suffix.lower() in {".jsonl", ".ndjson"}:
        return True
    if path.suffix.lower() == ".csv":
        return False
    with path.open(encoding="utf-8-sig") as f:
        for line in f:
            if line.strip():
                return line.lstrip().startswith("{")
    return False


def _read_jsonl(path: Path) -> Iterator[Row]:
    with path.open(encoding="utf-8-sig") as f:
        for line_no, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Row(line_no, "", error=f"not valid JSON ({exc.msg})")
                continue
            if not isinstance(data, dict):
                yield Row(line_no, "", error="expected a JSON object")
                continue
            file = data.pop("file", None)
            if not isinstance(file, str) or not file.strip():
                yield Row(line_no, "", data, error="no 'file'")
                continue
            yield Row(line_no, file.strip(), data)


def _read_csv(path: Path) -> Iterator[Row]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames is None or "file" not in reader.fieldnames:
            raise ValueError("the CSV manifest needs a header row with a 'file' column")
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield Row(reader.line_num, "", error=f"bad CSV ({exc})")
                continue
            line_no = reader.line_num  # the (last) physical line of this record: stable across runs
            if None in record:
                yield Row(line_no, (record.get("file") or "").strip(), error="more values than columns")
                continue
            fields: dict[str, Any] = {}
            for key, value in record.items():
                key = (key or "").strip()
                value = (value or "").strip()
                if not key or key == "file" or not value:
                    continue
                if key in LIST_FIELDS:
                    fields[key] = [v.strip() for v in value.split(LIST_SEPARATOR) if v.strip()]
                elif key == "extra":
                    try:
                        fields[key] = json.loads(value)
                    except json.JSONDecodeError:
                        fields[key] = value  # ThesisMetadata says what is wrong with it
                else:
                    fields[key] = value
            file = (record.get("file") or "").strip()
            if not file:
                yield Row(line_no, "", fields, error="no 'file'")
                continue
            yield Row(line_no, file, fields)


def metadata_of(row: Row, path: Path) -> ThesisMetadata:
    fields = dict(row.fields)
    if not str(fields.get("title") or "").strip():
        fields["title"] = path.stem
    return ThesisMetadata(**fields)


def _validation_reason(exc: ValidationError) -> str:
    return "bad metadata (" + "; ".join(
        f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
    ) + ")"


# -- the journal -------------------------------------------------------------------


class Journal:
    """Which manifest rows are done: ``(manifest, line, sha256) -> status, thesis id``."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / JOURNAL_FILENAME
        self._conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = NORMAL")
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS import_done ("
            " manifest TEXT NOT NULL, line INTEGER NOT NULL, sha256 TEXT NOT NULL,"
            " status TEXT NOT NULL, thesis_id TEXT, done_at TEXT NOT NULL,"
            " PRIMARY KEY (manifest, line, sha256)) WITHOUT ROWID"
        )

    def is_done(self, manifest: str, line: int, sha256: str) -> bool:
        row = self._conn.execute(
            "SELECT 1 FROM import_done WHERE manifest = ? AND line = ? AND sha256 = ?",
            (manifest, line, sha256),
        ).fetchone()
        return row is not None

    def mark(self, manifest: str, line: int, sha256: str, status: str, thesis_id: str | None) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO import_done(manifest, line, sha256, status, thesis_id, done_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (manifest, line, sha256, status, thesis_id, datetime.now(timezone.utc).isoformat()),
        )

    def close(self) -> None:
        self._conn.close()


# -- work done in worker processes ------------------------------------------------------


def prepare(path: Path, options: IngestOptions, params: MinHashParams) -> tuple[Document, Fingerprints] | str:
    """Read and fingerprint one file: the results, or the reason it cannot be read."""
    try:
        document = ingest_file(path, options)
    except IngestError as exc:
        return exc.reason
    except OSError as exc:
        return f"cannot read the file ({exc.strerror or exc})"
    return document, fingerprint_document(document, params)


# -- progress ---------------------------------------------------------------------------------


class Progress:
    """A carriage-return counter on a terminal, a line every ``interval_s`` otherwise."""

    def __init__(self, stream: TextIO, interval_s: float = 10.0) -> None:
        self.stream = stream
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.interval_s = interval_s
        self._last = time.monotonic()

    def clear(self) -> None:
        """On a terminal, wipe the counter so that a message can take its line."""
        if self.tty:
            self.stream.write("\r\033[K")

    def update(self, summary: ImportSummary, *, final: bool = False) -> None:
        text = f"{summary.done} rows: {summary.line()}"
        if self.tty:
            self.stream.write("\r" + text + ("\n" if final else ""))
            self.stream.flush()
        elif final or time.monotonic() - self._last >= self.interval_s:
            self._last = time.monotonic()
            print(text, file=self.stream, flush=True)


# -- the import -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Pending:
    row: Row
    path: Path
    sha256: str
    metadata: ThesisMetadata


class BulkImport:
    """Imports one manifest into the checker's repository."""

    def __init__(
        self,
        checker: Checker,
        manifest: Path,
        *,
        workers: int = 1,
        failures_path: Path | None = None,
        progress: Progress | None = None,
        on_result: Callable[[Row, str, str], None] | None = None,
    ) -> None:
        self.checker = checker
        self.manifest = manifest.resolve()
        self.key = str(self.manifest)
        self.workers = max(1, workers)
        self.failures_path = failures_path
        self.progress = progress
        self.on_result = on_result
        self.summary = ImportSummary()
        self._failures: Any = None
        self._writer: Any = None

    def run(self) -> ImportSummary:
        """Raises OSError/ValueError only when the manifest itself cannot be read."""
        journal = Journal(self.checker.settings.data_dir)
        try:
            rows = read_manifest(self.manifest)
            if self.workers == 1:
                for row in rows:
                    pending = self._admit(row, journal)
                    if pending is not None:
                        self._store(pending, self._prepare(pending.path), journal)
            else:
                self._run_parallel(rows, journal)
        finally:
            journal.close()
            if self._failures is not None:
                self._failures.close()
            if self.progress is not None:
                self.progress.update(self.summary, final=True)
        return self.summary

    def _prepare(self, path: Path) -> tuple[Document, Fingerprints] | str:
        return prepare(path, self.checker.ingest_options, self.checker.settings.minhash)

    def _run_parallel(self, rows: Iterator[Row], journal: Journal) -> None:
        window = 2 * self.workers  # rows in flight: the manifest is never read far ahead
        # spawn, not fork: a forked worker would inherit this process's ingest
        # forkserver (see ingest.extract.isolate), whose children it cannot wait for.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=self.workers, mp_context=context) as pool:
            in_flight: dict[Future, _Pending] = {}
            for row in rows:
                pending = self._admit(row, journal)
                if pending is None:
                    continue
                future = pool.submit(prepare, pending.path, self.checker.ingest_options, self.checker.settings.minhash)
                in_flight[future] = pending
                while len(in_flight) >= window:
                    self._drain(in_flight, journal, FIRST_COMPLETED)
            while in_flight:
                self._drain(in_flight, journal, FIRST_COMPLETED)

    def _drain(self, in_flight: dict[Future, _Pending], journal: Journal, when: str) -> None:
        done, _ = wait(in_flight, return_when=when)
        for future in done:
            pending = in_flight.pop(future)
            try:
                result = future.result()
            except Exception as exc:  # a worker died or raised: this row fails, the rest go on
                result = f"could not be read ({type(exc).__name__}: {exc})"
            self._store(pending, result, journal)

    def _admit(self, row: Row, journal: Journal) -> _Pending | None:
        """Checks made before any reading: bad row, missing file, done already, stored already."""
        if row.error:
            self._fail(row, row.error)
            return None
        path = Path(row.file)
        if not path.is_absolute():
            path = self.manifest.parent / path
        if not path.is_file():
            self._fail(row, "no such file")
            return None
        try:
            metadata = metadata_of(row, path)
        except ValidationError as exc:
            self._fail(row, _validation_reason(exc))
            return None
        except (TypeError, ValueError) as exc:
            self._fail(row, f"bad metadata ({exc})")
            return None
        try:
            sha = sha256_file(path)
        except OSError as exc:
            self._fail(row, f"cannot read the file ({exc.strerror or exc})")
            return None
        existing = self.checker.repository.find_by_sha256(sha)
        if existing is not None:
            # The repository is the truth (a thesis deleted since an earlier run is
            # imported again); the journal tells an earlier run's rows from the rest.
            if journal.is_done(self.key, row.line, sha):
                self._count(row, "skipped", f"imported by an earlier run as {existing.id}")
            else:
                journal.mark(self.key, row.line, sha, "skipped", existing.id)
                self._count(row, "skipped", f"already in the repository as {existing.id}")
            return None
        return _Pending(row, path, sha, metadata)

    def _store(self, pending: _Pending, result: tuple[Document, Fingerprints] | str, journal: Journal) -> None:
        row = pending.row
        if isinstance(result, str):
            self._fail(row, result)
            return
        document, fingerprints = result
        checker = self.checker
        try:
            record = checker.repository.add(
                pending.metadata,
                document,
                fingerprints,
                original_filename=pending.path.name,
                size_bytes=pending.path.stat().st_size,
                vectors=checker._passage_vectors(document) if checker.settings.semantic_enabled else None,
            )
        except DuplicateThesis as exc:  # the same file twice in the manifest
            journal.mark(self.key, row.line, pending.sha256, "skipped", exc.existing.id)
            self._count(row, "skipped", f"already in the repository as {exc.existing.id}")
            return
        except (RepositoryError, OSError) as exc:
            self._fail(row, str(exc))
            return
        journal.mark(self.key, row.line, pending.sha256, "added", record.id)
        self._count(row, "added", record.id)

    def _count(self, row: Row, status: str, detail: str) -> None:
        setattr(self.summary, status, getattr(self.summary, status) + 1)
        if self.on_result is not None:
            if self.progress is not None:
                self.progress.clear()
            self.on_result(row, status, detail)
        if self.progress is not None:
            self.progress.update(self.summary)

    def _fail(self, row: Row, reason: str) -> None:
        if self.failures_path is not None:
            if self._failures is None:
                self.failures_path.parent.mkdir(parents=True, exist_ok=True)
                self._failures = self.failures_path.open("w", encoding="utf-8", newline="")
                self._writer = csv.writer(self._failures)
                self._writer.writerow(["line", "file", "reason"])
                self.summary.failures_path = self.failures_path
            self._writer.writerow([row.line, row.file, reason])
            self._failures.flush()
        self._count(row, "failed", reason)


def default_failures_path(data_dir: Path, manifest: Path) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return data_dir / "imports" / f"{manifest.stem}-{stamp}-failures.csv"


def print_result(row: Row, status: str, detail: str) -> None:
    """Per-row lines: failures only (the progress line and summary tell the rest)."""
    if status == "failed":
        print(f"line {row.line}: {row.file or '-'}: failed: {detail}", file=sys.stderr)
