"""``kratuve extract``: summary, --json, --text and bad files, run in-process."""

from __future__ import annotations

import json
from pathlib import Path

from api.cli import main

ROOT = Path(__file__).resolve().parents[2]
LU_TEMPLATE = ROOT / "tests" / "data" / "lu-template.pdf"

THESIS = "\n\n".join([
    "LATVIJAS UNIVERSITĀTE",
    "DIGITĀLIE RĪKI AUGSTĀKAJĀ IZGLĪTĪBĀ",
    "BAKALAURA DARBS",
    "Darba autors: Anna Liepiņa\nDarba vadītājs: Jānis Bērziņš",
    "Rīga 2024",
    "ANOTĀCIJA",
    "Darbā pētīts, kā augstskolas izmanto digitālos rīkus studiju procesā un kādas ir to priekšrocības. " * 3,
    "IEVADS",
    "Kā raksta Bērziņš, „digitālie rīki maina studiju procesu visās augstskolās“, un tas ir svarīgi. " * 3,
    "IZMANTOTĀ LITERATŪRA",
    "1. Bērziņš, J. (2020). Digitālā izglītība. Rīga: Zinātne.",
])


def test_summary(tmp_path: Path, capsys) -> None:
    path = tmp_path / "darbs.txt"
    path.write_text(THESIS, encoding="utf-8")
    assert main(["--data-dir", str(tmp_path / "data"), "extract", str(path)]) == 0
    out = capsys.readouterr().out
    assert "format txt, 1 pages" in out and f"{len(THESIS):,} characters" in out
    assert "author      Anna Liepiņa" in out and "degree      Bakalaura darbs" in out
    for line in ("abstract", "ANOTĀCIJA"), ("body", "IEVADS"), ("bibliography", "IZMANTOTĀ LITERATŪRA"):
        assert any(line[0] in row and row.rstrip().endswith(line[1]) for row in out.splitlines()), line
    assert "Quotations: 3" in out
    assert "Flags: none" in out
    assert "IEVADS\n\nKā raksta Bērziņš" in out  # the excerpt starts at the body
    assert not (tmp_path / "data").exists()  # extract opens no repository


def test_json_is_the_document(tmp_path: Path, capsys) -> None:
    path = tmp_path / "darbs.txt"
    path.write_text(THESIS, encoding="utf-8")
    assert main(["extract", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["text"] == THESIS and doc["format"] == "txt"
    assert [s["kind"] for s in doc["sections"]] == ["front_matter", "abstract", "body", "bibliography"]
    assert doc["metadata_guess"]["title"] == "DIGITĀLIE RĪKI AUGSTĀKAJĀ IZGLĪTĪBĀ"
    assert len(doc["quotations"]) == 3


def test_text_prints_the_whole_text(tmp_path: Path, capsys) -> None:
    path = tmp_path / "darbs.txt"
    path.write_text(THESIS, encoding="utf-8")
    assert main(["extract", str(path), "--text"]) == 0
    assert capsys.readouterr().out == THESIS


def test_pdf_summary(capsys) -> None:
    assert main(["extract", str(LU_TEMPLATE)]) == 0
    out = capsys.readouterr().out
    assert "format pdf, 19 pages" in out
    assert "IZMANTOTĀ LITERATŪRA UN AVOTI" in out and "PIELIKUMI" in out
    assert "supervisor  Anna Kalniņa" in out


def test_bad_files(tmp_path: Path, capsys) -> None:
    fake = tmp_path / "fake.pdf"
    fake.write_text("not a pdf at all", encoding="utf-8")
    assert main(["extract", str(fake)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"{fake}: ")
    missing = tmp_path / "missing.docx"
    assert main(["extract", str(missing)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"{missing}: ")
