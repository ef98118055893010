"""Extraction in a child process: results and errors come back; a time limit is kept."""

from __future__ import annotations

import time

import pytest

from ingest.errors import EncryptedFile, ExtractionTimeout, FormatMismatch
from ingest.extract import ExtractLimits, extract_bytes, extract_isolated

from ingest_data import TEST_DATA


def test_same_result_as_in_process() -> None:
    data = (TEST_DATA / "lu-template.pdf").read_bytes()
    a = extract_isolated(data, "lu.pdf")
    b = extract_bytes(data, "lu.pdf")
    assert a.text == b.text and a.pages == b.pages and a.flags == b.flags


def test_errors_come_back_typed() -> None:
    with pytest.raises(EncryptedFile) as info:
        extract_isolated((TEST_DATA / "encrypted-userpw.pdf").read_bytes(), "e.pdf")
    assert info.value.path == "e.pdf" and "password" in info.value.reason
    with pytest.raises(FormatMismatch):
        extract_isolated(b"teksts", "a.pdf")


def test_time_limit() -> None:
    data = (TEST_DATA / "lu-template.pdf").read_bytes()
    extract_isolated(b"warm up", "a.txt")
    start = time.perf_counter()
    with pytest.raises(ExtractionTimeout, match="longer than"):
        extract_isolated(data, "slow.pdf", ExtractLimits(timeout_s=0.01))
    assert time.perf_counter() - start < 3


def test_overhead_is_small() -> None:
    data = "Īss teksts.".encode()
    extract_isolated(data, "a.txt")  # the fork server starts once
    start = time.perf_counter()
    for _ in range(5):
        extract_isolated(data, "a.txt")
    assert (time.perf_counter() - start) / 5 < 0.5  # ~0.04 s measured
