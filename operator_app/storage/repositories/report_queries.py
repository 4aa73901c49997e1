"""The dashboard's figures as SQL aggregates, grouped by one key (see report_scope.GroupKey).

Every function returns one row per key value found; a key with nothing to count is absent.
Definitions are those of the supervisor-review plan: calls are finished call attempts (with
a disposition); "reached" and "positive" come from the lead's campaign's dispositions row,
else the defaults; working days are distinct (caller, local day) pairs; leads taken into work
are the different leads with a finished call, each counted once, for the caller and script
version of its first call in the period (the call row knows when its lead's previous call
started, see migration 0006), so the per-operator and per-version counts add up to the total.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import (
    Integer,
    Select,
    case,
    cast,
    distinct,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Subquery

from operator_app.storage.models import (
    CallAttempt,
    Disposition,
    Handoff,
    Lead,
    Visit,
    VisitResult,
)
from operator_app.storage.repositories.report_scope import (
    CALENDAR_CALL_CODES,
    DEFAULT_POSITIVE_CODES,
    DEFAULT_REACHED_CODES,
    CodeFlags,
    GroupKey,
    ReportScope,
    lead_conditions,
    lead_had_call_with_version,
    where_all,
)

__all__ = [
    "ACCEPTED_HANDOFF_STATES",
    "ActivityRollUps",
    "CallActivity",
    "VisitOutcomes",
    "call_activity",
    "call_activity_per_day",
    "handoffs_accepted",
    "positive_leads",
    "visit_bookings",
    "visit_outcomes",
]

# The seller accepted the lead, or a supervisor overruled the seller's return.
ACCEPTED_HANDOFF_STATES: Final = ("accepted", "overruled")

Key = int | str | None
KeyColumn = ColumnElement[Any] | InstrumentedAttribute[Any]


@dataclass(frozen=True, slots=True)
class CallActivity:
    key: Key
    calls: int
    reached: int
    talk_seconds: int
    working_days: int
    taken_into_work: int = 0


@dataclass(frozen=True, slots=True)
class VisitOutcomes:
    key: Key
    held: int
    no_shows: int
    leads_held: int
    sales: int
    revenue: Decimal


# --- calls ---------------------------------------------------------------------------------


def _call_key(scope: ReportScope, key: GroupKey) -> KeyColumn:
    match key:
        case GroupKey.TOTAL:
            return literal(0)
        case GroupKey.OPERATOR:
            return CallAttempt.operator_id
        case GroupKey.LIST:
            return Lead.list_id
        case GroupKey.CAMPAIGN:
            return Lead.campaign_id
        case GroupKey.SCRIPT_VERSION:
            return CallAttempt.script_version_id
        case GroupKey.DAY:
            return scope.day_of(CallAttempt.started_at)


def _joins_leads(scope: ReportScope, key: GroupKey) -> bool:
    return scope.filters_leads or key in (GroupKey.LIST, GroupKey.CAMPAIGN)


def _finished_calls(scope: ReportScope, statement: Select[Any], *, join_leads: bool) -> Select[Any]:
    """Finished calls of the period that pass the filters (`leads` joined when asked)."""
    conditions = [scope.in_period(CallAttempt.started_at), CallAttempt.disposition.is_not(None)]
    if join_leads:
        statement = statement.join(Lead, Lead.id == CallAttempt.lead_id)
        conditions += lead_conditions(scope)
    if scope.operator_id is not None:
        conditions.append(CallAttempt.operator_id == scope.operator_id)
    if scope.script_version_id is not None:
        conditions.append(CallAttempt.script_version_id == scope.script_version_id)
    return statement.where(*conditions)


def _code_flag(
    flags: CodeFlags, defaults: tuple[str, ...], flag: Any, *, join_leads: bool
) -> ColumnElement[int]:
    """1 when the call's outcome has the flag for its lead's campaign, else 0.

    Codes whose flag is the same in every campaign are decided by the code alone; only the
    others look up the campaign's row (defaults when the campaign has none).
    """
    code = CallAttempt.disposition
    whens: list[tuple[ColumnElement[bool], Any]] = []
    if flags.always:
        whens.append((code.in_(flags.always), 1))
    if flags.depends:
        own_row_of = select(cast(flag, Integer)).where(Disposition.code == code)
        if join_leads:
            own_row_of = own_row_of.where(Disposition.campaign_id == Lead.campaign_id)
        else:
            own_row_of = own_row_of.join(Lead, Lead.campaign_id == Disposition.campaign_id).where(
                Lead.id == CallAttempt.lead_id
            )
        own_row = own_row_of.scalar_subquery()
        default = case((code.in_(defaults), 1), else_=0)
        whens.append((code.in_(flags.depends), func.coalesce(own_row, default)))
    if not whens:
        return literal(0)
    return case(*whens, else_=0)


def _reached(scope: ReportScope, *, join_leads: bool) -> ColumnElement[int]:
    always = CodeFlags(
        (*CALENDAR_CALL_CODES, *scope.flags.reached.always), scope.flags.reached.depends
    )
    return _code_flag(always, DEFAULT_REACHED_CODES, Disposition.reached, join_leads=join_leads)


def _positive(scope: ReportScope, *, join_leads: bool) -> ColumnElement[int]:
    return _code_flag(
        scope.flags.positive, DEFAULT_POSITIVE_CODES, Disposition.positive, join_leads=join_leads
    )


def _per_caller_day(scope: ReportScope, key: GroupKey, *, join_leads: bool) -> Subquery:
    """Calls, reached calls, talk and leads taken into work per (key, caller, local day);
    the day and the caller are columns too."""
    day = scope.day_of(CallAttempt.started_at)
    key_column = day if key is GroupKey.DAY else _call_key(scope, key)
    # The day computed once per call: grouping by it twice costs PostgreSQL a third more.
    groups: list[Any] = [day, CallAttempt.operator_id]
    if key not in (GroupKey.DAY, GroupKey.OPERATOR):
        groups.append(key_column)
    # The lead's first call of the period: its previous call started before the period.
    previous = CallAttempt.previous_call_at
    taken = case((or_(previous.is_(None), previous < scope.start), 1), else_=0)
    return (
        _finished_calls(
            scope,
            select(
                key_column.label("key"),
                day.label("day"),
                CallAttempt.operator_id.label("caller"),
                func.count().label("calls"),
                func.sum(_reached(scope, join_leads=join_leads)).label("reached"),
                func.sum(CallAttempt.talk_seconds).label("talk"),
                func.sum(taken).label("taken"),
            ).select_from(CallAttempt),
            join_leads=join_leads,
        )
        .group_by(*groups)
        .subquery("per_caller_day")
    )


def _activity(row: Any) -> CallActivity:
    key_value, calls, reached, talk, days, taken = row
    # The total of an empty selection is one row of NULL sums.
    return CallActivity(
        key_value,
        int(calls or 0),
        int(reached or 0),
        int(talk or 0),
        int(days or 0),
        int(taken or 0),
    )


def _rolled_up(groups: Any) -> tuple[Any, ...]:
    """The figures of a roll-up of (key, caller, day) rows, in `_activity`'s order."""
    return (
        func.sum(groups.c.calls),
        func.sum(groups.c.reached),
        func.sum(groups.c.talk),
        func.count(),
        func.sum(groups.c.taken),
    )


def call_activity(session: Session, scope: ReportScope, key: GroupKey) -> list[CallActivity]:
    """Calls, reached calls, talk seconds, working days (caller-days) and leads taken into
    work per key."""
    join_leads = _joins_leads(scope, key)
    groups = _per_caller_day(scope, key, join_leads=join_leads)
    statement = select(groups.c.key, *_rolled_up(groups)).group_by(groups.c.key)
    return [_activity(row) for row in session.execute(statement)]


@dataclass(frozen=True, slots=True)
class ActivityRollUps:
    days: list[CallActivity]
    total: CallActivity
    operators: list[CallActivity]  # empty unless asked for


_PER_DAY, _TOTAL, _PER_OPERATOR = 0, 1, 2


def call_activity_per_day(
    session: Session, scope: ReportScope, *, per_operator: bool = False
) -> ActivityRollUps:
    """`call_activity` per local day and in total (and per operator when asked), from one
    pass over the calls: the rows per (caller, day) roll up into all three."""
    join_leads = scope.filters_leads
    groups = _per_caller_day(scope, GroupKey.DAY, join_leads=join_leads)
    shared = select(groups).cte("per_caller_day_rows")
    figures = _rolled_up(shared)
    # A day and a caller are of different types (text on PostgreSQL): each has its column.
    no_day = cast(None, shared.c.day.type)
    no_caller = cast(None, shared.c.caller.type)
    parts = [
        select(literal(_PER_DAY), shared.c.day, no_caller, *figures).group_by(shared.c.day),
        select(literal(_TOTAL), no_day, no_caller, *figures),
    ]
    if per_operator:
        parts.append(
            select(literal(_PER_OPERATOR), no_day, shared.c.caller, *figures).group_by(
                shared.c.caller
            )
        )
    rows = session.execute(union_all(*parts)).all()
    by_part: dict[int, list[CallActivity]] = {_PER_DAY: [], _TOTAL: [], _PER_OPERATOR: []}
    for part, day, caller, *values in rows:
        by_part[int(part)].append(_activity((caller if part == _PER_OPERATOR else day, *values)))
    totals = by_part[_TOTAL]
    # An empty selection still sums to one row of NULLs (and a count of 0).
    total = totals[0] if totals else CallActivity(None, 0, 0, 0, 0)
    return ActivityRollUps(by_part[_PER_DAY], total, by_part[_PER_OPERATOR])


def positive_leads(session: Session, scope: ReportScope, key: GroupKey) -> dict[Key, int]:
    """Distinct leads with a finished call whose outcome is positive, per key."""
    candidates = (*scope.flags.positive.always, *scope.flags.positive.depends)
    if not candidates:
        return {}
    join_leads = _joins_leads(scope, key)
    key_column = _call_key(scope, key)
    statement = (
        _finished_calls(
            scope,
            select(key_column, func.count(distinct(CallAttempt.lead_id))).select_from(CallAttempt),
            join_leads=join_leads,
        )
        .where(
            CallAttempt.disposition.in_(candidates),
            _positive(scope, join_leads=join_leads) == 1,
        )
        .group_by(key_column)
    )
    return {k: int(n) for k, n in session.execute(statement)}


# --- visits and hand-offs ------------------------------------------------------------------


def _lead_versions() -> Subquery:
    """(lead, script version) pairs of every call: visits follow their lead's versions."""
    return (
        select(CallAttempt.lead_id, CallAttempt.script_version_id)
        .where(CallAttempt.script_version_id.is_not(None))
        .distinct()
        .subquery("lead_versions")
    )


def _lead_keyed(
    scope: ReportScope,
    key: GroupKey,
    lead_id: Any,
    person: Any,
    day_column: Any,
    columns: list[ColumnElement[Any]],
    source: Any,
) -> tuple[Select[Any], KeyColumn]:
    """A statement over a lead-linked table keyed and filtered like the calls."""
    versions = _lead_versions() if key is GroupKey.SCRIPT_VERSION else None
    key_column: KeyColumn
    match key:
        case GroupKey.TOTAL:
            key_column = literal(0)
        case GroupKey.OPERATOR:
            key_column = person
        case GroupKey.LIST:
            key_column = Lead.list_id
        case GroupKey.CAMPAIGN:
            key_column = Lead.campaign_id
        case GroupKey.SCRIPT_VERSION:
            assert versions is not None
            key_column = versions.c.script_version_id
        case GroupKey.DAY:
            key_column = scope.day_of(day_column)
    statement = select(key_column, *columns).select_from(source)
    needs_lead = scope.filters_leads or key in (GroupKey.LIST, GroupKey.CAMPAIGN)
    if needs_lead:
        statement = statement.join(Lead, Lead.id == lead_id)
    if versions is not None:
        statement = statement.join(versions, versions.c.lead_id == lead_id)
    conditions = lead_conditions(scope)
    if scope.operator_id is not None:
        conditions.append(person == scope.operator_id)
    if scope.script_version_id is not None:
        conditions.append(lead_had_call_with_version(lead_id, scope.script_version_id))
    return where_all(statement, conditions), key_column


def visit_bookings(session: Session, scope: ReportScope, key: GroupKey) -> dict[Key, int]:
    """New bookings by booking time (a move of a visit is not a new booking)."""
    statement, key_column = _lead_keyed(
        scope, key, Visit.lead_id, Visit.booked_by_id, Visit.booked_at, [func.count()], Visit
    )
    statement = statement.where(
        scope.in_period(Visit.booked_at), Visit.rescheduled_from_id.is_(None)
    ).group_by(key_column)
    return {k: int(n) for k, n in session.execute(statement)}


def visit_outcomes(session: Session, scope: ReportScope, key: GroupKey) -> list[VisitOutcomes]:
    """Held visits, no-shows, leads with a held visit, sales and revenue by the visit's start."""
    held = Visit.status == "held"
    sold = VisitResult.sale.is_(True)
    columns: list[ColumnElement[Any]] = [
        func.count(case((held, 1))),
        func.count(case((Visit.status == "no_show", 1))),
        func.count(distinct(case((held, Visit.lead_id)))),
        func.count(case((sold, 1))),
        func.sum(case((sold, VisitResult.amount))),
    ]
    source = Visit.__table__.outerjoin(VisitResult.__table__, VisitResult.visit_id == Visit.id)
    statement, key_column = _lead_keyed(
        scope, key, Visit.lead_id, Visit.booked_by_id, Visit.starts_at, columns, source
    )
    statement = statement.where(
        scope.in_period(Visit.starts_at),
        or_(Visit.status.in_(("held", "no_show")), VisitResult.id.is_not(None)),
    ).group_by(key_column)
    return [
        VisitOutcomes(k, int(h), int(n), int(lh), int(s), _money(r))
        for k, h, n, lh, s, r in session.execute(statement)
    ]


def handoffs_accepted(session: Session, scope: ReportScope, key: GroupKey) -> dict[Key, int]:
    statement, key_column = _lead_keyed(
        scope,
        key,
        Handoff.lead_id,
        Handoff.from_user_id,
        Handoff.decided_at,
        [func.count()],
        Handoff,
    )
    statement = statement.where(
        scope.in_period(Handoff.decided_at), Handoff.state.in_(ACCEPTED_HANDOFF_STATES)
    ).group_by(key_column)
    return {k: int(n) for k, n in session.execute(statement)}


def _money(value: Any) -> Decimal:
    if value is None:
        return Decimal("0.00")
    return Decimal(value).quantize(Decimal("0.01"))
