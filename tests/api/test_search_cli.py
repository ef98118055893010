"""``kratuve search`` (and ``add --supersedes`` / ``check --version-of``) on a real repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import main
from repository.embedded import EmbeddedRepository

DIGITAL = (
    "Augstākās izglītības digitalizācija Latvijā ir kļuvusi par prioritāti. Pētījuma mērķis ir novērtēt "
    "digitālos risinājumus. Studenti augstu vērtē iespēju piekļūt lekciju ierakstiem jebkurā laikā. "
    "Tajā pašā laikā studenti uzsver, ka tiešsaistes nodarbības nevar aizstāt klātienes diskusijas.\n"
)
FOOD = (
    "Augu valsts uztura popularitāte Latvijā pieaug. Šajā darbā pētīti patērētāju motīvi. "
    "Turpmākajos pētījumos būtu vērtīgi salīdzināt uztura paradumus Baltijas valstīs.\n"
)


def run(data: Path, *args: str) -> int:
    return main(["--data-dir", str(data), *args])


@pytest.fixture()
def data(tmp_path: Path, capsys) -> Path:
    theses = tmp_path / "theses"
    theses.mkdir()
    (theses / "digital.txt").write_text(DIGITAL, encoding="utf-8")
    (theses / "food.txt").write_text(FOOD, encoding="utf-8")
    (theses / "closed.txt").write_text(DIGITAL.replace("Latvijā", "Lietuvā"), encoding="utf-8")
    meta = tmp_path / "meta.json"
    meta.write_text(json.dumps([
        {"file": "digital.txt", "title": "Digitalizācija augstskolās", "authors": [{"name": "Anna Bērziņa"}],
         "institution": "LU", "year": 2023, "degree": "master", "languages": ["lv"]},
        {"file": "food.txt", "title": "Augu valsts uzturs", "institution": "RTU", "year": 2021, "degree": "bachelor"},
        {"file": "closed.txt", "title": "Slēgts darbs", "institution": "LU", "year": 2024,
         "access": "embargoed", "embargo_until": "2099-01-01"},
    ], ensure_ascii=False), encoding="utf-8")
    assert run(tmp_path / "data", "add", str(theses), "--meta", str(meta)) == 0
    capsys.readouterr()
    return tmp_path / "data"


def test_search_text_output(data, capsys):
    assert run(data, "search", "studentu") == 0
    out = capsys.readouterr().out
    assert out.startswith("1 public theses match")
    assert "Digitalizācija augstskolās (Anna Bērziņa, LU, 2023, master)" in out
    assert "[Studenti]" in out and "Slēgts" not in out
    assert "kratuve:" in out and "http://localhost:8000/theses/" in out
    assert "institution: LU (1)" in out


def test_search_json_filters_and_identifiers(data, capsys, monkeypatch):
    monkeypatch.setenv("KRATUVE_PID_PREFIX", "lv.kratuve")
    monkeypatch.setenv("KRATUVE_PUBLIC_BASE_URL", "https://kratuve.lv/")
    assert run(data, "search", "pētījums", "--json") == 0
    results = json.loads(capsys.readouterr().out)
    assert results["total"] == 2
    assert {f["value"]: f["count"] for f in results["facets"]["institution"]} == {"LU": 1, "RTU": 1}
    hit = results["hits"][0]
    assert hit["pid"] == f"lv.kratuve:{hit['thesis_id']}"
    assert hit["url"] == f"https://kratuve.lv/theses/{hit['thesis_id']}"
    assert run(data, "search", "pētījums", "--institution", "RTU", "--json") == 0
    assert [h["title"] for h in json.loads(capsys.readouterr().out)["hits"]] == ["Augu valsts uzturs"]
    assert run(data, "search", "pētījums", "--year", "2023", "--json") == 0
    assert [h["title"] for h in json.loads(capsys.readouterr().out)["hits"]] == ["Digitalizācija augstskolās"]


def test_supersedes_and_version_of(data, tmp_path, capsys):
    repo = EmbeddedRepository(data)
    first = next(r for r in repo.list() if r.metadata.title.startswith("Digitalizācija"))
    v2 = tmp_path / "v2.txt"
    v2.write_text(DIGITAL + "Otrā versija ar labojumiem.\n", encoding="utf-8")
    assert run(data, "add", str(v2), "--title", "Digitalizācija v2", "--supersedes", f"kratuve:{first.id}") == 0
    capsys.readouterr()
    assert [r.id for r in repo.versions(first.id)][0] == first.id and len(repo.versions(first.id)) == 2
    # superseding the same version twice is refused with one line
    v3 = tmp_path / "v3.txt"
    v3.write_text(DIGITAL + "Trešā versija.\n", encoding="utf-8")
    assert run(data, "add", str(v3), "--supersedes", first.id) == 2
    assert "superseded already" in capsys.readouterr().err
    # a check of a version does not compare it with the thesis's versions
    report_json = tmp_path / "r.json"
    assert run(data, "check", str(v3), "--version-of", first.id, "--json", str(report_json)) == 0
    sources = {s["source"]["id"] for s in json.loads(report_json.read_text(encoding="utf-8"))["sources"]}
    assert not sources & repo.version_family(first.id)
    assert run(data, "check", str(v3), "--version-of", "NOPE") == 2
