"""`operator-app scripts export DIR` and `operator-app scripts import FILE`.

The import acts as the command line's system actor (the first active administrator), like
`operator-app import` does.
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
from operator_app.core.scripts import export_scripts, import_script
from operator_app.core.scripts_format import ScriptFormatError
from operator_app.storage.database import Database

__all__ = ["run_scripts_export", "run_scripts_import"]

OpenDatabase = Callable[[argparse.Namespace], Database]


def run_scripts_import(args: argparse.Namespace, open_database: OpenDatabase) -> int:
    path = Path(args.path)
    text = _read(path)
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
    directory = Path(args.directory)
    if directory.exists() and not directory.is_dir():
        raise CommandError(f"{directory}: this is a file, not a folder", EXIT_UNUSABLE_INPUT)
    database = open_database(args)
    try:
        paths = export_scripts(database, directory)
    except DBAPIError as error:
        raise database_failed(database, error) from error
    except OSError as error:
        raise CommandError(f"{directory}: cannot write: {error.strerror}", EXIT_FAILED) from error
    for path in paths:
        print(path)
    print(f"Exported {len(paths)} script(s) to {directory}")
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
