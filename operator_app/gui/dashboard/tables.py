"""Table models of the dashboard: breakdowns (per operator, list, script version, campaign)
and the counted tables (non-target and no-show reasons, where calls end, objections)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QObject

from operator_app.core.reports.dashboard import (
    Breakdown,
    BreakdownRow,
    Figures,
    ObjectionCount,
    ReasonCount,
    StepCount,
)
from operator_app.gui.charts.numbers import count_text, percent_text
from operator_app.gui.dashboard.texts import minutes_text, money_text
from operator_app.gui.labels import stage_label
from operator_app.gui.models.table import Column, RowTableModel

__all__ = [
    "CountLine",
    "StepLine",
    "breakdown_label",
    "breakdown_model",
    "count_model",
    "objection_lines",
    "reason_lines",
    "step_lines",
    "step_model",
]

translate = QCoreApplication.translate


def _rate(value: float | None) -> float:
    return -1.0 if value is None else value  # no rate sorts below 0 %


def _figure_column(
    title: Callable[[], str],
    text: Callable[[Figures], str],
    sort_key: Callable[[Figures], int | float],
) -> Column[BreakdownRow]:
    return Column(
        title,
        lambda row: text(row.figures),
        sort_key=lambda row: sort_key(row.figures),
        align="right",
    )


def _count(title: Callable[[], str], value: Callable[[Figures], int]) -> Column[BreakdownRow]:
    return _figure_column(title, lambda f: count_text(value(f)), value)


def _share(
    title: Callable[[], str], value: Callable[[Figures], float | None]
) -> Column[BreakdownRow]:
    return _figure_column(title, lambda f: percent_text(value(f)), lambda f: _rate(value(f)))


def _name_title(by: Breakdown) -> Callable[[], str]:
    titles = {
        Breakdown.OPERATOR: lambda: translate("DashboardTables", "Operator"),
        Breakdown.LIST: lambda: translate("DashboardTables", "List"),
        Breakdown.SCRIPT_VERSION: lambda: translate("DashboardTables", "Script version"),
        Breakdown.CAMPAIGN: lambda: translate("DashboardTables", "Campaign"),
    }
    return titles[by]


def breakdown_label(by: Breakdown, row: BreakdownRow) -> str:
    """The row's name; rows without a key (no list, no script, a deleted user) get a word."""
    if row.label:
        return row.label
    if row.key is not None:
        return f"#{row.key}"
    unnamed = {
        Breakdown.OPERATOR: translate("DashboardTables", "(no operator)"),
        Breakdown.LIST: translate("DashboardTables", "(no list)"),
        Breakdown.SCRIPT_VERSION: translate("DashboardTables", "(no script)"),
        Breakdown.CAMPAIGN: translate("DashboardTables", "(no campaign)"),
    }
    return unnamed[by]


def breakdown_columns(by: Breakdown) -> list[Column[BreakdownRow]]:
    columns: list[Column[BreakdownRow]] = [
        Column(
            _name_title(by),
            lambda row: breakdown_label(by, row),
            tooltip=lambda row: row.hypothesis,
        )
    ]
    if by is Breakdown.LIST:
        columns.append(
            Column(
                lambda: translate("DashboardTables", "Hypothesis"),
                lambda row: row.hypothesis or "",
                tooltip=lambda row: row.hypothesis,
            )
        )
    columns += [
        _count(lambda: translate("DashboardTables", "Calls"), lambda f: f.calls),
        _share(lambda: translate("DashboardTables", "Reach rate"), lambda f: f.reach_rate),
        _figure_column(
            lambda: translate("DashboardTables", "Talk min a day"),
            lambda f: minutes_text(f.talk_minutes_per_day),
            lambda f: _rate(f.talk_minutes_per_day),
        ),
        _count(
            lambda: translate("DashboardTables", "Taken into work"), lambda f: f.taken_into_work
        ),
        _count(lambda: translate("DashboardTables", "Leads"), lambda f: f.leads),
        _share(lambda: translate("DashboardTables", "→ lead"), lambda f: f.conversion_to_lead),
        _count(
            lambda: translate("DashboardTables", "Hand-offs accepted"),
            lambda f: f.handoffs_accepted,
        ),
        _count(lambda: translate("DashboardTables", "Visits booked"), lambda f: f.visits_booked),
        _count(lambda: translate("DashboardTables", "Visits held"), lambda f: f.visits_held),
        _share(lambda: translate("DashboardTables", "Attendance"), lambda f: f.attendance_rate),
        _share(lambda: translate("DashboardTables", "→ held"), lambda f: f.conversion_to_held),
        _count(lambda: translate("DashboardTables", "Sales"), lambda f: f.sales),
        _share(lambda: translate("DashboardTables", "→ sale"), lambda f: f.conversion_to_sale),
        _figure_column(
            lambda: translate("DashboardTables", "Revenue"),
            lambda f: money_text(f.revenue),
            lambda f: float(f.revenue),
        ),
    ]
    return columns


def breakdown_model(by: Breakdown, parent: QObject | None = None) -> RowTableModel[BreakdownRow]:
    return RowTableModel(breakdown_columns(by), parent=parent)


# --- counted tables ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CountLine:
    """A reason (or a step's objection) with its count and share of the table's total."""

    label: str
    count: int
    share: float | None
    detail: str = ""  # the step an objection was raised at


@dataclass(frozen=True, slots=True)
class StepLine:
    version: str
    stage: str | None
    step_id: str
    count: int
    share: float | None


def _share_of(count: int, total: int) -> float | None:
    return None if total <= 0 else count / total


def reason_lines(reasons: Sequence[ReasonCount]) -> list[CountLine]:
    total = sum(r.count for r in reasons)
    return [CountLine(r.reason, r.count, _share_of(r.count, total)) for r in reasons]


def objection_lines(objections: Sequence[ObjectionCount]) -> list[CountLine]:
    total = sum(o.count for o in objections)
    return [
        CountLine(o.title or o.objection_id, o.count, _share_of(o.count, total), detail=o.step_id)
        for o in objections
    ]


def step_lines(steps: Sequence[StepCount], versions: Mapping[int, str]) -> list[StepLine]:
    total = sum(s.count for s in steps)
    return [
        StepLine(
            _version_label(s.script_version_id, versions),
            s.stage,
            s.step_id,
            s.count,
            _share_of(s.count, total),
        )
        for s in steps
    ]


def _version_label(version_id: int | None, versions: Mapping[int, str]) -> str:
    if version_id is None:
        return "—"
    return versions.get(version_id, f"#{version_id}")


def count_model(
    label_title: Callable[[], str],
    detail_title: Callable[[], str] | None = None,
    parent: QObject | None = None,
) -> RowTableModel[CountLine]:
    columns: list[Column[CountLine]] = []
    if detail_title is not None:
        columns.append(Column(detail_title, lambda line: line.detail))
    columns += [
        Column(label_title, lambda line: line.label),
        Column(
            lambda: translate("DashboardTables", "Count"),
            lambda line: count_text(line.count),
            sort_key=lambda line: line.count,
            align="right",
        ),
        Column(
            lambda: translate("DashboardTables", "Share"),
            lambda line: percent_text(line.share),
            sort_key=lambda line: _rate(line.share),
            align="right",
        ),
    ]
    return RowTableModel(columns, parent=parent)


def step_model(parent: QObject | None = None) -> RowTableModel[StepLine]:
    columns: list[Column[StepLine]] = [
        Column(lambda: translate("DashboardTables", "Script version"), lambda line: line.version),
        Column(
            lambda: translate("DashboardTables", "Stage"),
            lambda line: stage_label(line.stage),
        ),
        Column(lambda: translate("DashboardTables", "Step"), lambda line: line.step_id),
        Column(
            lambda: translate("DashboardTables", "Calls ended here"),
            lambda line: count_text(line.count),
            sort_key=lambda line: line.count,
            align="right",
        ),
        Column(
            lambda: translate("DashboardTables", "Share"),
            lambda line: percent_text(line.share),
            sort_key=lambda line: _rate(line.share),
            align="right",
        ),
    ]
    return RowTableModel(columns, parent=parent)
