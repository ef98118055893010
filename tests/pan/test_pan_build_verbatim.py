"""bench/quality/build_verbatim.py: a small corpus whose truth points at identical text."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from similarity.pan import (
    Detection,
    pair_filename,
    read_features,
    read_pairs,
    read_text,
    score_dirs,
    write_detections,
)

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data"
SCRIPT = REPO / "bench" / "quality" / "build_verbatim.py"

pytestmark = pytest.mark.skipif(
    not (SHARED / "lvtb" / "lv_lvtb-ud-dev.docs.txt").is_file(),
    reason=f"shared data folder {SHARED} is absent (only a full checkout has ../shared)",
)


def _load_builder():
    spec = importlib.util.spec_from_file_location("build_verbatim", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses need the module registered
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def builder():
    return _load_builder()


@pytest.fixture(scope="module")
def corpus(builder, tmp_path_factory):
    base = tmp_path_factory.mktemp("verbatim")
    # one PDF extraction (~15 s) for the whole module
    builder.main(["--out", str(base / "a"), "--seed", "3", "--pairs", "20",
                  "--shared", str(SHARED), "--cache", str(base / "cache")])
    return base


def test_sentence_spans(builder):
    text = "Pirmais teikums. Otrais 2020. gadā ir te. Šis arī! Trešais. x"
    spans = [text[a:b] for a, b in builder.sentence_spans(text)]
    # only ". " before an upper-case letter splits: not "2020. gadā", "!" or ". x"
    assert spans == ["Pirmais teikums.", "Otrais 2020. gadā ir te.", "Šis arī! Trešais. x"]


@pytest.mark.slow
def test_truth_points_at_identical_text(corpus):
    out = corpus / "a"
    pairs = read_pairs(out / "pairs")
    assert len(pairs) == 20
    meta = json.loads((out / "corpus.json").read_text(encoding="utf-8"))
    assert meta["languages"] == {"lv": 10, "en": 10}
    assert meta["negative_pairs"] == 2
    kinds, n_cases = set(), 0
    for susp_name, src_name in pairs:
        susp = read_text(out / "susp" / susp_name)
        src = read_text(out / "src" / src_name)
        feats = read_features(out / "truth" / pair_filename(susp_name, src_name))
        assert 5 <= src.count("\n\n") + 1 <= 20
        for f in feats:
            assert (f.this_reference, f.source_reference) == (susp_name, src_name)
            assert f.name == "plagiarism" and f.attrs["obfuscation"] == "none"
            assert f.attrs["this_language"] == f.attrs["source_language"]
            assert f.this_length > 0
            assert susp[f.this_offset:f.this_end] == src[f.source_offset:f.source_end]
            kinds.add(f.attrs["insertion"])
            n_cases += 1
        # cases in a pair come from separate source places and separate susp places
        for a, b in zip(feats, feats[1:]):
            assert a.this_end <= b.this_offset
        spans = sorted((f.source_offset, f.source_end) for f in feats)
        assert all(x[1] < y[0] for x, y in zip(spans, spans[1:]))
    assert kinds == {"paragraph", "sentence"}
    assert n_cases == meta["cases"] >= 18


@pytest.mark.slow
def test_sentence_cases_sit_inside_own_paragraphs(corpus):
    out = corpus / "a"
    inside = 0
    for susp_name, src_name in read_pairs(out / "pairs"):
        susp = read_text(out / "susp" / susp_name)
        for f in read_features(out / "truth" / pair_filename(susp_name, src_name)):
            if f.attrs["insertion"] == "sentence":
                # glued to the writer's text by a space, not by a paragraph break
                assert susp[f.this_offset - 1] == " " or susp[f.this_end:f.this_end + 1] == " "
                inside += 1
            else:
                assert f.this_offset == 0 or susp[f.this_offset - 2:f.this_offset] == "\n\n"
                assert f.this_end == len(susp) or susp[f.this_end:f.this_end + 2] == "\n\n"
    assert inside > 0


@pytest.mark.slow
def test_deterministic_and_scored_by_itself(builder, corpus):
    a, b = corpus / "a", corpus / "b"
    builder.main(["--out", str(b), "--seed", "3", "--pairs", "20",
                  "--shared", str(SHARED), "--cache", str(corpus / "cache")])
    meta_a = json.loads((a / "corpus.json").read_text(encoding="utf-8"))
    meta_b = json.loads((b / "corpus.json").read_text(encoding="utf-8"))
    assert meta_a["content_sha256"] == meta_b["content_sha256"]

    assert score_dirs(a / "truth", a / "truth").overall.plagdet == 1.0

    # truth halved (front half on both sides) -> recall 0.5, precision 1
    half = corpus / "half"
    half.mkdir()
    for tf in sorted((a / "truth").glob("*.xml")):
        feats = read_features(tf)
        dets = [Detection(f.this_reference, f.this_offset, f.this_length // 2,
                          f.source_reference, f.source_offset, f.source_length // 2)
                for f in feats if f.this_length >= 2]
        write_detections(half / tf.name, read_features_ref(tf), dets)
    rep = score_dirs(a / "truth", half)
    assert rep.overall.recall == pytest.approx(0.5, abs=0.01)
    assert rep.overall.precision == 1.0
    assert rep.false_positive_pairs == 0

    # truth shifted by its own length on the suspicious side -> nothing detected
    shifted = corpus / "shifted"
    shifted.mkdir()
    for tf in sorted((a / "truth").glob("*.xml")):
        dets = [dataclasses.replace(f, this_offset=f.this_end, name="detected-plagiarism")
                for f in read_features(tf)]
        write_detections(shifted / tf.name, read_features_ref(tf), dets)
    rep = score_dirs(a / "truth", shifted)
    assert rep.overall.recall == 0.0 and rep.overall.precision == 0.0


def read_features_ref(path: Path) -> str:
    import xml.etree.ElementTree as ET

    return ET.parse(path).getroot().get("reference")


def test_refuses_to_write_into_shared(builder):
    with pytest.raises(ValueError, match="refusing"):
        builder.build(SHARED / "out", 1, 2, SHARED)
