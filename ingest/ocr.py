"""OCR of page images with the Tesseract command-line program.

Tesseract runs as a subprocess per page (``OMP_THREAD_LIMIT=1``), several
pages at a time, each with a time limit. Output is Tesseract's TSV, grouped
into lines with pixel boxes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ingest.errors import ExtractionTimeout, OcrFailed

MIN_CONFIDENCE = 0  # words with a lower confidence (-1: not a word) are dropped


@dataclass(slots=True)
class OcrLine:
    """A line of recognised words; box in pixels, ``top`` < ``bottom`` (image coordinates)."""

    text: str
    left: int
    top: int
    right: int
    bottom: int


def tesseract_available() -> bool:
    return shutil.which("tesseract") is not None


def ocr_images(images: list[bytes], *, languages: str, timeout_s: float, workers: int = 2) -> list[list[OcrLine]]:
    """The lines of each image (PNM/PNG bytes), in Tesseract's reading order."""
    if not images:
        return []
    if not tesseract_available():
        raise OcrFailed("scanned pages need OCR, but Tesseract is not installed (run scripts/setup.sh)")
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(lambda img: ocr_image(img, languages=languages, timeout_s=timeout_s), images))


def ocr_image(image: bytes, *, languages: str, timeout_s: float) -> list[OcrLine]:
    """Run Tesseract on one image given as bytes."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        proc = subprocess.run(
            ["tesseract", "stdin", "stdout", "-l", languages, "--psm", "3", "tsv"],
            input=image,
            capture_output=True,
            timeout=timeout_s,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ExtractionTimeout(f"OCR of a scanned page took longer than {timeout_s:.0f} s") from None
    except OSError as exc:
        raise OcrFailed(f"Tesseract could not be started ({exc.strerror or exc})") from None
    if proc.returncode != 0:
        detail = proc.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["unknown error"]
        raise OcrFailed(f"OCR of a scanned page failed ({detail[0][:120]})")
    return parse_tsv(proc.stdout.decode("utf-8", errors="replace"))


def parse_tsv(tsv: str) -> list[OcrLine]:
    """Group Tesseract TSV words (level 5) into lines by block, paragraph and line number."""
    lines: dict[tuple[int, int, int], list[tuple[str, int, int, int, int]]] = {}
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        try:
            block, par, line = int(cols[2]), int(cols[3]), int(cols[4])
            left, top, width, height = (int(c) for c in cols[6:10])
            conf = float(cols[10])
        except ValueError:
            continue
        word = cols[11]
        if conf < MIN_CONFIDENCE or not word.strip():
            continue
        lines.setdefault((block, par, line), []).append((word, left, top, left + width, top + height))
    out = []
    for words in lines.values():
        out.append(
            OcrLine(
                text=" ".join(w[0] for w in words),
                left=min(w[1] for w in words),
                top=min(w[2] for w in words),
                right=max(w[3] for w in words),
                bottom=max(w[4] for w in words),
            )
        )
    return out
