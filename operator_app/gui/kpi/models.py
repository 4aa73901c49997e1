"""Tables of scorecard lines, everyone's scorecards, and plans."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QLocale, QObject

from operator_app.core.reports.kpi import MetricScore
from operator_app.core.reports.plans import PlanView, Scorecard
from operator_app.gui.kpi.texts import fact, metric_label, percent, signed_percent
from operator_app.gui.labels import role_label
from operator_app.gui.models.table import Column, RowTableModel

__all__ = ["PlanModel", "ScorecardLineModel", "ScorecardsModel"]


def _key(value: float | None) -> float:
    return float("-inf") if value is None else value


class ScorecardLineModel(RowTableModel[MetricScore]):
    """One person's scorecard: a line per metric."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [
                Column(
                    title=lambda: self.tr("Metric"),
                    text=lambda row: metric_label(row.metric),
                ),
                Column(
                    title=lambda: self.tr("Plan a day"),
                    text=lambda row: fact(row.plan_per_day),
                    sort_key=lambda row: _key(
                        None if row.plan_per_day is None else float(row.plan_per_day)
                    ),
                    align="right",
                ),
                Column(
                    title=lambda: self.tr("Fact so far"),
                    text=lambda row: fact(row.fact_total),
                    sort_key=lambda row: row.fact_total,
                    align="right",
                ),
                Column(
                    title=lambda: self.tr("Fact a day"),
                    text=lambda row: fact(row.fact_per_day),
                    sort_key=lambda row: _key(row.fact_per_day),
                    align="right",
                ),
                Column(
                    title=lambda: self.tr("Deviation"),
                    text=lambda row: signed_percent(row.deviation),
                    sort_key=lambda row: _key(row.deviation),
                    align="right",
                ),
                Column(
                    title=lambda: self.tr("Attainment"),
                    text=lambda row: percent(row.attainment),
                    sort_key=lambda row: _key(row.attainment),
                    align="right",
                ),
                Column(
                    title=lambda: self.tr("Weight"),
                    text=lambda row: percent(row.weight) if row.weight else "—",
                    sort_key=lambda row: float(row.weight),
                    align="right",
                ),
                Column(
                    title=lambda: self.tr("Cut-off"),
                    text=lambda row: percent(row.cutoff) if row.weight else "—",
                    sort_key=lambda row: float(row.cutoff),
                    align="right",
                ),
                Column(
                    title=lambda: self.tr("Counts"),
                    text=lambda row: percent(row.counted) if row.weight else "—",
                    sort_key=lambda row: row.counted,
                    tooltip=lambda row: (
                        self.tr("Below the cut-off: this part counts zero")
                        if row.below_cutoff
                        else None
                    ),
                    align="right",
                ),
            ],
            dimmed=lambda row: row.below_cutoff,
            parent=parent,
        )


class ScorecardsModel(RowTableModel[Scorecard]):
    """Everyone's scorecards: one row per person."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [
                Column(title=lambda: self.tr("Person"), text=lambda row: row.person.name),
                Column(title=lambda: self.tr("Role"), text=lambda row: role_label(row.person.role)),
                Column(
                    title=lambda: self.tr("Days worked"),
                    text=lambda row: QLocale().toString(row.working_days),
                    sort_key=lambda row: row.working_days,
                    align="right",
                ),
                Column(
                    title=lambda: self.tr("Score"),
                    text=lambda row: percent(row.total),
                    sort_key=lambda row: _key(row.total),
                    align="right",
                ),
                Column(
                    title=lambda: self.tr("Below the cut-off"),
                    text=lambda row: ", ".join(
                        metric_label(line.metric) for line in row.lines if line.below_cutoff
                    ),
                ),
            ],
            parent=parent,
        )


class PlanModel(RowTableModel[PlanView]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [
                Column(
                    title=lambda: self.tr("For"),
                    text=lambda row: (
                        self.tr("Everyone: {role}").format(role=role_label(row.role))
                        if row.role is not None
                        else row.user_name or "—"
                    ),
                ),
                Column(title=lambda: self.tr("Metric"), text=lambda row: metric_label(row.metric)),
                Column(
                    title=lambda: self.tr("A day"),
                    text=lambda row: fact(row.per_day),
                    sort_key=lambda row: float(row.per_day),
                    align="right",
                ),
                Column(
                    title=lambda: self.tr("From"),
                    text=lambda row: _day(row.valid_from),
                    sort_key=lambda row: row.valid_from.toordinal(),
                ),
                Column(
                    title=lambda: self.tr("To"),
                    text=lambda row: (
                        _day(row.valid_to) if row.valid_to is not None else self.tr("open-ended")
                    ),
                    sort_key=lambda row: row.valid_to.toordinal() if row.valid_to else 10**7,
                ),
            ],
            parent=parent,
        )


def _day(value: dt.date) -> str:
    return QLocale().toString(
        QDate(value.year, value.month, value.day), QLocale.FormatType.ShortFormat
    )
