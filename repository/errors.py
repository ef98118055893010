"""Typed repository errors."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from repository.models import ThesisRecord


class RepositoryError(Exception):
    """Base of every error a repository backend raises on purpose."""


class NotFound(RepositoryError):
    """No thesis or report with the given id."""


class DuplicateThesis(RepositoryError):
    """A thesis with the same file sha256 is stored already; ``existing`` is its record."""

    def __init__(self, existing: ThesisRecord) -> None:
        super().__init__(f"a thesis with sha256 {existing.sha256} is stored already as {existing.id}")
        self.existing = existing


class ParamsMismatch(RepositoryError):
    """Fingerprints were made with MinHash parameters other than the repository's active ones."""

    def __init__(self, active_key: str, given_key: str) -> None:
        super().__init__(
            f"fingerprint parameters {given_key} differ from the repository's active parameters {active_key}"
        )
        self.active_key = active_key
        self.given_key = given_key


class VersionConflict(RepositoryError):
    """The thesis to supersede is superseded already (versions form a chain, not a tree)."""


class NotPublic(RepositoryError):
    """The thesis exists but its text and files may not be shown to the public (now)."""
