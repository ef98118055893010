"""The ``kratuve`` command line on real files, a real SQLite repository and the real pipeline."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from api.cli import main
from repository.embedded import EmbeddedRepository

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
DEMO = ROOT / "api" / "demo" / "data"


def paragraphs(name: str) -> list[str]:
    return [p for p in (DEMO / name).read_text(encoding="utf-8").split("\n\n") if len(p.split()) > 20]


@pytest.fixture()
def corpus(tmp_path: Path) -> dict[str, Path]:
    lv = paragraphs("udhr.lv.txt")
    en = paragraphs("udhr.en.txt")
    theses = tmp_path / "theses"
    theses.mkdir()
    (theses / "a.txt").write_text("\n\n".join(lv[:10]), encoding="utf-8")
    (theses / "b.txt").write_text("\n\n".join(en[:10]), encoding="utf-8")
    submission = tmp_path / "submission.txt"
    submission.write_text("\n\n".join(lv[14:18] + [lv[3]] + lv[18:20] + [en[7]]), encoding="utf-8")
    return {"theses": theses, "submission": submission, "data": tmp_path / "data", "lv": lv, "en": en}


def run(data: Path, *args: str) -> int:
    return main(["--data-dir", str(data), *args])


def test_add_check_and_report(corpus, capsys, tmp_path):
    assert run(corpus["data"], "add", str(corpus["theses"]), "--institution", "LU", "--year", "2021") == 0
    out = capsys.readouterr().out
    assert "2 added, 0 skipped, 0 failed" in out

    # the same files again are recognised by their checksum
    assert run(corpus["data"], "add", str(corpus["theses"] / "a.txt")) == 0
    out = capsys.readouterr().out
    assert "skipped: already in the repository" in out and "0 added, 1 skipped, 0 failed" in out

    json_out, html_out = tmp_path / "r.json", tmp_path / "r.html"
    assert run(corpus["data"], "check", str(corpus["submission"]), "--json", str(json_out), "--html", str(html_out)) == 0
    out = capsys.readouterr().out
    report = json.loads(json_out.read_text(encoding="utf-8"))
    submission = corpus["submission"].read_text(encoding="utf-8")
    copied = len(corpus["lv"][3]) + len(corpus["en"][7])
    assert abs(report["similarity_index"] - 100 * copied / len(submission)) < 1.0
    assert f"Similarity index: {report['similarity_index']:.1f}%" in out
    assert len(report["sources"]) == 2
    assert {m["kind"] for m in report["matches"]} == {"identical"}
    for m in report["matches"]:
        s = m["submission"]
        assert submission[s["start"] : s["end"]] == s["text"] == m["source"]["text"]
        assert s["page"] == 1
    assert report["versions"]["minhash"]["num_perm"] > 0
    html = html_out.read_text(encoding="utf-8")
    assert "<mark" in html and "http://" not in html.replace("http://www.w3.org", "")
    assert corpus["lv"][3][:60] in html

    # check does not add the submission
    assert EmbeddedRepository(corpus["data"]).count() == 2


def test_check_writes_default_report_paths(corpus, capsys):
    assert run(corpus["data"], "add", str(corpus["theses"])) == 0
    capsys.readouterr()
    assert run(corpus["data"], "check", str(corpus["submission"])) == 0
    reports = [Path(line.split("Report: ", 1)[1]) for line in capsys.readouterr().out.splitlines() if line.startswith("Report: ")]
    assert len(reports) == 2 and all(p.exists() for p in reports)
    assert all(p.parent == (corpus["data"] / "reports").resolve() for p in reports)


def test_metadata_file_and_validation(corpus, capsys, tmp_path):
    meta = tmp_path / "meta.json"
    meta.write_text(json.dumps([{"file": "a.txt", "title": "Cilvēktiesības", "authors": ["Jānis Bērziņš"], "year": 2020},
                                {"file": "b.txt", "title": "Human rights", "year": 1800}]), encoding="utf-8")
    assert run(corpus["data"], "add", str(corpus["theses"]), "--meta", str(meta)) == 2
    captured = capsys.readouterr()
    assert "b.txt: failed: bad metadata (year:" in captured.err
    assert "1 added, 0 skipped, 1 failed" in captured.out
    repo = EmbeddedRepository(corpus["data"])
    [record] = repo.list()
    assert record.metadata.title == "Cilvēktiesības" and record.metadata.author_names == ["Jānis Bērziņš"]


BAD_FILES = {
    "empty.txt": (b"", "empty"),
    "blank.txt": (b"   \n\n\t ", "no text"),
    "noise.pdf": (bytes(range(256)) * 20, ""),
    "letter.pdf": ("Šis ir teksts, nevis PDF.".encode(), "named .pdf but contains plain text"),
    "thesis.docx": ("Teksts ar nepareizu paplašinājumu.".encode(), ""),
    "thesis.xyz": (b"hello", ""),
    "nul.txt": (b"abc\x00\x00\x00def\x00" * 50, ""),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_gets_one_clear_line_and_exit_2(name, tmp_path, capsys):
    data, hint = BAD_FILES[name]
    bad = tmp_path / name
    bad.write_bytes(data)
    assert run(tmp_path / "data", "add", str(bad)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"{bad}: failed: ")
    assert hint in err[0]
    assert "Traceback" not in err[0]
    assert EmbeddedRepository(tmp_path / "data").count() == 0

    assert run(tmp_path / "data", "check", str(bad)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"{bad}: ")


def test_encrypted_and_truncated_pdfs(tmp_path, capsys):
    truncated = tmp_path / "truncated.pdf"
    full = (DATA / "lu-template.pdf").read_bytes()
    truncated.write_bytes(full[: len(full) // 2])
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(DATA / "encrypted-userpw.pdf", folder / "encrypted.pdf")
    shutil.copy(truncated, folder / "truncated.pdf")
    shutil.copy(DATA / "lu-template.pdf", folder / "good.pdf")
    assert run(tmp_path / "data", "add", str(folder)) == 2
    captured = capsys.readouterr()
    assert "encrypted.pdf: failed:" in captured.err and "encrypted" in captured.err
    assert "truncated.pdf: failed:" in captured.err
    assert "1 added, 0 skipped, 2 failed" in captured.out
    repo = EmbeddedRepository(tmp_path / "data")
    [record] = repo.list()
    assert record.original_filename == "good.pdf" and record.pages > 1


def test_pan_align_and_score(tmp_path, capsys):
    lv = paragraphs("udhr.lv.txt")
    (tmp_path / "src").mkdir()
    (tmp_path / "susp").mkdir()
    src = "\n\n".join(lv[:6])
    susp = "\r\n\r\n".join(lv[10:13]) + "\r\n\r\n" + lv[2] + "\r\n\r\n" + lv[13]
    (tmp_path / "src" / "source-document00001.txt").write_bytes(src.encode())
    (tmp_path / "susp" / "suspicious-document00001.txt").write_bytes(susp.encode())
    (tmp_path / "pairs").write_text("suspicious-document00001.txt source-document00001.txt\n")
    (tmp_path / "truth").mkdir()
    off, soff = susp.index(lv[2]), src.index(lv[2])
    (tmp_path / "truth" / "suspicious-document00001-source-document00001.xml").write_text(
        f'<document reference="suspicious-document00001.txt"><feature name="plagiarism" obfuscation="none" '
        f'this_offset="{off}" this_length="{len(lv[2])}" source_reference="source-document00001.txt" '
        f'source_offset="{soff}" source_length="{len(lv[2])}"/></document>'
    )
    assert main(["pan", "align", "--pairs", str(tmp_path / "pairs"), "--src", str(tmp_path / "src"),
                 "--susp", str(tmp_path / "susp"), "--out", str(tmp_path / "det")]) == 0
    capsys.readouterr()
    assert main(["pan", "score", str(tmp_path / "truth"), str(tmp_path / "det")]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("all"))
    plagdet, recall, precision, granularity = map(float, row.split()[1:5])
    assert precision == 1.0 and granularity == 1.0
    assert recall > 0.99 and plagdet > 0.99  # the final full stop is outside the match


def test_console_script_demo(tmp_path):
    exe = Path(sys.executable).with_name("kratuve")
    proc = subprocess.run([str(exe), "demo", "--dir", str(tmp_path / "demo")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    line = next(l for l in proc.stdout.splitlines() if l.startswith("Report: "))
    report_html = Path(line.split(": ", 1)[1])
    assert report_html.exists()
    report = json.loads((tmp_path / "demo" / "report.json").read_text(encoding="utf-8"))
    kinds = {m["kind"] for m in report["matches"]}
    assert {"identical", "near-identical"} <= kinds
    assert 10 < report["similarity_index"] < 30
    # a second run replaces the demo directory; a foreign directory is refused
    assert subprocess.run([str(exe), "demo", "--dir", str(tmp_path / "demo")], capture_output=True).returncode == 0
    (tmp_path / "mine").mkdir()
    assert subprocess.run([str(exe), "demo", "--dir", str(tmp_path / "mine")], capture_output=True).returncode == 2
