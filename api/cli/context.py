"""Settings and repository for one CLI invocation."""

from __future__ import annotations

import argparse
from pathlib import Path

from repository.embedded import EmbeddedRepository

from api.pipeline import Checker
from api.settings import Settings


def settings_from(args: argparse.Namespace) -> Settings:
    overrides = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = Path(args.data_dir)
    return Settings(**overrides)


def open_checker(settings: Settings) -> Checker:
    return Checker(settings, EmbeddedRepository(settings.data_dir))
