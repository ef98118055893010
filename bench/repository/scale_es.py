"""The Elasticsearch side of ``bench/repository/scale.py`` (``--es-url``).

An operator runs the same corpus into a real cluster to size it:

    KRATUVE_ELASTICSEARCH__API_KEY=... .venv/bin/python bench/repository/scale.py \\
        --docs 10000 --out bench/out/scale-es-10k --es-url https://es.example.lv:9200

Authentication and TLS come from the service's own ``KRATUVE_ELASTICSEARCH__*`` settings; the
URL and ``--es-prefix`` (default ``kratuve-scale``, so the benchmark never writes into a
production repository's indices) are overridden. Writes use ``refresh=false`` (a bulk load);
the indices are refreshed before the stored count is read and before the lookups are timed.

Measured from the cluster: documents stored, the store size of every index of the prefix
(primaries and with replicas) per 1,000 characters of imported text, and each node's JVM heap
(used and maximum) and non-heap memory after the import. The importer's own RSS and
throughput are measured by scale.py as for the embedded backend. No Elasticsearch server can
be installed on the development machine, so this path has only run against the recording
stand-in of ``tests/repository/es_standin.py`` (``tests/repository/test_scale_bench_es_contract.py``), which proves
the requests and the bookkeeping, not any figure.
"""

from __future__ import annotations

from typing import Any


def open_repository(url: str, prefix: str, params: Any) -> Any:
    from api.settings import Settings
    from repository.elastic.repository import ElasticRepository

    settings = Settings().elasticsearch.model_copy(update={"url": url.rstrip("/"), "index_prefix": prefix, "refresh": "false"})
    return ElasticRepository.from_settings(settings, params=params)


def _refresh(repo: Any) -> None:
    repo.client.indices.refresh(index=f"{repo.prefix}-*")


def stored_count(repo: Any) -> int:
    """Theses stored under the prefix (the corpus is stored in index order, one writer)."""
    _refresh(repo)
    return repo.count()


def usage(repo: Any, characters: int) -> dict[str, Any]:
    """Store size per index and per 1,000 characters, and every node's heap and RSS."""
    _refresh(repo)
    stats = repo.client.indices.stats(index=f"{repo.prefix}-*", metric="store,docs")
    body = stats.body if hasattr(stats, "body") else stats
    by_index = {
        name: {
            "docs": s["primaries"]["docs"]["count"],
            "primary_bytes": s["primaries"]["store"]["size_in_bytes"],
            "total_bytes": s["total"]["store"]["size_in_bytes"],
        }
        for name, s in sorted(body["indices"].items())
    }
    primary = sum(i["primary_bytes"] for i in by_index.values())
    total = sum(i["total_bytes"] for i in by_index.values())
    nodes = repo.client.nodes.stats(metric="jvm")
    nodes_body = nodes.body if hasattr(nodes, "body") else nodes
    heap = {
        n.get("name", node_id): {
            "heap_used_mb": round(n["jvm"]["mem"]["heap_used_in_bytes"] / 2**20, 1),
            "heap_max_mb": round(n["jvm"]["mem"]["heap_max_in_bytes"] / 2**20, 1),
            "non_heap_used_mb": round(n["jvm"]["mem"]["non_heap_used_in_bytes"] / 2**20, 1),
        }
        for node_id, n in sorted(nodes_body["nodes"].items())
    }
    per_1000 = (lambda b: round(b / characters * 1000, 1)) if characters else (lambda b: None)
    return {
        "backend": "elasticsearch",
        "primary_store_bytes": primary,
        "total_store_bytes": total,
        "bytes_per_1000_chars": per_1000(primary),
        "total_bytes_per_1000_chars": per_1000(total),
        "by_index": by_index,
        "nodes": heap,
    }
