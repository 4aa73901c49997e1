"""Quick periods of the dashboard, as the first and last day (both included) around today."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from PySide6.QtCore import QCoreApplication

__all__ = ["PeriodPreset", "preset_days", "preset_label"]


class PeriodPreset(StrEnum):
    TODAY = "today"
    THIS_WEEK = "this_week"  # Monday to today: days still to come would only add zeros
    THIS_MONTH = "this_month"  # the 1st to today
    LAST_30_DAYS = "last_30_days"  # today and the 29 days before it
    CUSTOM = "custom"


def preset_days(preset: PeriodPreset, today: dt.date) -> tuple[dt.date, dt.date]:
    if preset is PeriodPreset.THIS_WEEK:
        return today - dt.timedelta(days=today.weekday()), today
    if preset is PeriodPreset.THIS_MONTH:
        return today.replace(day=1), today
    if preset is PeriodPreset.LAST_30_DAYS:
        return today - dt.timedelta(days=29), today
    return today, today  # TODAY; CUSTOM keeps whatever days were chosen and never gets here


def preset_label(preset: PeriodPreset) -> str:
    labels = {
        PeriodPreset.TODAY: QCoreApplication.translate("Dashboard", "Today"),
        PeriodPreset.THIS_WEEK: QCoreApplication.translate("Dashboard", "This week"),
        PeriodPreset.THIS_MONTH: QCoreApplication.translate("Dashboard", "This month"),
        PeriodPreset.LAST_30_DAYS: QCoreApplication.translate("Dashboard", "Last 30 days"),
        PeriodPreset.CUSTOM: QCoreApplication.translate("Dashboard", "Chosen days"),
    }
    return labels[preset]
