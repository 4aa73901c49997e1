"""Numbers and times shown the way the interface language writes them."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from PySide6.QtCore import QDate, QDateTime, QLocale, QTime


def number(value: int) -> str:
    return QLocale().toString(value)


def local_datetime(value: dt.datetime) -> str:
    """A UTC moment in this computer's time zone, short form."""
    moment = QDateTime.fromSecsSinceEpoch(int(value.timestamp())).toLocalTime()
    return QLocale().toString(moment, QLocale.FormatType.ShortFormat)


def zoned_datetime(value: dt.datetime, zone: str) -> str:
    """A UTC moment as the clock shows it in `zone` (an office's, a client's), short form."""
    local = value.astimezone(zoneinfo.ZoneInfo(zone))
    moment = QDateTime(
        QDate(local.year, local.month, local.day), QTime(local.hour, local.minute, local.second)
    )
    return QLocale().toString(moment, QLocale.FormatType.ShortFormat)


def local_date(value: dt.datetime) -> str:
    moment = QDateTime.fromSecsSinceEpoch(int(value.timestamp())).toLocalTime()
    return QLocale().toString(moment.date(), QLocale.FormatType.ShortFormat)
