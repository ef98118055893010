"""Versioned index mappings behind aliases, and reindexing into the next version.

Each logical index (``theses``, ``passages``, ``reports``, ``meta``) has its
mapping and settings in ``mappings/<name>.v<N>.json``. The code only ever
reads and writes the alias ``<prefix>-<name>``; the alias points at one
concrete index ``<prefix>-<name>-v<G>``. :func:`reindex` builds generation
G+1 from the newest mapping file, copies the documents with the ``_reindex``
API and moves every alias in ONE ``_aliases`` call, so readers switch at once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from repository.errors import RepositoryError

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch

NAMES = ("theses", "passages", "reports", "meta")
MAPPINGS_DIR = Path(__file__).with_name("mappings")
_FILE = re.compile(r"^(?P<name>[a-z]+)\.v(?P<version>\d+)\.json$")
_GENERATION = re.compile(r"-v(\d+)$")


def alias(prefix: str, name: str) -> str:
    return f"{prefix}-{name}"


def concrete(prefix: str, name: str, generation: int) -> str:
    return f"{prefix}-{name}-v{generation}"


@lru_cache(maxsize=None)
def _latest_cached(name: str, directory: str) -> tuple[int, str]:
    versions = [
        (int(m["version"]), f.name)
        for f in Path(directory).iterdir()
        if (m := _FILE.match(f.name)) and m["name"] == name
    ]
    if not versions:
        raise RepositoryError(f"no mapping file {name}.v<N>.json in {directory}")
    return max(versions)


def latest_mapping(name: str, directory: Path = MAPPINGS_DIR) -> tuple[int, dict[str, Any]]:
    """``(mapping version, {"settings": ..., "mappings": ...})`` of the newest file for ``name``."""
    version, filename = _latest_cached(name, str(directory))
    return version, json.loads((Path(directory) / filename).read_text(encoding="utf-8"))


def ensure(client: Elasticsearch, prefix: str, directory: Path = MAPPINGS_DIR) -> None:
    """Create generation 1 of every index that has no alias yet (alias set in the same request)."""
    for name in NAMES:
        if client.indices.exists_alias(name=alias(prefix, name)):
            continue
        _, body = latest_mapping(name, directory)
        try:
            client.indices.create(
                index=concrete(prefix, name, 1),
                settings=body.get("settings", {}),
                mappings=body["mappings"],
                aliases={alias(prefix, name): {"is_write_index": True}},
            )
        except Exception as exc:  # another process created it first: fine
            if _error_type(exc) != "resource_already_exists_exception":
                raise


def current(client: Elasticsearch, prefix: str) -> dict[str, str]:
    """Logical name -> the concrete index its alias points at."""
    out: dict[str, str] = {}
    for name in NAMES:
        found = client.indices.get_alias(name=alias(prefix, name))
        indices = sorted(found.body if hasattr(found, "body") else found)
        if len(indices) != 1:
            raise RepositoryError(f"alias {alias(prefix, name)} points at {indices}, expected one index")
        out[name] = indices[0]
    return out


@dataclass(slots=True)
class ReindexResult:
    old: dict[str, str]
    new: dict[str, str]
    copied: dict[str, int]
    deleted_old: bool


def reindex(
    client: Elasticsearch, prefix: str, *, delete_old: bool = False, directory: Path = MAPPINGS_DIR
) -> ReindexResult:
    """Copy every index into its next generation, built from the newest mapping file,
    then move all aliases at once. Stop writers first: documents written during the
    copy would stay behind in the old indices."""
    old = current(client, prefix)
    new: dict[str, str] = {}
    copied: dict[str, int] = {}
    for name, index in old.items():
        match = _GENERATION.search(index)
        generation = int(match.group(1)) + 1 if match else 1
        target = concrete(prefix, name, generation)
        _, body = latest_mapping(name, directory)
        mappings = json.loads(json.dumps(body["mappings"]))
        if name == "passages":  # vector fields are added per dimension at run time: carry them over
            mappings.setdefault("properties", {}).update(_vector_fields(client, index))
        client.indices.create(index=target, settings=body.get("settings", {}), mappings=mappings)
        response = client.reindex(
            source={"index": index}, dest={"index": target}, refresh=True, wait_for_completion=True
        )
        failures = response.get("failures") or []
        if failures:
            raise RepositoryError(f"reindexing {index} into {target} failed: {failures[:3]}")
        copied[name] = int(response.get("total", 0))
        new[name] = target
    actions: list[dict[str, Any]] = []
    for name in NAMES:
        actions.append({"remove": {"index": old[name], "alias": alias(prefix, name)}})
        actions.append({"add": {"index": new[name], "alias": alias(prefix, name), "is_write_index": True}})
    client.indices.update_aliases(actions=actions)
    if delete_old:
        client.indices.delete(index=",".join(old[name] for name in NAMES))
    return ReindexResult(old=old, new=new, copied=copied, deleted_old=delete_old)


def _vector_fields(client: Elasticsearch, index: str) -> dict[str, Any]:
    found = client.indices.get_mapping(index=index)
    props = found[index]["mappings"].get("properties", {})
    return {k: v for k, v in props.items() if k.startswith("vector_")}


def _error_type(exc: Exception) -> str | None:
    info = getattr(exc, "info", None) or getattr(exc, "body", None)
    if isinstance(info, dict):
        error = info.get("error")
        if isinstance(error, dict):
            return error.get("type")
    return None
