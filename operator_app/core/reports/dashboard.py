"""The supervisor's dashboard: figures, funnel, trend, reasons and breakdowns for a filter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final

from sqlalchemy.orm import Session

from operator_app.core.errors import PermissionDenied
from operator_app.core.reports.filters import ReportFilter
from operator_app.core.roles import Actor, Permission
from operator_app.core.scripts_format import ScriptFormatError, from_document
from operator_app.core.verification.criteria import CriteriaError, reasons_from_data
from operator_app.storage.database import Database
from operator_app.storage.repositories import report_detail_queries as details
from operator_app.storage.repositories import report_label_queries as labels
from operator_app.storage.repositories import report_queries as figures_sql
from operator_app.storage.repositories.report_scope import GroupKey, ReportScope, disposition_flags
from operator_app.storage.repositories.report_sql import parse_day

__all__ = [
    "FUNNEL_CODES",
    "Breakdown",
    "BreakdownRow",
    "Choice",
    "Dashboard",
    "Figures",
    "FilterChoices",
    "FunnelStage",
    "ObjectionCount",
    "ReasonCount",
    "StepCount",
    "TrendPoint",
    "effective_filter",
    "filter_choices",
    "find_campaign",
    "load_breakdown",
    "load_dashboard",
]


class Breakdown(StrEnum):
    OPERATOR = "operator"
    LIST = "list"
    SCRIPT_VERSION = "script_version"
    CAMPAIGN = "campaign"


def _ratio(numerator: float, denominator: float) -> float | None:
    return None if denominator == 0 else numerator / denominator


@dataclass(frozen=True, slots=True)
class Figures:
    calls: int = 0
    reached: int = 0
    talk_seconds: int = 0
    working_days: int = 0
    taken_into_work: int = 0
    leads: int = 0
    handoffs_accepted: int = 0
    visits_booked: int = 0
    visits_held: int = 0
    no_shows: int = 0
    sales: int = 0
    revenue: Decimal = Decimal("0.00")
    leads_held: int = 0
    """Distinct leads with a held visit: the numerator of the lead → held conversion."""

    @property
    def reach_rate(self) -> float | None:
        return _ratio(self.reached, self.calls)

    @property
    def talk_minutes(self) -> float:
        return self.talk_seconds / 60

    @property
    def talk_minutes_per_day(self) -> float | None:
        return _ratio(self.talk_minutes, self.working_days)

    @property
    def attendance_rate(self) -> float | None:
        return _ratio(self.visits_held, self.visits_held + self.no_shows)

    @property
    def conversion_to_lead(self) -> float | None:
        return _ratio(self.leads, self.taken_into_work)

    @property
    def conversion_to_held(self) -> float | None:
        return _ratio(self.leads_held, self.leads)

    @property
    def conversion_to_sale(self) -> float | None:
        return _ratio(self.sales, self.visits_held)


@dataclass(frozen=True, slots=True)
class BreakdownRow:
    key: int | None
    label: str
    figures: Figures
    hypothesis: str | None = None
    login: str | None = None
    """The operator's login (operator breakdowns only)."""


@dataclass(frozen=True, slots=True)
class FunnelStage:
    code: str
    count: int


@dataclass(frozen=True, slots=True)
class TrendPoint:
    day: dt.date
    calls: int
    reached: int
    leads: int
    visits_held: int
    talk_seconds: int


@dataclass(frozen=True, slots=True)
class ReasonCount:
    reason: str
    count: int


@dataclass(frozen=True, slots=True)
class StepCount:
    script_version_id: int | None
    step_id: str
    stage: str | None
    count: int


@dataclass(frozen=True, slots=True)
class ObjectionCount:
    step_id: str
    objection_id: str
    count: int
    title: str = ""  # the objection's title in its script ("" if no script has it now)


@dataclass(frozen=True, slots=True)
class Dashboard:
    report_filter: ReportFilter
    totals: Figures
    funnel: tuple[FunnelStage, ...]
    trend: tuple[TrendPoint, ...]
    non_target_reasons: tuple[ReasonCount, ...]
    no_show_reasons: tuple[ReasonCount, ...]
    drop_off: tuple[StepCount, ...]
    objections: tuple[ObjectionCount, ...]


@dataclass(frozen=True, slots=True)
class Choice:
    key: int
    label: str


@dataclass(frozen=True, slots=True)
class FilterChoices:
    campaigns: tuple[Choice, ...]
    lists: tuple[Choice, ...]
    operators: tuple[Choice, ...]
    script_versions: tuple[Choice, ...]


FUNNEL_CODES: Final = ("taken_into_work", "leads", "visits_booked", "visits_held", "sales")

_GROUP_OF: Final = {
    Breakdown.OPERATOR: GroupKey.OPERATOR,
    Breakdown.LIST: GroupKey.LIST,
    Breakdown.SCRIPT_VERSION: GroupKey.SCRIPT_VERSION,
    Breakdown.CAMPAIGN: GroupKey.CAMPAIGN,
}


def effective_filter(actor: Actor, report_filter: ReportFilter) -> ReportFilter:
    """Supervisors and admins see everyone; anyone else sees their own figures only."""
    if actor.can(Permission.VIEW_ALL_KPIS):
        return report_filter
    if report_filter.operator_id not in (None, actor.user_id):
        raise PermissionDenied(Permission.VIEW_ALL_KPIS.value, actor.role.value)
    return report_filter.for_operator(actor.user_id)


def _scope(session: Session, report_filter: ReportFilter) -> ReportScope:
    period = report_filter.period
    start, end = period.utc_bounds()
    return ReportScope(
        start=start,
        end=end,
        offset_minutes=period.utc_offset_minutes(),
        dialect_name=session.get_bind().dialect.name,
        flags=disposition_flags(session),
        campaign_id=report_filter.campaign_id,
        list_id=report_filter.list_id,
        operator_id=report_filter.operator_id,
        script_version_id=report_filter.script_version_id,
    )


_Job = Callable[[Session], Any]

# The independent queries of one load run side by side, each on its own connection: the
# database works on several at once (PostgreSQL in parallel processes, SQLite in threads
# that release the GIL while a statement runs), so a load takes about its slowest queries
# rather than their sum. Each connection reads its own snapshot; a figure written between
# two of them shows in the next load.
PARALLEL_QUERIES = 4


def _run_queries(database: Database, jobs: Mapping[str, _Job]) -> dict[str, Any]:
    def run(job: _Job) -> Any:
        with database.session() as session:
            return job(session)

    with ThreadPoolExecutor(max_workers=PARALLEL_QUERIES) as pool:
        futures = {name: pool.submit(run, job) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


def _figure_jobs(scope: ReportScope, key: GroupKey, *, with_activity: bool) -> dict[str, _Job]:
    """One GROUP BY query per figure family, each a job for `_run_queries`."""
    jobs: dict[str, _Job] = {
        "leads": lambda session: figures_sql.positive_leads(session, scope, key),
        "booked": lambda session: figures_sql.visit_bookings(session, scope, key),
        "outcomes": lambda session: figures_sql.visit_outcomes(session, scope, key),
        "handoffs": lambda session: figures_sql.handoffs_accepted(session, scope, key),
    }
    if with_activity:
        jobs["activity"] = lambda session: figures_sql.call_activity(session, scope, key)
    return jobs


def _assemble_figures(
    results: Mapping[str, Any], activity_rows: list[figures_sql.CallActivity]
) -> dict[Any, Figures]:
    activity = {row.key: row for row in activity_rows}
    leads: dict[Any, int] = results["leads"]
    booked: dict[Any, int] = results["booked"]
    outcomes = {row.key: row for row in results["outcomes"]}
    handoffs: dict[Any, int] = results["handoffs"]
    keys = {*activity, *leads, *booked, *outcomes, *handoffs}
    result: dict[Any, Figures] = {}
    for key_value in keys:
        calls = activity.get(key_value)
        outcome = outcomes.get(key_value)
        result[key_value] = Figures(
            calls=calls.calls if calls else 0,
            reached=calls.reached if calls else 0,
            talk_seconds=calls.talk_seconds if calls else 0,
            working_days=calls.working_days if calls else 0,
            taken_into_work=calls.taken_into_work if calls else 0,
            leads=leads.get(key_value, 0),
            handoffs_accepted=handoffs.get(key_value, 0),
            visits_booked=booked.get(key_value, 0),
            visits_held=outcome.held if outcome else 0,
            no_shows=outcome.no_shows if outcome else 0,
            sales=outcome.sales if outcome else 0,
            revenue=outcome.revenue if outcome else Decimal("0.00"),
            leads_held=outcome.leads_held if outcome else 0,
        )
    return result


def _trend(
    report_filter: ReportFilter,
    activity_rows: list[figures_sql.CallActivity],
    leads: dict[dt.date, int],
    held: dict[dt.date, int],
) -> tuple[TrendPoint, ...]:
    """One point per day of the period, days without anything included as zeros."""
    activity = {parse_day(row.key): row for row in activity_rows if row.key is not None}
    points = []
    for day in report_filter.period.day_list():
        calls = activity.get(day)
        points.append(
            TrendPoint(
                day=day,
                calls=calls.calls if calls else 0,
                reached=calls.reached if calls else 0,
                leads=leads.get(day, 0),
                visits_held=held.get(day, 0),
                talk_seconds=calls.talk_seconds if calls else 0,
            )
        )
    return tuple(points)


def _step_stages(session: Session, version_ids: set[int]) -> dict[tuple[int, str], str]:
    """(version, step) → the kind of the stage the step belongs to, from the documents."""
    stages: dict[tuple[int, str], str] = {}
    for version_id, document in labels.script_documents(session, version_ids).items():
        try:
            parsed = from_document(document)
        except ScriptFormatError:
            continue  # a malformed stored document: its steps simply carry no stage
        for stage, step in parsed.steps():
            stages[(version_id, step.id)] = stage.kind.value
    return stages


def _drop_off(session: Session, scope: ReportScope) -> tuple[StepCount, ...]:
    ends = details.call_end_steps(session, scope)
    stages = _step_stages(session, {version for version, _, _ in ends if version is not None})
    return tuple(
        StepCount(
            version,
            step,
            stages.get((version, step)) if version is not None else None,
            count,
        )
        for version, step, count in ends
    )


def _objection_titles(session: Session) -> dict[str, str]:
    """Objection id → its title, from each script's newest version (an id is unique within
    a script; where two scripts share one, the first script's title is used)."""
    titles: dict[str, str] = {}
    for document in labels.newest_script_documents(session):
        try:
            parsed = from_document(document)
        except ScriptFormatError:
            continue  # a malformed stored document: its objections keep their ids
        for objection in parsed.objections():
            titles.setdefault(objection.id, objection.title)
    return titles


def _dashboard_jobs(scope: ReportScope, *, per_operator: bool) -> dict[str, _Job]:
    """The dashboard's queries; `per_operator`: the per-day pass also rolls its rows up per
    operator (the operator breakdown's call figures, without a pass of their own)."""
    jobs = _figure_jobs(scope, GroupKey.TOTAL, with_activity=False)
    jobs |= {
        "per_day": lambda session: figures_sql.call_activity_per_day(
            session, scope, per_operator=per_operator
        ),
        "leads_per_day": lambda session: figures_sql.positive_leads(session, scope, GroupKey.DAY),
        "held_per_day": lambda session: figures_sql.visit_outcomes(session, scope, GroupKey.DAY),
        "non_target": lambda session: details.non_target_reasons(session, scope),
        "reason_lists": labels.non_target_reason_lists,
        "no_show": lambda session: details.no_show_reasons(session, scope),
        "drop_off": lambda session: _drop_off(session, scope),
        "objections": lambda session: details.objections_per_step(session, scope),
        "objection_titles": _objection_titles,
    }
    return jobs


def _labelled_reasons(
    counts: Sequence[tuple[str, int]], reason_lists: Sequence[Any]
) -> tuple[ReasonCount, ...]:
    """Verdicts store a reason's code and call outcomes its label: codes become the campaign's
    label (the newest criteria version's), and the same label counts once."""
    labels_of: dict[str, str] = {}
    for stored in reason_lists:
        try:
            labels_of.update((reason.code, reason.label) for reason in reasons_from_data(stored))
        except CriteriaError:
            continue  # a damaged stored list: its codes stay as they are
    merged: dict[str, int] = {}
    for reason, count in counts:
        label = labels_of.get(reason, reason)
        merged[label] = merged.get(label, 0) + count
    ordered = sorted(merged.items(), key=lambda item: (-item[1], item[0]))
    return tuple(ReasonCount(reason, count) for reason, count in ordered)


def _dashboard_from(report_filter: ReportFilter, results: Mapping[str, Any]) -> Dashboard:
    activity: figures_sql.ActivityRollUps = results["per_day"]
    totals = _assemble_figures(results, [replace(activity.total, key=0)]).get(0, Figures())
    leads = {parse_day(day): n for day, n in results["leads_per_day"].items()}
    held = {parse_day(row.key): row.held for row in results["held_per_day"]}
    return Dashboard(
        report_filter=report_filter,
        totals=totals,
        funnel=tuple(FunnelStage(code, getattr(totals, code)) for code in FUNNEL_CODES),
        trend=_trend(report_filter, activity.days, leads, held),
        non_target_reasons=_labelled_reasons(results["non_target"], results["reason_lists"]),
        no_show_reasons=tuple(ReasonCount(reason, n) for reason, n in results["no_show"]),
        drop_off=results["drop_off"],
        objections=tuple(
            ObjectionCount(step, objection, n, results["objection_titles"].get(objection, ""))
            for step, objection, n in results["objections"]
        ),
    )


def load_dashboard(database: Database, actor: Actor, report_filter: ReportFilter) -> Dashboard:
    """The figures, funnel, trend and lists for the filter (an operator's own only)."""
    dashboard, _ = _load(database, actor, report_filter, (), with_dashboard=True)
    assert dashboard is not None
    return dashboard


def load_dashboard_with_breakdowns(
    database: Database,
    actor: Actor,
    report_filter: ReportFilter,
    breakdowns: Sequence[Breakdown],
) -> tuple[Dashboard, dict[Breakdown, tuple[BreakdownRow, ...]]]:
    """The dashboard and the breakdowns it shows, their queries run as one parallel batch
    (what the dashboard page loads for one filter)."""
    dashboard, rows = _load(database, actor, report_filter, breakdowns, with_dashboard=True)
    assert dashboard is not None
    return dashboard, rows


def _load(
    database: Database,
    actor: Actor,
    report_filter: ReportFilter,
    breakdowns: Sequence[Breakdown],
    *,
    with_dashboard: bool,
) -> tuple[Dashboard | None, dict[Breakdown, tuple[BreakdownRow, ...]]]:
    report_filter = effective_filter(actor, report_filter)
    with database.session() as session:
        scope = _scope(session, report_filter)
    # The operators' call figures come with the dashboard's per-day pass when both are read.
    shared_pass = with_dashboard and Breakdown.OPERATOR in breakdowns
    jobs = _dashboard_jobs(scope, per_operator=shared_pass) if with_dashboard else {}
    for by in breakdowns:
        own_pass = not (shared_pass and by is Breakdown.OPERATOR)
        jobs |= {
            f"{by.value}:{name}": job
            for name, job in _figure_jobs(scope, _GROUP_OF[by], with_activity=own_pass).items()
        }
    results = _run_queries(database, jobs)
    if shared_pass:
        results[f"{Breakdown.OPERATOR.value}:activity"] = results["per_day"].operators
    dashboard = _dashboard_from(report_filter, results) if with_dashboard else None
    rows: dict[Breakdown, tuple[BreakdownRow, ...]] = {}
    with database.session() as session:
        for by in breakdowns:
            prefix = f"{by.value}:"
            own = {
                name.removeprefix(prefix): value
                for name, value in results.items()
                if name.startswith(prefix)
            }
            rows[by] = _breakdown_rows(session, by, own)
    return dashboard, rows


def _labelled(session: Session, by: Breakdown, keys: set[int]) -> dict[int, labels.Named]:
    """Key → its name (and hypothesis or login) for the rows of a breakdown."""
    match by:
        case Breakdown.OPERATOR:
            named = labels.people(session, keys)
        case Breakdown.LIST:
            named = labels.lead_lists(session, keys)
        case Breakdown.SCRIPT_VERSION:
            named = labels.script_versions(session, keys)
        case Breakdown.CAMPAIGN:
            named = labels.campaigns(session, keys)
    return {row.key: row for row in named}


def _version_label(row: labels.Named) -> str:
    return f"{row.name} v{row.version}"


def _row(key: int | None, figures: Figures, named: labels.Named | None) -> BreakdownRow:
    if named is None:
        return BreakdownRow(key, "", figures)
    label = named.name if named.version is None else _version_label(named)
    return BreakdownRow(key, label, figures, hypothesis=named.hypothesis, login=named.login)


def load_breakdown(
    database: Database, actor: Actor, report_filter: ReportFilter, by: Breakdown
) -> tuple[BreakdownRow, ...]:
    """The figures per operator, list, script version or campaign, ordered by label.

    Rows whose key is unset (a deleted user, a lead with no list, a call without a script)
    come last with an empty label; the GUI names them.
    """
    return load_breakdowns(database, actor, report_filter, (by,))[by]


def load_breakdowns(
    database: Database, actor: Actor, report_filter: ReportFilter, breakdowns: Sequence[Breakdown]
) -> dict[Breakdown, tuple[BreakdownRow, ...]]:
    """Several breakdowns, their queries run as one parallel batch."""
    _, rows = _load(database, actor, report_filter, breakdowns, with_dashboard=False)
    return rows


def _breakdown_rows(
    session: Session, by: Breakdown, results: Mapping[str, Any]
) -> tuple[BreakdownRow, ...]:
    per_key = _assemble_figures(results, results["activity"])
    names = _labelled(session, by, {key for key in per_key if key is not None})
    rows = [_row(key, figures, names.get(key)) for key, figures in per_key.items()]
    rows.sort(key=lambda row: (row.key is None, row.label.casefold(), row.key or 0))
    return tuple(rows)


def find_campaign(database: Database, name: str) -> int | None:
    """The id of the campaign with exactly this name, if any."""
    with database.session() as session:
        return labels.campaign_by_name(session, name)


def filter_choices(database: Database, actor: Actor) -> FilterChoices:
    """What the filters offer; someone who sees only their own figures is the only operator."""
    with database.session() as session:
        if actor.can(Permission.VIEW_ALL_KPIS):
            operators = labels.people(session, callers_only=True)
        else:
            operators = labels.people(session, {actor.user_id})
        return FilterChoices(
            campaigns=tuple(Choice(row.key, row.name) for row in labels.campaigns(session)),
            lists=tuple(Choice(row.key, row.name) for row in labels.lead_lists(session)),
            operators=tuple(Choice(row.key, row.name) for row in operators),
            script_versions=tuple(
                Choice(row.key, _version_label(row)) for row in labels.script_versions(session)
            ),
        )
