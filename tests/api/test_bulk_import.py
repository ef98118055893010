"""``kratuve import``: CSV and JSON Lines manifests, failures, resume after SIGKILL."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from api.bulk_import import JOURNAL_FILENAME, ImportSummary, Progress, read_manifest
from api.cli import main
from repository.embedded import DB_FILENAME, EmbeddedRepository

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "api" / "demo" / "data"


def sections(limit: int) -> list[str]:
    """Sections of the LVTB documentation (split on '### ' headers) long enough to be theses."""
    text = (DEMO / "lvtb-docs.lv.txt").read_text(encoding="utf-8")
    parts = ["### " + p.strip() for p in text.split("### ")[1:] if len(p.split()) >= 60]
    return parts[:limit]


def write_files(folder: Path, texts: list[str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, t in enumerate(texts):
        p = folder / f"t{i:02d}.txt"
        p.write_text(t, encoding="utf-8")
        out.append(p)
    return out


def run(data: Path, *args: str) -> int:
    return main(["--data-dir", str(data), *args])


def stored(data: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{data / DB_FILENAME}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("SELECT sha256 FROM thesis")]
    finally:
        conn.close()


def test_csv_manifest_metadata_failures_and_rerun(tmp_path: Path, capsys) -> None:
    theses = tmp_path / "manifest" / "theses"
    files = write_files(theses, [(DEMO / n).read_text(encoding="utf-8") for n in
                                 ("udhr.lv.txt", "udhr.en.txt", "common_voice_terms.lv.txt")])
    (theses / "empty.txt").write_bytes(b"")
    manifest = tmp_path / "manifest" / "backlog.csv"
    with manifest.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "title", "authors", "keywords", "year", "degree", "institution"])
        w.writerow(["theses/t00.txt", "Cilvēktiesības", "Anna Bērziņa; Jānis Ozols", "tiesības;brīvība", "2020", "bakalaura darbs", "LU"])
        w.writerow([str(files[1]), "", "", "", "2021", "master", "RTU"])  # absolute path; title from file name
        w.writerow(["theses/missing.txt", "Nav", "", "", "", "", ""])
        w.writerow(["theses/t02.txt", "Bad year", "", "", "1800", "", ""])
        w.writerow(["theses/t00.txt", "Same file again", "", "", "", "", ""])
        w.writerow(["theses/empty.txt", "Empty", "", "", "", "", ""])
        w.writerow(["", "No file", "", "", "", "", ""])
    data = tmp_path / "data"
    assert run(data, "import", str(manifest)) == 2
    out, err = capsys.readouterr()
    assert "2 added, 1 skipped, 4 failed" in out
    report = Path(out.split("Failures: ")[1].strip())
    rows = list(csv.DictReader(report.open(encoding="utf-8")))
    assert [(r["line"], r["file"]) for r in rows] == [
        ("4", "theses/missing.txt"), ("5", "theses/t02.txt"), ("7", "theses/empty.txt"), ("8", "")
    ]
    reasons = {r["line"]: r["reason"] for r in rows}
    assert reasons["4"] == "no such file" and "year" in reasons["5"]
    assert "line 4: theses/missing.txt: failed: no such file" in err
    with EmbeddedRepository(data) as repo:
        records = {r.metadata.title: r.metadata for r in repo.list()}
    assert set(records) == {"Cilvēktiesības", "t01"}
    first = records["Cilvēktiesības"]
    assert first.author_names == ["Anna Bērziņa", "Jānis Ozols"]
    assert first.keywords == ["tiesības", "brīvība"] and first.degree.value == "bachelor" and first.year == 2020
    assert records["t01"].institution == "RTU"

    # fix the bad row, rerun: done rows are skipped, the fixed one is added
    text = manifest.read_text(encoding="utf-8").replace("Bad year,,,1800", "Fixed,,,2019")
    manifest.write_text(text, encoding="utf-8")
    assert run(data, "import", str(manifest)) == 2
    out, _ = capsys.readouterr()
    assert "1 added, 3 skipped, 3 failed" in out
    assert len(stored(data)) == 3


def test_jsonl_manifest_with_worker_processes(tmp_path: Path, capsys) -> None:
    files = write_files(tmp_path / "files", sections(6))
    manifest = tmp_path / "backlog.jsonl"
    lines = [json.dumps({"file": f.name, "title": f"Nodaļa {i}", "authors": [{"name": "Līga Kalniņa"}],
                         "institution": "LU", "year": 2018 + i}) for i, f in enumerate(files)]
    lines.insert(2, "{not json")
    lines.insert(3, json.dumps({"file": files[0].name, "title": "Dup"}))
    lines.insert(4, json.dumps({"file": files[1].name, "title": "x", "colour": "blue"}))
    manifest.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    for f in files:  # relative paths resolve against the manifest's folder
        f.rename(tmp_path / f.name)
    data = tmp_path / "data"
    assert run(data, "import", str(manifest), "--workers", "2") == 2
    out, _ = capsys.readouterr()
    assert "6 added, 1 skipped, 2 failed" in out
    assert len(stored(data)) == len(set(stored(data))) == 6


def test_manifest_is_streamed_and_progress(tmp_path: Path) -> None:
    manifest = tmp_path / "m.csv"
    manifest.write_text("file,title\na.txt,A\n\"b\nc.txt\",B\n", encoding="utf-8")
    rows = read_manifest(manifest)
    assert next(rows).line == 2  # a generator: nothing past the first row is read yet
    assert [r.line for r in rows] == [4]
    tty = io.StringIO()
    tty.isatty = lambda: True  # type: ignore[method-assign]
    Progress(tty).update(ImportSummary(added=2, failed=1))
    assert tty.getvalue() == "\r3 rows: 2 added, 0 skipped, 1 failed"


def test_bad_manifest_is_refused(tmp_path: Path, capsys) -> None:
    manifest = tmp_path / "m.csv"
    manifest.write_text("path,title\na.txt,A\n", encoding="utf-8")
    assert run(tmp_path / "data", "import", str(manifest)) == 2
    assert "'file' column" in capsys.readouterr().err


def test_import_killed_with_sigkill_resumes_and_stores_each_thesis_once(tmp_path: Path) -> None:
    files = write_files(tmp_path / "files", sections(24))
    manifest = tmp_path / "backlog.csv"
    with manifest.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "title", "institution"])
        for i, p in enumerate(files):
            w.writerow([f"files/{p.name}", f"Nodaļa {i}", "LU"])
        w.writerow([f"files/{files[3].name}", "Duplicate", "LU"])
    data = tmp_path / "data"
    cmd = [sys.executable, "-c", "import sys; from api.cli import main; sys.exit(main(sys.argv[1:]))",
           "--data-dir", str(data), "import", str(manifest)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    killed_at = 0
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if (data / DB_FILENAME).exists():
                try:
                    killed_at = len(stored(data))
                except sqlite3.OperationalError:
                    killed_at = 0
                if killed_at >= 4:
                    os.kill(proc.pid, signal.SIGKILL)
                    break
            time.sleep(0.02)
    finally:
        proc.wait(timeout=30)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL, "the import finished before it could be killed"
    after_kill = len(stored(data))
    assert 4 <= after_kill < len(files)

    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    hashes = stored(data)
    assert len(hashes) == len(set(hashes)) == len(files)
    assert done.stdout.startswith(f"{len(files) - after_kill} added, {after_kill + 1} skipped, 0 failed")
    journal = sqlite3.connect(data / JOURNAL_FILENAME)
    try:
        lines = [r[0] for r in journal.execute("SELECT line FROM import_done ORDER BY line")]
    finally:
        journal.close()
    assert lines == list(range(2, len(files) + 3))  # every row once, the duplicate included
