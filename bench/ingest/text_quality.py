"""Extraction quality on the synthetic Latvian thesis: character error rate of the body text.

    .venv/bin/python bench/ingest/text_quality.py [--ocr] [--dpi 300] [--pages N]

Reference: ../shared/data/theses/synthetic-lv/body_groundtruth.txt without its
"#" heading lines. Hypothesis: the extracted text from the first to the last
reference line (located by aligning those lines), with lines that are
chapter or document headings removed (they are "#" lines in the reference).
Both sides: line-end hyphenation joined (as ``ingest.normalize`` does for
matching; the stored text keeps the hyphens), white space collapsed to one
space. CER = Levenshtein distance / reference length (rapidfuzz).

``--ocr`` renders every page to a grayscale PNG (pypdfium2, ``--dpi``),
assembles an image-only PDF with img2pdf (in a temporary directory, not kept)
and extracts that, so the text comes from Tesseract.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
THESIS = REPO.parent / "shared" / "data" / "theses" / "synthetic-lv"

_HYPHEN_BREAK = re.compile(r"(?<=\w)[-\u00ad][ \t]*\r?\n[ \t]*(?=[a-zāčēģīķļņšūž])")
_HEADING_NUMBER = re.compile(r"^\d+(\.\d+)*\.?\s+")


def squash(text: str) -> str:
    """Line-end hyphenation joined, every run of white space one space."""
    return " ".join(_HYPHEN_BREAK.sub("", text).split())


def cer(reference: str, hypothesis: str) -> float:
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(reference, hypothesis) / max(len(reference), 1)


def reference_and_headings() -> tuple[str, set[str], list[str]]:
    lines = (THESIS / "body_groundtruth.txt").read_text(encoding="utf-8").splitlines()
    body = [ln for ln in lines if ln.strip() and not ln.startswith("#")]
    headings = {_heading_key(ln.lstrip("#")) for ln in lines if ln.startswith("#")}
    return "\n".join(body), headings, body


def _heading_key(text: str) -> str:
    return " ".join(_HEADING_NUMBER.sub("", text.strip()).casefold().split())


def body_of(text: str, first: str, last: str, headings: set[str]) -> str:
    """The extracted text from the first to the last reference line, heading paragraphs removed."""
    from rapidfuzz import fuzz

    flat = squash(text)
    head, tail = squash(first)[:60], squash(last)[-60:]
    start = flat.find(head)
    if start < 0:
        start = fuzz.partial_ratio_alignment(head, flat).dest_start
    end = flat.rfind(tail)
    end = end + len(tail) if end >= 0 else fuzz.partial_ratio_alignment(tail, flat).dest_end
    # Drop heading lines in the original text, then cut the same stretch.
    kept = "\n".join(ln for ln in text.splitlines() if _heading_key(ln) not in headings)
    flat_kept = squash(kept)
    s = flat_kept.find(head)
    e = flat_kept.rfind(tail)
    if s >= 0 and e >= 0:
        return flat_kept[s : e + len(tail)]
    return flat[start:end]


def split_words(flat: str) -> int:
    """Words still split by a line-end hyphen in the joined view ("pētī- jums")."""
    return len(re.findall(r"\w- [a-zāčēģīķļņšūž]", flat))


def scanned_copy(pdf_path: Path, out: Path, dpi: int, pages: int | None) -> int:
    import img2pdf
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(pdf_path)
    count = len(pdf) if pages is None else min(pages, len(pdf))
    images = []
    for i in range(count):
        png = out.parent / f"page-{i:04d}.png"
        pdf[i].render(scale=dpi / 72, grayscale=True).to_pil().save(png, dpi=(dpi, dpi))
        images.append(str(png))
    out.write_bytes(img2pdf.convert(images))
    return count


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ocr", action="store_true", help="extract an image-only copy through OCR")
    ap.add_argument("--dpi", type=int, default=300)
    ap.add_argument("--pages", type=int, help="only the first N pages (OCR runs; CER then covers those)")
    args = ap.parse_args()

    from ingest.extract import extract

    reference, headings, body_lines = reference_and_headings()
    source = THESIS / "thesis.pdf"
    with tempfile.TemporaryDirectory() as tmp:
        path = source
        if args.ocr:
            path = Path(tmp) / "scanned.pdf"
            t0 = time.perf_counter()
            count = scanned_copy(source, path, args.dpi, args.pages)
            print(f"scanned copy: {count} pages at {args.dpi} dpi in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        result = extract(path)
        elapsed = time.perf_counter() - t0
    pages = len(result.pages)
    print(f"extracted {pages} pages in {elapsed:.1f} s ({pages / elapsed:.2f} pages/s); OCR pages: {len(result.ocr_pages)}")
    ref = squash(reference)
    last = body_lines[-1]
    if args.pages:  # only part of the thesis: score the reference up to the last line seen
        flat = squash(result.text)
        seen = [ln for ln in body_lines if squash(ln)[-40:] in flat]
        last = seen[-1] if seen else body_lines[0]
        ref = squash("\n".join(body_lines[: body_lines.index(last) + 1]))
    hyp = body_of(result.text, body_lines[0], last, headings)
    print(f"reference {len(ref)} chars, hypothesis {len(hyp)} chars")
    print(f"CER {100 * cer(ref, hyp):.3f} %  (case-folded: {100 * cer(ref.casefold(), hyp.casefold()):.3f} %)")
    print(f"words left split by a line-end hyphen: {split_words(hyp)}")


if __name__ == "__main__":
    main()
