"""bench/quality tools: shared runs of the negative pairs (build_quality.py) and matches.py."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

from similarity.pan import Detection

REPO = Path(__file__).resolve().parents[2]
QUALITY = REPO / "bench" / "quality"
DEMO = REPO / "api" / "demo" / "data"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, QUALITY / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses need the module registered
    spec.loader.exec_module(mod)
    return mod


def _shared(bq, a: str, b: str) -> bool:
    return bool(bq._word_runs(a) & bq._word_runs(b))


def test_a_near_self_copy_shares_a_run_and_a_formula_does_not():
    bq = _load("build_quality")
    thesis = ("showing 10% absolute reflectivity for a 128 nm thick multilayer consisting of only 20 bilayer "
              "periods with a periodicity of 33.1 Å")
    paper = ("For example, a 120 nm thick multilayer consisting of just 20 bilayer periods of 10B5.7C/11B5.7C, "
             "with a periodicity of 61.5 Å, exhibits a neutron reflectivity of 13%")
    assert _shared(bq, thesis, paper)  # one word changed inside 8 shared words
    assert _shared(bq, "rights and freedoms set forth in this Declaration, without distinction",
                   "the rights and freedoms set forth in this Declaration can be fully realized")
    udhr = [
        ("Everyone has the right to freedom of thought, conscience and religion",
         "Everyone has the right to freedom of opinion and expression"),
        ("Everyone has the right to freedom of opinion and expression",
         "Everyone has the right to freedom of movement and residence within the borders"),
        ("Everyone has the right to form and to join trade unions",
         "Everyone has the right to seek and to enjoy in other countries asylum"),
    ]
    for a, b in udhr:
        assert not _shared(bq, a, b), (a, b)


def _articles(lang: str) -> dict[int, str]:
    text = (DEMO / f"udhr.{lang}.txt").read_text(encoding="utf-8")
    head = re.compile(r"^(\d+)\. pants$" if lang == "lv" else r"^Article (\d+)$", re.M)
    marks = list(head.finditer(text))
    return {int(m.group(1)): " ".join(text[m.end() : (n.start() if n else len(text))].split())
            for m, n in zip(marks, marks[1:] + [None])}


def test_matches_labels_a_translation_true_and_matches_of_a_negative_pair_negative(tmp_path):
    bv, matches = _load("build_verbatim"), _load("matches")
    lv, en = _articles("lv"), _articles("en")
    corpus = tmp_path / "corpus"
    for sub in ("src", "susp", "truth"):
        (corpus / sub).mkdir(parents=True)
    src = "\n\n".join(en[k] for k in range(16, 24))
    own = "\n\n".join(lv[k] for k in (26, 27))
    copied = lv[19] + "\n\n" + lv[20]
    susp = own + "\n\n" + copied
    s0, s1 = src.index(en[19]), src.index(en[20]) + len(en[20])
    truth = [Detection("suspicious-document00001.txt", len(own) + 2, len(copied), "source-document00001.txt",
                       s0, s1 - s0, name="plagiarism", attrs={"obfuscation": "translation"})]
    bv.write_pair(corpus, "suspicious-document00001.txt", susp, "source-document00001.txt", src, truth)
    bv.write_pair(corpus, "suspicious-document00002.txt", own, "source-document00002.txt",
                  "\n\n".join(en[k] for k in (9, 10, 11)), [])
    bv.write_pairs_file(corpus, ["suspicious-document00001.txt source-document00001.txt\n",
                                 "suspicious-document00002.txt source-document00002.txt\n"])
    out = tmp_path / "m.jsonl"
    assert matches.main([str(corpus), "--vector-cache", str(tmp_path / "v.sqlite"), "--out", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    first = [r for r in rows if r["susp"] == "suspicious-document00001.txt"]
    assert first and all(r["label"] == "true" and r["kind"] == "translated" for r in first)
    assert all(r["label"] == "negative" for r in rows if r["susp"] == "suspicious-document00002.txt")
    r = first[0]
    assert r["susp_segments"] >= r["sentence_pairs"] and 0 <= r["word_share"] <= 1
    assert r["susp_text"] == susp[r["susp_chars"][0] : r["susp_chars"][1]]
