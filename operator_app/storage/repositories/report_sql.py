"""SQL pieces every report shares: local calendar days on both backends."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import String, func, literal_column, type_coerce
from sqlalchemy.sql.elements import ColumnElement

__all__ = ["local_day", "parse_day"]


def local_day(column: Any, offset_minutes: int, dialect_name: str) -> ColumnElement[str]:
    """The 'YYYY-MM-DD' local day of a UTC timestamp column, `offset_minutes` east of UTC."""
    offset = int(offset_minutes)  # an int: safe to place in the SQL text below
    if dialect_name == "sqlite":
        # Stored as naive UTC text; strftime applies the modifier, then formats.
        return type_coerce(func.strftime("%Y-%m-%d", column, f"{offset:+d} minutes"), String)
    shifted = column.op("AT TIME ZONE")(literal_column("'UTC'")) + literal_column(
        f"interval '{offset} minutes'"
    )
    return type_coerce(func.to_char(shifted, "YYYY-MM-DD"), String)


def parse_day(value: str | dt.date) -> dt.date:
    """A day as the database returned it from `local_day`."""
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)
