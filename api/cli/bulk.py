"""``kratuve import`` (a manifest of theses), ``kratuve backup`` and ``kratuve restore``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from api.cli.context import open_checker, settings_from

if TYPE_CHECKING:
    from api.settings import Settings

EXIT_BAD_INPUT = 2


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import theses listed in a CSV or JSON Lines manifest (resumable)")
    p.add_argument("manifest", type=Path, metavar="MANIFEST")
    p.add_argument("--workers", type=int, default=1, metavar="N", help="processes that read files (default 1)")
    p.add_argument("--failures", type=Path, metavar="FILE", help="where to write the failures CSV")
    p.set_defaults(handler=cmd_import)

    b = sub.add_parser("backup", help="back up the repository into a folder")
    b.add_argument("dir", type=Path, metavar="DIR")
    b.set_defaults(handler=cmd_backup)

    r = sub.add_parser("restore", help="restore the repository from a backup folder")
    r.add_argument("dir", type=Path, metavar="DIR")
    r.add_argument("--force", action="store_true", help="replace a repository that holds theses")
    r.set_defaults(handler=cmd_restore)


def cmd_import(args: argparse.Namespace) -> int:
    from api.bulk_import import BulkImport, Progress, default_failures_path, print_result

    if not args.manifest.is_file():
        print(f"{args.manifest}: no such manifest", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.workers < 1:
        print("--workers must be at least 1", file=sys.stderr)
        return EXIT_BAD_INPUT
    settings = settings_from(args)
    checker = open_checker(settings)
    failures = args.failures or default_failures_path(settings.data_dir, args.manifest)
    job = BulkImport(
        checker,
        args.manifest,
        workers=args.workers,
        failures_path=failures,
        progress=Progress(sys.stderr),
        on_result=print_result,
    )
    try:
        summary = job.run()
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        print(f"{args.manifest}: cannot read this manifest: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(summary.line())
    if summary.failures_path is not None:
        print(f"Failures: {summary.failures_path.resolve()}")
    return EXIT_BAD_INPUT if summary.failed else 0


def cmd_backup(args: argparse.Namespace) -> int:
    from repository.backup import BackupError, backup

    settings = settings_from(args)
    if not _embedded(settings, "kratuve backup"):
        return EXIT_BAD_INPUT
    try:
        manifest = backup(settings.repository_path, args.dir)
    except (BackupError, OSError) as exc:
        print(f"backup failed: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"Backed up {manifest['counts'].get('thesis', 0)} theses to {args.dir.resolve()}"
          f" (schema {manifest['schema_version']}, sha256 {manifest['sha256'][:16]}...)")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from repository.backup import BackupError, restore

    settings = settings_from(args)
    if not _embedded(settings, "kratuve restore"):
        return EXIT_BAD_INPUT
    try:
        manifest = restore(args.dir, settings.repository_path, force=args.force)
    except (BackupError, OSError) as exc:
        print(f"restore refused: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"Restored {manifest['counts'].get('thesis', 0)} theses into {settings.repository_path.resolve()}"
          f" (backup of {manifest['created_at']})")
    return 0


def _embedded(settings: "Settings", what: str) -> bool:
    """Backups are files of the embedded store: say so clearly for another backend."""
    from api.backends import BackendNotSupported, require_embedded

    try:
        require_embedded(settings, what)
    except BackendNotSupported as exc:
        print(exc, file=sys.stderr)
        return False
    return True
