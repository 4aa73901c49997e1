"""The queries behind booking: resources with their hours and exceptions, seats taken, the
client's preferences and zone, the atomic seat counter, and visit rows.

A seat is taken by one conditional UPDATE (`booked < capacity`), so however many desktops
book the same slot at once, the database lets exactly `capacity` of them through.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    DateTime,
    Select,
    String,
    Table,
    func,
    literal,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from operator_app.storage.models import (
    AuditEntry,
    CalendarException,
    Campaign,
    ClientPreferences,
    Contact,
    Lead,
    Office,
    Resource,
    Slot,
    Visit,
    WorkingHours,
)

__all__ = [
    "ACTIVE_VISIT_STATUSES",
    "ExceptionRow",
    "LeadForBooking",
    "PreferencesRow",
    "ResourceRow",
    "VisitRow",
    "add_audit",
    "booked_counts",
    "calendar_exceptions",
    "contact_exists",
    "ensure_slot",
    "free_seat",
    "insert_visit",
    "lead_for_booking",
    "lock_visit",
    "preferences_row",
    "resource_rows",
    "save_preferences_row",
    "set_lead_state",
    "set_visit_status",
    "slot_id",
    "take_seat",
    "visit_row",
    "working_hours",
]

ACTIVE_VISIT_STATUSES: tuple[str, ...] = ("booked", "confirmed")
"""A visit in one of these still holds its seat and can be moved or cancelled."""


@dataclass(frozen=True, slots=True)
class ResourceRow:
    resource_id: int
    office_id: int
    name: str
    kind: str
    office_time_zone: str
    capacity: int
    slot_minutes: int
    buffer_minutes: int
    active: bool
    """The resource and its office are both active."""


@dataclass(frozen=True, slots=True)
class ExceptionRow:
    office_id: int | None
    resource_id: int | None
    day: dt.date
    kind: str
    starts: dt.time | None
    ends: dt.time | None


@dataclass(frozen=True, slots=True)
class PreferencesRow:
    contact_id: int
    windows: list[Any]
    time_zone: str | None
    channel: str | None
    contact_time: str | None
    wants_earlier: bool


@dataclass(frozen=True, slots=True)
class LeadForBooking:
    lead_id: int
    contact_id: int
    state: str
    client_zone: str | None
    """The client's own zone, else the campaign's; None when neither is known."""


@dataclass(frozen=True, slots=True)
class VisitRow:
    visit_id: int
    lead_id: int
    resource_id: int
    slot_id: int | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    confirmation_channel: str | None
    confirmation_note: str | None
    wants_earlier: bool
    details: dict[str, Any]


def _resources_query() -> Select[Any]:
    return select(
        Resource.id,
        Resource.office_id,
        Resource.name,
        Resource.kind,
        Office.time_zone,
        Resource.capacity,
        Resource.slot_minutes,
        Resource.buffer_minutes,
        Resource.active & Office.active,
    ).join(Office, Office.id == Resource.office_id)


def resource_rows(
    session: Session,
    *,
    resource_ids: Collection[int] | None = None,
    office_id: int | None = None,
    active_only: bool = False,
) -> list[ResourceRow]:
    """Resources by id and/or of one office (neither: all), by id."""
    query = _resources_query()
    if resource_ids is not None:
        query = query.where(Resource.id.in_(sorted(resource_ids)))
    if office_id is not None:
        query = query.where(Resource.office_id == office_id)
    if active_only:
        query = query.where(Resource.active.is_(True), Office.active.is_(True))
    return [
        ResourceRow(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], bool(row[8]))
        for row in session.execute(query.order_by(Resource.id))
    ]


def working_hours(
    session: Session, resource_ids: Collection[int]
) -> dict[int, list[tuple[int, dt.time, dt.time]]]:
    """resource id -> [(weekday, starts, ends)] in the office's time."""
    hours: dict[int, list[tuple[int, dt.time, dt.time]]] = {rid: [] for rid in resource_ids}
    if not resource_ids:
        return hours
    rows = session.execute(
        select(
            WorkingHours.resource_id, WorkingHours.weekday, WorkingHours.starts, WorkingHours.ends
        )
        .where(WorkingHours.resource_id.in_(sorted(resource_ids)))
        .order_by(WorkingHours.resource_id, WorkingHours.weekday, WorkingHours.starts)
    )
    for resource_id, weekday, starts, ends in rows:
        hours[resource_id].append((weekday, starts, ends))
    return hours


def calendar_exceptions(
    session: Session,
    *,
    office_ids: Collection[int],
    resource_ids: Collection[int],
    day_from: dt.date | None = None,
    day_to: dt.date | None = None,
) -> list[ExceptionRow]:
    """Exceptions of these offices and resources on day_from..day_to (both included)."""
    conditions = []
    if office_ids:
        conditions.append(CalendarException.office_id.in_(sorted(office_ids)))
    if resource_ids:
        conditions.append(CalendarException.resource_id.in_(sorted(resource_ids)))
    if not conditions:
        return []
    query = select(
        CalendarException.office_id,
        CalendarException.resource_id,
        CalendarException.day,
        CalendarException.kind,
        CalendarException.starts,
        CalendarException.ends,
    ).where(or_(*conditions))
    if day_from is not None:
        query = query.where(CalendarException.day >= day_from)
    if day_to is not None:
        query = query.where(CalendarException.day <= day_to)
    return [
        ExceptionRow(*row)
        for row in session.execute(query.order_by(CalendarException.day, CalendarException.id))
    ]


def booked_counts(
    session: Session, resource_ids: Collection[int], starts: Collection[dt.datetime]
) -> dict[tuple[int, dt.datetime], int]:
    """(resource id, slot start) -> seats taken, for the slots starting at one of `starts`."""
    if not resource_ids or not starts:
        return {}
    # Thousands of rows share a few dozen starts: the driver's raw values (SQLite's text,
    # PostgreSQL's aware datetimes) are converted once per distinct value, skipping
    # UtcDateTime's per-row decorator and the ORM's row handling.
    sqlite = session.get_bind().dialect.name == "sqlite"
    raw_moment: TypeEngine[Any] = String() if sqlite else DateTime(timezone=True)
    rows = (
        session.connection()
        .execute(
            select(Slot.resource_id, type_coerce(Slot.starts_at, raw_moment), Slot.booked).where(
                Slot.resource_id.in_(sorted(resource_ids)),
                Slot.starts_at.in_(sorted(starts)),
                Slot.booked > 0,
            )
        )
        .all()
    )
    utc = _UtcMoments(sqlite)
    return {(resource_id, utc(starts_at)): booked for resource_id, starts_at, booked in rows}


class _UtcMoments:
    """Raw stored moments as aware UTC datetimes, each distinct value converted once."""

    def __init__(self, sqlite: bool) -> None:
        self._sqlite = sqlite
        self._seen: dict[Any, dt.datetime] = {}

    def __call__(self, raw: Any) -> dt.datetime:
        moment = self._seen.get(raw)
        if moment is None:
            if self._sqlite:  # naive UTC text
                moment = dt.datetime.fromisoformat(raw).replace(tzinfo=dt.UTC)
            elif raw.tzinfo is None:
                moment = raw.replace(tzinfo=dt.UTC)
            else:
                moment = raw.astimezone(dt.UTC)
            self._seen[raw] = moment
        return moment


def preferences_row(session: Session, contact_id: int) -> PreferencesRow | None:
    row = session.execute(
        select(
            ClientPreferences.contact_id,
            ClientPreferences.windows,
            ClientPreferences.time_zone,
            ClientPreferences.channel,
            ClientPreferences.contact_time,
            ClientPreferences.wants_earlier,
        ).where(ClientPreferences.contact_id == contact_id)
    ).one_or_none()
    if row is None:
        return None
    return PreferencesRow(row[0], list(row[1] or []), row[2], row[3], row[4], bool(row[5]))


def _insert(session: Session, entity: Any) -> Any:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(entity)


def save_preferences_row(
    session: Session, contact_id: int, values: Mapping[str, Any], now: dt.datetime
) -> None:
    """Create or replace the contact's preferences (race-free: insert-if-missing, update)."""
    session.execute(
        _insert(session, ClientPreferences)
        .values(contact_id=contact_id, windows=[], updated_at=now)
        .on_conflict_do_nothing(index_elements=["contact_id"])
    )
    session.execute(
        update(ClientPreferences)
        .where(ClientPreferences.contact_id == contact_id)
        .values(**values, updated_at=now)
    )


def contact_exists(session: Session, contact_id: int) -> bool:
    return session.get(Contact, contact_id) is not None


def lead_for_booking(
    session: Session, lead_id: int, *, lock: bool = False
) -> LeadForBooking | None:
    query = (
        select(
            Lead.id,
            Lead.contact_id,
            Lead.state,
            func.coalesce(Lead.client_zone, Campaign.time_zone),
        )
        .outerjoin(Campaign, Campaign.id == Lead.campaign_id)
        .where(Lead.id == lead_id)
    )
    if lock:
        query = query.with_for_update(of=Lead)
    row = session.execute(query).one_or_none()
    return None if row is None else LeadForBooking(row[0], row[1], row[2], row[3])


def set_lead_state(session: Session, lead_id: int, state: str, now: dt.datetime) -> None:
    """Through the ORM, so the audit hook records the change (when it is one)."""
    lead = session.get(Lead, lead_id)
    if lead is not None and lead.state != state:
        lead.state = state
        lead.updated_at = now
        session.flush()


def ensure_slot(session: Session, resource_id: int, starts_at: dt.datetime) -> int:
    """The slot row's id, inserting it (with no seats taken) when it is not there yet.

    The new row's capacity is read from the resource by the INSERT itself, so a capacity an
    administrator changed after the booking read the resource is the one the slot gets. Two
    transactions inserting the same slot at once do not fail: ON CONFLICT DO NOTHING waits
    for the other and then uses its row.
    """
    slots: Table = Slot.__table__  # type: ignore[assignment]
    source = select(
        literal(resource_id, type_=slots.c.resource_id.type),
        literal(starts_at, type_=slots.c.starts_at.type),
        Resource.capacity,
        literal(0, type_=slots.c.booked.type),
    ).where(Resource.id == resource_id)  # SQLite needs the WHERE before ON CONFLICT
    session.execute(
        _insert(session, Slot)
        .from_select(["resource_id", "starts_at", "capacity", "booked"], source)
        .on_conflict_do_nothing(index_elements=["resource_id", "starts_at"])
    )
    found = slot_id(session, resource_id, starts_at)
    assert found is not None  # inserted above, or by someone who committed first
    return found


def slot_id(session: Session, resource_id: int, starts_at: dt.datetime) -> int | None:
    return session.execute(
        select(Slot.id).where(Slot.resource_id == resource_id, Slot.starts_at == starts_at)
    ).scalar_one_or_none()


def take_seat(session: Session, slot_id: int) -> bool:
    """One seat more, unless the slot is full. False: no seat was free."""
    result = session.execute(
        update(Slot)
        .where(Slot.id == slot_id, Slot.booked < Slot.capacity)
        .values(booked=Slot.booked + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def free_seat(session: Session, slot_id: int) -> bool:
    result = session.execute(
        update(Slot)
        .where(Slot.id == slot_id, Slot.booked > 0)
        .values(booked=Slot.booked - 1)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def insert_visit(session: Session, **values: Any) -> int:
    visit = Visit(**values)
    session.add(visit)
    session.flush()
    return visit.id


def _visit_row(visit: Visit) -> VisitRow:
    return VisitRow(
        visit.id,
        visit.lead_id,
        visit.resource_id,
        visit.slot_id,
        visit.starts_at,
        visit.ends_at,
        visit.status,
        visit.confirmation_channel,
        visit.confirmation_note,
        visit.wants_earlier,
        dict(visit.details or {}),
    )


def visit_row(session: Session, visit_id: int) -> VisitRow | None:
    visit = session.execute(select(Visit).where(Visit.id == visit_id)).scalar_one_or_none()
    return None if visit is None else _visit_row(visit)


def lock_visit(session: Session, visit_id: int) -> VisitRow | None:
    """The visit, locked until the transaction ends (on PostgreSQL; SQLite's write lock is
    already held by write_session), as it is after anyone before us committed."""
    visit = session.execute(
        select(Visit)
        .where(Visit.id == visit_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    return None if visit is None else _visit_row(visit)


def set_visit_status(
    session: Session, visit_id: int, status: str, values: Mapping[str, Any] | None = None
) -> None:
    session.execute(
        update(Visit)
        .where(Visit.id == visit_id)
        .values(status=status, **dict(values or {}))
        .execution_options(synchronize_session=False)
    )


def add_audit(
    session: Session,
    *,
    user_id: int | None,
    entity: str,
    entity_id: int,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    at: dt.datetime,
) -> None:
    session.add(
        AuditEntry(
            at=at,
            user_id=user_id,
            entity=entity,
            entity_id=entity_id,
            action=action,
            before=before,
            after=after,
        )
    )
