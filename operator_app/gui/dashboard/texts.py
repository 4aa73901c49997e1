"""Words and number formats of the dashboard: funnel stages, script stages, minutes, money."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QCoreApplication, QLocale

from operator_app.gui.charts.numbers import decimal_text

__all__ = ["funnel_stage_label", "minutes_text", "money_text"]

translate = QCoreApplication.translate


def funnel_stage_label(code: str) -> str:
    labels = {
        "taken_into_work": translate("Dashboard", "Taken into work"),
        "leads": translate("Dashboard", "Leads"),
        "visits_booked": translate("Dashboard", "Visits booked"),
        "visits_held": translate("Dashboard", "Visits held"),
        "sales": translate("Dashboard", "Sales"),
    }
    return labels.get(code, code)


def minutes_text(minutes: float | None) -> str:
    if minutes is None:
        return "—"
    return decimal_text(minutes, 1)


def money_text(amount: Decimal) -> str:
    """Whole amounts without kopecks; anything else with two decimals."""
    decimals = 0 if amount == amount.to_integral_value() else 2
    return QLocale().toString(float(amount), "f", decimals)
