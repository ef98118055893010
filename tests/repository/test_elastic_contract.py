"""Contract tests of the Elasticsearch backend: they check the REQUESTS it sends
against Elasticsearch's API, not a server (none can be installed here).

The official ``elasticsearch`` client talks real HTTP to a recording stand-in on
loopback (``es_standin.py``) that answers a few endpoints with Elasticsearch-shaped
JSON; the assertions are on the request bodies the client actually sent. The
behaviour against a real server (search, kNN, candidates) is covered by the shared
contract suite in ``test_elastic.py`` when ``KRATUVE_TEST_ES_URL`` is set.
"""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from contract import DIGITAL, FOOD, PARAMS, add_thesis
from es_standin import StandIn
from repo_corpus import make_document
from repository.elastic import indices
from repository.elastic.config import ElasticsearchSettings, make_client
from repository.elastic.repository import ElasticRepository
from repository.errors import DuplicateThesis, RepositoryError
from repository.models import ThesisMetadata
from similarity.fingerprint import fingerprint_document

MAPPINGS = Path(indices.MAPPINGS_DIR)
PREFIX = "kt"


@pytest.fixture()
def standin() -> Iterator[StandIn]:
    with StandIn() as server:
        yield server


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture()
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture()
def repo(standin: StandIn, sleeps: Sleeps) -> Iterator[ElasticRepository]:
    client = make_client(ElasticsearchSettings(url=standin.url, max_retries=0))
    repository = ElasticRepository(
        client, index_prefix=PREFIX, max_retries=3, initial_backoff=0.25, max_backoff=1.0, sleep=sleeps
    )
    yield repository
    repository.close()


def bulk_lines(standin: StandIn) -> list[list[dict]]:
    return [r.body for r in standin.calls(path_part="/_bulk")]


def actions(lines: list[dict]) -> list[tuple[str, dict, dict | None]]:
    """``(op, metadata, source)`` per action of an NDJSON bulk body."""
    out, i = [], 0
    while i < len(lines):
        (op, meta), = lines[i].items()
        if op == "delete":
            out.append((op, meta, None))
            i += 1
        else:
            out.append((op, meta, lines[i + 1]))
            i += 2
    return out


# -- mapping files ------------------------------------------------------------------------


def test_mapping_files_are_valid_and_versioned():
    for name in indices.NAMES:
        version, body = indices.latest_mapping(name)
        assert version >= 1
        assert body["mappings"]["_meta"] == {"kratuve_index": name, "mapping_version": version}
        json.loads((MAPPINGS / f"{name}.v{version}.json").read_text(encoding="utf-8"))


def test_theses_mapping_uses_latvian_english_and_folding_analyzers():
    _, body = indices.latest_mapping("theses")
    props = body["mappings"]["properties"]
    analysis = body["settings"]["analysis"]
    assert props["title"]["analyzer"] == "latvian" and props["body"]["analyzer"] == "latvian"
    assert props["title_en"]["analyzer"] == "english" and props["abstract_en"]["analyzer"] == "english"
    folded = props["body"]["fields"]["folded"]["analyzer"]
    assert "asciifolding" in analysis["analyzer"][folded]["filter"]
    stemmer = analysis["analyzer"][folded]["filter"]
    assert stemmer.index("asciifolding") > stemmer.index("latvian_stemmer")  # fold after stemming
    assert analysis["filter"]["latvian_stemmer"] == {"type": "stemmer", "language": "latvian"}
    for facet in ("institution", "degree", "language"):
        assert props[facet]["type"] == "keyword"
    assert props["year"]["type"] == "integer"
    assert props["document_zlib"]["type"] == "binary" and props["record"]["enabled"] is False
    assert props["embargo_until"]["type"] == "date" and props["next_embargo_until"]["type"] == "date"


def test_passages_mapping_has_keyword_bands_and_int8_hnsw_vectors():
    _, body = indices.latest_mapping("passages")
    props = body["mappings"]["properties"]
    assert props["bands"]["type"] == "keyword" and props["model_key"]["type"] == "keyword"
    (template,) = [t["passage_vectors"] for t in body["mappings"]["dynamic_templates"]]
    assert template["match"] == "vector_*"
    assert template["mapping"]["type"] == "dense_vector"
    assert template["mapping"]["index_options"] == {"type": "int8_hnsw"}
    assert template["mapping"]["similarity"] == "cosine"


# -- opening, adding ------------------------------------------------------------------------


def test_open_creates_generation_1_behind_aliases(standin, repo):
    created = {r.path.strip("/"): r.body for r in standin.calls("PUT") if "/" not in r.path.strip("/")}
    assert set(created) == {f"{PREFIX}-{name}-v1" for name in indices.NAMES}
    for name in indices.NAMES:
        body = created[f"{PREFIX}-{name}-v1"]
        assert body["aliases"] == {f"{PREFIX}-{name}": {"is_write_index": True}}
        assert body["mappings"] == indices.latest_mapping(name)[1]["mappings"]
    # a second opener finds the aliases and creates nothing
    before = len(standin.calls("PUT"))
    ElasticRepository(make_client(ElasticsearchSettings(url=standin.url)), index_prefix=PREFIX).close()
    assert len(standin.calls("PUT")) == before


def test_add_sends_one_bulk_with_thesis_and_passages(standin, repo):
    record, document, fingerprints = add_thesis(repo, DIGITAL, "Digitalizācija")

    (bulk,) = standin.calls(path_part="/_bulk")
    assert bulk.query.get("refresh") == "wait_for"
    sent = actions(bulk.body)
    assert all(op == "index" for op, _, _ in sent)
    op, meta, thesis = sent[0]
    assert meta == {"_index": f"{PREFIX}-theses", "_id": record.id}  # through the alias
    assert thesis["sha256"] == document.sha256 and thesis["family"] == record.id
    assert thesis["record"] == json.loads(record.model_dump_json())
    assert json.loads(zlib.decompress(base64.b64decode(thesis["document_zlib"]))) == json.loads(
        document.model_dump_json()
    )
    assert thesis["title"] == "Digitalizācija" and thesis["body"] == document.text
    assert thesis["institution"] == "LU" and thesis["year"] == 2023 and thesis["degree"] == "master"
    assert thesis["access"] == "open" and thesis["language"] == ["lv"]
    passages = sent[1:]
    assert [m["_index"] for _, m, _ in passages] == [f"{PREFIX}-passages"] * len(document.passages)
    expected: dict[int, set[str]] = {}
    for passage_index, key in fingerprints.band_keys():
        expected.setdefault(passage_index, set()).add(str(key))
    for (_, meta, source), passage in zip(passages, document.passages):
        assert meta["_id"] == f"{record.id}-{passage.index}"
        assert source["thesis_id"] == record.id and source["passage_index"] == passage.index
        assert set(source["bands"]) == expected.get(passage.index, set())
        assert source["band_count"] == len(source["bands"]) and source["language"] == "lv"
    # the claim that stands in for the unique sha256, and the active parameters
    assert standin.docs(f"{PREFIX}-meta")[f"sha256:{document.sha256}"]["thesis_id"] == record.id
    assert json.loads(standin.docs(f"{PREFIX}-meta")["params"]["json"]) == json.loads(PARAMS.model_dump_json())
    # realtime gets read back what was sent
    assert repo.get(record.id) == record
    assert repo.document(record.id) == document
    assert repo.find_by_sha256(document.sha256) == record
    assert repo.active_params == PARAMS


def test_duplicate_refused_by_the_claim_without_a_bulk_request(standin, repo):
    first, document, fingerprints = add_thesis(repo, DIGITAL, "Digitalizācija")
    with pytest.raises(DuplicateThesis) as caught:
        repo.add(ThesisMetadata(title="Cits"), document, fingerprints, original_filename="x.pdf", size_bytes=1)
    assert caught.value.existing == first
    assert len(standin.calls(path_part="/_bulk")) == 1
    assert list(standin.docs(f"{PREFIX}-theses")) == [first.id]


def test_new_version_claims_its_predecessor_and_marks_it(standin, repo):
    first, _, _ = add_thesis(repo, DIGITAL, "Digitalizācija")
    doc2 = make_document(DIGITAL + " Labots.", "v2.txt")
    meta2 = ThesisMetadata(title="v2", access="embargoed", embargo_until="2030-01-01")
    second = repo.add(meta2, doc2, fingerprint_document(doc2, PARAMS), original_filename="v2.pdf",
                      size_bytes=1, supersedes=first.id)
    assert standin.docs(f"{PREFIX}-meta")[f"successor:{first.id}"]["thesis_id"] == second.id
    (update,) = standin.calls("POST", f"/_update/{first.id}")
    assert update.body == {"doc": {"next_access": "embargoed", "next_embargo_until": "2030-01-01"}}
    assert standin.docs(f"{PREFIX}-theses")[second.id]["family"] == first.id


# -- retries, backoff and the all-or-nothing add --------------------------------------------------


def test_item_429_is_retried_with_backoff(standin, repo, sleeps):
    refuse_passages = lambda action, source: 429 if "passages" in next(iter(action.values()))["_index"] else None  # noqa: E731
    standin.bulk_faults = [refuse_passages, refuse_passages]

    record, document, _ = add_thesis(repo, DIGITAL, "Digitalizācija")

    bulks = bulk_lines(standin)
    assert len(bulks) == 3
    assert sleeps == [0.25, 0.5]  # exponential backoff between attempts
    retried = [meta["_id"] for _, meta, _ in actions(bulks[1])]
    assert retried == [f"{record.id}-{p.index}" for p in document.passages]  # only what was refused
    assert actions(bulks[2]) == actions(bulks[1])
    assert len(standin.docs(f"{PREFIX}-passages")) == len(document.passages)
    assert repo.get(record.id) == record


def test_request_429_is_retried_with_backoff(standin, repo, sleeps):
    standin.bulk_faults = [lambda action, source: "request-429"]
    record, document, _ = add_thesis(repo, DIGITAL, "Digitalizācija")
    bulks = bulk_lines(standin)
    assert len(bulks) == 2 and bulks[0] == bulks[1]  # the whole request again
    assert sleeps == [0.25]
    assert record.id in standin.docs(f"{PREFIX}-theses")


def test_persistent_failure_raises_and_removes_the_partial_thesis(standin, repo, sleeps):
    add_thesis(repo, FOOD, "Uzturs")  # an earlier thesis stays untouched
    kept = dict(standin.docs(f"{PREFIX}-passages"))
    # the thesis document is written; its passages keep failing with 503
    standin.persistent_fault = lambda action, source: (
        503 if source is not None and "passages" in next(iter(action.values()))["_index"] else None
    )
    document = make_document(DIGITAL, "d.txt")
    with pytest.raises(RepositoryError) as caught:
        repo.add(ThesisMetadata(title="Digitalizācija"), document, fingerprint_document(document, PARAMS),
                 original_filename="d.pdf", size_bytes=1)

    message = str(caught.value)
    assert "was not stored" in message and "503" in message and "removed" in message
    assert sleeps == [0.25, 0.5, 1.0]  # max_retries=3, capped at max_backoff
    (written,) = [s for _, _, s in actions(bulk_lines(standin)[1]) if s and "sha256" in s]
    thesis_id = written["id"]
    # compensating cleanup: deletes by id, for the thesis and every passage
    standin.persistent_fault = None
    deleted = [meta["_id"] for op, meta, _ in actions(bulk_lines(standin)[-1]) if op == "delete"]
    assert deleted == [f"{thesis_id}-{p.index}" for p in document.passages] + [thesis_id]
    assert thesis_id not in standin.docs(f"{PREFIX}-theses")
    assert standin.docs(f"{PREFIX}-passages") == kept
    assert f"sha256:{document.sha256}" not in standin.docs(f"{PREFIX}-meta")
    assert repo.find_by_sha256(document.sha256) is None
    # and the same file can be added once the server recovers
    again = repo.add(ThesisMetadata(title="Digitalizācija"), document, fingerprint_document(document, PARAMS),
                     original_filename="d.pdf", size_bytes=1)
    assert repo.get(again.id) == again


def test_a_mapping_error_is_not_retried(standin, repo, sleeps):
    standin.bulk_faults = [lambda action, source: 400 if source and "sha256" in source else None]
    document = make_document(DIGITAL, "d.txt")
    with pytest.raises(RepositoryError, match="400"):
        repo.add(ThesisMetadata(title="x"), document, fingerprint_document(document, PARAMS),
                 original_filename="d.pdf", size_bytes=1)
    assert sleeps == []
    assert standin.docs(f"{PREFIX}-passages") == {} and standin.docs(f"{PREFIX}-theses") == {}
    assert [k for k in standin.docs(f"{PREFIX}-meta") if k.startswith("sha256:")] == []
    # the parameters this failed first add made active are taken back
    assert "params" not in standin.docs(f"{PREFIX}-meta")


# -- reindex -------------------------------------------------------------------------------


def test_reindex_builds_v2_copies_and_swaps_aliases_in_one_call(standin, repo):
    record, _, _ = add_thesis(repo, DIGITAL, "Digitalizācija")
    standin.requests.clear()

    result = indices.reindex(repo.client, PREFIX)

    assert result.new == {name: f"{PREFIX}-{name}-v2" for name in indices.NAMES}
    for name in indices.NAMES:
        (create,) = standin.calls("PUT", f"/{PREFIX}-{name}-v2")
        expected = indices.latest_mapping(name)[1]
        assert create.body["mappings"]["properties"].items() >= expected["mappings"]["properties"].items()
        assert create.body["settings"] == expected["settings"]
    copies = [r.body for r in standin.calls("POST", "/_reindex")]
    assert copies == [
        {"source": {"index": f"{PREFIX}-{name}-v1"}, "dest": {"index": f"{PREFIX}-{name}-v2"}}
        for name in indices.NAMES
    ]
    (swap,) = standin.calls("POST", "/_aliases")
    assert swap.body == {"actions": [
        action
        for name in indices.NAMES
        for action in (
            {"remove": {"index": f"{PREFIX}-{name}-v1", "alias": f"{PREFIX}-{name}"}},
            {"add": {"index": f"{PREFIX}-{name}-v2", "alias": f"{PREFIX}-{name}", "is_write_index": True}},
        )
    ]}
    assert standin.calls("DELETE") == []  # old indices are left for the operator
    assert f"{PREFIX}-theses-v1" in standin.indices
    assert repo.get(record.id) == record  # read through the moved alias

    indices.reindex(repo.client, PREFIX, delete_old=True)
    (delete,) = standin.calls("DELETE")
    assert delete.path.strip("/") == ",".join(f"{PREFIX}-{name}-v2" for name in indices.NAMES)
    assert indices.current(repo.client, PREFIX) == {name: f"{PREFIX}-{name}-v3" for name in indices.NAMES}


def test_reindex_carries_vector_fields_over(standin, repo):
    from similarity.embeddings.base import EmbeddingModelInfo, PassageVectors
    import numpy as np

    model = EmbeddingModelInfo(backend="test", model_id="unit", dim=4)
    document = make_document(DIGITAL, "d.txt")
    vectors = np.eye(4, dtype=np.float32)[[i % 4 for i in range(len(document.passages))]]
    repo.add(ThesisMetadata(title="x"), document, fingerprint_document(document, PARAMS), original_filename="d.pdf",
             size_bytes=1, vectors=PassageVectors(model, [p.index for p in document.passages], vectors))
    (put_mapping,) = standin.calls("PUT", "/_mapping")
    assert put_mapping.body["properties"]["vector_4"] == {
        "type": "dense_vector", "dims": 4, "index": True, "similarity": "cosine", "index_options": {"type": "int8_hnsw"}
    }
    source = next(iter(standin.docs(f"{PREFIX}-passages").values()))
    assert source["model_key"] == model.key() and len(source["vector_4"]) == 4

    indices.reindex(repo.client, PREFIX)
    (create,) = standin.calls("PUT", f"/{PREFIX}-passages-v2")
    assert create.body["mappings"]["properties"]["vector_4"]["dims"] == 4


def test_cli_reindex_against_elasticsearch_and_embedded(standin, monkeypatch, tmp_path, capsys):
    from api.cli import main

    assert main(["--data-dir", str(tmp_path), "reindex"]) == 0
    assert "needs no reindexing" in capsys.readouterr().out

    monkeypatch.setenv("KRATUVE_REPOSITORY_BACKEND", "elasticsearch")
    monkeypatch.setenv("KRATUVE_ELASTICSEARCH__URL", standin.url)
    monkeypatch.setenv("KRATUVE_ELASTICSEARCH__INDEX_PREFIX", "cli")
    assert main(["reindex", "--delete-old"]) == 0
    out = capsys.readouterr().out
    assert "cli-theses-v1 -> cli-theses-v2" in out and "Old indices deleted" in out
    assert indices.current(make_client(ElasticsearchSettings(url=standin.url)), "cli")["theses"] == "cli-theses-v2"
    assert "cli-theses-v1" not in standin.indices


def test_backup_refused_clearly_for_elasticsearch(monkeypatch, tmp_path, capsys):
    from api.cli import main

    monkeypatch.setenv("KRATUVE_REPOSITORY_BACKEND", "elasticsearch")
    assert main(["backup", str(tmp_path / "b")]) == 2
    assert "embedded repository only" in capsys.readouterr().err
    assert not (tmp_path / "b").exists()


def test_settings_select_the_backend(monkeypatch, standin):
    from api.backends import open_repository
    from api.settings import Settings

    monkeypatch.setenv("KRATUVE_REPOSITORY_BACKEND", "elasticsearch")
    monkeypatch.setenv("KRATUVE_ELASTICSEARCH__URL", standin.url + "/")
    monkeypatch.setenv("KRATUVE_ELASTICSEARCH__API_KEY", "c2VjcmV0")
    monkeypatch.setenv("KRATUVE_ELASTICSEARCH__INDEX_PREFIX", "sel")
    settings = Settings(_env_file=None)
    assert settings.elasticsearch.url == standin.url and "c2VjcmV0" not in repr(settings)
    repository = open_repository(settings)
    try:
        assert isinstance(repository, ElasticRepository) and repository.theses == "sel-theses"
    finally:
        repository.close()
    assert "sel-theses" in standin.aliases
    with pytest.raises(ValueError):
        ElasticsearchSettings(url="localhost:9200")
    for name, field in ElasticsearchSettings.model_fields.items():
        assert field.description, name


# -- reads: the requests, and what is made of Elasticsearch-shaped answers ---------------------


def test_candidates_rank_as_the_embedded_backend(standin, repo, tmp_path):
    """Band lookup is a terms query on the keyword band field; counting the (query passage,
    stored passage) pairs happens in Python exactly as the embedded backend does, which is
    the oracle here (same theses, same query)."""
    from contract import COPIED, OWN
    from repository.embedded import EmbeddedRepository

    with EmbeddedRepository(tmp_path / "oracle") as oracle:
        titles: dict[str, str] = {}
        for text, title, salt in ((DIGITAL, "Digitalizācija", ""), (FOOD, "Uzturs", ""), (DIGITAL, "Kopija", "x")):
            for backend in (repo, oracle):
                record, _, _ = add_thesis(backend, text, title, salt=salt)
                titles[record.id] = title
        query = fingerprint_document(make_document(OWN + COPIED + "\n" + DIGITAL[:400], "q.txt"), PARAMS)

        def ranked(backend, **kwargs):
            return [(titles[c.thesis_id], c.hits, c.passages) for c in backend.candidates(query, **kwargs)]

        assert ranked(repo) == ranked(oracle) and ranked(repo)
        assert ranked(repo, limit=1) == ranked(oracle, limit=1)
        digital_es = next(i for i, t in titles.items() if t == "Digitalizācija" and i in standin.docs(f"{PREFIX}-theses"))
        digital_sqlite = next(i for i, t in titles.items() if t == "Digitalizācija" and i != digital_es)
        assert ranked(repo, exclude={digital_es}) == ranked(oracle, exclude={digital_sqlite})

    (lookup, *_rest) = standin.calls("POST", f"/{PREFIX}-passages/_search")
    keys = {str(k) for _, k in query.band_keys()}
    assert set(lookup.body["query"]["bool"]["filter"][0]["terms"]["bands"]) == keys
    assert lookup.query["_source_includes"] == "thesis_id,passage_index,bands"


def test_search_request_filters_access_by_date_and_reads_the_answer(standin, repo):
    from datetime import date

    from repository.search_models import SearchFilters

    record, _, _ = add_thesis(repo, DIGITAL, "Digitalizācija")
    hit = {
        "_index": f"{PREFIX}-theses-v1", "_id": record.id, "_score": 7.5,
        "_source": {"id": record.id, "record": json.loads(record.model_dump_json())},
        "highlight": {
            "body.folded": ["Pētījuma mērķis ir novērtēt, cik \x01lielā\x02\n  mērā \x01digitālie\x02 risinājumi"],
            "body": ["mērķis ir novērtēt, cik lielā mērā \x01digitālie\x02 risinājumi"],
            "title.plain": ["\x01Digitalizācija\x02"],
        },
    }
    aggs = {
        "institution": {"buckets": [{"key": "LU", "doc_count": 1}]},
        "year": {"buckets": [{"key": 2023, "doc_count": 1}]},
        "degree": {"buckets": [{"key": "master", "doc_count": 1}]},
        "language": {"buckets": [{"key": "lv", "doc_count": 1}, {"key": "en", "doc_count": 1}]},
    }
    from es_standin import search_answer

    standin.search_answers = [search_answer([hit], aggs, total=11)]
    results = repo.search("lielā digitalie", filters=SearchFilters(institution="lu", year=2023), sort="year_desc",
                          page=2, per_page=10, today=date(2026, 6, 1))

    (request,) = [r.body for r in standin.calls("POST", f"/{PREFIX}-theses/_search")]
    query = request["query"]["bool"]
    assert len(query["must"]) == 2  # every word must match
    fields = query["must"][0]["multi_match"]["fields"]
    assert {"title^10", "title.folded^10", "body.folded^1", "body.en_folded^1", "people^3"} <= set(fields)
    public = {"bool": {"should": [
        {"term": {"access": "open"}},
        {"bool": {"filter": [{"term": {"access": "embargoed"}}, {"range": {"embargo_until": {"lt": "2026-06-01"}}}]}},
    ], "minimum_should_match": 1}}
    assert public in query["filter"]
    assert {"term": {"institution.lower": "lu"}} in query["filter"] and {"term": {"year": 2023}} in query["filter"]
    (replaced,) = query["must_not"]  # a version whose next version is public is left out
    assert json.dumps(replaced).count("next_access") == 2 and "next_embargo_until" in json.dumps(replaced)
    assert request["from"] == 10 and request["size"] == 10 and request["track_total_hits"] is True
    assert request["sort"][0] == {"year": {"order": "desc", "missing": "_last"}}
    assert set(request["aggs"]) == {"institution", "year", "degree", "language", "subject"}

    assert results.total == 11 and results.page == 2
    (got,) = results.hits
    assert got.thesis_id == record.id and got.score == 7.5 and got.title == "Digitalizācija"
    by_field = {s.field: s for s in got.snippets}
    body = by_field["body"]  # the fragment with most marks, squeezed to one line, offsets on it
    assert body.text == "Pētījuma mērķis ir novērtēt, cik lielā mērā digitālie risinājumi"
    assert [body.text[a:b] for a, b in body.highlights] == ["lielā", "digitālie"]
    assert [by_field["title"].text[a:b] for a, b in by_field["title"].highlights] == ["Digitalizācija"]
    assert {f: [(c.value, c.count) for c in v] for f, v in results.facets.items()} == {
        "institution": [("LU", 1)], "year": [("2023", 1)], "degree": [("master", 1)], "language": [("en", 1), ("lv", 1)],
        "subject": [],
    }


def test_nearest_passages_is_a_filtered_knn_per_query(standin, repo):
    import numpy as np

    from es_standin import search_answer
    from similarity.embeddings.base import EmbeddingModelInfo, PassageVectors

    model = EmbeddingModelInfo(backend="test", model_id="unit", dim=4)
    document = make_document(DIGITAL, "d.txt")
    vectors = np.eye(4, dtype=np.float32)[[i % 4 for i in range(len(document.passages))]]
    record = repo.add(ThesisMetadata(title="x"), document, fingerprint_document(document, PARAMS),
                      original_filename="d.pdf", size_bytes=1,
                      vectors=PassageVectors(model, [p.index for p in document.passages], vectors))

    def hit(passage_index: int, score: float) -> dict:
        return {"_id": f"{record.id}-{passage_index}", "_score": score,
                "_source": {"thesis_id": record.id, "passage_index": passage_index}}

    standin.msearch_answers = [{"took": 1, "responses": [
        {**search_answer([hit(0, 1.0), hit(4, 0.6)]), "status": 200},
        {**search_answer([hit(1, 0.95)]), "status": 200},
    ]}]
    found = repo.nearest_passages(model, vectors[:2], k=2, min_score=0.5, exclude={"OTHER"}, languages={"lv"})
    assert found == [(0, record.id, 0, 1.0), (1, record.id, 1, pytest.approx(0.9))]  # cosine = 2*score-1

    (msearch,) = standin.calls("POST", "/_msearch")
    headers, bodies = msearch.body[0::2], msearch.body[1::2]
    assert headers == [{"index": f"{PREFIX}-passages"}] * 2
    knn = bodies[0]["knn"]
    assert knn["field"] == "vector_4" and knn["k"] == 2 and knn["num_candidates"] >= 2
    assert knn["query_vector"] == vectors[0].tolist()
    assert knn["filter"] == {"bool": {
        "filter": [{"term": {"model_key": model.key()}}, {"terms": {"language": ["lv"]}}],
        "must_not": [{"terms": {"thesis_id": ["OTHER"]}}],
    }}
    # another dimension has no field: nothing to compare, no request
    other = EmbeddingModelInfo(backend="test", model_id="other", dim=8)
    assert repo.nearest_passages(other, np.ones((1, 8), np.float32)) == []
    assert len(standin.calls("POST", "/_msearch")) == 1


def test_harvest_merges_three_cursor_ordered_streams(standin, repo):
    """Records by creation, records by embargo lift, tombstones: each one query sorted by
    (stamp, id) and cut after the cursor; the pages merge in (datestamp, id) order."""
    from datetime import date, datetime, timezone

    from es_standin import search_answer
    from repository.protocols import HarvestSource

    assert isinstance(repo, HarvestSource)
    open_, _, _ = add_thesis(repo, DIGITAL, "Atvērts")
    document = make_document(FOOD, "f.txt")
    embargoed = repo.add(
        ThesisMetadata(title="Embargo", institution="RTU", access="embargoed", embargo_until=date(2030, 5, 1)),
        document, fingerprint_document(document, PARAMS), original_filename="f.pdf", size_bytes=1,
    )
    sent = standin.docs(f"{PREFIX}-theses")
    assert sent[embargoed.id]["harvest_lifts"] == "2030-05-02T00:00:00Z" and sent[embargoed.id]["harvestable"]
    assert sent[open_.id]["harvest_lifts"] is None and sent[open_.id]["harvest_institution"] == "LU"
    repo.delete(open_.id)
    tomb = standin.docs(f"{PREFIX}-meta")[f"tombstone:{open_.id}"]
    assert tomb["institution"] == "LU" and tomb["thesis_id"] == open_.id

    def record_hit(record, field, when):
        return {"_id": record.id, "_score": None,
                "_source": {field: when, "id": record.id, "harvest_institution": record.metadata.institution,
                            "record": json.loads(record.model_dump_json())}}

    standin.requests.clear()
    standin.search_answers = [
        search_answer([]),  # by creation: none left after the cursor
        search_answer([record_hit(embargoed, "harvest_lifts", "2030-05-02T00:00:00Z")]),
        search_answer([{"_id": f"tombstone:{open_.id}", "_score": None, "_source": tomb}]),
    ]
    after = (datetime(2026, 1, 1, tzinfo=timezone.utc), "0")
    items = repo.harvest(from_=None, until=None, institutions=["LU", "RTU"], after=after, limit=5,
                         today=date(2030, 6, 1))

    created, lifted, tombstones = [r for r in standin.requests if r.path.endswith("/_search")]
    assert created.path == f"/{PREFIX}-theses/_search" and tombstones.path == f"/{PREFIX}-meta/_search"
    assert created.body["sort"] == [{"harvest_created": "asc"}, {"id": "asc"}] and created.body["size"] == 5
    assert created.body["query"]["bool"]["must_not"] == [{"range": {"harvest_lifts": {"lte": "2030-06-01T00:00:00Z"}}}]
    assert {"range": {"harvest_lifts": {"lte": "2030-06-01T00:00:00Z"}}} in lifted.body["query"]["bool"]["filter"]
    assert {"terms": {"harvest_institution": ["LU", "RTU"]}} in lifted.body["query"]["bool"]["filter"]
    cursor = {"bool": {"should": [
        {"range": {"deleted_at": {"gt": "2026-01-01T00:00:00Z"}}},
        {"bool": {"filter": [{"term": {"deleted_at": "2026-01-01T00:00:00Z"}}, {"range": {"thesis_id": {"gt": "0"}}}]}},
    ], "minimum_should_match": 1}}
    assert cursor in tombstones.body["query"]["bool"]["filter"]
    # the deletion (now) comes before the lift (2030)
    assert [(i.thesis_id, i.deleted) for i in items] == [(open_.id, True), (embargoed.id, False)]
    assert items[1].datestamp == datetime(2030, 5, 2, tzinfo=timezone.utc)
    by_id = {i.thesis_id: i for i in items}
    assert by_id[embargoed.id].record == embargoed and by_id[embargoed.id].institution == "RTU"
    assert by_id[open_.id].deleted and by_id[open_.id].institution == "LU"
    # one item: the record read at once (realtime get), the deletion from its tombstone
    assert repo.harvest_item(embargoed.id, today=date(2030, 6, 1)).datestamp == datetime(2030, 5, 2, tzinfo=timezone.utc)
    assert repo.harvest_item(open_.id, today=date(2030, 6, 1)).deleted
    assert repo.harvest_item("nope", today=date(2030, 6, 1)) is None


def test_list_versions_and_stats_requests(standin, repo):
    from es_standin import search_answer

    record, _, _ = add_thesis(repo, DIGITAL, "Digitalizācija")
    as_hit = {"_id": record.id, "_score": None, "sort": [1, record.id, 0],
              "_source": {"record": json.loads(record.model_dump_json())}}
    standin.search_answers = [
        search_answer([as_hit]),
        search_answer([as_hit]),
        search_answer([], {"band_rows": {"value": 96.0}, "vectors": {"doc_count": 0}}, total=7),
        search_answer([], {"models": {"buckets": []}}),
    ]
    assert repo.list(limit=2, offset=3) == [record]
    assert repo.versions(record.id) == [record]
    stats = repo.stats()
    assert stats["theses"] == 1 and stats["passages"] == 7 and stats["band_rows"] == 96 and stats["vectors"] == 0
    assert stats["active_params_key"] == PARAMS.key() and stats["indices"]["theses"] == f"{PREFIX}-theses-v1"
    assert repo.vector_models() == []

    listing, versions, stats_request, models = [r for r in standin.requests if r.path.endswith("/_search")]
    assert listing.body["sort"] == [{"created_at": "desc"}, {"id": "desc"}]
    assert listing.body["from"] == 3 and listing.body["size"] == 2
    assert versions.body["query"] == {"term": {"family": record.id}}
    assert versions.body["sort"][:2] == [{"created_at": "asc"}, {"id": "asc"}]
    assert stats_request.body["aggs"]["band_rows"] == {"sum": {"field": "band_count"}}
    assert models.body["aggs"]["models"]["terms"]["field"] == "model_key"


def test_a_claim_left_by_a_dead_add_is_taken_over_once_stale(standin, repo):
    from datetime import datetime, timedelta, timezone

    from repository.elastic.repository import STALE_CLAIM_S

    document = make_document(DIGITAL, "d.txt")
    fingerprints = fingerprint_document(document, PARAMS)
    claims = standin.docs(f"{PREFIX}-meta")
    fresh = datetime.now(timezone.utc) - timedelta(seconds=STALE_CLAIM_S / 2)
    claims[f"sha256:{document.sha256}"] = {"kind": "sha256", "key": document.sha256, "thesis_id": "DEAD",
                                           "claimed_at": fresh.isoformat()}
    with pytest.raises(RepositoryError, match="being added right now"):  # maybe still running
        repo.add(ThesisMetadata(title="x"), document, fingerprints, original_filename="d.pdf", size_bytes=1)
    assert claims[f"sha256:{document.sha256}"]["thesis_id"] == "DEAD"  # not touched

    claims[f"sha256:{document.sha256}"]["claimed_at"] = (fresh - timedelta(seconds=STALE_CLAIM_S)).isoformat()
    record = repo.add(ThesisMetadata(title="x"), document, fingerprints, original_filename="d.pdf", size_bytes=1)
    (takeover,) = [r for r in standin.calls("PUT", f"/_doc/sha256:{document.sha256}")]
    assert takeover.query["if_seq_no"] == "0" and takeover.query["if_primary_term"] == "1"
    assert claims[f"sha256:{document.sha256}"]["thesis_id"] == record.id
    assert repo.find_by_sha256(document.sha256) == record
