"""A header and rows as CSV the way Russian Excel opens it with a double click.

UTF-8 with a byte-order mark: without it Excel reads the file as the system's ANSI code page
(cp1251) and Cyrillic turns into mojibake; with it, Excel on any locale reads UTF-8.
`;` between fields and `,` in decimal numbers: Excel splits a double-clicked CSV on the
locale's list separator, which is `;` wherever the decimal separator is a comma (Russian
among them), so a comma-separated file would land in one column there. The importer reads
this dialect back (it detects `;`), the app's rejected-rows file uses it too, and other
programs take it with one option (`sep=";"`, `decimal=","`). A `sep=;` first line is not
written: Excel then ignores the byte-order mark. Records end with CRLF, as Excel writes them.
Dates are ISO (`2026-11-23`, `2026-11-23 14:05:00`), which every Excel locale recognises.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Final, TextIO

from operator_app.core.exports.cells import Cell, neutralise

__all__ = ["CSV_DECIMAL_SEPARATOR", "CSV_DELIMITER", "CSV_ENCODING", "csv_text", "write_csv"]

CSV_ENCODING: Final = "utf-8-sig"
CSV_DELIMITER: Final = ";"
CSV_DECIMAL_SEPARATOR: Final = ","


def csv_text(cell: Cell) -> str:
    """One cell as CSV text: text neutralised, numbers and dates in the dialect above."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return neutralise(cell)
    if isinstance(cell, bool):
        return "1" if cell else "0"
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, float | Decimal):
        return _decimal_text(cell)
    if isinstance(cell, dt.datetime):
        if cell.tzinfo is not None:
            raise ValueError("export times naive, in the zone the header names")
        return cell.isoformat(sep=" ", timespec="seconds")
    return cell.isoformat()


def _decimal_text(value: float | Decimal) -> str:
    exact = Decimal(repr(value)) if isinstance(value, float) else value
    if not exact.is_finite():
        return str(value)
    return format(exact, "f").replace(".", CSV_DECIMAL_SEPARATOR)


def write_csv(
    stream: TextIO,
    headers: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    on_row: Callable[[int], None] | None = None,
) -> int:
    """Write the header and rows to `stream` (opened with CSV_ENCODING and newline="").

    Returns the number of rows written. `on_row(count)` is called after each row; whatever
    it raises (a cancellation) stops the writing.
    """
    writer = csv.writer(stream, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow([neutralise(title) for title in headers])
    count = 0
    for row in rows:
        writer.writerow([csv_text(cell) for cell in row])
        count += 1
        if on_row is not None:
            on_row(count)
    return count
