"""Mutated PDF/DOCX/ODT/RTF/HTML bytes: extraction returns text or raises an IngestError, nothing else.

The long run (>= 10,000 inputs, hangs checked in a child process) is bench/ingest/fuzz.py.
"""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.errors import IngestError
from ingest.extract import ExtractLimits, extract_bytes

import office_fixtures as ox
from ingest_data import TEST_DATA

SEEDS = {
    "tiny.pdf": (TEST_DATA / "tiny.pdf").read_bytes(),
    "two-column.pdf": (TEST_DATA / "two-column.pdf").read_bytes(),
    "a.docx": ox.tampered_docx(hidden=True, white=True),
    "a.odt": ox.odt(),
    "a.rtf": ox.rtf_1257(),
    "a.html": b"<html><body><p>Teksts <b>treknais</b></p><br><table><tr><td>x</td></tr></table></body></html>",
}
LIMITS = ExtractLimits(ocr=False)


@st.composite
def mutated(draw):
    name = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[name])
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "dup"]))
        i = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[i] = draw(st.integers(0, 255))
        elif op == "cut":
            del data[i : i + draw(st.integers(1, 64))]
        elif op == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=16))
        elif op == "dup":
            data[i:i] = data[i : i + draw(st.integers(1, 256))]
    return name, bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(mutated())
def test_mutated_files_only_raise_ingest_errors(case) -> None:
    name, data = case
    start = time.perf_counter()
    try:
        extract_bytes(data, name, LIMITS)
    except IngestError:
        pass
    assert time.perf_counter() - start < 10
