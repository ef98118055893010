"""The Elasticsearch repository backend.

Nothing is imported here eagerly: ``api.settings`` imports
``repository.elastic.config`` and must stay light; the client library itself
is imported only when a client is made.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ElasticRepository", "ElasticsearchSettings"]


def __getattr__(name: str) -> Any:
    if name == "ElasticRepository":
        from repository.elastic.repository import ElasticRepository

        return ElasticRepository
    if name == "ElasticsearchSettings":
        from repository.elastic.config import ElasticsearchSettings

        return ElasticsearchSettings
    raise AttributeError(name)
