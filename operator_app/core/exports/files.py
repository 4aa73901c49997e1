"""Writing a table to a file whole or not at all, in the format the file's name asks for.

The table goes to a temporary file beside the target, which replaces the target only when
everything was written: a failure or a cancellation never leaves half a file, nor destroys
an earlier export of the same name.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum
from pathlib import Path

from operator_app.core.exports.cells import Cell
from operator_app.core.exports.csv_file import CSV_ENCODING, write_csv
from operator_app.core.exports.errors import ExportError, ExportProblem
from operator_app.core.exports.xlsx_file import write_xlsx

__all__ = ["ExportFormat", "format_of", "write_table"]


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"

    @property
    def suffix(self) -> str:
        return "." + self.value


def format_of(path: Path) -> ExportFormat | None:
    """The format a file name asks for by its extension (any case), or None."""
    suffix = path.suffix.lower().lstrip(".")
    return next((candidate for candidate in ExportFormat if candidate.value == suffix), None)


def write_table(
    path: Path,
    file_format: ExportFormat,
    headers: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    title: str = "",
    on_row: Callable[[int], None] | None = None,
) -> int:
    """Write the header and rows to `path`; returns the number of rows written.

    `title` names the XLSX sheet. Raises ExportError when the file cannot be written (and
    TooManyRows for an XLSX past its limit); `on_row` as in write_csv / write_xlsx.
    """
    path = Path(path)
    if path.is_dir():
        raise ExportError(path, ExportProblem.IS_A_FOLDER, "this is a folder")
    folder = path.parent
    if not folder.is_dir():
        raise ExportError(path, ExportProblem.NO_FOLDER, "the folder does not exist")
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise _unwritable(path, error) from error
    temp = Path(temp_name)
    try:
        if file_format is ExportFormat.CSV:
            with os.fdopen(handle, "w", encoding=CSV_ENCODING, newline="") as stream:
                count = write_csv(stream, headers, rows, on_row=on_row)
        else:
            os.close(handle)
            count = write_xlsx(temp, headers, rows, title=title, on_row=on_row)
        os.replace(temp, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        if isinstance(error, OSError):
            raise _unwritable(path, error) from error
        raise
    return count


def _unwritable(path: Path, error: OSError) -> ExportError:
    return ExportError(path, ExportProblem.UNWRITABLE, error.strerror or str(error))
