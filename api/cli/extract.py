"""``kratuve extract FILE``: what ingest makes of a file (text, pages, sections, metadata guess)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from api.cli.context import settings_from

if TYPE_CHECKING:
    from ingest.document import Document

EXIT_BAD_INPUT = 2
EXCERPT_CHARS = 2000


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("extract", help="extract a file and show its text, sections and title-page guess")
    p.add_argument("file", type=Path, metavar="FILE")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the whole Document as JSON")
    out.add_argument("--text", action="store_true", help="print only the extracted text, exactly as stored")
    p.set_defaults(handler=cmd_extract)


def cmd_extract(args: argparse.Namespace) -> int:
    from ingest.errors import IngestError
    from ingest.extract import ExtractLimits
    from ingest.pipeline import IngestOptions, ingest_file

    settings = settings_from(args)
    options = IngestOptions(
        limits=ExtractLimits(max_bytes=settings.max_file_mb * 1024 * 1024, max_pages=settings.max_pages),
        passage_target_words=settings.passage_words,
    )
    try:
        document = ingest_file(args.file, options)
    except IngestError as exc:
        print(f"{args.file}: {exc.reason}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.json:
        print(document.model_dump_json(indent=2))
    elif args.text:
        sys.stdout.write(document.text)
    else:
        print_document(document)
    return 0


def print_document(document: "Document", excerpt: int = EXCERPT_CHARS) -> None:
    """A readable summary, then the start of the body."""
    print(f"{document.source_name}")
    print(f"  format {document.format}, {len(document.pages)} pages, {len(document.text):,} characters, "
          f"language {document.language}, {len(document.passages)} passages")
    print("Title page (guess):" if document.metadata_guess else "Title page (guess): nothing found")
    for key, value in document.metadata_guess.items():
        print(f"  {key:<11} {value}")
    print("Sections:")
    for s in document.sections:
        print(f"  {s.kind:<13} {_pages(document, s.start, s.end):<10} {s.end - s.start:>9,} chars  "
              f"{s.language or '-':<6} {_short(s.heading)}")
    quoted = sum(q.end - q.start for q in document.quotations)
    print(f"Quotations: {len(document.quotations)} ({quoted:,} characters)")
    print("Flags: " + (", ".join(f"{f.kind} x{f.count}" for f in document.flags) or "none"))
    body = next((s for s in document.sections if s.kind == "body"), None)
    start = body.start if body else 0
    end = min(len(document.text), start + excerpt)
    print(f"Text, characters {start:,}-{end:,} (the start of the body; --text prints it all):")
    print(document.text[start:end])


def _pages(document: "Document", start: int, end: int) -> str:
    first, last = document.page_at(start), document.page_at(max(end - 1, start))
    if first is None:
        return "-"
    return f"p. {first}" if first == last else f"pp. {first}-{last}"


def _short(heading: str, width: int = 60) -> str:
    heading = " ".join(heading.split())
    return heading if len(heading) <= width else heading[: width - 1] + "…"
