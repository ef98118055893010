"""``kratuve search``: public search over open theses (and those whose embargo has lifted)."""

from __future__ import annotations

import argparse
import json
import sys

from api.cli.context import settings_from

EXIT_BAD_INPUT = 2
SORTS = ("relevance", "year_desc", "year_asc")
DEGREES = ("bachelor", "master", "doctoral", "professional", "first_level_professional")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("search", help="search the public theses (full text and metadata)")
    p.add_argument("query", metavar="QUERY", help="words to find (Latvian or English; any form, diacritics optional)")
    p.add_argument("--institution", help="only this institution")
    p.add_argument("--year", type=int, help="only this year")
    p.add_argument("--degree", choices=DEGREES, help="only this degree level")
    p.add_argument("--language", help="only theses in this language (lv, en, ...)")
    p.add_argument("--subject", help="only theses with this subject")
    p.add_argument("--sort", choices=SORTS, default="relevance")
    p.add_argument("--page", type=int, default=1)
    p.add_argument("--per-page", type=int, default=10)
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.set_defaults(handler=cmd_search)


def cmd_search(args: argparse.Namespace) -> int:
    from repository.search_models import SearchFilters

    from api.backends import open_repository
    from api.identifiers import landing_url, persistent_id

    if args.page < 1 or args.per_page < 1:
        print("--page and --per-page must be at least 1", file=sys.stderr)
        return EXIT_BAD_INPUT
    settings = settings_from(args)
    filters = SearchFilters(
        institution=args.institution, year=args.year, degree=args.degree, language=args.language,
        subject=args.subject
    )
    repo = open_repository(settings)
    try:
        results = repo.search(args.query, filters=filters, sort=args.sort, page=args.page, per_page=args.per_page)
    finally:
        repo.close()
    if args.json:
        data = results.model_dump(mode="json")
        for hit in data["hits"]:
            hit["pid"] = persistent_id(settings, hit["thesis_id"])
            hit["url"] = landing_url(settings, hit["thesis_id"])
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    shown = len(results.hits)
    first = (results.page - 1) * results.per_page + 1
    print(f"{results.total} public theses match" + (f"; {first}-{first + shown - 1}:" if shown else "."))
    for n, hit in enumerate(results.hits, first):
        details = ", ".join(
            x for x in (", ".join(hit.authors), hit.institution, str(hit.year or ""), hit.degree.value if hit.degree else "") if x
        )
        print(f"{n}. {hit.title}" + (f" ({details})" if details else ""))
        print(f"   {persistent_id(settings, hit.thesis_id)}  {landing_url(settings, hit.thesis_id)}")
        shown_snippets = [s for s in hit.snippets if not s.field.startswith("title")] or hit.snippets
        for snip in shown_snippets[:2]:
            print(f"   {snip.field}: {_marked(snip.text, snip.highlights)}")
    for name, counts in results.facets.items():
        if counts:
            print(f"{name}: " + ", ".join(f"{c.value} ({c.count})" for c in counts[:10]))
    return 0


def _marked(text: str, highlights: list[tuple[int, int]]) -> str:
    """``text`` with each highlighted range in [brackets]."""
    out, at = [], 0
    for start, end in sorted(highlights):
        out += [text[at:start], "[", text[start:end], "]"]
        at = end
    out.append(text[at:])
    return "".join(out)
