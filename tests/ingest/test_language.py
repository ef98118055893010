from __future__ import annotations

import subprocess
import sys

from ingest.language import detect_languages

LV = "Latvijas Universitāte ir lielākā universitāte Latvijā, kurā studē vairāk nekā četrpadsmit tūkstoši studentu."
EN = "The University of Latvia is the largest university in the country, with more than fourteen thousand students."
DE = "Die Universität Lettlands ist die größte Universität des Landes und hat mehr als vierzehntausend Studenten."


def test_languages() -> None:
    assert detect_languages([LV, EN, DE, "", "Jā.", "12345 67 89 — 10"]) == ["lv", "en", "other", "other", "other", "other"]
    assert detect_languages([]) == []


def test_nothing_loaded_at_import() -> None:
    code = "import sys, ingest.pipeline, ingest.language; print('lingua' in sys.modules, 'pdfminer' in sys.modules, 'docx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False", "False"]
