"""PAN XML and corpus files: round trips and character offsets."""

from __future__ import annotations

import pytest

from similarity.pan import (
    Detection,
    pair_filename,
    read_features,
    read_pairs,
    read_text,
    write_detections,
)

SUSP, SRC = "suspicious-document00001.txt", "source-document00007.txt"


def test_pair_filename():
    assert pair_filename(SUSP, SRC) == "suspicious-document00001-source-document00007.xml"


def test_read_pairs(tmp_path):
    p = tmp_path / "pairs"
    p.write_text(f"{SUSP} {SRC}\n\n  \nsuspicious-document00002.txt source-document00001.txt\n")
    assert read_pairs(p) == [(SUSP, SRC), ("suspicious-document00002.txt", "source-document00001.txt")]
    p.write_text("only-one.txt\n")
    with pytest.raises(ValueError):
        read_pairs(p)


def test_detection_round_trip(tmp_path):
    dets = [Detection(SUSP, 0, 10, SRC, 5, 12), Detection(SUSP, 40, 3, SRC, 0, 3)]
    path = tmp_path / pair_filename(SUSP, SRC)
    write_detections(path, SUSP, dets)
    text = path.read_text(encoding="utf-8")
    assert f'<document reference="{SUSP}">' in text
    assert '<feature name="detected-plagiarism" this_offset="0" this_length="10"' in text
    assert read_features(path) == dets
    assert read_features(path, names=("plagiarism",)) == []


def test_truth_attributes_are_kept(tmp_path):
    truth = """<?xml version="1.0" encoding="UTF-8"?>
<document xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" reference="suspicious-document00001.txt">
<feature name="about" authors="x" title="y" lang="en"/>
<feature name="plagiarism" obfuscation="random" source_language="en" source_length="420"
 source_offset="1200" source_reference="source-document00007.txt" this_language="lv"
 this_length="399" this_offset="33" type="artificial"/>
</document>"""
    path = tmp_path / "t.xml"
    path.write_text(truth, encoding="utf-8")
    [f] = read_features(path)
    assert f == Detection(SUSP, 33, 399, SRC, 1200, 420, name="plagiarism",
                          attrs={"obfuscation": "random", "source_language": "en",
                                 "this_language": "lv", "type": "artificial"})
    write_detections(tmp_path / "again.xml", SUSP, [f])
    assert read_features(tmp_path / "again.xml") == [f]


def test_empty_pair_file(tmp_path):
    write_detections(tmp_path / "neg.xml", SUSP, [])
    assert read_features(tmp_path / "neg.xml") == []


def test_refuses_inconsistent_features(tmp_path):
    with pytest.raises(ValueError):
        write_detections(tmp_path / "x.xml", SUSP, [Detection("other.txt", 0, 1, SRC, 0, 1)])
    with pytest.raises(ValueError):
        Detection(SUSP, -1, 1, SRC, 0, 1)


def test_offsets_count_str_characters_with_crlf_and_latvian(tmp_path):
    # "Ā", "ž", "ņ" are 2 bytes in UTF-8 but one str character each, and "\r\n" is
    # two characters because read_text does not translate newlines.
    src_text = "Ievads.\r\nŠī ir ĀTRA lapsiņa, kas lec pār žogu.\r\nBeigas."
    susp_text = "Mans teksts: ūdens.\r\n\r\nŠī ir ĀTRA lapsiņa, kas lec pār žogu.\r\n"
    (tmp_path / "src").mkdir()
    (tmp_path / "susp").mkdir()
    for path, text in ((tmp_path / "src" / SRC, src_text), (tmp_path / "susp" / SUSP, susp_text)):
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    copied = "Šī ir ĀTRA lapsiņa, kas lec pār žogu.\r\n"
    soff, toff = src_text.index(copied), susp_text.index(copied)
    assert (soff, toff) == (9, 23)  # "Ievads.\r\n" = 7 + 2; "Mans teksts: ūdens.\r\n\r\n" = 19 + 4
    d = Detection(SUSP, toff, len(copied), SRC, soff, len(copied), name="plagiarism",
                  attrs={"obfuscation": "none", "this_language": "lv", "source_language": "lv"})
    path = tmp_path / pair_filename(SUSP, SRC)
    write_detections(path, SUSP, [d])
    [back] = read_features(path)
    src = read_text(tmp_path / "src" / back.source_reference)
    susp = read_text(tmp_path / "susp" / back.this_reference)
    assert "\r\n" in src and len(src) == len(src_text)
    assert susp[back.this_offset:back.this_end] == src[back.source_offset:back.source_end] == copied
    # a reader that translated newlines would be off by one per earlier "\r\n"
    translated = (tmp_path / "src" / SRC).read_text(encoding="utf-8")
    assert translated[back.source_offset:back.source_end] != copied
