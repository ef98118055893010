"""``kratuve reindex``: rebuild the Elasticsearch indices from the mapping files.

Creates the next generation of every index (``<prefix>-theses-v2`` ...) from the
newest mapping file, copies the documents with the ``_reindex`` API and moves
all aliases in one ``_aliases`` call. The old indices stay for the operator to
delete, unless ``--delete-old``. Stop writers (web, workers, imports) first.
"""

from __future__ import annotations

import argparse
import sys

from api.cli.context import settings_from

EXIT_FAILED = 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "reindex",
        help="rebuild the Elasticsearch indices from the mapping files and switch the aliases (stop writers first)",
    )
    p.add_argument("--delete-old", action="store_true", help="delete the previous indices once the aliases moved")
    p.set_defaults(handler=cmd_reindex)


def cmd_reindex(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if settings.repository_backend != "elasticsearch":
        print("The embedded repository needs no reindexing (its schema migrates when it is opened).")
        return 0
    from repository.elastic import indices
    from repository.elastic.config import make_client
    from repository.errors import RepositoryError

    es = settings.elasticsearch
    client = make_client(es)
    try:
        indices.ensure(client, es.index_prefix)
        result = indices.reindex(client, es.index_prefix, delete_old=args.delete_old)
    except (RepositoryError, OSError) as exc:
        print(f"reindex failed: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:  # the client's ApiError / ConnectionError: say which server
        print(f"reindex failed ({es.url}): {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        client.close()
    for name, target in result.new.items():
        print(f"{result.old[name]} -> {target}: {result.copied[name]} documents")
    print("Aliases switched in one step." + (" Old indices deleted." if result.deleted_old else
          f" Old indices kept: {', '.join(result.old.values())} (delete them when satisfied)."))
    return 0
