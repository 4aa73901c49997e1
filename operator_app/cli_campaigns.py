"""`operator-app campaigns export DIR` and `operator-app campaigns import FILE`.

The import acts as the command line's system actor (the first active administrator), like
`operator-app import` and `operator-app scripts import` do.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from operator_app.cli import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_UNUSABLE_INPUT,
    CommandError,
    database_failed,
)
from operator_app.cli_import import system_actor
from operator_app.core.campaign_config import (
    CampaignConfigError,
    export_campaigns,
    import_campaign,
)
from operator_app.core.campaign_format import CampaignFormatError
from operator_app.storage.database import Database

__all__ = ["run_campaigns_export", "run_campaigns_import"]

OpenDatabase = Callable[[argparse.Namespace], Database]


def run_campaigns_import(args: argparse.Namespace, open_database: OpenDatabase) -> int:
    path = Path(args.path)
    text = _read(path)
    database = open_database(args)
    try:
        result = import_campaign(database, system_actor(database), text)
    except CampaignFormatError as error:
        raise CommandError(f"{path}: {error}", EXIT_UNUSABLE_INPUT) from error
    except CampaignConfigError as error:
        raise CommandError(f"{path}: {error}", EXIT_UNUSABLE_INPUT) from error
    except DBAPIError as error:
        raise database_failed(database, error) from error
    action = "Created" if result.created else "Updated"
    criteria = (
        "no criteria"
        if result.criteria_version is None
        else f"criteria version {result.criteria_version}"
        + (" (new)" if result.criteria_changed else " (unchanged)")
    )
    print(f"{action} «{result.name}» from {path.name}: {criteria}")
    return EXIT_OK


def run_campaigns_export(args: argparse.Namespace, open_database: OpenDatabase) -> int:
    directory = Path(args.directory)
    if directory.exists() and not directory.is_dir():
        raise CommandError(f"{directory}: this is a file, not a folder", EXIT_UNUSABLE_INPUT)
    database = open_database(args)
    try:
        paths = export_campaigns(database, directory)
    except DBAPIError as error:
        raise database_failed(database, error) from error
    except OSError as error:
        raise CommandError(f"{directory}: cannot write: {error.strerror}", EXIT_FAILED) from error
    for path in paths:
        print(path)
    print(f"Exported {len(paths)} campaign(s) to {directory}")
    return EXIT_OK


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise CommandError(f"{path}: no such file", EXIT_UNUSABLE_INPUT) from error
    except UnicodeDecodeError as error:
        raise CommandError(
            f"{path}: not UTF-8 text (byte {error.start + 1})", EXIT_UNUSABLE_INPUT
        ) from error
    except OSError as error:
        raise CommandError(f"{path}: cannot read: {error.strerror}", EXIT_UNUSABLE_INPUT) from error
