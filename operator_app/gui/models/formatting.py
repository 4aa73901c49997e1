"""Numbers and times shown the way the interface language writes them."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDateTime, QLocale


def number(value: int) -> str:
    return QLocale().toString(value)


def local_datetime(value: dt.datetime) -> str:
    """A UTC moment in this computer's time zone, short form."""
    moment = QDateTime.fromSecsSinceEpoch(int(value.timestamp())).toLocalTime()
    return QLocale().toString(moment, QLocale.FormatType.ShortFormat)


def local_date(value: dt.datetime) -> str:
    moment = QDateTime.fromSecsSinceEpoch(int(value.timestamp())).toLocalTime()
    return QLocale().toString(moment.date(), QLocale.FormatType.ShortFormat)
