"""Shared by the deploy tests: the settings' environment variable names, YAML loading."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
# Read by the process environment, not by Krātuve's settings.
NOT_SETTINGS = {"OMP_NUM_THREADS", "HF_HUB_OFFLINE"}


def settings_variables() -> set[str]:
    """Every KRATUVE_* variable the settings class reads, nested ones flattened (as in docs/configuration.md)."""
    spec = importlib.util.spec_from_file_location("config_reference", ROOT / "scripts" / "config_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    from api.settings import Settings

    return {variable for variable, *_ in module.rows(Settings, module.PREFIX)}


def unknown_variables(names: set[str]) -> set[str]:
    """Names that look like Krātuve settings but that the settings class does not read."""
    known = settings_variables()
    return {n for n in names if n.startswith("KRATUVE_") and n not in known and n not in NOT_SETTINGS}


def pg_support():
    """tests/service/pg_support.py (a real PostgreSQL server for tests), loaded by its path."""
    name = "deploy_pg_support"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "tests" / "service" / "pg_support.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


def load_all(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [doc for doc in yaml.safe_load_all(handle) if doc is not None]
