"""The repository backend chosen by the settings (``repository_backend``)."""

from __future__ import annotations

from typing import Protocol

from repository.protocols import Repository

from api.settings import Settings


class ClosableRepository(Repository, Protocol):
    """A repository the caller closes when done (both backends are)."""

    def close(self) -> None: ...


class BackendNotSupported(RuntimeError):
    """The command works on one backend only (e.g. file backups of the embedded store)."""


def open_repository(settings: Settings) -> ClosableRepository:
    """A repository for ``settings``; the caller closes it (both backends have ``close()``).

    The backend's library is imported here, when chosen, not at import time.
    """
    if settings.repository_backend == "elasticsearch":
        from repository.elastic.repository import ElasticRepository

        return ElasticRepository.from_settings(settings.elasticsearch)
    from repository.embedded import EmbeddedRepository

    return EmbeddedRepository(settings.repository_path, cache_mb=settings.repository_cache_mb)


def require_embedded(settings: Settings, what: str) -> None:
    """Refuse ``what`` clearly when the settings choose another backend."""
    if settings.repository_backend != "embedded":
        raise BackendNotSupported(
            f"{what} works on the embedded repository only; with repository_backend="
            f"{settings.repository_backend!r} use the server's own tools (Elasticsearch snapshots)"
        )
