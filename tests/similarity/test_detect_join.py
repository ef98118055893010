"""similarity.detect.combine: semantic matches beside verbatim ones, and pieces of one copy joined."""

from __future__ import annotations

from similarity.align import Alignment
from similarity.detect import combine


def verbatim(susp: tuple[int, int], src: tuple[int, int], seeds: int = 5) -> Alignment:
    return Alignment(susp_tokens=(susp[0] // 6, susp[1] // 6), src_tokens=(src[0] // 6, src[1] // 6),
                     susp_chars=susp, src_chars=src, seeds=seeds, kind="identical", score=1.0)


def semantic(susp: tuple[int, int], src: tuple[int, int], pairs: int, mean: float, low: float) -> Alignment:
    return Alignment(
        susp_tokens=(susp[0] // 6, susp[1] // 6), src_tokens=(src[0] // 6, src[1] // 6),
        susp_chars=susp, src_chars=src, seeds=pairs, kind="translated", score=mean,
        evidence={"sentence_pairs": pairs, "mean_cosine": mean, "min_cosine": low, "mean_margin": 1.06,
                  "susp_language": "lv", "src_language": "en", "model": "m"},
    )


def test_pieces_within_the_gap_on_both_sides_are_joined():
    a, b = verbatim((0, 400), (1000, 1400)), verbatim((650, 900), (1650, 1900))
    [joined] = combine([a, b], [], 300)
    assert joined.susp_chars == (0, 900) and joined.src_chars == (1000, 1900)
    assert joined.kind == "near-identical" and joined.seeds == 10
    assert joined.evidence == {"joined_parts": 2}


def test_pieces_too_far_apart_or_out_of_source_order_stay_apart():
    a = verbatim((0, 400), (1000, 1400))
    far_in_submission = verbatim((750, 900), (1500, 1600))
    far_in_source = verbatim((500, 900), (2000, 2400))
    earlier_in_source = verbatim((500, 900), (100, 500))
    for b in (far_in_submission, far_in_source, earlier_in_source):
        assert len(combine([a, b], [], 300)) == 2
    assert len(combine([a, far_in_submission], [], 0)) == 2
    assert len(combine([a, verbatim((450, 900), (1450, 1900))], [], 0)) == 2  # 0: never join


def test_semantic_match_overlapping_a_verbatim_one_is_dropped():
    v = verbatim((0, 400), (1000, 1400))
    inside = semantic((100, 500), (1100, 1500), 2, 0.9, 0.88)
    assert combine([v], [inside]) == [v]


def test_joined_evidence_is_flat_and_adds_up_over_several_joins():
    parts = [
        verbatim((0, 300), (0, 300)),
        semantic((350, 700), (350, 700), pairs=3, mean=0.90, low=0.86),
        verbatim((750, 900), (750, 900)),
        semantic((950, 1200), (950, 1200), pairs=1, mean=0.86, low=0.86),
    ]
    [joined] = combine(parts, [], 300)
    assert joined.kind == "translated" and joined.susp_chars == (0, 1200)
    assert joined.evidence == {
        "joined_parts": 4,
        "sentence_pairs": 4,
        "mean_cosine": round((0.90 * 3 + 0.86 * 1) / 4, 4),
        "min_cosine": 0.86,
        "susp_language": "lv",
        "src_language": "en",
        "model": "m",
    }
    assert all(isinstance(v, (int, float, str)) for v in joined.evidence.values())  # what reports keep
