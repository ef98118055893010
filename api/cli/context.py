"""Settings and repository for one CLI invocation (imported lazily: ``--help`` stays fast)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from api.settings import Settings

if TYPE_CHECKING:
    from api.pipeline import Checker


def settings_from(args: argparse.Namespace) -> Settings:
    overrides = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = Path(args.data_dir)
    return Settings(**overrides)


def open_checker(settings: Settings) -> "Checker":
    from api.backends import open_repository
    from api.pipeline import Checker

    return Checker(settings, open_repository(settings))
