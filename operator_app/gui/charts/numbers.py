"""Counts, shares and days written the way the interface language writes them."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication, QDate, QLocale

__all__ = ["count_text", "day_text", "decimal_text", "percent_text"]


def count_text(value: float) -> str:
    """A whole count as a whole number, anything else with one decimal."""
    if float(value).is_integer():
        return QLocale().toString(int(value))
    return decimal_text(value)


def decimal_text(value: float, decimals: int = 1) -> str:
    return QLocale().toString(float(value), "f", decimals)


def percent_text(fraction: float | None, decimals: int = 1) -> str:
    """0.333 → "33.3 %"; no share (nothing to divide by) → an em dash."""
    if fraction is None:
        return "—"
    return QCoreApplication.translate("Charts", "{value} %").format(
        value=decimal_text(fraction * 100, decimals)
    )


def day_text(day: dt.date, pattern: str = "d MMM") -> str:
    return QLocale().toString(QDate(day.year, day.month, day.day), pattern)
