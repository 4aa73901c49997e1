"""What the file-exchanging subcommands share: reading a UTF-8 file, exporting to a folder."""

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
from operator_app.storage.database import Database

__all__ = ["OpenDatabase", "export_to_folder", "read_utf8"]

OpenDatabase = Callable[[argparse.Namespace], Database]


def read_utf8(path: Path) -> str:
    """The file's text; a missing, unreadable or non-UTF-8 file is one clear line (exit 2)."""
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


def export_to_folder(
    args: argparse.Namespace,
    open_database: OpenDatabase,
    export: Callable[[Database, Path], list[Path]],
    noun: str,
) -> int:
    """Run `export` into args.directory and list what it wrote ("Exported N <noun>(s)")."""
    directory = Path(args.directory)
    if directory.exists() and not directory.is_dir():
        raise CommandError(f"{directory}: this is a file, not a folder", EXIT_UNUSABLE_INPUT)
    database = open_database(args)
    try:
        paths = export(database, directory)
    except DBAPIError as error:
        raise database_failed(database, error) from error
    except OSError as error:
        raise CommandError(f"{directory}: cannot write: {error.strerror}", EXIT_FAILED) from error
    for path in paths:
        print(path)
    print(f"Exported {len(paths)} {noun}(s) to {directory}")
    return EXIT_OK
