"""PAN measures on hand-computed cases (the arithmetic is in the comments)."""

from __future__ import annotations

import math

import pytest

from similarity.pan import Detection, measure, score, score_dirs, write_detections
from similarity.pan.measures import covered_length, merge_ranges

SUSP, SRC = "suspicious-document00001.txt", "source-document00001.txt"
SUSP2, SRC2 = "suspicious-document00002.txt", "source-document00002.txt"


def case(t0, tl, s0, sl, susp=SUSP, src=SRC, **attrs):
    return Detection(susp, t0, tl, src, s0, sl, name="plagiarism", attrs=attrs)


def det(t0, tl, s0, sl, susp=SUSP, src=SRC):
    return Detection(susp, t0, tl, src, s0, sl)


def test_merge_ranges():
    assert merge_ranges([(5, 10), (0, 3), (2, 4), (10, 12), (20, 20)]) == [(0, 4), (5, 12)]
    assert covered_length([(0, 10), (5, 15), (30, 31)]) == 16


def test_perfect_detection():
    r = case(100, 200, 50, 200)
    s = measure([r], [det(100, 200, 50, 200)])
    assert (s.recall, s.precision, s.granularity, s.plagdet) == (1.0, 1.0, 1.0, 1.0)
    assert (s.cases, s.detections, s.detected_cases) == (1, 1, 1)


def test_half_of_the_case_on_both_sides():
    # case: susp [100,300), src [0,200): |r| = 400
    # detection: susp [100,200), src [0,100): covers 100 + 100 = 200 of r -> recall 0.5
    # the detection lies wholly inside the case: 200/200 -> precision 1
    # F1 = 2*1*0.5/1.5 = 2/3, granularity 1 -> plagdet 2/3
    s = measure([case(100, 200, 0, 200)], [det(100, 100, 0, 100)])
    assert s.recall == pytest.approx(0.5)
    assert s.precision == pytest.approx(1.0)
    assert s.granularity == 1.0
    assert s.plagdet == pytest.approx(2 / 3)


def test_unequal_sides_are_summed():
    # case: susp [0,100), src [0,300): |r| = 400
    # detection: susp [0,100), src [0,100): covers 100 + 100 = 200 -> recall 0.5
    s = measure([case(0, 100, 0, 300)], [det(0, 100, 0, 100)])
    assert s.recall == pytest.approx(0.5)
    assert s.precision == pytest.approx(1.0)


def test_two_detections_of_one_case():
    # case: susp [0,100), src [0,100); two halves detect it:
    # union covers 100 + 100 of 200 -> recall 1; each detection lies inside -> precision 1
    # granularity 2 -> plagdet = F1 / log2(1 + 2) = 1 / log2(3) ≈ 0.6309
    s = measure([case(0, 100, 0, 100)], [det(0, 50, 0, 50), det(50, 50, 50, 50)])
    assert s.recall == pytest.approx(1.0)
    assert s.precision == pytest.approx(1.0)
    assert s.granularity == 2.0
    assert s.plagdet == pytest.approx(1 / math.log2(3))


def test_overlapping_detections_are_not_counted_twice():
    # two detections [0,60) and [40,100) on both sides: union is [0,100) -> recall 1
    # each: 60 + 60 of 120 inside the case -> precision 1; granularity 2
    s = measure([case(0, 100, 0, 100)], [det(0, 60, 0, 60), det(40, 60, 40, 60)])
    assert s.recall == pytest.approx(1.0)
    assert s.precision == pytest.approx(1.0)
    assert s.granularity == 2.0


def test_detection_overhanging_the_case():
    # case: susp [100,200), src [100,200): |r| = 200
    # detection: susp [50,200), src [100,250): |s| = 300, overlap 100 + 100 = 200
    # recall 200/200 = 1, precision 200/300 = 2/3, F1 = 2*(2/3)/(5/3) = 0.8
    s = measure([case(100, 100, 100, 100)], [det(50, 150, 100, 150)])
    assert s.recall == pytest.approx(1.0)
    assert s.precision == pytest.approx(2 / 3)
    assert s.plagdet == pytest.approx(0.8)


def test_detection_in_another_document_pair_does_not_count():
    # same offsets, other source document -> detects nothing: recall 0, precision 0
    r = case(0, 100, 0, 100)
    for other in (det(0, 100, 0, 100, src=SRC2), det(0, 100, 0, 100, susp=SUSP2)):
        s = measure([r], [other])
        assert (s.recall, s.precision, s.detected_cases, s.plagdet) == (0.0, 0.0, 0, 0.0)
        assert s.granularity == 1.0  # no detected case


def test_overlap_on_one_side_only_does_not_count():
    r = case(0, 100, 1000, 100)
    only_susp = det(0, 100, 0, 100)  # susp overlaps fully, source [0,100) misses [1000,1100)
    only_src = det(500, 100, 1000, 100)
    touching = det(100, 50, 1100, 50)  # ranges are half-open: [100,150) does not meet [0,100)
    for s_ in (only_susp, only_src, touching):
        s = measure([r], [s_])
        assert (s.recall, s.precision, s.detected_cases) == (0.0, 0.0, 0)


def test_false_positive_lowers_precision_only():
    # one perfect detection (precision 1) and one detection far away (precision 0):
    # precision = (1 + 0) / 2 = 0.5, recall 1, F1 = 2*0.5/1.5 = 2/3
    r = case(0, 100, 0, 100)
    s = measure([r], [det(0, 100, 0, 100), det(500, 100, 500, 100)])
    assert s.recall == pytest.approx(1.0)
    assert s.precision == pytest.approx(0.5)
    assert s.granularity == 1.0
    assert s.plagdet == pytest.approx(2 / 3)


def test_detection_spanning_two_cases():
    # cases A: susp [0,100) src [0,100); B: susp [200,300) src [500,600)
    # detection: susp [0,300), src [0,600): |s| = 900, covered 200 (susp) + 200 (src) = 400
    # precision 400/900 = 4/9; recall: each case fully covered -> 1; granularity 1
    s = measure([case(0, 100, 0, 100), case(200, 100, 500, 100)], [det(0, 300, 0, 600)])
    assert s.recall == pytest.approx(1.0)
    assert s.precision == pytest.approx(4 / 9)
    assert s.granularity == 1.0


def test_empty_sets():
    r = case(0, 100, 0, 100)
    s = measure([r], [])  # nothing detected: recall 0, precision 0 (no detections)
    assert (s.recall, s.precision, s.granularity, s.plagdet) == (0.0, 0.0, 1.0, 0.0)
    s = measure([], [det(0, 10, 0, 10)])  # no cases: recall 0, the detection has precision 0
    assert (s.recall, s.precision, s.plagdet) == (0.0, 0.0, 0.0)
    s = measure([], [])  # PAN convention: nothing to find and nothing found scores 0
    assert (s.recall, s.precision, s.granularity, s.plagdet) == (0.0, 0.0, 1.0, 0.0)


def test_breakdown_by_obfuscation():
    # A (none) found whole; B (paraphrase) half-found; a false positive elsewhere.
    a = case(0, 100, 0, 100, obfuscation="none")
    b = case(1000, 100, 1000, 100, obfuscation="paraphrase")
    c = case(0, 100, 0, 100, src=SRC2)  # no obfuscation attribute
    dets = [det(0, 100, 0, 100), det(1000, 50, 1000, 50), det(5000, 10, 5000, 10)]
    ev = score([a, b, c], dets, by="obfuscation")
    # overall: recall (1 + 0.5 + 0) / 3 = 0.5; precision (1 + 1 + 0) / 3 = 2/3
    assert ev.overall.recall == pytest.approx(0.5)
    assert ev.overall.precision == pytest.approx(2 / 3)
    assert set(ev.groups) == {"none", "paraphrase", "(missing)"}
    assert ev.groups["none"].recall == 1.0 and ev.groups["none"].precision == 1.0
    assert ev.groups["paraphrase"].recall == pytest.approx(0.5)
    assert ev.groups["paraphrase"].precision == 1.0  # the false positive is in no group
    assert ev.groups["paraphrase"].detections == 1
    assert ev.groups["(missing)"].recall == 0.0 and ev.groups["(missing)"].detections == 0
    assert score([a], dets).groups == {}


def test_long_documents_are_fast():
    import time

    # 2,000 cases over 100k-character documents, each detected by 3 pieces
    cases = [case(i * 50_000, 40_000, i * 50_000, 40_000, susp=f"s{i % 20}", src=f"r{i % 20}")
             for i in range(2000)]
    dets = [det(c.this_offset + k * 13_000, 15_000, c.source_offset + k * 13_000, 15_000,
                susp=c.this_reference, src=c.source_reference)
            for c in cases for k in range(3)]
    t0 = time.perf_counter()
    s = measure(cases, dets)
    assert time.perf_counter() - t0 < 10
    assert s.granularity == 3.0
    assert s.recall == pytest.approx(1.0)  # [0,15k) ∪ [13k,28k) ∪ [26k,41k) ⊇ [0,40k)


def test_score_dirs(tmp_path):
    truth, dets = tmp_path / "truth", tmp_path / "det"
    truth.mkdir()
    dets.mkdir()
    r1 = case(0, 100, 0, 100, obfuscation="none")
    write_detections(truth / "p1.xml", SUSP, [r1])
    write_detections(truth / "p2.xml", SUSP2, [])  # negative pair
    write_detections(truth / "p3.xml", "suspicious-document00003.txt", [])  # negative, no det file
    write_detections(dets / "p1.xml", SUSP, [det(0, 100, 0, 100)])
    write_detections(dets / "p2.xml", SUSP2, [det(0, 10, 0, 10, susp=SUSP2, src=SRC2)])
    write_detections(dets / "stray.xml", SUSP, [])
    rep = score_dirs(truth, dets)
    # precision (1 + 0) / 2 = 0.5 (the negative pair's detection is a false positive)
    assert rep.overall.recall == 1.0
    assert rep.overall.precision == pytest.approx(0.5)
    assert (rep.pairs, rep.negative_pairs, rep.false_positive_pairs) == (3, 2, 1)
    assert (rep.missing_detection_files, rep.unmatched_detection_files) == (1, 1)
    assert rep.groups["none"].precision == 1.0
    # truth scored against itself is perfect
    assert score_dirs(truth, truth).overall.plagdet == 1.0
    assert rep.model_dump_json()  # crosses a JSON boundary
