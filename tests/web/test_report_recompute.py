"""``apply_exclusions`` gives what the pipeline itself reports under the same exclusions.

The reference is the real pipeline run again with other settings on the same
repository: the recomputed report must agree with it, match for match.
"""

from __future__ import annotations

import pytest

from api.pipeline import Checker
from repository.embedded import EmbeddedRepository
from similarity.report.model import Exclusions, Report
from similarity.report.recompute import apply_exclusions


def summary(report: Report) -> tuple:
    return (
        report.similarity_index,
        [(s.source.id, s.share, s.characters, s.matches) for s in report.sources],
        sorted((m.source_id, m.submission.start, m.submission.end, m.source.start, m.source.end) for m in report.matches),
    )


def rerun(corpus, **changes) -> Report:
    settings = corpus.settings.model_copy(update=changes)
    with EmbeddedRepository(corpus.data_dir) as repo:
        return Checker(settings, repo).check_document(repo.document(corpus.submission.id))


def covered_by_positions(report: Report, match_filter) -> float:
    """An independent count: the set of covered character positions."""
    covered: set[int] = set()
    for m in report.matches:
        if match_filter(m):
            covered.update(range(m.submission.start, m.submission.end))
    return round(100.0 * len(covered) / report.submission.characters, 2)


def test_the_corpus_exercises_every_exclusion(corpus) -> None:
    r = corpus.report
    assert any(m.in_quotation for m in r.matches) and any(m.in_bibliography for m in r.matches)
    assert len(r.sources) >= 3
    assert len({m.words for m in r.matches}) > 1


@pytest.mark.parametrize(
    "setting, exclusion",
    [
        ({"exclude_quotations": True}, {"quotations": True}),
        ({"exclude_bibliography": True}, {"bibliography": True}),
        ({"exclude_quotations": True, "exclude_bibliography": True}, {"quotations": True, "bibliography": True}),
    ],
)
def test_switching_flags_equals_the_pipeline(corpus, setting, exclusion) -> None:
    base = corpus.report
    wanted = rerun(corpus, **setting)
    got = apply_exclusions(base, base.exclusions.model_copy(update=exclusion))
    assert summary(got) == summary(wanted)
    assert got.similarity_index < base.similarity_index


def test_min_words_equals_the_pipeline(corpus) -> None:
    base = corpus.report
    words = sorted({m.words for m in base.matches})
    threshold = words[len(words) // 2]  # drops some matches, keeps others
    wanted = rerun(corpus, min_match_words=threshold)
    got = apply_exclusions(base, base.exclusions.model_copy(update={"min_words": threshold}))
    assert summary(got) == summary(wanted)
    assert 0 < len(got.matches) < len(base.matches)
    assert all(m.words >= threshold for m in got.matches)


def test_excluded_source_leaves_the_others_unchanged(corpus) -> None:
    base = corpus.report
    dropped = base.sources[0].source.id
    got = apply_exclusions(base, base.exclusions.model_copy(update={"excluded_sources": [dropped]}))
    assert dropped not in {s.source.id for s in got.sources}
    assert dropped not in {m.source_id for m in got.matches}
    before = {s.source.id: s.share for s in base.sources}
    assert all(s.share == before[s.source.id] for s in got.sources)
    assert got.similarity_index == covered_by_positions(base, lambda m: m.source_id != dropped)


def test_index_is_the_union_of_counted_spans(corpus) -> None:
    base = corpus.report
    got = apply_exclusions(base, Exclusions(min_words=1, quotations=True, bibliography=True))
    assert got.similarity_index == covered_by_positions(
        base, lambda m: not m.in_quotation and not m.in_bibliography
    )


def test_ids_are_kept_and_min_words_is_not_lowered(corpus) -> None:
    base = corpus.report
    got = apply_exclusions(base, Exclusions(min_words=1, bibliography=True))
    assert got.exclusions.min_words == base.exclusions.min_words
    assert [m.id for m in got.matches] == [m.id for m in base.matches]
    # the input report is not changed
    assert summary(corpus.report) == summary(base) and corpus.report.exclusions == base.exclusions


def test_the_same_exclusions_change_nothing(corpus) -> None:
    base = corpus.report
    assert summary(apply_exclusions(base, base.exclusions)) == summary(base)
