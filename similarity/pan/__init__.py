"""PAN text-alignment format: corpus files, feature XML and the PAN measures.

See GUIDE §3. ``corpus`` reads a corpus's ``pairs`` file and texts, ``xmlio``
reads and writes the per-pair XML (truth and detections), ``measures``
computes recall, precision, granularity and plagdet.
"""

from similarity.pan.corpus import read_pairs, read_text
from similarity.pan.measures import (
    Evaluation,
    ScoreReport,
    Scores,
    measure,
    score,
    score_dirs,
)
from similarity.pan.xmlio import (
    DETECTION,
    PLAGIARISM,
    Detection,
    pair_filename,
    read_features,
    write_detections,
)

__all__ = [
    "DETECTION",
    "PLAGIARISM",
    "Detection",
    "Evaluation",
    "ScoreReport",
    "Scores",
    "measure",
    "pair_filename",
    "read_features",
    "read_pairs",
    "read_text",
    "score",
    "score_dirs",
    "write_detections",
]
