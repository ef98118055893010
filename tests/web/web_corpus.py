"""A real repository with real documents and a real report, shared by the web tests
(imported by ``conftest.py`` and the test modules; a unique name, so it never clashes
with another directory's ``conftest``).

Three stored theses (two open, one restricted) and a submission that copies a
paragraph of each, quotes one more in quotation marks and repeats one in its
bibliography, so that every exclusion changes something.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from api.pipeline import Checker
from api.settings import Settings
from repository.embedded import EmbeddedRepository
from repository.models import ThesisMetadata, ThesisRecord
from similarity.report.model import Report

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "api" / "demo" / "data"


def paragraphs(name: str, min_words: int = 25) -> list[str]:
    text = (DEMO / name).read_text(encoding="utf-8")
    out = []
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#")]  # "### c12" headings
        paragraph = " ".join(" ".join(lines).split())
        if len(paragraph.split()) >= min_words:
            out.append(paragraph)
    return out


@dataclass
class Corpus:
    data_dir: Path
    settings: Settings
    open_thesis: ThesisRecord
    other_open: ThesisRecord
    restricted: ThesisRecord
    submission: ThesisRecord
    report: Report
    report_id: str
    submission_text: str
    copied: dict[str, str]


def build_corpus(base: Path) -> Corpus:
    settings = Settings(data_dir=base / "data", min_match_words=8, exclude_bibliography=False)
    udhr = paragraphs("udhr.lv.txt", 20)
    terms = paragraphs("common_voice_terms.lv.txt", 20)
    lvtb = paragraphs("lvtb-docs.lv.txt", 40)
    files = base / "files"
    files.mkdir(parents=True)

    def write(name: str, parts: list[str]) -> Path:
        path = files / name
        path.write_text("\n\n".join(parts), encoding="utf-8")
        return path

    repo = EmbeddedRepository(settings.data_dir)
    checker = Checker(settings, repo)
    added = {}
    for name, parts, meta in [
        ("cilvektiesibas.txt", udhr[:10], ThesisMetadata(
            title="Cilvēktiesību deklarācijas principi izglītībā", institution="LU", year=2021,
            degree="bachelor", languages=["lv"], authors=["Anna Bērziņa"], keywords=["cilvēktiesības"],
            abstract_lv="Darbs pēta cilvēktiesību deklarācijas principus.")),
        ("balss.txt", terms, ThesisMetadata(
            title="Balss datu kopu lietošanas noteikumi", institution="RTU", year=2022, degree="master",
            languages=["lv"], authors=["Jānis Kalniņš"])),
        ("slepens.txt", lvtb[:25], ThesisMetadata(
            title="Slēgtais uztura ieradumu pētījums", institution="LU", year=2023, degree="master",
            languages=["lv"], access="restricted", authors=["Līga Ozola"])),
    ]:
        outcome = checker.add(write(name, parts), meta)
        assert outcome.status == "added", outcome.reason
        added[name] = outcome.record
    own = lvtb[60:75]
    copied = {"udhr": udhr[3], "terms": terms[1], "restricted": lvtb[5], "quoted": udhr[5], "bibliography": udhr[7]}
    parts = (
        own[:4] + [copied["udhr"]] + own[4:7] + ["Kā rakstīts avotā: „" + copied["quoted"] + "“"] + own[7:10]
        + [copied["terms"]] + own[10:13] + [copied["restricted"]] + own[13:]
        + ["IZMANTOTĀ LITERATŪRA", copied["bibliography"]]
    )
    submission_path = write("iesniegums.txt", parts)
    outcome = checker.add(submission_path, ThesisMetadata(
        title="Iesniegtais bakalaura darbs", institution="LU", year=2024, languages=["lv"], access="restricted"))
    assert outcome.status == "added", outcome.reason
    document = repo.document(outcome.record.id)
    report = checker.check_document(document)
    stored = repo.save_report(report.model_dump_json(), kind="check", thesis_id=outcome.record.id)
    repo.close()
    return Corpus(
        data_dir=settings.data_dir, settings=settings, open_thesis=added["cilvektiesibas.txt"],
        other_open=added["balss.txt"], restricted=added["slepens.txt"], submission=outcome.record,
        report=report, report_id=stored.id, submission_text=document.text, copied=copied,
    )


class PerThreadRepository:
    """One EmbeddedRepository per thread (a SQLite connection stays in its thread);
    used only by the stand-in app when the service core's ``create_app`` is absent."""

    def __init__(self, path: Path) -> None:
        import threading

        self.path = path
        self._local = threading.local()

    def __getattr__(self, name: str):
        repo = getattr(self._local, "repo", None)
        if repo is None:
            repo = self._local.repo = EmbeddedRepository(self.path)
        return getattr(repo, name)


@dataclass
class WebApp:
    app: object
    keys: dict[str, str]  # "examiner-LU" etc. -> an API key
    real_core: bool  # True when built by api.service.app.create_app


ROLES = [("examiner", "LU"), ("examiner", "RTU"), ("submitter", "LU"), ("admin", None)]


def _core_available() -> bool:
    try:
        from api.service.app import create_app  # noqa: F401
        from api.service.auth import authenticate_key  # noqa: F401
    except ImportError:
        return False
    return True


def make_web_app(corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> WebApp:
    """The service app over the corpus: the core's ``create_app`` when it exists, else a
    stand-in with the same ``app.state`` that signs in with the keys listed here."""
    if _core_available():
        from api.service.app import create_app

        app = create_app(corpus.settings, start_worker=False)
        keys = _core_keys(app)
        return WebApp(app, keys, True)
    from fastapi import FastAPI

    import api.web.pages as web_router
    from api.web import install, router
    from api.web.auth import principal_class

    app = FastAPI()
    app.include_router(router)
    install(app)
    app.state.settings = corpus.settings
    app.state.repository = PerThreadRepository(corpus.data_dir)
    app.state.store = None
    keys = {f"{role}-{inst}": f"test-key-{role}-{inst}" for role, inst in ROLES}
    principals = {
        f"test-key-{role}-{inst}": principal_class()(role=role, institution=inst, key_id=f"id-{role}-{inst}")
        for role, inst in ROLES
    }
    monkeypatch.setattr(web_router, "authenticate", lambda request, key: principals.get(key.strip()))
    return WebApp(app, keys, False)


def _core_keys(app) -> dict[str, str]:
    """Institutions and keys made through the service store (see api/service/store.py)."""
    store = app.state.store
    keys = {}
    for code in ("LU", "RTU"):
        if store.institution(code) is None:
            store.add_institution(code, f"Institution {code}")
    for role, inst in ROLES:
        _, secret = store.create_key(role, inst, label="web tests")
        keys[f"{role}-{inst}"] = secret
    return keys
