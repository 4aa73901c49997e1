"""A header and rows as an XLSX workbook of one sheet, written as it streams.

Every text cell is written as a string, never as a formula, and neutralised as in CSV so
that saving the sheet again as CSV keeps it safe. Numbers stay numbers, dates and times are
real date cells. The header row is bold, frozen and filtered; column widths are estimated
from the header and the first rows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import math
import re
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Final

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from operator_app.core.exports.cells import Cell, neutralise
from operator_app.core.exports.errors import TooManyRows

__all__ = ["XLSX_MAX_ROWS", "sheet_name", "write_xlsx"]

XLSX_MAX_ROWS: Final = 1_048_576  # the header included
_WIDTH_SAMPLE_ROWS: Final = 200
_MIN_WIDTH: Final = 8
_MAX_WIDTH: Final = 60
_SHEET_NAME_FORBIDDEN: Final = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: str) -> str:
    """`title` as Excel accepts a sheet name: no []:*?/\\, at most 31 characters."""
    name = _SHEET_NAME_FORBIDDEN.sub(" ", " ".join(title.split())).strip(" '")[:31].strip(" '")
    return name or "Export"


def write_xlsx(
    path: Path,
    headers: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    title: str = "",
    on_row: Callable[[int], None] | None = None,
) -> int:
    """Write the workbook to `path` (replacing it); returns the number of rows written.

    Raises TooManyRows past the sheet's limit. `on_row(count)` is called after each row;
    whatever it raises stops the writing.
    """
    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    try:
        count = _fill(workbook, headers, rows, title, on_row)
    except BaseException:
        with contextlib.suppress(Exception):
            workbook.close()  # releases its temporary files; the caller drops the file
        raise
    try:
        workbook.close()
    except FileCreateError as error:
        cause = error.args[0] if error.args else None
        raise cause if isinstance(cause, OSError) else OSError(str(error)) from error
    return count


def _fill(
    workbook: xlsxwriter.Workbook,
    headers: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    title: str,
    on_row: Callable[[int], None] | None,
) -> int:
    sheet = workbook.add_worksheet(sheet_name(title))
    styles = _Styles(
        header=workbook.add_format({"bold": True}),
        date=workbook.add_format({"num_format": "yyyy-mm-dd"}),
        datetime=workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
    )
    stream = iter(rows)
    sample = list(itertools.islice(stream, _WIDTH_SAMPLE_ROWS))
    _set_widths(sheet, headers, sample)
    for column, title_text in enumerate(headers):
        sheet.write_string(0, column, neutralise(title_text), styles.header)
    sheet.freeze_panes(1, 0)
    count = 0
    for row in itertools.chain(sample, stream):
        if count + 1 >= XLSX_MAX_ROWS:
            raise TooManyRows(XLSX_MAX_ROWS - 1)
        count += 1
        for column, cell in enumerate(row):
            _write_cell(sheet, count, column, cell, styles)
        if on_row is not None:
            on_row(count)
    if headers:
        sheet.autofilter(0, 0, count, len(headers) - 1)
    return count


class _Styles:
    __slots__ = ("date", "datetime", "header")

    def __init__(self, header: Format, date: Format, datetime: Format) -> None:
        self.header = header
        self.date = date
        self.datetime = datetime


def _write_cell(sheet: Worksheet, row: int, column: int, cell: Cell, styles: _Styles) -> None:
    if cell is None:
        return
    if isinstance(cell, str):
        sheet.write_string(row, column, neutralise(cell))
    elif isinstance(cell, bool):
        sheet.write_boolean(row, column, cell)
    elif isinstance(cell, int | float | Decimal):
        number = float(cell)
        if math.isfinite(number):
            sheet.write_number(row, column, number)
        else:
            sheet.write_string(row, column, str(cell))
    elif isinstance(cell, dt.datetime):
        if cell.tzinfo is not None:
            raise ValueError("export times naive, in the zone the header names")
        sheet.write_datetime(row, column, cell, styles.datetime)
    else:
        sheet.write_datetime(row, column, cell, styles.date)


def _set_widths(sheet: Worksheet, headers: Sequence[str], sample: Sequence[Sequence[Cell]]) -> None:
    for column, title in enumerate(headers):
        longest = max(
            [len(title)] + [_shown_length(row[column]) for row in sample if column < len(row)]
        )
        sheet.set_column(column, column, min(max(longest + 2, _MIN_WIDTH), _MAX_WIDTH))


def _shown_length(cell: Cell) -> int:
    if cell is None:
        return 0
    if isinstance(cell, dt.datetime):
        return 19
    if isinstance(cell, dt.date):
        return 10
    return max((len(line) for line in str(cell).splitlines()), default=0)
