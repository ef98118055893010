"""Contract test: the check pipeline with a machine-translation hook finds translated copying by MinHash.

The translator is a local stand-in that speaks LibreTranslate's HTTP API (no MT
service can run here). It "translates" English UDHR text by returning the human
Latvian translation of each article it recognises (and echoes what it does not
know), so what is tested is real: the pipeline sends the submission's English
passages to the translator, fingerprints the answers, finds the Latvian source
through the LSH index, aligns the translation with it and maps the match back
onto the English passages. Real SQLite, real texts (api/demo/data).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "similarity"))
from translate_server import serve  # noqa: E402

from api.pipeline import Checker  # noqa: E402
from api.settings import Settings  # noqa: E402
from repository.embedded import EmbeddedRepository  # noqa: E402
from repository.models import ThesisMetadata  # noqa: E402

DEMO = Path(__file__).resolve().parents[2] / "api" / "demo" / "data"


def articles(name: str, heading: str) -> dict[int, str]:
    text = (DEMO / name).read_text(encoding="utf-8")
    parts = re.split(heading, text, flags=re.M)
    return {int(parts[i]): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}


EN = articles("udhr.en.txt", r"^Article (\d+)$")
LV = articles("udhr.lv.txt", r"^(\d+)\. pants$")


def oracle(text: str, source: str, target: str) -> str:
    """The Latvian articles whose English sentences appear in ``text``, in order; else the text."""
    if (source, target) != ("en", "lv"):
        return text
    found = [k for k in sorted(EN) if any(s.strip() and s.strip() in text for s in re.split(r"(?<=[.;:])\s+", EN[k])
                                         if len(s.split()) >= 6)]
    return "\n\n".join(LV[k] for k in found) if found else text


def handler(path: str, headers: dict, body: dict):
    if path != "/translate":
        return 404, {"error": "not found"}, {}
    return 200, {"translatedText": [oracle(t, body["source"], body["target"]) for t in body["q"]]}, {}


@pytest.fixture()
def setup(tmp_path):
    own = (DEMO / "common_voice_terms.en.txt").read_text(encoding="utf-8").split("\n\n")
    own = [p for p in own if len(p.split()) > 25]
    source = tmp_path / "udhr-lv.txt"
    source.write_text("\n\n".join(LV[k] for k in sorted(LV)), encoding="utf-8")
    copied = "\n\n".join(EN[k] for k in (18, 19, 20, 21))
    submission = tmp_path / "submission.txt"
    submission.write_text("\n\n".join(own[:3] + [copied] + own[3:6]), encoding="utf-8")
    return tmp_path, source, submission, copied


def test_translated_copy_found_through_the_translator(setup):
    tmp_path, source, submission, copied = setup
    with serve(handler) as (url, seen):
        settings = Settings(data_dir=tmp_path / "data", translator={"kind": "libretranslate", "url": url},
                            _env_file=None)
        checker = Checker(settings, EmbeddedRepository(settings.data_dir))
        assert checker.add(source, ThesisMetadata(title="udhr-lv")).status == "added"
        report = checker.check(submission)
    # the submission's English passages went to the translator, en -> lv
    assert seen and all(r["body"]["source"] == "en" and r["body"]["target"] == "lv" for r in seen)
    text = submission.read_text(encoding="utf-8")
    start, end = text.index(copied), text.index(copied) + len(copied)
    translated = [m for m in report.matches if m.kind == "translated"]
    assert translated, report.matches
    for m in translated:
        assert m.evidence["machine_translation"] == f"libretranslate:{url}"
        # mapped back at passage precision: every match overlaps the copied articles
        assert m.submission.start < end and start < m.submission.end
    covered = sum(min(m.submission.end, end) - max(m.submission.start, start) for m in translated)
    assert covered > 0.8 * (end - start)
    assert report.versions["translator"] == f"libretranslate:{url}"


def test_without_translator_nothing_is_found(setup):
    tmp_path, source, submission, _ = setup
    settings = Settings(data_dir=tmp_path / "data2", _env_file=None)
    checker = Checker(settings, EmbeddedRepository(settings.data_dir))
    assert checker.add(source, ThesisMetadata(title="udhr-lv")).status == "added"
    report = checker.check(submission)
    assert report.matches == []
    assert report.versions["translator"] == "none"
