"""Tables of the script versions page: versions with outcomes, a side-by-side comparison,
steps with "no suitable answer" entries, and the entries themselves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QObject

from operator_app.core.reports.dashboard import Figures
from operator_app.core.script_versions import NoAnswerEntry, NoAnswerStep, VersionInfo
from operator_app.gui.labels import stage_label
from operator_app.gui.models.formatting import local_date, local_datetime, number
from operator_app.gui.models.table import Column, RowTableModel
from operator_app.gui.script_versions.texts import (
    decimal_number,
    no_version_label,
    percent,
    translate,
)

__all__ = [
    "ComparisonModel",
    "ComparisonRow",
    "EntriesModel",
    "Metric",
    "StepsModel",
    "VersionOutcome",
    "VersionsModel",
    "metrics",
]


@dataclass(frozen=True, slots=True)
class VersionOutcome:
    """A version and its figures in the chosen period (zeros when no call used it then)."""

    info: VersionInfo
    figures: Figures


@dataclass(frozen=True, slots=True)
class Metric:
    title: Callable[[], str]
    value: Callable[[Figures], float | None]
    text: Callable[[Figures], str]
    is_rate: bool = False


def metrics() -> tuple[Metric, ...]:
    """The figures compared between versions, in the order a supervisor reads a funnel."""
    return (
        Metric(
            lambda: translate("ScriptVersions", "Calls"),
            lambda f: f.calls,
            lambda f: number(f.calls),
        ),
        Metric(
            lambda: translate("ScriptVersions", "Reach rate"),
            lambda f: f.reach_rate,
            lambda f: percent(f.reach_rate),
            is_rate=True,
        ),
        Metric(
            lambda: translate("ScriptVersions", "Talk minutes"),
            lambda f: f.talk_minutes,
            lambda f: decimal_number(f.talk_minutes),
        ),
        Metric(
            lambda: translate("ScriptVersions", "Taken into work"),
            lambda f: f.taken_into_work,
            _count("taken_into_work"),
        ),
        Metric(lambda: translate("ScriptVersions", "Leads"), lambda f: f.leads, _count("leads")),
        Metric(
            lambda: translate("ScriptVersions", "Conversion to lead"),
            lambda f: f.conversion_to_lead,
            lambda f: percent(f.conversion_to_lead),
            is_rate=True,
        ),
        Metric(
            lambda: translate("ScriptVersions", "Visits booked"),
            lambda f: f.visits_booked,
            _count("visits_booked"),
        ),
        Metric(
            lambda: translate("ScriptVersions", "Visits held"),
            lambda f: f.visits_held,
            _count("visits_held"),
        ),
        Metric(
            lambda: translate("ScriptVersions", "Lead → held visit"),
            lambda f: f.conversion_to_held,
            lambda f: percent(f.conversion_to_held),
            is_rate=True,
        ),
        Metric(lambda: translate("ScriptVersions", "Sales"), lambda f: f.sales, _count("sales")),
        Metric(
            lambda: translate("ScriptVersions", "Revenue"),
            lambda f: float(f.revenue),
            lambda f: decimal_number(f.revenue, 2),
        ),
    )


def _count(field: str) -> Callable[[Figures], str]:
    return lambda figures: number(int(getattr(figures, field)))


def _when(value: dt.datetime | None) -> str:
    return local_datetime(value) if value is not None else "—"


class VersionsModel(RowTableModel[VersionOutcome]):
    def __init__(self, parent: QObject | None = None) -> None:
        columns: list[Column[VersionOutcome]] = [
            Column(
                title=lambda: self.tr("Version"),
                text=lambda row: row.info.label,
                sort_key=lambda row: f"{row.info.script_name.casefold()}\0{row.info.version:09d}",
            ),
            Column(
                title=lambda: self.tr("Published"),
                text=lambda row: local_date(row.info.created_at),
                sort_key=lambda row: row.info.created_at.timestamp(),
                tooltip=lambda row: local_datetime(row.info.created_at),
            ),
            Column(title=lambda: self.tr("Author"), text=lambda row: row.info.created_by or "—"),
            Column(
                title=lambda: self.tr("Calls, all time"),
                text=lambda row: number(row.info.calls),
                sort_key=lambda row: row.info.calls,
                align="right",
            ),
            Column(
                title=lambda: self.tr("Last call"),
                text=lambda row: _when(row.info.last_call_at),
                sort_key=lambda row: (
                    row.info.last_call_at.timestamp() if row.info.last_call_at else 0.0
                ),
            ),
        ]
        for metric in metrics():
            columns.append(
                Column(
                    title=metric.title,
                    text=lambda row, m=metric: m.text(row.figures),  # type: ignore[misc]
                    sort_key=lambda row, m=metric: _sortable(m.value(row.figures)),  # type: ignore[misc]
                    align="right",
                )
            )
        super().__init__(columns, dimmed=lambda row: not row.info.published, parent=parent)


def _sortable(value: float | None) -> float:
    return -1.0 if value is None else float(value)


@dataclass(frozen=True, slots=True)
class ComparisonRow:
    metric: Metric
    a: Figures
    b: Figures

    def difference(self) -> str:
        a, b = self.metric.value(self.a), self.metric.value(self.b)
        if a is None or b is None:
            return "—"
        change = b - a
        if self.metric.is_rate:  # a difference of rates is in percentage points
            return QCoreApplication.translate("ComparisonModel", "{change} pp").format(
                change=_signed(decimal_number(change * 100))
            )
        digits = 0 if float(change).is_integer() else 1
        return _signed(decimal_number(change, digits))


def _signed(text: str) -> str:
    return text if text.startswith(("-", "−")) or text.strip("0.,") == "" else f"+{text}"


class ComparisonModel(RowTableModel[ComparisonRow]):
    """One row per metric: version A, version B and B − A."""

    def __init__(self, parent: QObject | None = None) -> None:
        self.labels = ("A", "B")
        columns: list[Column[ComparisonRow]] = [
            Column(title=lambda: self.tr("Figure"), text=lambda row: row.metric.title()),
            Column(
                title=lambda: self.labels[0], text=lambda row: row.metric.text(row.a), align="right"
            ),
            Column(
                title=lambda: self.labels[1], text=lambda row: row.metric.text(row.b), align="right"
            ),
            Column(title=lambda: self.tr("B − A"), text=ComparisonRow.difference, align="right"),
        ]
        super().__init__(columns, parent=parent)

    def compare(self, a: VersionOutcome | None, b: VersionOutcome | None) -> None:
        self.labels = (
            a.info.label if a is not None else self.tr("Version A"),
            b.info.label if b is not None else self.tr("Version B"),
        )
        if a is None or b is None:
            self.set_rows([])
        else:
            self.set_rows([ComparisonRow(m, a.figures, b.figures) for m in metrics()])
        self.retranslate()


class StepsModel(RowTableModel[NoAnswerStep]):
    def __init__(self, parent: QObject | None = None) -> None:
        columns: list[Column[NoAnswerStep]] = [
            Column(
                title=lambda: self.tr("Version"),
                text=lambda row: row.version_label or no_version_label(),
            ),
            Column(title=lambda: self.tr("Step"), text=lambda row: row.step_id),
            Column(title=lambda: self.tr("Stage"), text=lambda row: stage_label(row.stage)),
            Column(
                title=lambda: self.tr("Entries"),
                text=lambda row: number(row.count),
                sort_key=lambda row: row.count,
                align="right",
            ),
            Column(
                title=lambda: self.tr("Last"),
                text=lambda row: local_datetime(row.last_at),
                sort_key=lambda row: row.last_at.timestamp(),
            ),
            Column(
                title=lambda: self.tr("What the script says"),
                text=lambda row: " ".join((row.step_text or "—").split()),
                tooltip=lambda row: row.step_text,
            ),
        ]
        super().__init__(columns, parent=parent)


class EntriesModel(RowTableModel[NoAnswerEntry]):
    def __init__(self, parent: QObject | None = None) -> None:
        columns: list[Column[NoAnswerEntry]] = [
            Column(
                title=lambda: self.tr("When"),
                text=lambda row: local_datetime(row.answered_at),
                sort_key=lambda row: row.answered_at.timestamp(),
            ),
            Column(title=lambda: self.tr("Operator"), text=lambda row: row.operator or "—"),
            Column(
                title=lambda: self.tr("Version"),
                text=lambda row: row.version_label or no_version_label(),
            ),
            Column(title=lambda: self.tr("Step"), text=lambda row: row.step_id),
            Column(
                title=lambda: self.tr("What the client said"),
                text=lambda row: row.client_said or self.tr("(nothing was typed)"),
                tooltip=lambda row: row.client_said,
            ),
        ]
        super().__init__(columns, parent=parent)
