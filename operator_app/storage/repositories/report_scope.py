"""What a report query selects: the UTC period and the filters, as SQL conditions per table.

Each table is selected by its own time (calls by start, visits booked by booking time, visit
outcomes by the visit's start, hand-offs by decision time) and attributed to a person by its
own column (the caller, the booker, the lead generator who handed the lead over).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import Integer, Select, and_, cast, exists, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from operator_app.storage.models import CallAttempt, Campaign, Disposition, Lead
from operator_app.storage.repositories.report_sql import local_day

__all__ = [
    "CALENDAR_CALL_CODES",
    "DEFAULT_POSITIVE_CODES",
    "DEFAULT_REACHED_CODES",
    "CodeFlags",
    "DispositionFlags",
    "GroupKey",
    "ReportScope",
    "disposition_flags",
    "lead_conditions",
    "lead_had_call_with_version",
    "where_all",
]

# Outcomes of the calendar's own calls (confirmation, feedback …): the client was reached.
CALENDAR_CALL_CODES: Final = (
    "visit_confirmed",
    "visit_rescheduled",
    "visit_cancelled",
    "calendar_call_done",
)
# core/outcomes.py's defaults, used for a lead whose campaign has no row for the code.
DEFAULT_REACHED_CODES: Final = (
    "callback",
    "not_target",
    "refused",
    "do_not_call",
    "lead",
    "visit_booked",
)
DEFAULT_POSITIVE_CODES: Final = ("lead", "visit_booked")


class GroupKey(StrEnum):
    """What a figures query groups by; TOTAL is one row for everything selected."""

    TOTAL = "total"
    OPERATOR = "operator"
    LIST = "list"
    CAMPAIGN = "campaign"
    SCRIPT_VERSION = "script_version"
    DAY = "day"


@dataclass(frozen=True, slots=True)
class ReportScope:
    """[start, end) in UTC, the local-day offset for per-day groups, and the filters."""

    start: dt.datetime
    end: dt.datetime
    offset_minutes: int
    dialect_name: str
    flags: DispositionFlags
    campaign_id: int | None = None
    list_id: int | None = None
    operator_id: int | None = None
    script_version_id: int | None = None

    @property
    def filters_leads(self) -> bool:
        return self.campaign_id is not None or self.list_id is not None

    def in_period(self, column: Any) -> ColumnElement[bool]:
        return and_(column >= self.start, column < self.end)

    def day_of(self, column: Any) -> ColumnElement[str]:
        return local_day(column, self.offset_minutes, self.dialect_name)


def lead_conditions(scope: ReportScope) -> list[ColumnElement[bool]]:
    """The campaign and list filters, on `leads` (the caller joins it)."""
    conditions: list[ColumnElement[bool]] = []
    if scope.campaign_id is not None:
        conditions.append(Lead.campaign_id == scope.campaign_id)
    if scope.list_id is not None:
        conditions.append(Lead.list_id == scope.list_id)
    return conditions


def lead_had_call_with_version(lead_id: Any, script_version_id: int) -> ColumnElement[bool]:
    """Visits, hand-offs and verifications follow the script version of the lead's calls."""
    return exists(
        select(CallAttempt.id).where(
            CallAttempt.lead_id == lead_id, CallAttempt.script_version_id == script_version_id
        )
    )


def where_all(statement: Select[Any], conditions: list[ColumnElement[bool]]) -> Select[Any]:
    return statement.where(*conditions) if conditions else statement


@dataclass(frozen=True, slots=True)
class CodeFlags:
    """Which outcome codes are reached (or positive) whatever the lead's campaign, and which
    depend on it and so need the campaign's own row."""

    always: tuple[str, ...]
    depends: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DispositionFlags:
    reached: CodeFlags
    positive: CodeFlags


def disposition_flags(session: Session) -> DispositionFlags:
    """Reads the (small) dispositions table once, so the big queries can decide most calls by
    their code alone and look up the lead's campaign only for codes that differ between
    campaigns (or from the defaults, which leads without a row of their campaign get)."""
    campaigns = session.scalar(select(func.count()).select_from(Campaign)) or 0
    rows = session.execute(
        select(
            Disposition.code,
            func.count(),
            func.sum(cast(Disposition.reached, Integer)),
            func.sum(cast(Disposition.positive, Integer)),
        ).group_by(Disposition.code)
    ).all()
    leads_without_campaign = session.scalar(select(exists().where(Lead.campaign_id.is_(None))))
    reached: tuple[list[str], list[str]] = ([], [])
    positive: tuple[list[str], list[str]] = ([], [])
    for code, rows_count, reached_count, positive_count in rows:
        defaults_apply = rows_count < campaigns or bool(leads_without_campaign)
        for flags, true_count, default in (
            (reached, int(reached_count or 0), code in DEFAULT_REACHED_CODES),
            (positive, int(positive_count or 0), code in DEFAULT_POSITIVE_CODES),
        ):
            if true_count == rows_count:
                values = {True}
            elif true_count == 0:
                values = {False}
            else:
                values = {True, False}
            if defaults_apply:
                values.add(default)
            if values == {True}:
                flags[0].append(code)
            elif values == {True, False}:
                flags[1].append(code)
    listed = {row[0] for row in rows}
    reached[0].extend(code for code in DEFAULT_REACHED_CODES if code not in listed)
    positive[0].extend(code for code in DEFAULT_POSITIVE_CODES if code not in listed)
    return DispositionFlags(
        CodeFlags(tuple(sorted(reached[0])), tuple(sorted(reached[1]))),
        CodeFlags(tuple(sorted(positive[0])), tuple(sorted(positive[1]))),
    )
