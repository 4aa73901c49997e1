"""The call queue's queries: bucket candidates, atomic claims, counts, and change signals.

Every bucket is a separate indexed query with LIMIT, tried in bucket order, so "next client"
never sorts the whole lead table. Calling hours arrive precomputed as, per campaign, the small
set of IANA zones that are inside hours right now; the SQL only tests membership.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Connection,
    Select,
    String,
    Table,
    Update,
    and_,
    bindparam,
    case,
    cast,
    column,
    exists,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    true,
    update,
)

from operator_app.storage.lead_states import LeadState
from operator_app.storage.models import (
    CallingHours,
    Campaign,
    Company,
    Contact,
    DoNotCall,
    Lead,
    LeadList,
    Phone,
    Task,
    User,
    UserStatusPeriod,
)

__all__ = [
    "ARRIVAL_SOURCES",
    "BLOCKED_STATES",
    "BUCKET_KEYS",
    "NOTIFY_CHANNEL",
    "OWN_CALLBACKS",
    "REMINDER_TASK_KINDS",
    "RETRY_STATE",
    "CampaignConfig",
    "CampaignWindow",
    "Candidate",
    "QueueListener",
    "QueueScope",
    "WaitingRow",
    "campaign_configs",
    "claim",
    "claim_checked",
    "close_open_period",
    "count_bucket",
    "extend",
    "find_candidate",
    "insert_period",
    "lists_in_order",
    "notify",
    "periods_overlapping",
    "probe",
    "queue_version",
    "release",
    "set_user_status",
    "take_client_locks",
    "user_status",
    "waiting_rows",
    "zones_in_use",
]

NOTIFY_CHANNEL: Final = "operator_app_queue"
BUCKET_KEYS: Final = ("inbound", "callback", "reminder", "retry", "fresh")
OWN_CALLBACKS: Final = "own_callback"  # probe: the operator has callbacks of their own due
ARRIVAL_SOURCES: Final = ("inbound", "missed")
BLOCKED_STATES: Final = (LeadState.BLOCKED.value, LeadState.DO_NOT_CALL.value)
RETRY_STATE: Final = LeadState.RETRY.value
CALLBACK_TASK_KIND: Final = "callback"
REMINDER_TASK_KINDS: Final = (
    "confirm_call",
    "control_touch",
    "second_call",
    "feedback_call",
    "next_visit_reminder",
    "earlier_slot",  # a seat freed up earlier than the client's visit: offer it
)

LEADS: Final[Table] = Lead.__table__  # type: ignore[assignment]
USERS: Final[Table] = User.__table__  # type: ignore[assignment]
PERIODS: Final[Table] = UserStatusPeriod.__table__  # type: ignore[assignment]
TASKS: Final[Table] = Task.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class CampaignConfig:
    campaign_id: int
    time_zone: str
    claim_timeout_minutes: int
    callback_grace_minutes: int
    hours: tuple[tuple[int, dt.time, dt.time], ...]  # (weekday, starts, ends)


@dataclass(frozen=True, slots=True)
class CampaignWindow:
    """One campaign as the queue sees it at one moment."""

    campaign_id: int
    time_zone: str  # the campaign's, for clients without a zone of their own
    open_zones: tuple[str, ...]
    callback_cutoff: dt.datetime  # colleagues' callbacks due at or before this are open to all
    claim_until: dt.datetime


@dataclass(frozen=True, slots=True)
class QueueScope:
    user_id: int
    now: dt.datetime
    windows: tuple[CampaignWindow, ...]
    list_id: int | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    lead_id: int
    contact_id: int
    campaign_id: int
    due_at: dt.datetime | None
    detail: str | None
    task_id: int | None


@dataclass(frozen=True, slots=True)
class WaitingRow:
    lead_id: int
    client_name: str
    company: str | None
    list_name: str | None
    due_at: dt.datetime | None
    detail: str | None
    zone: str
    priority: int


# --- configuration and operator status -------------------------------------------------


def campaign_configs(connection: Connection) -> list[CampaignConfig]:
    hours: dict[int, list[tuple[int, dt.time, dt.time]]] = {}
    for row in connection.execute(
        select(
            CallingHours.campaign_id, CallingHours.weekday, CallingHours.starts, CallingHours.ends
        )
    ):
        hours.setdefault(row.campaign_id, []).append((row.weekday, row.starts, row.ends))
    rows = connection.execute(
        select(
            Campaign.id,
            Campaign.time_zone,
            Campaign.claim_timeout_minutes,
            Campaign.callback_grace_minutes,
        ).where(Campaign.active.is_(True))
    )
    return [
        CampaignConfig(row.id, row.time_zone, row[2], row[3], tuple(hours.get(row.id, ())))
        for row in rows
    ]


def user_status(connection: Connection, user_id: int) -> str | None:
    return connection.execute(select(User.status).where(User.id == user_id)).scalar_one_or_none()


def set_user_status(
    connection: Connection, user_id: int, status: str, reason: str | None, now: dt.datetime
) -> bool:
    result = connection.execute(
        update(USERS)
        .where(USERS.c.id == user_id)
        .values(status=status, status_reason=reason, status_since=now)
    )
    return result.rowcount == 1


def close_open_period(connection: Connection, user_id: int, now: dt.datetime) -> None:
    connection.execute(
        update(PERIODS)
        .where(PERIODS.c.user_id == user_id, PERIODS.c.ended_at.is_(None))
        .values(ended_at=now)
    )


def insert_period(
    connection: Connection, user_id: int, status: str, reason: str | None, now: dt.datetime
) -> None:
    connection.execute(
        PERIODS.insert().values(user_id=user_id, status=status, reason=reason, started_at=now)
    )


def periods_overlapping(
    connection: Connection, user_id: int, start: dt.datetime, end: dt.datetime
) -> list[tuple[str, dt.datetime, dt.datetime | None]]:
    rows = connection.execute(
        select(PERIODS.c.status, PERIODS.c.started_at, PERIODS.c.ended_at).where(
            PERIODS.c.user_id == user_id,
            PERIODS.c.started_at < end,
            or_(PERIODS.c.ended_at.is_(None), PERIODS.c.ended_at > start),
        )
    )
    return [(row.status, row.started_at, row.ended_at) for row in rows]


# --- the eligibility rules shared by every bucket ---------------------------------------
#
# Statements are built once per shape (bucket, number of campaigns, filters) with bound
# parameters and reused: building SQLAlchemy expressions costs more than running them.

L: Final[Table] = LEADS
C: Final[Table] = Contact.__table__  # type: ignore[assignment]
P: Final[Table] = Phone.__table__  # type: ignore[assignment]
CAMP: Final[Table] = Campaign.__table__  # type: ignore[assignment]
LISTS: Final[Table] = LeadList.__table__  # type: ignore[assignment]
COMPANIES: Final[Table] = Company.__table__  # type: ignore[assignment]
DNC: Final[Table] = DoNotCall.__table__  # type: ignore[assignment]
T: Final[Table] = TASKS


@dataclass(frozen=True, slots=True)
class _Shape:
    bucket: str
    windows: int
    scope_list: bool  # the operator filtered the queue by one list
    per_list: bool  # "fresh" asked for one list at a time (the claim path)
    excluded: bool
    postgres: bool
    claiming: bool = False  # the probe and the claim's candidates, not the queue view
    after: bool = False  # "fresh" from one list: only leads after a given id
    part: str = ""  # "callback" when claiming: "own" or "others" (see _callback_query)
    lock: bool = False  # PostgreSQL's claim: lock the rows offered, skipping locked ones


def _client_zone(window: int) -> ColumnElement[str]:
    """The client's zone (kept on the lead row, see storage/client_zones.py), else the
    campaign's (bound per window, so the queue's queries need no join)."""
    return func.coalesce(L.c.client_zone, bindparam(f"campaign_zone_{window}", type_=String))


def _zone_in(zone: ColumnElement[str], name: str, postgres: bool) -> ColumnElement[bool]:
    """zone IN the set bound as ONE parameter (an array on PostgreSQL, JSON on SQLite).

    One parameter keeps the SQL text constant and short, so drivers cache and prepare it;
    hundreds of expanded placeholders cost more to render than the query costs to run.
    """
    if postgres:
        return zone == func.any(bindparam(name, type_=ARRAY(String)))
    members: Select[Any] = select(column("value")).select_from(
        func.json_each(bindparam(name, type_=String))
    )
    return zone.in_(members)


def _inside_hours(windows: int, postgres: bool) -> ColumnElement[bool]:
    branches = [
        and_(
            L.c.campaign_id == bindparam(f"cid_{i}"),
            _zone_in(_client_zone(i), f"zones_{i}", postgres),
        )
        for i in range(windows)
    ]
    return or_(*branches) if branches else false()


def _written(values: Sequence[str]) -> list[ColumnElement[str]]:
    """Our own constant codes written into the SQL text (they are identifiers, never input).

    An `IN` over bound values becomes an "expanding" parameter, and SQLAlchemy then renders
    the statement again on every run: a third of the claim's time in Python.
    """
    assert all(value.isidentifier() for value in values)
    return [literal_column(f"'{value}'") for value in values]


def _not_do_not_call() -> ColumnElement[bool]:
    phone = P.alias("dnc_phone")
    return ~exists(
        select(literal(1))
        .select_from(phone.join(DNC, DNC.c.e164 == phone.c.e164))
        .where(phone.c.contact_id == L.c.contact_id)
    )


def _client_free() -> ColumnElement[bool]:
    """No other lead of the same person or sharing one of their numbers is held by others."""
    other = L.alias("other_lead")
    own_phone = P.alias("own_phone")
    their_phone = P.alias("their_phone")
    held = and_(
        other.c.claimed_by_id != bindparam("uid"), other.c.claimed_until >= bindparam("now")
    )
    same_contact = exists(
        select(literal(1)).where(other.c.contact_id == L.c.contact_id, other.c.id != L.c.id, held)
    )
    shared_number = exists(
        select(literal(1))
        .select_from(
            own_phone.join(their_phone, their_phone.c.e164 == own_phone.c.e164).join(
                other, other.c.contact_id == their_phone.c.contact_id
            )
        )
        .where(
            own_phone.c.contact_id == L.c.contact_id,
            their_phone.c.contact_id != L.c.contact_id,
            held,
        )
    )
    return and_(~same_contact, ~shared_number)


def _eligible(shape: _Shape) -> list[ColumnElement[bool]]:
    # The cheap test on the lead row itself comes first.
    conditions = [
        or_(L.c.claimed_until.is_(None), L.c.claimed_until < bindparam("now")),
        L.c.state.not_in(_written(BLOCKED_STATES)),
        _inside_hours(shape.windows, shape.postgres),
        _not_do_not_call(),
    ]
    if not (shape.postgres and shape.claiming):
        # On PostgreSQL a claim re-checks this after taking the client's advisory locks
        # (claim_checked), so the candidate queries leave it out: it is the most expensive
        # part of their plans, and a client held elsewhere is rare.
        conditions.append(_client_free())
    if shape.scope_list:
        conditions.append(L.c.list_id == bindparam("scope_list"))
    if shape.excluded:
        conditions.append(L.c.id.not_in(bindparam("excluded", expanding=True)))
    if shape.after:
        conditions.append(L.c.id > bindparam("after"))
    return conditions


def _base(*columns: Any) -> Select[Any]:
    return select(*columns).select_from(L)


def _params(
    connection: Connection,
    scope: QueueScope,
    list_id: int | None = None,
    excluded: Sequence[int] = (),
) -> dict[str, Any]:
    postgres = connection.dialect.name == "postgresql"
    params: dict[str, Any] = {"uid": scope.user_id, "now": scope.now}
    for i, window in enumerate(scope.windows):
        params[f"cid_{i}"] = window.campaign_id
        params[f"campaign_zone_{i}"] = window.time_zone
        zones = list(window.open_zones)
        params[f"zones_{i}"] = zones if postgres else json.dumps(zones)
        params[f"cutoff_{i}"] = window.callback_cutoff
    if scope.list_id is not None:
        params["scope_list"] = scope.list_id
    if list_id is not None:
        params["list_id"] = list_id
    if excluded:
        params["excluded"] = list(excluded)
    return params


def _shape(
    connection: Connection,
    bucket: str,
    scope: QueueScope,
    list_id: int | None = None,
    excluded: Sequence[int] = (),
    *,
    claiming: bool = False,
    after: bool = False,
    part: str = "",
    lock: bool = False,
) -> _Shape:
    return _Shape(
        bucket,
        len(scope.windows),
        scope.list_id is not None,
        list_id is not None,
        bool(excluded),
        connection.dialect.name == "postgresql",
        claiming,
        after,
        part,
        lock,
    )


# --- one query per bucket ---------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def _bucket_query(shape: _Shape) -> tuple[Select[Any], tuple[tuple[Any, bool], ...]]:
    """The bucket's rows (id, contact, campaign, due, detail, task) and their order.

    The order is a tuple of (expression, descending) pairs.
    """
    conditions = _eligible(shape)
    now: Any = bindparam("now")
    none_task: ColumnElement[Any] = literal(None).label("task_id")
    if shape.bucket == "inbound":
        query = _base(
            L.c.id, L.c.contact_id, L.c.campaign_id, L.c.created_at, L.c.source, none_task
        ).where(L.c.source.in_(_written(ARRIVAL_SOURCES)), L.c.state == LeadState.NEW, *conditions)
        return query, ((L.c.created_at, False), (L.c.id, False))
    if shape.bucket == "callback":
        return _callback_query(shape, conditions)
    if shape.bucket == "reminder":
        kinds = T.c.kind.in_(_written(REMINDER_TASK_KINDS))
        query = _task_query(shape, kinds, lambda _lead: T.c.kind, lambda _lead: [], conditions)
        return query, ((T.c.due_at, False), (T.c.id, False))
    if shape.bucket == "retry":
        query = _base(
            L.c.id,
            L.c.contact_id,
            L.c.campaign_id,
            L.c.next_action_at,
            literal("retry"),
            none_task,
        ).where(L.c.state == RETRY_STATE, L.c.next_action_at <= now, *conditions)
        return query, ((L.c.next_action_at, False), (L.c.id, False))
    if shape.bucket == "fresh":
        query = (
            _base(L.c.id, L.c.contact_id, L.c.campaign_id, L.c.created_at, LISTS.c.name, none_task)
            .join(LISTS, LISTS.c.id == L.c.list_id)
            .where(L.c.state == LeadState.NEW, L.c.source == "list", *conditions)
        )
        if shape.per_list:
            query = query.where(L.c.list_id == bindparam("list_id"))
        return query, ((LISTS.c.priority, True), (LISTS.c.abc_class, False), (L.c.id, False))
    raise ValueError(f"unknown bucket {shape.bucket!r}")


_Lead = Any  # the leads table, or on PostgreSQL the lateral subquery standing for it


def _task_query(
    shape: _Shape,
    kind: ColumnElement[bool],
    detail: Callable[[_Lead], ColumnElement[Any]],
    whose: Callable[[_Lead], list[ColumnElement[bool]]],
    conditions: list[ColumnElement[bool]],
) -> Select[Any]:
    """Open tasks of some kind, due now, on leads meeting `conditions`.

    On PostgreSQL the lead is read through a LATERAL subquery behind an OFFSET fence: the
    planner then has to go along ix_tasks_due in offer order and look up each task's lead,
    stopping at the first callable one. Joined plainly, it estimates that hardly any lead
    passes the calling-hours and do-not-call tests, so it sees nothing to gain from stopping
    early, and joins and sorts every due task on every claim.

    A claim locks the lead inside the subquery, skipping one locked elsewhere. Locking it
    is also what re-reads it: a lead claimed by a transaction that committed after this
    statement began is seen claimed and passed over, not offered stale.
    """
    task_conditions = [kind, T.c.state == "open", T.c.due_at <= bindparam("now")]
    if not shape.postgres:
        return (
            _base(L.c.id, L.c.contact_id, L.c.campaign_id, T.c.due_at, detail(L), T.c.id)
            .join(T, T.c.lead_id == L.c.id)
            .where(*task_conditions, *whose(L), *conditions)
        )
    lead = (
        select(L.c.id, L.c.contact_id, L.c.campaign_id)
        .where(L.c.id == T.c.lead_id, *conditions)
        .offset(0)
    )
    if shape.lock:
        lead = lead.with_for_update(skip_locked=True)
    lateral = lead.lateral("task_lead")
    return (
        select(
            lateral.c.id,
            lateral.c.contact_id,
            lateral.c.campaign_id,
            T.c.due_at,
            detail(lateral),
            T.c.id,
        )
        .select_from(T.join(lateral, true()))
        .where(*task_conditions, *whose(lateral))
    )


def _callback_query(
    shape: _Shape, conditions: list[ColumnElement[bool]]
) -> tuple[Select[Any], tuple[tuple[Any, bool], ...]]:
    """Due callbacks: the operator's own, shared ones, and colleagues' ones once they are
    `callback_grace_minutes` overdue; the operator's own first.

    A claim asks for the operator's own (part "own") and then for the others (part
    "others"), each read along an index in due order; the queue view asks for all at once.
    """
    own = T.c.assigned_to_id == bindparam("uid")
    shared = T.c.assigned_to_id.is_(None)

    def opened_to_all(lead: _Lead) -> list[ColumnElement[bool]]:
        return [
            and_(
                lead.c.campaign_id == bindparam(f"cid_{i}"), T.c.due_at <= bindparam(f"cutoff_{i}")
            )
            for i in range(shape.windows)
        ]

    def whose(lead: _Lead) -> list[ColumnElement[bool]]:
        if shape.part == "own":
            return [own]
        if shape.part == "others":
            return [or_(shared, and_(~own, or_(*opened_to_all(lead))))]
        return [or_(own, shared, *opened_to_all(lead))]

    def detail(_lead: _Lead) -> ColumnElement[Any]:
        return case((own, "own"), (shared, "shared"), else_="colleague")

    kind = T.c.kind == CALLBACK_TASK_KIND
    query = _task_query(shape, kind, detail, whose, conditions)
    if shape.part:
        return query, ((T.c.due_at, False), (T.c.id, False))
    return query, ((case((own, 0), else_=1), False), (T.c.due_at, False), (T.c.id, False))


@functools.cache
def _probe_statement() -> Select[Any]:
    """The operator's status and, for each small bucket, whether anything may wait in it.

    Only the conditions that define a bucket, each answered from one index: a hint of where
    to look, cheap to plan and to run. The bucket's candidate query then applies calling
    hours, claims, the do-not-call list and the operator's filters; a bucket that only holds
    leads nobody may call now costs that one query and falls through.
    """
    now: Any = bindparam("now")
    status = select(USERS.c.status).where(USERS.c.id == bindparam("uid")).scalar_subquery()
    open_task = and_(T.c.state == "open", T.c.due_at <= now)
    flags = {
        "inbound": exists().where(
            L.c.source.in_(_written(ARRIVAL_SOURCES)), L.c.state == LeadState.NEW
        ),
        "callback": exists().where(T.c.kind == CALLBACK_TASK_KIND, open_task),
        "reminder": exists().where(T.c.kind.in_(_written(REMINDER_TASK_KINDS)), open_task),
        "retry": exists().where(L.c.state == RETRY_STATE, L.c.next_action_at <= now),
    }
    own_callback = exists().where(
        T.c.assigned_to_id == bindparam("uid"), T.c.kind == CALLBACK_TASK_KIND, open_task
    )
    return select(
        status.label("status"),
        *(flags[bucket].label(f"has_{bucket}") for bucket in BUCKET_KEYS[:-1]),
        own_callback.label("has_own_callback"),
    )


_ZONES_IN_USE = text(
    # A loose index scan: one seek in ix_leads_client_zone per distinct zone.
    "WITH RECURSIVE zone(name) AS ("
    " SELECT min(client_zone) FROM leads"
    " UNION ALL"
    " SELECT (SELECT min(client_zone) FROM leads WHERE client_zone > zone.name)"
    " FROM zone WHERE zone.name IS NOT NULL"
    ") SELECT name FROM zone WHERE name IS NOT NULL"
)


def zones_in_use(connection: Connection) -> frozenset[str]:
    """The distinct client zones on leads (a handful), so the queue binds only those."""
    return frozenset(connection.execute(_ZONES_IN_USE).scalars())


def probe(connection: Connection, scope: QueueScope) -> tuple[str | None, frozenset[str]]:
    """One round trip: the operator's status and the small buckets worth querying now
    (with OWN_CALLBACKS when the operator has callbacks of their own due).

    Nothing is locked: a bucket reported non-empty may be taken before it is queried (the
    claim then simply moves on), and one reported empty is looked at again next time.
    """
    row = connection.execute(_probe_statement(), {"uid": scope.user_id, "now": scope.now}).one()
    keys = (*BUCKET_KEYS[:-1], OWN_CALLBACKS)
    present = frozenset(b for b, flag in zip(keys, row[1:], strict=True) if flag)
    return row[0], present


def lists_in_order(connection: Connection) -> tuple[int, ...]:
    """Every lead list, in the order fresh leads are worked (priority, then ABC class)."""
    query = select(LISTS.c.id).order_by(LISTS.c.priority.desc(), LISTS.c.abc_class, LISTS.c.id)
    return tuple(connection.execute(query).scalars())


def _ordering(keys: Sequence[tuple[Any, bool]]) -> list[Any]:
    return [key.desc() if descending else key for key, descending in keys]


@functools.lru_cache(maxsize=1024)
def _candidate_statement(shape: _Shape) -> Select[Any]:
    query, order = _bucket_query(shape)
    if shape.per_list:
        # One list: its priority and class are constants, and ordering by the lead id alone
        # lets the planner walk ix_leads_list_queue and stop at the first eligible lead.
        order = ((L.c.id, False),)
    query = query.order_by(*_ordering(order)).limit(1)
    if shape.lock:
        # Task buckets lock the task here (one another desktop holds, or a call's outcome
        # is closing, is skipped) and their lead in its subquery (see _task_query).
        locked = T if shape.bucket in ("callback", "reminder") else L
        query = query.with_for_update(skip_locked=True, of=locked)
    return query


def find_candidate(
    connection: Connection,
    bucket: str,
    scope: QueueScope,
    *,
    list_id: int | None = None,
    excluded: Sequence[int] = (),
    lock: bool = False,
    after: int | None = None,
    part: str = "",
) -> Candidate | None:
    """The first lead of one bucket (for "fresh": of one list, with `after`: past that lead
    id; for "callback": of one `part`, see _callback_query); on PostgreSQL row-locked."""
    shape = _shape(
        connection,
        bucket,
        scope,
        list_id,
        excluded,
        claiming=True,
        after=after is not None,
        part=part,
        lock=lock,
    )
    params = _params(connection, scope, list_id, excluded)
    if after is not None:
        params["after"] = after
    row = connection.execute(_candidate_statement(shape), params).first()
    if row is None:
        return None
    return Candidate(row[0], row[1], row[2], row[3], row[4], row[5])


_LOCK_CLIENT = text(
    "SELECT pg_try_advisory_xact_lock(2, CAST(:contact_id % 2147483647 AS integer))"
    " AND coalesce(bool_and(pg_try_advisory_xact_lock(1, hashtext(e164))), true)"
    " FROM phones WHERE contact_id = :contact_id"
)


def take_client_locks(connection: Connection, contact_id: int) -> bool:
    """PostgreSQL: the client's advisory transaction locks; re-check with claim_checked."""
    return bool(connection.execute(_LOCK_CLIENT, {"contact_id": contact_id}).scalar_one())


@functools.cache
def _claim_checked_statement() -> Update:
    # A separate statement from the advisory locks, so it reads with a snapshot taken after
    # they were granted; pg_notify runs only for the row actually claimed.
    payload = literal("claim:") + cast(L.c.id, String)
    return (
        update(L)
        .where(
            L.c.id == bindparam("lead_id"),
            or_(L.c.claimed_until.is_(None), L.c.claimed_until < bindparam("now")),
            _client_free(),
        )
        .values(
            claimed_by_id=bindparam("uid"),
            claimed_until=bindparam("until"),
            updated_at=bindparam("now"),
        )
        .returning(L.c.id, func.pg_notify(literal(NOTIFY_CHANNEL), payload))
    )


def claim_checked(
    connection: Connection, lead_id: int, user_id: int, until: dt.datetime, now: dt.datetime
) -> bool:
    """PostgreSQL, after take_client_locks: claim the lead unless it or its client is held
    by someone else, and notify listeners of the claim, in one statement."""
    params = {"lead_id": lead_id, "uid": user_id, "until": until, "now": now}
    return connection.execute(_claim_checked_statement(), params).first() is not None


def claim(
    connection: Connection, lead_id: int, user_id: int, until: dt.datetime, now: dt.datetime
) -> bool:
    result = connection.execute(
        update(LEADS)
        .where(
            LEADS.c.id == lead_id,
            or_(LEADS.c.claimed_until.is_(None), LEADS.c.claimed_until < now),
        )
        .values(claimed_by_id=user_id, claimed_until=until, updated_at=now)
    )
    return result.rowcount == 1


def extend(
    connection: Connection, lead_id: int, user_id: int, until: dt.datetime, now: dt.datetime
) -> bool:
    result = connection.execute(
        update(LEADS)
        .where(LEADS.c.id == lead_id, LEADS.c.claimed_by_id == user_id)
        .values(claimed_until=until, updated_at=now)
    )
    return result.rowcount == 1


def claim_timeout(connection: Connection, lead_id: int) -> int | None:
    return connection.execute(
        select(Campaign.claim_timeout_minutes)
        .select_from(Lead)
        .join(Campaign, Campaign.id == Lead.campaign_id)
        .where(Lead.id == lead_id)
    ).scalar_one_or_none()


def release(connection: Connection, lead_id: int, user_id: int, now: dt.datetime) -> bool:
    result = connection.execute(
        update(LEADS)
        .where(LEADS.c.id == lead_id, LEADS.c.claimed_by_id == user_id)
        .values(claimed_by_id=None, claimed_until=None, updated_at=now)
    )
    return result.rowcount == 1


def notify(connection: Connection, payload: str) -> None:
    """PostgreSQL: tell every listening desktop, delivered when this transaction commits."""
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT pg_notify(:channel, :payload)"),
            {"channel": NOTIFY_CHANNEL, "payload": payload},
        )


# --- the queue view ---------------------------------------------------------------------


def count_bucket(
    connection: Connection, bucket: str, scope: QueueScope, limit: int
) -> tuple[int, dt.datetime | None]:
    """(how many, up to `limit`; the earliest due among them)."""
    query, _order = _bucket_query(_shape(connection, bucket, scope))
    inner = query.limit(limit).subquery()
    due_column = list(inner.columns)[3]
    statement = select(func.count(), func.min(due_column)).select_from(inner)
    row = connection.execute(statement, _params(connection, scope)).one()
    return int(row[0]), row[1]


def waiting_rows(
    connection: Connection,
    bucket: str,
    scope: QueueScope,
    limit: int,
    list_id: int | None = None,
) -> list[WaitingRow]:
    """The bucket's first rows in offer order ("fresh" with `list_id`: that list's)."""
    shape = _shape(connection, bucket, scope, list_id)
    query, order = _bucket_query(shape)
    if shape.per_list:
        order = ((L.c.id, False),)  # one list: walk its index (see _candidate_statement)
    keys = [key.label(f"order_{i}") for i, (key, _descending) in enumerate(order)]
    ids = query.add_columns(*keys).order_by(*_ordering(order)).limit(limit).subquery()
    columns = list(ids.columns)
    outer_order = [(ids.c[f"order_{i}"], descending) for i, (_key, descending) in enumerate(order)]
    lead = L.alias("shown_lead")
    details = (
        select(
            columns[0],
            C.c.full_name,
            COMPANIES.c.name,
            LISTS.c.name,
            columns[3],
            columns[4],
            func.coalesce(lead.c.client_zone, CAMP.c.time_zone),
            func.coalesce(LISTS.c.priority, lead.c.priority),
        )
        .select_from(
            ids.join(lead, lead.c.id == columns[0])
            .join(C, C.c.id == lead.c.contact_id)
            .join(CAMP, CAMP.c.id == lead.c.campaign_id)
            .outerjoin(COMPANIES, COMPANIES.c.id == C.c.company_id)
            .outerjoin(LISTS, LISTS.c.id == lead.c.list_id)
        )
        .order_by(*_ordering(outer_order))
    )
    rows = connection.execute(details, _params(connection, scope, list_id)).all()
    return [
        WaitingRow(row[0], row[1] or "", row[2], row[3], row[4], row[5], row[6], int(row[7]))
        for row in rows
    ]


def queue_version(connection: Connection) -> tuple[Any, ...]:
    """A cheap fingerprint that changes whenever leads or tasks change (for the SQLite poll)."""
    row = connection.execute(
        select(
            select(func.max(Lead.updated_at)).scalar_subquery(),
            select(func.max(Task.id)).scalar_subquery(),
            select(func.count()).select_from(Task).where(Task.state == "open").scalar_subquery(),
        )
    ).one()
    return tuple(row)


# --- PostgreSQL change notifications ----------------------------------------------------


class QueueListener:
    """LISTEN on the queue channel over its own psycopg connection; Qt-free, for a thread.

    `wait(timeout)` blocks until at least one notification arrives or the timeout passes and
    returns the payloads received (empty on timeout).
    """

    def __init__(self, url: str) -> None:
        import psycopg  # only PostgreSQL desktops listen; SQLite ones never load it
        from sqlalchemy import make_url

        parsed = make_url(url).set(drivername="postgresql")
        connection = psycopg.connect(parsed.render_as_string(hide_password=False), autocommit=True)
        try:
            connection.execute(f"LISTEN {NOTIFY_CHANNEL}")
        except BaseException:
            # The server can go away between connecting and listening (a restart): the
            # half-opened connection must be closed here, nobody else holds it.
            connection.close()
            raise
        self._connection = connection

    def wait(self, timeout: float) -> list[str]:
        payloads = [n.payload for n in self._connection.notifies(timeout=timeout, stop_after=1)]
        if payloads:
            # Collect whatever else has already arrived, waiting only briefly.
            payloads.extend(n.payload for n in self._connection.notifies(timeout=0.01))
        return payloads

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> QueueListener:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
