"""Everything the dashboard shows for one filter, read in one go off the UI thread."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from operator_app.core.reports.dashboard import (
    Breakdown,
    BreakdownRow,
    Dashboard,
    FilterChoices,
    filter_choices,
    load_breakdowns,
    load_dashboard_with_breakdowns,
)
from operator_app.core.reports.filters import ReportFilter
from operator_app.core.roles import Actor
from operator_app.storage.database import Database

__all__ = [
    "SHOWN_BREAKDOWNS",
    "DashboardData",
    "load_dashboard_data",
    "load_later_breakdowns",
]

SHOWN_BREAKDOWNS = (
    Breakdown.OPERATOR,
    Breakdown.LIST,
    Breakdown.SCRIPT_VERSION,
    Breakdown.CAMPAIGN,
)


@dataclass(frozen=True, slots=True)
class DashboardData:
    dashboard: Dashboard
    breakdowns: Mapping[Breakdown, tuple[BreakdownRow, ...]]
    choices: FilterChoices | None  # None: not asked for (the filters keep theirs)


# Read with the figures; the other tabs' breakdowns follow in a second read (grouping calls
# by list or campaign joins every call's lead, several times slower on a big database), so
# the figures never wait for tables nobody may open.
FIRST_BREAKDOWNS = (Breakdown.OPERATOR,)
LATER_BREAKDOWNS = tuple(by for by in SHOWN_BREAKDOWNS if by not in FIRST_BREAKDOWNS)


def load_dashboard_data(
    database: Database, actor: Actor, report_filter: ReportFilter, *, with_choices: bool
) -> DashboardData:
    choices = filter_choices(database, actor) if with_choices else None
    dashboard, breakdowns = load_dashboard_with_breakdowns(
        database, actor, report_filter, FIRST_BREAKDOWNS
    )
    return DashboardData(dashboard, breakdowns, choices)


def load_later_breakdowns(
    database: Database, actor: Actor, report_filter: ReportFilter
) -> dict[Breakdown, tuple[BreakdownRow, ...]]:
    return load_breakdowns(database, actor, report_filter, LATER_BREAKDOWNS)
