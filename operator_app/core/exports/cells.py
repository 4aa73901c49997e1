"""What a table cell may hold in an export, and keeping text from running as a formula.

A spreadsheet runs a cell as a formula when its text starts with `=`, `+`, `-` or `@` (and,
through some import paths, with a tab or a carriage return: OWASP's list), so a client's
name typed as `=HYPERLINK(...)` could act on the supervisor's computer when the export is
opened. Such text gets a leading apostrophe: it shows, but it never runs, and it stays safe
when the file is saved again as CSV. Text that is just a number (`-5`, `-3,5`) is left
alone: nothing in it can run. Real numbers are never touched; a negative number stays a
number.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Final

__all__ = ["FORMULA_TRIGGERS", "Cell", "neutralise"]

Cell = str | int | float | Decimal | dt.datetime | dt.date | None
"""Dates and times are written as given: naive, in the zone the table's header names."""

FORMULA_TRIGGERS: Final = frozenset(
    {
        "=",
        "+",
        "-",
        "@",
        "\t",
        "\r",
        # The full-width forms: some spreadsheets (East Asian input) take them as formulas too.
        "\uff1d",
        "\uff0b",
        "\uff0d",
        "\uff20",
    }
)
_PLAIN_NUMBER: Final = re.compile(r"-?\d+(?:[.,]\d+)?")


def neutralise(text: str) -> str:
    """`text` with a leading apostrophe when a spreadsheet would run it as a formula."""
    if text and text[0] in FORMULA_TRIGGERS and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text
