"""`operator-app export visits --from DATE --to DATE --format ics --out FILE` and
`operator-app export calls --from DATE --to DATE --format csv|xlsx --out FILE`.

Acts as the command line's system actor (the first active administrator), like the imports.
The file is written whole or not at all: a temporary file beside it replaces it at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import tempfile
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from operator_app.cli import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_UNUSABLE_INPUT,
    CommandError,
    database_failed,
)
from operator_app.cli_files import OpenDatabase
from operator_app.cli_import import system_actor
from operator_app.core.calendar.ics import VisitExportService
from operator_app.core.exports.calls import export_calls
from operator_app.core.exports.errors import ExportError, ExportProblem, TooManyRows
from operator_app.core.exports.files import ExportFormat
from operator_app.core.reports.period import ReportPeriod

__all__ = ["run_export_calls", "run_export_visits"]


def run_export_visits(args: argparse.Namespace, open_database: OpenDatabase) -> int:
    day_from = _date("--from", args.date_from)
    day_to = _date("--to", args.date_to)
    if day_from > day_to:
        raise CommandError(f"--from: {day_from} is after --to {day_to}", EXIT_UNUSABLE_INPUT)
    out = Path(args.out)
    if out.is_dir():
        raise CommandError(f"--out: {out} is a folder, not a file", EXIT_UNUSABLE_INPUT)
    database = open_database(args)
    try:
        export = VisitExportService(database).period(system_actor(database), day_from, day_to)
    except DBAPIError as error:
        raise database_failed(database, error) from error
    _write_atomically(out, export.content)
    print(f"Exported {export.visits} visit(s) from {day_from} to {day_to} to {out}")
    return EXIT_OK


def run_export_calls(args: argparse.Namespace, open_database: OpenDatabase) -> int:
    """Every finished call started in the period (Moscow days, both included) to a file."""
    day_from = _date("--from", args.date_from)
    day_to = _date("--to", args.date_to)
    if day_from > day_to:
        raise CommandError(f"--from: {day_from} is after --to {day_to}", EXIT_UNUSABLE_INPUT)
    out = Path(args.out)
    if out.is_dir():
        raise CommandError(f"--out: {out} is a folder, not a file", EXIT_UNUSABLE_INPUT)
    file_format = ExportFormat(args.file_format)
    database = open_database(args)
    try:
        calls = export_calls(
            database, system_actor(database), ReportPeriod(day_from, day_to), out, file_format
        )
    except DBAPIError as error:
        raise database_failed(database, error) from error
    except ExportError as error:
        unusable = error.problem in (ExportProblem.NO_FOLDER, ExportProblem.IS_A_FOLDER)
        raise CommandError(
            f"--out: {error}", EXIT_UNUSABLE_INPUT if unusable else EXIT_FAILED
        ) from error
    except TooManyRows as error:
        raise CommandError(f"--format xlsx: {error}", EXIT_FAILED) from error
    print(f"Exported {calls} call(s) from {day_from} to {day_to} to {out}")
    return EXIT_OK


def _date(flag: str, text: str) -> dt.date:
    try:
        # fromisoformat alone also takes "20261122" and week dates; the calendar form only.
        if len(text) != 10:
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(
            f"{flag}: {text!r} is not a date in the form YYYY-MM-DD", EXIT_UNUSABLE_INPUT
        ) from error


def _write_atomically(path: Path, content: bytes) -> None:
    directory = path.parent if str(path.parent) else Path(".")
    try:
        handle, temp_name = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=directory)
    except OSError as error:
        raise CommandError(f"{path}: cannot write: {error.strerror}", EXIT_FAILED) from error
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_name, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        if isinstance(error, OSError):
            raise CommandError(f"{path}: cannot write: {error.strerror}", EXIT_FAILED) from error
        raise
