"""The queries behind the administrator's calendar editor: offices, resources, weekly hours,
calendar exceptions, the future slots a capacity change touches, and future visits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from operator_app.storage.models import (
    CalendarException,
    Office,
    Resource,
    Slot,
    User,
    Visit,
    WorkingHours,
)

__all__ = [
    "ExceptionRow",
    "OfficeRow",
    "ResourceRow",
    "UserRow",
    "delete_exception",
    "exception_rows",
    "future_visit_count",
    "hours_of",
    "insert_exception",
    "insert_office",
    "insert_resource",
    "lock_office",
    "lock_resource",
    "office_name_taken",
    "office_rows",
    "overbooked_future_slot",
    "replace_hours",
    "resource_name_taken",
    "resource_rows",
    "seller_rows",
    "set_future_slot_capacity",
    "update_office",
    "update_resource",
    "user_row",
]

ACTIVE_VISIT_STATUSES: tuple[str, ...] = ("booked", "confirmed")


@dataclass(frozen=True, slots=True)
class OfficeRow:
    office_id: int
    name: str
    address: str
    directions: str | None
    phone: str | None
    time_zone: str
    active: bool
    resource_count: int


@dataclass(frozen=True, slots=True)
class ResourceRow:
    resource_id: int
    office_id: int
    name: str
    kind: str
    user_id: int | None
    user_name: str | None
    capacity: int
    slot_minutes: int
    buffer_minutes: int
    active: bool


@dataclass(frozen=True, slots=True)
class ExceptionRow:
    exception_id: int
    office_id: int | None
    resource_id: int | None
    day: dt.date
    kind: str
    starts: dt.time | None
    ends: dt.time | None
    note: str | None


@dataclass(frozen=True, slots=True)
class UserRow:
    user_id: int
    display_name: str
    role: str
    active: bool


# --- offices ------------------------------------------------------------------------------------


def office_rows(session: Session, office_id: int | None = None) -> list[OfficeRow]:
    """Offices (or one) by name, with how many resources each has."""
    counts = (
        select(Resource.office_id, func.count(Resource.id).label("n"))
        .group_by(Resource.office_id)
        .subquery()
    )
    query = select(
        Office.id,
        Office.name,
        Office.address,
        Office.directions,
        Office.phone,
        Office.time_zone,
        Office.active,
        func.coalesce(counts.c.n, 0),
    ).outerjoin(counts, counts.c.office_id == Office.id)
    if office_id is not None:
        query = query.where(Office.id == office_id)
    return [OfficeRow(*row) for row in session.execute(query.order_by(Office.name, Office.id))]


def lock_office(session: Session, office_id: int) -> OfficeRow | None:
    """The office, its row locked (PostgreSQL) until the transaction ends."""
    session.execute(select(Office.id).where(Office.id == office_id).with_for_update())
    rows = office_rows(session, office_id)
    return rows[0] if rows else None


def _name_taken(rows: Iterable[Any], name: str, except_id: int | None) -> bool:
    # Compared here: SQLite's lower() knows only ASCII, and the names are mostly Cyrillic.
    wanted = name.casefold()
    return any(row[1].casefold() == wanted and row[0] != except_id for row in rows)


def office_name_taken(session: Session, name: str, except_id: int | None = None) -> bool:
    return _name_taken(session.execute(select(Office.id, Office.name)), name, except_id)


def insert_office(session: Session, values: Mapping[str, Any]) -> int:
    office = Office(**values)
    session.add(office)
    session.flush()
    return office.id


def update_office(session: Session, office_id: int, values: Mapping[str, Any]) -> None:
    session.execute(
        update(Office)
        .where(Office.id == office_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


# --- resources ----------------------------------------------------------------------------------


def resource_rows(
    session: Session, *, office_id: int | None = None, resource_id: int | None = None
) -> list[ResourceRow]:
    """Resources of an office (or one resource) by name."""
    query = select(
        Resource.id,
        Resource.office_id,
        Resource.name,
        Resource.kind,
        Resource.user_id,
        User.display_name,
        Resource.capacity,
        Resource.slot_minutes,
        Resource.buffer_minutes,
        Resource.active,
    ).outerjoin(User, User.id == Resource.user_id)
    if office_id is not None:
        query = query.where(Resource.office_id == office_id)
    if resource_id is not None:
        query = query.where(Resource.id == resource_id)
    return [
        ResourceRow(*row) for row in session.execute(query.order_by(Resource.name, Resource.id))
    ]


def lock_resource(session: Session, resource_id: int) -> ResourceRow | None:
    """The resource, its row locked (PostgreSQL) until the transaction ends."""
    session.execute(select(Resource.id).where(Resource.id == resource_id).with_for_update())
    rows = resource_rows(session, resource_id=resource_id)
    return rows[0] if rows else None


def resource_name_taken(
    session: Session, office_id: int, name: str, except_id: int | None = None
) -> bool:
    rows = session.execute(
        select(Resource.id, Resource.name).where(Resource.office_id == office_id)
    )
    return _name_taken(rows, name, except_id)


def insert_resource(session: Session, values: Mapping[str, Any]) -> int:
    resource = Resource(**values)
    session.add(resource)
    session.flush()
    return resource.id


def update_resource(session: Session, resource_id: int, values: Mapping[str, Any]) -> None:
    session.execute(
        update(Resource)
        .where(Resource.id == resource_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def user_row(session: Session, user_id: int) -> UserRow | None:
    row = session.execute(
        select(User.id, User.display_name, User.role, User.active).where(User.id == user_id)
    ).first()
    return None if row is None else UserRow(*row)


def seller_rows(session: Session) -> list[UserRow]:
    rows = session.execute(
        select(User.id, User.display_name, User.role, User.active)
        .where(User.role == "seller")
        .order_by(User.display_name, User.id)
    )
    return [UserRow(*row) for row in rows]


# --- slots and visits ---------------------------------------------------------------------------


def overbooked_future_slot(
    session: Session, resource_id: int, capacity: int, now: dt.datetime
) -> tuple[dt.datetime, int] | None:
    """The soonest future slot of the resource with more seats taken than `capacity`:
    (starts_at, seats taken)."""
    row = session.execute(
        select(Slot.starts_at, Slot.booked)
        .where(Slot.resource_id == resource_id, Slot.starts_at >= now, Slot.booked > capacity)
        .order_by(Slot.starts_at)
        .limit(1)
    ).first()
    return None if row is None else (row[0], row[1])


def set_future_slot_capacity(
    session: Session, resource_id: int, capacity: int, now: dt.datetime
) -> int | None:
    """Give the resource's future slots the new capacity: how many slots changed, or None
    (nothing changed) when the slots' CHECK refused because a slot holds more seats."""
    try:
        # The savepoint keeps the caller's transaction usable after a refusal.
        with session.begin_nested():
            result = session.execute(
                update(Slot)
                .where(
                    Slot.resource_id == resource_id,
                    Slot.starts_at >= now,
                    Slot.capacity != capacity,
                )
                .values(capacity=capacity)
                .execution_options(synchronize_session=False)
            )
    except IntegrityError:
        return None
    return int(result.rowcount)  # type: ignore[attr-defined]


def future_visit_count(
    session: Session,
    *,
    now: dt.datetime,
    office_id: int | None = None,
    resource_id: int | None = None,
) -> int:
    """Booked or confirmed visits from `now` on, of one resource or of an office's resources."""
    query = select(func.count(Visit.id)).where(
        Visit.starts_at >= now, Visit.status.in_(ACTIVE_VISIT_STATUSES)
    )
    if resource_id is not None:
        query = query.where(Visit.resource_id == resource_id)
    if office_id is not None:
        query = query.join(Resource, Resource.id == Visit.resource_id).where(
            Resource.office_id == office_id
        )
    return int(session.execute(query).scalar_one())


# --- weekly hours -------------------------------------------------------------------------------


def hours_of(session: Session, resource_id: int) -> list[tuple[int, dt.time, dt.time]]:
    rows = session.execute(
        select(WorkingHours.weekday, WorkingHours.starts, WorkingHours.ends)
        .where(WorkingHours.resource_id == resource_id)
        .order_by(WorkingHours.weekday, WorkingHours.starts)
    )
    return [(weekday, starts, ends) for weekday, starts, ends in rows]


def replace_hours(
    session: Session, resource_id: int, hours: Iterable[tuple[int, dt.time, dt.time]]
) -> None:
    session.execute(delete(WorkingHours).where(WorkingHours.resource_id == resource_id))
    session.add_all(
        WorkingHours(resource_id=resource_id, weekday=weekday, starts=starts, ends=ends)
        for weekday, starts, ends in hours
    )
    session.flush()


# --- calendar exceptions ------------------------------------------------------------------------


def exception_rows(
    session: Session,
    *,
    office_ids: Collection[int] = (),
    resource_ids: Collection[int] = (),
    day_from: dt.date | None = None,
    day: dt.date | None = None,
    exception_id: int | None = None,
) -> list[ExceptionRow]:
    query = select(
        CalendarException.id,
        CalendarException.office_id,
        CalendarException.resource_id,
        CalendarException.day,
        CalendarException.kind,
        CalendarException.starts,
        CalendarException.ends,
        CalendarException.note,
    )
    if exception_id is not None:
        query = query.where(CalendarException.id == exception_id)
    else:
        owners = []
        if office_ids:
            owners.append(CalendarException.office_id.in_(sorted(office_ids)))
        if resource_ids:
            owners.append(CalendarException.resource_id.in_(sorted(resource_ids)))
        if not owners:
            return []
        query = query.where(owners[0] if len(owners) == 1 else owners[0] | owners[1])
    if day_from is not None:
        query = query.where(CalendarException.day >= day_from)
    if day is not None:
        query = query.where(CalendarException.day == day)
    ordered = query.order_by(CalendarException.day, CalendarException.starts, CalendarException.id)
    return [ExceptionRow(*row) for row in session.execute(ordered)]


def insert_exception(session: Session, values: Mapping[str, Any]) -> int:
    row = CalendarException(**values)
    session.add(row)
    session.flush()
    return row.id


def delete_exception(session: Session, exception_id: int) -> None:
    session.execute(delete(CalendarException).where(CalendarException.id == exception_id))
