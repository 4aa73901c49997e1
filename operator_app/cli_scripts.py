"""`operator-app scripts export DIR` and `operator-app scripts import FILE`.

The import acts as the command line's system actor (the first active administrator), like
`operator-app import` does.
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
from operator_app.core.scripts import export_scripts, import_script
from operator_app.core.scripts_format import ScriptFormatError

__all__ = ["run_scripts_export", "run_scripts_import"]


def run_scripts_import(args: argparse.Namespace, open_database: OpenDatabase) -> int:
    path = Path(args.path)
    text = read_utf8(path)
    database = open_database(args)
    try:
        name, version = import_script(database, system_actor(database), text)
    except ScriptFormatError as error:
        raise CommandError(f"{path}: {error}", EXIT_UNUSABLE_INPUT) from error
    except DBAPIError as error:
        raise database_failed(database, error) from error
    print(f"Imported «{name}» from {path.name} as version {version}")
    return EXIT_OK


def run_scripts_export(args: argparse.Namespace, open_database: OpenDatabase) -> int:
    return export_to_folder(args, open_database, export_scripts, "script")
