"""Public search on Elasticsearch: the thesis search fields, the query, and the
conversion of an answer into the same :class:`SearchResults` as the embedded backend.

Every text field is indexed four ways (see ``mappings/theses.v1.json``): the
built-in ``latvian`` (or ``english``) analyzer, a Latvian stemmer followed by
``asciifolding`` (``petijums`` finds ``pētījums``), the English stemmer with
folding, and folding alone (names). Each query word must match some field in
some of these forms, as in the embedded backend. Access is decided by the
query itself, with the day as a date-range filter, so an embargo lifts on its
date without anybody re-indexing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ingest.document import Document
from repository.models import ThesisMetadata
from repository.search_models import FACETS, FacetCount, SearchFilters, SearchHit, SearchResults, SearchSort, Snippet
from repository.text_analysis import WORD

# Field -> boost (as the embedded bm25 weights: a title word counts ten body words)
# and the analysed forms it is indexed in.
FIELDS: dict[str, tuple[float, tuple[str, ...]]] = {
    "title": (10.0, ("", ".folded", ".en_folded", ".plain")),
    "title_en": (10.0, ("", ".en_folded", ".plain")),
    "abstract_lv": (5.0, ("", ".folded", ".plain")),
    "abstract_en": (5.0, ("", ".en_folded", ".plain")),
    "keywords": (5.0, ("", ".folded", ".en_folded", ".plain")),
    "people": (3.0, ("",)),
    "body": (1.0, ("", ".folded", ".en_folded", ".plain")),
}
SNIPPET_FIELDS = ("title", "title_en", "abstract_lv", "abstract_en", "keywords", "body")
_PRE, _POST = "\x01", "\x02"
_BODY_FRAGMENT_CHARS = 220
_FACET_FIELDS = {"institution": "institution", "year": "year", "degree": "degree", "language": "language",
                 "subject": "subject"}


def search_fields(metadata: ThesisMetadata, document: Document) -> dict[str, Any]:
    """The searchable part of a thesis document (original text: ES analyses it)."""
    m = metadata
    return {
        "title": m.title,
        "title_en": m.title_en,
        "abstract_lv": m.abstract_lv,
        "abstract_en": m.abstract_en,
        "keywords": "; ".join(m.keywords + m.subjects) or None,
        "people": " ; ".join(p.name for p in m.authors + m.supervisors) or None,
        "body": document.text,
        "access": m.access,
        "embargo_until": m.embargo_until.isoformat() if m.embargo_until else None,
        "institution": m.institution or None,
        "year": m.year,
        "degree": m.degree.value if m.degree is not None else None,
        "language": list(dict.fromkeys(m.languages or [document.language])),
        "subject": list(dict.fromkeys(m.subjects)),
    }


def public_filter(today: date, prefix: str = "") -> dict[str, Any]:
    """Public on ``today``: open, or embargoed with ``embargo_until < today``."""
    return {
        "bool": {
            "should": [
                {"term": {f"{prefix}access": "open"}},
                {
                    "bool": {
                        "filter": [
                            {"term": {f"{prefix}access": "embargoed"}},
                            {"range": {f"{prefix}embargo_until": {"lt": today.isoformat()}}},
                        ]
                    }
                },
            ],
            "minimum_should_match": 1,
        }
    }


def query_words(query: str) -> list[str]:
    return [m.group() for m in WORD.finditer(query)]


def _word_clause(word: str) -> dict[str, Any]:
    fields = [f"{name}{form}^{boost:g}" for name, (boost, forms) in FIELDS.items() for form in forms]
    return {"multi_match": {"query": word, "fields": fields, "type": "best_fields"}}


def build_request(
    query: str, *, filters: SearchFilters, sort: SearchSort, page: int, per_page: int, today: date
) -> dict[str, Any]:
    """The body of the ``_search`` request on the theses alias."""
    words = query_words(query)
    must: list[dict[str, Any]] = [_word_clause(w) for w in words] or [{"match_all": {}}]
    filter_: list[dict[str, Any]] = [public_filter(today)]
    if filters.institution is not None:
        filter_.append({"term": {"institution.lower": filters.institution.lower()}})
    if filters.year is not None:
        filter_.append({"term": {"year": filters.year}})
    if filters.degree is not None:
        filter_.append({"term": {"degree": filters.degree.value}})
    if filters.language is not None:
        filter_.append({"term": {"language": filters.language.lower()}})
    if filters.subject is not None:
        filter_.append({"term": {"subject.lower": filters.subject.lower()}})
    body: dict[str, Any] = {
        "query": {
            "bool": {
                "must": must,
                "filter": filter_,
                # leave out a version whose next version is public: search shows that one
                "must_not": [public_filter(today, prefix="next_")],
            }
        },
        "from": (page - 1) * per_page,
        "size": per_page,
        "track_total_hits": True,
        "track_scores": True,
        "_source": ["id", "title", "title_en", "abstract_lv", "abstract_en", "keywords", "record"],
        "aggs": {name: {"terms": {"field": field, "size": 1000}} for name, field in _FACET_FIELDS.items()},
    }
    if sort == "relevance":
        body["sort"] = [{"_score": "desc"}, {"id": "asc"}]
    else:
        order = "desc" if sort == "year_desc" else "asc"
        body["sort"] = [{"year": {"order": order, "missing": "_last"}}, {"_score": "desc"}, {"id": "asc"}]
    if words:
        highlight_fields: dict[str, Any] = {}
        for name in SNIPPET_FIELDS:
            for form in FIELDS[name][1]:
                if name == "body":
                    highlight_fields[f"{name}{form}"] = {
                        "fragment_size": _BODY_FRAGMENT_CHARS, "number_of_fragments": 1, "no_match_size": 0
                    }
                else:
                    highlight_fields[f"{name}{form}"] = {"number_of_fragments": 0}
        body["highlight"] = {
            "type": "unified", "pre_tags": [_PRE], "post_tags": [_POST], "fields": highlight_fields,
        }
    return body


def results_from(
    response: dict[str, Any], query: str, *, filters: SearchFilters, sort: SearchSort, page: int, per_page: int
) -> SearchResults:
    """The :class:`SearchResults` of a ``_search`` answer to :func:`build_request`."""
    from repository.models import ThesisRecord

    has_words = bool(query_words(query))
    hits = []
    for hit in response["hits"]["hits"]:
        record = ThesisRecord.model_validate(hit["_source"]["record"])
        meta = record.metadata
        hits.append(
            SearchHit.of(
                record.id,
                meta,
                float(hit.get("_score") or 0.0) if has_words else 0.0,
                snippets_of(hit.get("highlight") or {}) if has_words else [],
            )
        )
    aggs = response.get("aggregations") or {}
    facets = {
        name: [
            FacetCount(value=str(b.get("key_as_string", b["key"])), count=b["doc_count"])
            for b in sorted(aggs.get(name, {}).get("buckets", []), key=lambda b: (-b["doc_count"], str(b["key"])))
        ]
        for name in FACETS
    }
    return SearchResults(
        query=query, filters=filters, sort=sort, page=page, per_page=per_page,
        total=int(response["hits"]["total"]["value"]), hits=hits, facets=facets,
    )


def snippets_of(highlight: dict[str, list[str]]) -> list[Snippet]:
    """One snippet per field: the marked words of all its analysed forms, on the original text."""
    out: list[Snippet] = []
    for name in SNIPPET_FIELDS:
        fragments = [highlight[f"{name}{form}"][0] for form in FIELDS[name][1] if highlight.get(f"{name}{form}")]
        if not fragments:
            continue
        if name == "body":
            # fragments of different forms may be cut differently: keep the one with most marks
            fragments = [max(fragments, key=lambda f: f.count(_PRE))]
        text, spans = unmark(fragments[0])
        for other in fragments[1:]:
            other_text, other_spans = unmark(other)
            if other_text == text:
                spans |= other_spans
        text, ranges = _squeeze(text, sorted(spans))
        out.append(Snippet(field=name, text=text, highlights=ranges))
    return out


def unmark(fragment: str) -> tuple[str, set[tuple[int, int]]]:
    """The fragment without highlight marks, and the marked ranges in it."""
    text: list[str] = []
    spans: set[tuple[int, int]] = set()
    at, length, start = 0, 0, None
    while at < len(fragment):
        ch = fragment[at]
        if ch == _PRE:
            start = length
        elif ch == _POST and start is not None:
            spans.add((start, length))
            start = None
        else:
            text.append(ch)
            length += 1
        at += 1
    return "".join(text), spans


def _squeeze(text: str, spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """Whitespace runs become one space (one line), offsets follow."""
    new_at: list[int] = []
    out: list[str] = []
    pending = False
    for ch in text:
        if ch.isspace():
            new_at.append(len(out))  # marks wrap words, never whitespace
            pending = bool(out)
            continue
        if pending:
            out.append(" ")
            pending = False
        new_at.append(len(out))
        out.append(ch)
    new_at.append(len(out))
    return "".join(out), [(new_at[a], new_at[b]) for a, b in spans]
