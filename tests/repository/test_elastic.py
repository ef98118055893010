"""The shared repository contract against a REAL Elasticsearch server.

Runs only when ``KRATUVE_TEST_ES_URL`` names a server (8.x with ``int8_hnsw``);
each test gets its own index prefix and deletes its indices afterwards, so a
shared dev server is fine. With security on, set ``KRATUVE_TEST_ES_API_KEY``
or ``KRATUVE_TEST_ES_USER`` / ``KRATUVE_TEST_ES_PASSWORD`` (and
``KRATUVE_TEST_ES_CA_CERTS`` for a private CA).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from contract import *  # noqa: F403  (the shared backend contract tests)

ES_URL = os.environ.get("KRATUVE_TEST_ES_URL")

pytestmark = pytest.mark.skipif(
    not ES_URL,
    reason="Elasticsearch server not available on this machine: set KRATUVE_TEST_ES_URL=http://host:9200 "
    "(deploy/compose.yaml starts one) to run the shared repository contract tests against it",
)


def es_settings(prefix: str):
    from repository.elastic.config import ElasticsearchSettings

    return ElasticsearchSettings(
        url=ES_URL,
        api_key=os.environ.get("KRATUVE_TEST_ES_API_KEY") or None,
        username=os.environ.get("KRATUVE_TEST_ES_USER") or None,
        password=os.environ.get("KRATUVE_TEST_ES_PASSWORD") or None,
        ca_certs=os.environ.get("KRATUVE_TEST_ES_CA_CERTS") or None,
        index_prefix=prefix,
        refresh="wait_for",
        initial_backoff_s=0.2,
    )


@pytest.fixture(params=["elasticsearch"])
def repo(request: pytest.FixtureRequest) -> Iterator[object]:
    from repository.elastic.repository import ElasticRepository

    prefix = f"kratuve-test-{uuid.uuid4().hex[:12]}"
    repository = ElasticRepository.from_settings(es_settings(prefix))
    try:
        yield repository
    finally:
        # by name: Elasticsearch 8 refuses wildcard deletes (action.destructive_requires_name)
        names = list(repository.client.indices.get(index=f"{prefix}-*", expand_wildcards="all"))
        if names:
            repository.client.indices.delete(index=",".join(names))
        repository.close()


def test_reindex_keeps_everything_findable(repo) -> None:
    from contract import DIGITAL, PARAMS, TODAY, add_thesis, ids
    from repository.elastic import indices

    record, document, fingerprints = add_thesis(repo, DIGITAL, "Digitalizācija")
    result = indices.reindex(repo.client, repo.prefix, delete_old=True)
    assert result.copied["theses"] == 1
    assert repo.get(record.id) == record and repo.document(record.id) == document
    assert repo.candidates(fingerprints)[0].thesis_id == record.id
    assert ids(repo.search("studenti", today=TODAY)) == [record.id]
    assert repo.active_params == PARAMS
