"""``kratuve add`` and ``kratuve check``."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

from pydantic import ValidationError

from ingest.errors import IngestError
from repository.errors import RepositoryError
from repository.models import ThesisMetadata
from similarity.report.html import render_html
from similarity.report.model import Report

from api.cli.context import open_checker, settings_from
from api.identifiers import thesis_id_from

SUPPORTED_SUFFIXES = {".pdf", ".docx", ".odt", ".rtf", ".html", ".htm", ".txt"}
EXIT_BAD_INPUT = 2


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("add", help="add theses (files or directories) to the repository")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--meta", type=Path, help="JSON metadata: one object, or a list of objects with a 'file' key")
    p.add_argument("--title")
    p.add_argument("--author", action="append", default=[], help="repeat for several authors")
    p.add_argument("--institution", default="")
    p.add_argument("--year", type=int)
    p.add_argument("--degree", default="")
    p.add_argument("--access", choices=["open", "embargoed", "restricted"], default="open")
    p.add_argument("--embargo-until", metavar="YYYY-MM-DD", help="last day of the embargo (with --access embargoed)")
    p.add_argument("--supersedes", metavar="ID", help="the id of the earlier version this file replaces (one file)")
    p.set_defaults(handler=cmd_add)

    c = sub.add_parser("check", help="check a file against the repository without adding it")
    c.add_argument("file", type=Path, metavar="FILE")
    c.add_argument("--json", type=Path, dest="json_out", metavar="OUT", help="write the JSON report here")
    c.add_argument("--html", type=Path, dest="html_out", metavar="OUT", help="write the HTML report here")
    c.add_argument("--version-of", metavar="ID", help="a stored thesis this file is a version of (not compared)")
    c.set_defaults(handler=cmd_check)


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given; directories expand to their supported files, sorted, recursively."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(
                f for f in sorted(p.rglob("*")) if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES
            )
        else:
            out.append(p)
    return out


def _load_meta(path: Path) -> dict[str, dict] | dict:
    """``{"*": {...}}`` for one object, else file name -> object."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict):
        return {"*": data}
    if isinstance(data, list) and all(isinstance(d, dict) and "file" in d for d in data):
        return {Path(d["file"]).name: {k: v for k, v in d.items() if k != "file"} for d in data}
    raise ValueError("expected a JSON object, or a list of objects each with a 'file' key")


def metadata_for(path: Path, args: argparse.Namespace, meta: dict) -> ThesisMetadata:
    fields: dict = dict(meta.get(path.name) or meta.get("*") or {})
    cli = {
        "title": args.title,
        "authors": args.author or None,
        "institution": args.institution or None,
        "year": args.year,
        "degree": args.degree or None,
        "access": args.access if args.access != "open" else None,
        "embargo_until": getattr(args, "embargo_until", None),
    }
    fields.update({k: v for k, v in cli.items() if v is not None})
    fields.setdefault("title", path.stem)
    return ThesisMetadata(**fields)


def cmd_add(args: argparse.Namespace) -> int:
    meta: dict = {}
    if args.meta:
        try:
            meta = _load_meta(args.meta)
        except (OSError, ValueError) as exc:
            print(f"{args.meta}: cannot use this metadata file: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
    files = expand_paths(args.paths)
    if not files:
        print("no supported files found (.pdf, .docx, .odt, .rtf, .html, .htm, .txt)", file=sys.stderr)
        return EXIT_BAD_INPUT
    settings = settings_from(args)
    supersedes = getattr(args, "supersedes", None)
    if supersedes:
        supersedes = thesis_id_from(settings, supersedes)  # an id or its persistent identifier
    if supersedes and len(files) != 1:
        print("--supersedes takes exactly one file", file=sys.stderr)
        return EXIT_BAD_INPUT
    checker = open_checker(settings)
    counts = {"added": 0, "skipped": 0, "failed": 0}
    for f in files:
        if not f.exists():
            print(f"{f}: failed: no such file", file=sys.stderr)
            counts["failed"] += 1
            continue
        try:
            metadata = metadata_for(f, args, meta)
        except ValidationError as exc:
            reason = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            print(f"{f}: failed: bad metadata ({reason})", file=sys.stderr)
            counts["failed"] += 1
            continue
        try:
            outcome = checker.add(f, metadata, supersedes=supersedes)
        except RepositoryError as exc:  # unknown or already superseded earlier version
            print(f"{f}: failed: {exc}", file=sys.stderr)
            counts["failed"] += 1
            continue
        counts[outcome.status] += 1
        if outcome.status == "added":
            print(f"{f}: added as {outcome.record.id}")
        elif outcome.status == "skipped":
            print(f"{f}: skipped: {outcome.reason}")
        else:
            print(f"{f}: failed: {outcome.reason}", file=sys.stderr)
    print(f"{counts['added']} added, {counts['skipped']} skipped, {counts['failed']} failed")
    return EXIT_BAD_INPUT if counts["failed"] else 0


def write_report(report: Report, submission_text: str, json_out: Path | None, html_out: Path | None) -> None:
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(report.model_dump_json(indent=2), encoding="utf-8")
    if html_out:
        html_out.parent.mkdir(parents=True, exist_ok=True)
        html_out.write_text(render_html(report, submission_text), encoding="utf-8")


def print_summary(report: Report, top: int = 5) -> None:
    print(f"Similarity index: {report.similarity_index:.1f}% "
          f"({len(report.matches)} matches, {len(report.sources)} sources, "
          f"{report.sources_compared} theses in the repository)")
    for s in report.sources[:top]:
        print(f"  {s.share:5.1f}%  {s.source.title} [{s.source.id}]")
    for f in report.flags:
        print(f"  flag: {f.kind} x{f.count}")


def cmd_check(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    checker = open_checker(settings)
    try:
        document = checker.ingest(args.file)
    except IngestError as exc:
        print(f"{args.file}: {exc.reason}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        version_of = thesis_id_from(settings, args.version_of) if args.version_of else None
        report = checker.check_document(document, version_of=version_of)
    except RepositoryError as exc:  # --version-of names no stored thesis
        print(f"{args.version_of}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    json_out, html_out = args.json_out, args.html_out
    if not json_out and not html_out:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        base = settings.data_dir / "reports" / f"{args.file.stem}-{stamp}"
        json_out, html_out = base.with_suffix(".json"), base.with_suffix(".html")
    write_report(report, document.text, json_out, html_out)
    print_summary(report)
    for out in (json_out, html_out):
        if out:
            print(f"Report: {out.resolve()}")
    return 0
