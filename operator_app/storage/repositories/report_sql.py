"""SQL pieces every report shares: local calendar days on both backends."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Integer, String, cast, func, literal_column, type_coerce
from sqlalchemy.sql.elements import ColumnElement

__all__ = ["local_day", "parse_day"]

# Julian day number of 0001-01-01 minus its proleptic Gregorian ordinal (1).
_JULIAN_DAY_OF_ORDINAL_ZERO = 1_721_425


def local_day(column: Any, offset_minutes: int, dialect_name: str) -> ColumnElement[Any]:
    """The local day of a UTC timestamp column, `offset_minutes` east of UTC, as a value to
    group by; `parse_day` turns what the database returns into a date.

    SQLite gets the integer Julian day number: it sorts to group, and formatting every row
    with strftime cost more than the grouping itself (1.5 µs a call). PostgreSQL gets the
    'YYYY-MM-DD' text (it groups by hashing, so the text costs little).
    """
    offset = int(offset_minutes)  # an int: safe to place in the SQL text below
    if dialect_name == "sqlite":
        # Stored as naive UTC text; julianday() counts days from noon, hence the half day.
        shifted = func.julianday(column) + literal_column(f"{0.5 + offset / 1440.0!r}")
        return cast(shifted, Integer)
    shifted_pg = column.op("AT TIME ZONE")(literal_column("'UTC'")) + literal_column(
        f"interval '{offset} minutes'"
    )
    return type_coerce(func.to_char(shifted_pg, "YYYY-MM-DD"), String)


def parse_day(value: str | int | dt.date) -> dt.date:
    """A day as the database returned it from `local_day`."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int) or value.isdigit():
        return dt.date.fromordinal(int(value) - _JULIAN_DAY_OF_ORDINAL_ZERO)
    return dt.date.fromisoformat(value)
