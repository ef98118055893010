"""The ``kratuve`` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from api.cli import bulk, demo, extract, pan, repo, search
from api.cli import reindex  # Elasticsearch indices (issue 5)
from api.cli import service  # serve, worker, scheduler, admin (issue 6)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kratuve",
        description="Krātuve: national thesis repository and similarity checker.",
    )
    parser.add_argument(
        "--data-dir",
        help="repository directory (default: $KRATUVE_DATA_DIR or ./kratuve-data)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    repo.register(sub)
    demo.register(sub)
    pan.register(sub)
    extract.register(sub)
    search.register(sub)
    bulk.register(sub)
    reindex.register(sub)
    service.register(sub)
    _accept_data_dir_everywhere(sub)
    return parser


def _accept_data_dir_everywhere(sub: argparse._SubParsersAction) -> None:
    """``kratuve add --data-dir D`` works as well as ``kratuve --data-dir D add``."""
    for command in sub.choices.values():
        if command.get_default("handler") is not None:
            command.add_argument("--data-dir", default=argparse.SUPPRESS, help="repository directory")
        for action in command._subparsers._group_actions if command._subparsers else []:
            _accept_data_dir_everywhere(action)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `kratuve ... | head`: the reader went away
        sys.stderr.close()
        return 0
