"""Persistent identifiers and stable public URLs of theses."""

from __future__ import annotations

from api.settings import Settings


def persistent_id(settings: Settings, thesis_id: str) -> str:
    """``<pid_prefix>:<id>``, e.g. ``kratuve:01HV3K...``."""
    return f"{settings.pid_prefix}:{thesis_id}"


def landing_url(settings: Settings, thesis_id: str) -> str:
    """The thesis's public page: ``<public_base_url>/theses/<id>``."""
    return f"{settings.public_base_url}/theses/{thesis_id}"


def thesis_id_from(settings: Settings, pid_or_id: str) -> str:
    """The id inside ``<prefix>:<id>`` (a bare id is returned as it is)."""
    prefix = f"{settings.pid_prefix}:"
    return pid_or_id[len(prefix):] if pid_or_id.startswith(prefix) else pid_or_id
