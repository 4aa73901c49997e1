"""`operator-app campaigns export DIR` and `operator-app campaigns import FILE`.

The import acts as the command line's system actor (the first active administrator), like
`operator-app import` and `operator-app scripts import` do.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from operator_app.cli import (
    EXIT_OK,
    EXIT_UNUSABLE_INPUT,
    CommandError,
    database_failed,
)
from operator_app.cli_files import OpenDatabase, export_to_folder, read_utf8
from operator_app.cli_import import system_actor
from operator_app.core.campaign_config import (
    CampaignConfigError,
    export_campaigns,
    import_campaign,
)
from operator_app.core.campaign_format import CampaignFormatError

__all__ = ["run_campaigns_export", "run_campaigns_import"]


def run_campaigns_import(args: argparse.Namespace, open_database: OpenDatabase) -> int:
    path = Path(args.path)
    text = read_utf8(path)
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
    return export_to_folder(args, open_database, export_campaigns, "campaign")
