"""`operator-app import PATH --list NAME ...`: import a lead list from the command line.

There is no sign-in on the command line. The import acts as a system actor with the admin
role, recorded as created by the first active administrator of the database (by id), or by
nobody when the database has no administrator yet (a fresh database).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
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
from operator_app.core.column_mapping import ColumnMapping, MappingError, suggest_mapping
from operator_app.core.errors import ValidationFailed
from operator_app.core.importing.service import import_list, saved_mapping
from operator_app.core.importing.types import ImportOptions, ImportReport
from operator_app.core.roles import Actor, Role
from operator_app.core.tabular import Table, TableError, open_table, write_rejected_rows
from operator_app.storage.database import Database
from operator_app.storage.repositories.import_queries import first_active_admin_id

__all__ = ["NO_USER_ID", "run_import_command", "system_actor"]

NO_USER_ID = 0
"""The actor id when the database has no administrator: no user has it, so the import's rows
record no creator."""

_COUNT_NOTES = {
    "read": "data rows in the file",
    "imported": "new leads",
    "duplicates": "phone already known; not imported again",
    "rejected": "no valid phone or a bad INN",
    "blocked": "on the do-not-call list; imported as blocked, never called",
}


def system_actor(database: Database) -> Actor:
    """Who a command-line import acts as (see the module docstring)."""
    user_id = first_active_admin_id(database)
    return Actor(
        user_id=NO_USER_ID if user_id is None else user_id,
        login="cli",
        display_name="Command line",
        role=Role.ADMIN,
    )


def run_import_command(
    args: argparse.Namespace, open_database: Callable[[argparse.Namespace], Database]
) -> int:
    path = Path(args.path)
    table = _open(path)
    rejected_out = None if args.rejected_out is None else Path(args.rejected_out)
    if rejected_out is not None:
        _check_writable(rejected_out)
    database = open_database(args)
    try:
        options = ImportOptions(
            list_name=args.list_name,
            hypothesis=args.hypothesis,
            abc_class=args.abc or "B",
            priority=50 if args.priority is None else args.priority,
            campaign_name=args.campaign,
            default_region=(args.region or "RU").upper(),
            source=path.name,
        )
        try:
            mapping = _mapping(database, table)
            report = import_list(database, system_actor(database), table, mapping, options)
        except (MappingError, ValidationFailed) as error:
            raise CommandError(f"{path}: {error}", EXIT_UNUSABLE_INPUT) from error
        except TableError as error:
            raise CommandError(str(error), EXIT_UNUSABLE_INPUT) from error
        except DBAPIError as error:
            raise database_failed(database, error) from error
    finally:
        database.dispose()

    _print_report(path, options.list_name, report)
    if rejected_out is not None:
        try:
            written = write_rejected_rows(
                rejected_out,
                table.info,
                ((row.line_number, list(row.cells), row.reason) for row in report.rejected_rows),
            )
        except TableError as error:
            raise CommandError(
                f"the list was imported, but the rejected rows were not saved: {error}",
                EXIT_FAILED,
            ) from error
        print(f"rejected rows ({written}) written to {rejected_out}")
    if args.json:
        print(json.dumps(report.counts()))
    return EXIT_OK


def _open(path: Path) -> Table:
    try:
        return open_table(path)
    except TableError as error:
        raise CommandError(str(error), EXIT_UNUSABLE_INPUT) from error


def _check_writable(path: Path) -> None:
    """Refuse an unusable --rejected-out before importing rather than after."""
    folder = path.parent if str(path.parent) else Path()
    if path.is_dir():
        raise CommandError(f"{path}: this is a folder, not a file", EXIT_UNUSABLE_INPUT)
    if not folder.is_dir():
        raise CommandError(f"{path}: the folder {folder} does not exist", EXIT_UNUSABLE_INPUT)
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise CommandError(f"{path}: the file cannot be written here", EXIT_UNUSABLE_INPUT)


def _mapping(database: Database, table: Table) -> ColumnMapping:
    """The mapping saved for this file's name when it fits the file, else one from the headers."""
    saved = saved_mapping(database, table.info.path.name)
    if saved is not None:
        try:
            saved.validate(table.info.headers)
        except MappingError as error:
            print(
                f"the saved column mapping does not fit this file ({error}); "
                "detecting columns from the headers",
                file=sys.stderr,
            )
        else:
            return saved
    mapping = suggest_mapping(table.info.headers)
    try:
        mapping.validate(table.info.headers)
    except MappingError as error:
        headers = ", ".join(f"'{header}'" for header in table.info.headers)
        raise MappingError(
            error.problem,
            error.detail,
            f"no column looks like a phone number column (columns: {headers}); "
            "name it 'Телефон' or 'Phone'",
        ) from error
    return mapping


def _print_report(path: Path, list_name: str, report: ImportReport) -> None:
    print(f"Imported {path.name} into the list '{list_name}' (list id {report.list_id})")
    counts = report.counts()
    width = max(len(key) for key in counts) + 1
    digits = max(len(str(value)) for value in counts.values())
    for key, value in counts.items():
        print(f"{key + ':':<{width}} {value:>{digits}}  ({_COUNT_NOTES[key]})")
