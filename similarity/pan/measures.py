"""PAN text-alignment measures: recall, precision, granularity, plagdet (GUIDE §3).

Our own implementation, on interval arithmetic (sorted, merged ranges), so
documents of 100k+ characters cost nothing more than short ones.

Definitions. ``R`` are true cases, ``S`` detections; each is a pair of
half-open character ranges (suspicious side, source side) in one document
pair ``(suspicious reference, source reference)``.

- ``s`` *detects* ``r`` when both are in the same document pair and their
  ranges overlap (share at least one character) on **both** sides.
- ``|r|`` = suspicious-side length + source-side length.
- recall = mean over ``r`` in ``R`` of ``|(⋃ s detecting r) ∩ r| / |r|``, the
  union taken per side and the two sides' covered lengths summed;
- precision = mean over ``s`` in ``S`` of ``|(⋃ r detected by s) ∩ s| / |s|``;
- granularity = mean over detected cases of the number of detections that
  detect it;
- plagdet = F1(precision, recall) / log2(1 + granularity).

Conventions for empty sets (those of the PAN evaluation scripts):

- no cases → recall 0; no detections → precision 0. So a run on a corpus
  with nothing to find and nothing found scores plagdet 0, not 1; negative
  pairs only matter through the false positives they attract (which count
  in precision with 0 overlap).
- no detected case → granularity 1.
- precision + recall = 0 → F1 = 0 (and plagdet 0).
- a case or detection of total length 0 contributes 0 (it cannot be covered).

Breakdown by a truth attribute (``score(..., by="obfuscation")``): for each
value ``v`` the group's cases are the cases with ``attrs[by] == v`` (cases
without the attribute form the group ``"(missing)"``); its detections are the
detections that detect at least one case of the group. A detection's
precision is always computed against *all* cases, so a detection that spans
cases of two kinds is not penalised in either group. Detections that detect
no case (false positives) belong to no group: they lower only the overall
precision.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from similarity.pan.xmlio import DETECTION, PLAGIARISM, Detection, read_features

MISSING = "(missing)"

Range = tuple[int, int]


def merge_ranges(ranges: Iterable[Range]) -> list[Range]:
    """Sorted, disjoint, non-empty half-open ranges covering the same characters."""
    merged: list[list[int]] = []
    for start, end in sorted(r for r in ranges if r[1] > r[0]):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1][1] = end
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def covered_length(ranges: Iterable[Range]) -> int:
    """Number of characters in the union of ``ranges``."""
    return sum(b - a for a, b in merge_ranges(ranges))


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return max(a0, b0) < min(a1, b1)


def detects(s: Detection, r: Detection) -> bool:
    """``s`` detects ``r``: same document pair, overlap on both sides."""
    return (
        s.this_reference == r.this_reference
        and s.source_reference == r.source_reference
        and _overlaps(s.this_offset, s.this_end, r.this_offset, r.this_end)
        and _overlaps(s.source_offset, s.source_end, r.source_offset, r.source_end)
    )


def _coverage(target: Detection, others: Sequence[Detection]) -> float:
    """``|(⋃ others) ∩ target| / |target|``, per side, sides summed."""
    size = target.this_length + target.source_length
    if size == 0 or not others:
        return 0.0
    t0, t1, s0, s1 = target.this_offset, target.this_end, target.source_offset, target.source_end
    this_cov = covered_length((max(o.this_offset, t0), min(o.this_end, t1)) for o in others)
    src_cov = covered_length((max(o.source_offset, s0), min(o.source_end, s1)) for o in others)
    return (this_cov + src_cov) / size


class Scores(BaseModel):
    """PAN measures of one set of cases against one set of detections."""

    model_config = ConfigDict(frozen=True)

    recall: float
    precision: float
    granularity: float
    f1: float
    plagdet: float
    cases: int
    detections: int
    detected_cases: int


class Evaluation(BaseModel):
    """Overall scores plus scores per value of a truth attribute (``by``)."""

    overall: Scores
    by: str | None = None
    groups: dict[str, Scores] = {}


class ScoreReport(Evaluation):
    """Scores of a detection folder against a truth folder (one XML file per pair)."""

    pairs: int
    negative_pairs: int
    false_positive_pairs: int
    missing_detection_files: int
    unmatched_detection_files: int


@dataclass(slots=True)
class _Links:
    """Which detections detect which cases, and each one's coverage ratio."""

    case_recall: list[float]
    case_detectors: list[list[int]]
    det_precision: list[float]
    det_cases: list[list[int]]


def _link(cases: Sequence[Detection], detections: Sequence[Detection]) -> _Links:
    case_detectors: list[list[int]] = [[] for _ in cases]
    det_cases: list[list[int]] = [[] for _ in detections]
    by_pair: dict[tuple[str, str], list[int]] = defaultdict(list)
    for j, s in enumerate(detections):
        by_pair[s.pair].append(j)
    for i, r in enumerate(cases):
        for j in by_pair.get(r.pair, ()):
            if detects(detections[j], r):
                case_detectors[i].append(j)
                det_cases[j].append(i)
    case_recall = [
        _coverage(r, [detections[j] for j in case_detectors[i]]) for i, r in enumerate(cases)
    ]
    det_precision = [
        _coverage(s, [cases[i] for i in det_cases[j]]) for j, s in enumerate(detections)
    ]
    return _Links(case_recall, case_detectors, det_precision, det_cases)


def _f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _scores(links: _Links, case_ids: Sequence[int], det_ids: Sequence[int]) -> Scores:
    recall = sum(links.case_recall[i] for i in case_ids) / len(case_ids) if case_ids else 0.0
    precision = sum(links.det_precision[j] for j in det_ids) / len(det_ids) if det_ids else 0.0
    detected = [len(links.case_detectors[i]) for i in case_ids if links.case_detectors[i]]
    granularity = sum(detected) / len(detected) if detected else 1.0
    f1 = _f1(precision, recall)
    return Scores(
        recall=recall,
        precision=precision,
        granularity=granularity,
        f1=f1,
        plagdet=f1 / math.log2(1 + granularity),
        cases=len(case_ids),
        detections=len(det_ids),
        detected_cases=len(detected),
    )


def measure(cases: Sequence[Detection], detections: Sequence[Detection]) -> Scores:
    """PAN measures of ``detections`` against the true ``cases``."""
    return _scores(_link(cases, detections), range(len(cases)), range(len(detections)))


def score(
    cases: Sequence[Detection], detections: Sequence[Detection], by: str | None = None
) -> Evaluation:
    """Overall scores and, when ``by`` names a truth attribute, scores per value.

    See the module docstring for how detections are assigned to groups.
    """
    links = _link(cases, detections)
    overall = _scores(links, range(len(cases)), range(len(detections)))
    groups: dict[str, Scores] = {}
    if by is not None:
        members: dict[str, list[int]] = defaultdict(list)
        for i, r in enumerate(cases):
            members[r.attrs.get(by, MISSING)].append(i)
        for value in sorted(members):
            case_ids = members[value]
            det_ids = sorted({j for i in case_ids for j in links.case_detectors[i]})
            groups[value] = _scores(links, case_ids, det_ids)
    return Evaluation(overall=overall, by=by, groups=groups)


def score_dirs(
    truth_dir: str | PathLike[str],
    det_dir: str | PathLike[str],
    by: str | None = "obfuscation",
) -> ScoreReport:
    """Score every pair of ``truth_dir`` (``*.xml``, one per pair) against the file
    of the same name in ``det_dir``.

    A truth file with no ``plagiarism`` feature is a negative pair; a missing
    detection file means no detections. Detections in negative pairs are false
    positives (precision 0 each); ``false_positive_pairs`` counts negative pairs
    with at least one detection. Detection files with no truth file beside them
    are not scored, only counted (``unmatched_detection_files``).
    """
    truth_dir, det_dir = Path(truth_dir), Path(det_dir)
    truth_files = sorted(truth_dir.glob("*.xml"))
    if not truth_files:
        raise FileNotFoundError(f"no *.xml truth files in {truth_dir}")
    cases: list[Detection] = []
    detections: list[Detection] = []
    negative = false_positive = missing = 0
    for tf in truth_files:
        pair_cases = read_features(tf, names=(PLAGIARISM,))
        df = det_dir / tf.name
        if df.is_file():
            pair_dets = read_features(df, names=(DETECTION, PLAGIARISM))
        else:
            pair_dets = []
            missing += 1
        if not pair_cases:
            negative += 1
            false_positive += bool(pair_dets)
        cases.extend(pair_cases)
        detections.extend(pair_dets)
    truth_names = {tf.name for tf in truth_files}
    unmatched = sum(1 for df in det_dir.glob("*.xml") if df.name not in truth_names)
    ev = score(cases, detections, by=by)
    return ScoreReport(
        overall=ev.overall,
        by=ev.by,
        groups=ev.groups,
        pairs=len(truth_files),
        negative_pairs=negative,
        false_positive_pairs=false_positive,
        missing_detection_files=missing,
        unmatched_detection_files=unmatched,
    )
