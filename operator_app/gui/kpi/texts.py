"""How plans and scorecards read on screen: metric names, numbers, fractions and percents."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QCoreApplication, QDate, QLocale

from operator_app.core.reports.kpi import KpiMetric
from operator_app.core.reports.plans import Scorecard

__all__ = ["fact", "metric_label", "percent", "scorecard_summary", "signed_percent"]

translate = QCoreApplication.translate


def metric_label(metric: KpiMetric) -> str:
    labels = {
        KpiMetric.CALLS: translate("KpiTexts", "Calls"),
        KpiMetric.TALK_MINUTES: translate("KpiTexts", "Talk minutes"),
        KpiMetric.LEADS: translate("KpiTexts", "Leads"),
        KpiMetric.HANDOFFS_ACCEPTED: translate("KpiTexts", "Hand-offs accepted"),
        KpiMetric.VISITS_BOOKED: translate("KpiTexts", "Visits booked"),
        KpiMetric.HELD_VISITS: translate("KpiTexts", "Held presentations"),
        KpiMetric.SALES: translate("KpiTexts", "Sales"),
    }
    return labels[metric]


def fact(value: float | Decimal | None, decimals: int = 2) -> str:
    """A number with up to `decimals` places (3.33, 3.5, 10), or a dash when there is none."""
    if value is None:
        return "—"
    text = QLocale().toString(float(value), "f", decimals)
    point = QLocale().decimalPoint()
    if point in text:
        text = text.rstrip("0").rstrip(point)
    return text


def percent(value: float | Decimal | None) -> str:
    """A fraction as a percent with one decimal place (0.952 → 95.2 %)."""
    if value is None:
        return "—"
    return translate("KpiTexts", "{value} %").format(
        value=QLocale().toString(float(value) * 100, "f", 1)
    )


def signed_percent(value: float | None) -> str:
    """A deviation: −4.8 %, +12.0 %, 0.0 %."""
    if value is None:
        return "—"
    text = percent(value)
    return "+" + text if round(value * 100, 1) > 0 else text.replace("-", "−")


def scorecard_summary(card: Scorecard) -> str:
    """One line above a scorecard: the total (or why there is none) and the days it rests on."""
    day = QLocale().toString(
        QDate(card.as_of.year, card.as_of.month, card.as_of.day), QLocale.FormatType.ShortFormat
    )
    days = translate("KpiTexts", "working days up to {day}: {days}").format(
        days=card.working_days, day=day
    )
    if card.total is None:
        return translate("KpiTexts", "No KPI weights are set for this role · {days}").format(
            days=days
        )
    return translate("KpiTexts", "Score: {score} · {days}").format(
        score=percent(card.total), days=days
    )
