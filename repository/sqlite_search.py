"""Public full-text search in the embedded repository (SQLite FTS5).

``search_text`` holds, per thesis (rowid = thesis pk), the stemmed and folded
token streams of its title, abstracts, keywords, people and body (see
:mod:`repository.text_analysis`); FTS5's ``unicode61 remove_diacritics 2``
tokenizer indexes them. Rows are written in the thesis's own transaction.
Access is decided when a search runs (:func:`repository.access.is_public`),
so an embargo that has lifted shows up without re-indexing. Highlights are
made on the ORIGINAL text: token *i* of a stream is word *i* of its source.
"""

from __future__ import annotations

import json
import sqlite3
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from itertools import islice
from datetime import date
from typing import Any

from ingest.document import Document
from repository.access import is_public
from repository.models import ThesisMetadata, upgrade_legacy_metadata
from repository.search_models import (
    FACETS,
    FacetCount,
    SearchFilters,
    SearchHit,
    SearchResults,
    SearchSort,
    Snippet,
)
from repository.sqlite_rows import document_json
from repository.text_analysis import WORD, analyse, analyse_by_spans, query_terms, stem

COLUMNS = ("title", "abstract", "keywords", "people", "body")
# bm25 weights, in COLUMNS order: a word in the title counts ten body words.
_WEIGHTS = (10.0, 5.0, 5.0, 3.0, 1.0)
SCHEMA = """
CREATE VIRTUAL TABLE search_text USING fts5(
    title, abstract, keywords, people, body,
    tokenize = 'unicode61 remove_diacritics 2'
);
"""
_BODY_WINDOW = 30
_ABSTRACT_WINDOW = 40
_BATCH = 500
_MAX_ANCHORS = 200  # windows tried per snippet (a common word may match thousands of times)


def main_language(metadata: ThesisMetadata, document_language: str) -> str:
    return metadata.languages[0] if metadata.languages else document_language


def index_row(metadata: ThesisMetadata, document: Document) -> tuple[str, ...]:
    """The five token streams of a thesis, in COLUMNS order."""
    lang = main_language(metadata, document.language)
    m = metadata
    return (
        " ".join((analyse(m.title, lang), analyse(m.title_en or "", "en"))),
        " ".join((analyse(m.abstract_lv or "", "lv"), analyse(m.abstract_en or "", "en"))),
        analyse(" ; ".join(m.keywords + m.subjects), lang),
        analyse(" ; ".join(p.name for p in m.authors + m.supervisors), "lv"),
        analyse_by_spans(document.text, [(p.start, p.language) for p in document.passages], document.language),
    )


def insert(conn: sqlite3.Connection, thesis_pk: int, metadata: ThesisMetadata, document: Document) -> None:
    conn.execute(
        f"INSERT INTO search_text(rowid, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)",
        (thesis_pk, *index_row(metadata, document)),
    )


def delete(conn: sqlite3.Connection, thesis_pk: int) -> None:
    conn.execute("DELETE FROM search_text WHERE rowid = ?", (thesis_pk,))


def upgrade_metadata(conn: sqlite3.Connection) -> None:
    """Rewrite stored metadata that the current model would refuse (v2 -> v3)."""
    for pk, meta_json in conn.execute("SELECT pk, metadata_json FROM thesis").fetchall():
        meta = ThesisMetadata.model_validate(upgrade_legacy_metadata(json.loads(meta_json)))
        conn.execute("UPDATE thesis SET metadata_json = ? WHERE pk = ?", (meta.model_dump_json(), pk))


def backfill(conn: sqlite3.Connection) -> None:
    """Index every stored thesis (used by the v2 -> v3 migration)."""
    rows = conn.execute(
        "SELECT t.pk, t.metadata_json, d.data FROM thesis t JOIN document d ON d.thesis_pk = t.pk"
    )
    for pk, meta_json, blob in rows:
        document = Document.model_validate_json(document_json(blob))
        insert(conn, pk, ThesisMetadata.model_validate_json(meta_json), document)


def fts_query(query: str) -> str | None:
    """An FTS5 MATCH expression: every query word, in any of its stems (None: no words)."""
    return fts_query_of(query_terms(query)) or None


def fts_query_of(terms: list[frozenset[str]]) -> str:
    return " AND ".join("(" + " OR ".join(f'"{s}"' for s in sorted(t)) + ")" for t in terms)


def search(
    conn: sqlite3.Connection,
    query: str,
    *,
    filters: SearchFilters,
    sort: SearchSort,
    page: int,
    per_page: int,
    today: date,
) -> SearchResults:
    """Search public theses; ``conn`` is inside a read transaction."""
    if page < 1 or per_page < 1:
        raise ValueError("page and per_page must be at least 1")
    match = fts_query(query)
    if match is None:
        scores = {pk: 0.0 for (pk,) in conn.execute("SELECT pk FROM thesis")}
    else:
        weights = ", ".join(map(str, _WEIGHTS))
        scores = {
            pk: -rank  # bm25 is lower-is-better
            for pk, rank in conn.execute(
                f"SELECT rowid, bm25(search_text, {weights}) FROM search_text WHERE search_text MATCH ?",
                (match,),
            )
        }
    replaced = _replaced_by_public_version(conn, today)
    found: list[tuple[int, str, ThesisMetadata, str]] = []
    for pk, thesis_id, meta_json, doc_language in _thesis_rows(conn, list(scores)):
        meta = ThesisMetadata.model_validate_json(meta_json)
        if thesis_id not in replaced and is_public(meta, today):
            found.append((pk, thesis_id, meta, doc_language))
    facets_of = {pk: _facet_values(meta, lang) for pk, _, meta, lang in found}
    found = [f for f in found if _matches(facets_of[f[0]], filters)]
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    for pk, *_ in found:
        for name, values in facets_of[pk].items():
            counts[name].update(values)
    if sort == "relevance":
        found.sort(key=lambda f: (-scores[f[0]], f[1]))
    else:
        sign = -1 if sort == "year_desc" else 1
        found.sort(key=lambda f: (f[2].year is None, sign * (f[2].year or 0), -scores[f[0]], f[1]))
    start = (page - 1) * per_page
    terms = query_terms(query)
    hits = [
        _hit(conn, pk, thesis_id, meta, lang, scores[pk], terms)
        for pk, thesis_id, meta, lang in found[start : start + per_page]
    ]
    return SearchResults(
        query=query,
        filters=filters,
        sort=sort,
        page=page,
        per_page=per_page,
        total=len(found),
        hits=hits,
        facets={
            name: [FacetCount(value=v, count=n) for v, n in sorted(c.items(), key=lambda vn: (-vn[1], vn[0]))]
            for name, c in counts.items()
        },
    )


def _replaced_by_public_version(conn: sqlite3.Connection, today: date) -> set[str]:
    """Ids of theses whose next version is public: search shows that one instead."""
    return {
        earlier
        for earlier, meta_json in conn.execute(
            "SELECT supersedes, metadata_json FROM thesis WHERE supersedes IS NOT NULL"
        )
        if is_public(ThesisMetadata.model_validate_json(meta_json), today)
    }


def _thesis_rows(conn: sqlite3.Connection, pks: list[int]) -> Iterable[tuple[int, str, str, str]]:
    for i in range(0, len(pks), _BATCH):
        batch = pks[i : i + _BATCH]
        yield from conn.execute(
            f"SELECT pk, id, metadata_json, language FROM thesis WHERE pk IN ({','.join('?' * len(batch))})",
            batch,
        )


def _facet_values(meta: ThesisMetadata, doc_language: str) -> dict[str, list[str]]:
    return {
        "institution": [meta.institution] if meta.institution else [],
        "year": [str(meta.year)] if meta.year is not None else [],
        "degree": [meta.degree.value] if meta.degree is not None else [],
        "language": list(dict.fromkeys(meta.languages or [doc_language])),
        "subject": list(dict.fromkeys(meta.subjects)),
    }


def _matches(values: dict[str, list[str]], filters: SearchFilters) -> bool:
    wanted = {
        "institution": filters.institution,
        "year": None if filters.year is None else str(filters.year),
        "degree": None if filters.degree is None else filters.degree.value,
        "language": None if filters.language is None else filters.language.lower(),
        "subject": filters.subject,
    }
    for name, value in wanted.items():
        if value is None:
            continue
        have = values[name]
        if name in ("institution", "subject"):
            if value.casefold() not in {v.casefold() for v in have}:
                return False
        elif value not in have:
            return False
    return True


def _hit(
    conn: sqlite3.Connection,
    pk: int,
    thesis_id: str,
    meta: ThesisMetadata,
    doc_language: str,
    score: float,
    terms: list[frozenset[str]],
) -> SearchHit:
    snippets: list[Snippet] = []
    if terms:
        lang = main_language(meta, doc_language)
        fields: list[tuple[Any, str | None, str, int]] = [
            ("title", meta.title, lang, 0),
            ("title_en", meta.title_en, "en", 0),
            ("abstract_lv", meta.abstract_lv, "lv", _ABSTRACT_WINDOW),
            ("abstract_en", meta.abstract_en, "en", _ABSTRACT_WINDOW),
            ("keywords", "; ".join(meta.keywords + meta.subjects), lang, 0),
        ]
        for field, text, language, window in fields:
            if text:
                stems = [stem(m.group(), language) for m in WORD.finditer(text)]
                found = snippet(text, stems, terms, window)
                if found is not None:
                    snippets.append(Snippet(field=field, **found))
        body = _body_snippet(conn, pk, fts_query_of(terms), terms)
        if body is not None:
            snippets.append(Snippet(field="body", **body))
    return SearchHit.of(thesis_id, meta, score, snippets)


def _body_snippet(conn: sqlite3.Connection, pk: int, match: str, terms: list[frozenset[str]]) -> dict[str, Any] | None:
    # FTS5 marks the matching tokens of the stored stream (in C); token i is word i.
    row = conn.execute(
        "SELECT highlight(search_text, 4, char(1), char(2)), d.data FROM search_text s"
        " JOIN document d ON d.thesis_pk = s.rowid WHERE search_text MATCH ? AND s.rowid = ?",
        (match, pk),
    ).fetchone()
    if row is None:
        return None
    marked, text = row[0], json.loads(document_json(row[1]))["text"]
    term_of = _term_index(terms)
    hits: list[tuple[int, set[int]]] = []
    at, index = 0, 0
    while (found := marked.find("\x01", at)) >= 0:
        index += marked.count(" ", at, found)
        close = marked.find("\x02", found)
        hits.append((index, term_of.get(marked[found + 1 : close], {0})))
        at = close + 1
    return _snippet_from_hits(text, hits, marked.count(" ") + 1 if marked else 0, _BODY_WINDOW)


def _term_index(terms: list[frozenset[str]]) -> dict[str, set[int]]:
    """Stem -> the query words it stands for."""
    term_of: dict[str, set[int]] = {}
    for k, forms in enumerate(terms):
        for form in forms:
            term_of.setdefault(form, set()).add(k)
    return term_of


def snippet(text: str, stems: list[str], terms: list[frozenset[str]], window: int) -> dict[str, Any] | None:
    """The window of ``window`` words (0: all of ``text``) holding the most distinct query
    terms, cut from ``text`` with highlight ranges; ``stems[i]`` belongs to word *i*."""
    term_of = _term_index(terms)
    hits = [(i, term_of[s]) for i, s in enumerate(stems) if s in term_of]
    return _snippet_from_hits(text, hits, len(stems), window)


def _snippet_from_hits(
    text: str, hits: list[tuple[int, set[int]]], n: int, window: int
) -> dict[str, Any] | None:
    """``hits``: (word index, query words matched) in word order; ``n``: words in ``text``."""
    if not hits:
        return None
    if window <= 0 or n <= window:
        first, last = 0, n
    else:
        best, first = (-1, -1), 0
        positions = [i for i, _ in hits]
        for a, i in enumerate(positions[:_MAX_ANCHORS]):
            b = bisect_left(positions, i + window, lo=a)
            key = (len(set().union(*(t for _, t in hits[a:b]))), b - a)
            if key > best:
                best, first = key, max(0, i - 5)
        last = min(n, first + window)
    # Word spans of the window only: the regex skips the words before it in C.
    spans = [(m.start(), m.end()) for m in islice(WORD.finditer(text), first, last)]
    if len(spans) != last - first or not spans:  # the stream is not of this text (should not happen)
        return None
    cut_start = 0 if first == 0 else spans[0][0]
    cut_end = len(text) if last == n else spans[-1][1]
    prefix = "… " if cut_start > 0 else ""
    suffix = " …" if last < n else ""
    body = " ".join(text[cut_start:cut_end].split())  # one line
    squeezed = _squeeze_map(text, cut_start, cut_end)  # offsets move when whitespace is squeezed
    highlights = [
        (len(prefix) + squeezed[spans[i - first][0] - cut_start], len(prefix) + squeezed[spans[i - first][1] - cut_start])
        for i, _ in hits
        if first <= i < last
    ]
    return {"text": prefix + body + suffix, "highlights": highlights}


def _squeeze_map(text: str, start: int, end: int) -> list[int]:
    """Offset in ``text[start:end]`` -> offset in its whitespace-squeezed, stripped form."""
    out, pos, pending_space, seen = [], 0, False, False
    for ch in text[start:end]:
        if ch.isspace():
            out.append(pos)
            pending_space = seen
            continue
        if pending_space:
            pos += 1
            pending_space = False
        out.append(pos)
        pos += 1
        seen = True
    out.append(pos)
    return out
