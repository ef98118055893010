"""``kratuve demo``: build a small repository, check a submission, print the report's path."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from api import demo
from api.cli.context import open_checker, settings_from
from api.cli.repo import metadata_for, print_summary, write_report, _load_meta

MARKER = ".kratuve-demo"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="build a demo repository from shipped texts and check a submission")
    p.add_argument("--dir", type=Path, default=Path("kratuve-demo"), help="demo directory (default ./kratuve-demo)")
    p.set_defaults(handler=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    out: Path = args.dir
    if out.exists():
        if not (out / MARKER).exists():
            print(f"{out} exists and is not a demo directory; choose another with --dir")
            return 2
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / MARKER).write_text("created by kratuve demo; safe to delete\n")
    corpus = demo.build(out)
    args.data_dir = str(out / "repository")
    settings = settings_from(args)
    checker = open_checker(settings)
    meta = _load_meta(corpus.theses_dir / "metadata.json")
    ns = argparse.Namespace(title=None, author=[], institution="", year=None, degree="", access="open")
    files = sorted(p for p in corpus.theses_dir.iterdir() if p.suffix in (".txt", ".docx"))
    for f in files:
        outcome = checker.add(f, metadata_for(f, ns, meta))
        if outcome.status != "added":
            print(f"{f.name}: {outcome.status}: {outcome.reason}")
    print(f"Demo repository: {checker.repository.count()} theses in {settings.repository_path.resolve()}")
    print(f"Submission: {corpus.submission.resolve()} "
          f"(copied text inserted: {100 * corpus.copied_characters / corpus.submission_characters:.1f}% of its characters)")
    document = checker.ingest(corpus.submission)
    report = checker.check_document(document)
    json_out, html_out = out / "report.json", out / "report.html"
    write_report(report, document.text, json_out, html_out)
    print_summary(report)
    print(f"Report: {html_out.resolve()}")
    print(f"JSON:   {json_out.resolve()}")
    return 0
