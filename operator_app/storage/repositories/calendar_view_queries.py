"""The reads behind the calendar screen: offices with their resources, working hours and
exceptions of the shown resources, and every visit of a range in one statement."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import DateTime, String, TypeDecorator, or_, select, type_coerce
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from operator_app.storage.models import (
    AuditEntry,
    CalendarException,
    Campaign,
    Contact,
    Lead,
    Office,
    Phone,
    Resource,
    User,
    Visit,
    VisitResult,
    WorkingHours,
)

__all__ = [
    "AuditRow",
    "ExceptionRow",
    "HoursRow",
    "OfficeRow",
    "ResourceRow",
    "VisitDetailRow",
    "VisitRow",
    "VisitValues",
    "exception_rows",
    "hours_rows",
    "office_rows",
    "resource_rows",
    "visit_audit_rows",
    "visit_detail_row",
    "visit_rows",
]


@dataclass(frozen=True, slots=True)
class OfficeRow:
    office_id: int
    name: str
    time_zone: str


@dataclass(frozen=True, slots=True)
class ResourceRow:
    resource_id: int
    office_id: int
    name: str
    kind: str
    capacity: int
    slot_minutes: int
    buffer_minutes: int
    user_id: int | None


@dataclass(frozen=True, slots=True)
class HoursRow:
    resource_id: int
    weekday: int
    starts: dt.time
    ends: dt.time


@dataclass(frozen=True, slots=True)
class ExceptionRow:
    office_id: int | None
    resource_id: int | None
    day: dt.date
    kind: str
    starts: dt.time | None
    ends: dt.time | None


@dataclass(frozen=True, slots=True)
class VisitRow:
    visit_id: int
    lead_id: int
    resource_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    client_name: str
    phone: str | None
    campaign_name: str | None
    confirmation_channel: str | None


@dataclass(frozen=True, slots=True)
class VisitDetailRow:
    visit: VisitRow
    office_id: int
    office_name: str
    office_time_zone: str
    resource_name: str
    confirmation_note: str | None
    cancelled_by: str | None
    cancel_reason: str | None
    rescheduled_from_id: int | None
    booked_at: dt.datetime
    booked_by_name: str | None
    wants_earlier: bool
    result_sale: bool | None
    result_amount: Any
    result_comment: str | None


@dataclass(frozen=True, slots=True)
class AuditRow:
    at: dt.datetime
    user_name: str | None
    action: str
    after: dict[str, Any] | None


def office_rows(session: Session) -> list[OfficeRow]:
    rows = session.execute(
        select(Office.id, Office.name, Office.time_zone)
        .where(Office.active.is_(True))
        .order_by(Office.name, Office.id)
    )
    return [OfficeRow(*row) for row in rows]


def resource_rows(session: Session, office_ids: Collection[int] | None = None) -> list[ResourceRow]:
    statement = (
        select(
            Resource.id,
            Resource.office_id,
            Resource.name,
            Resource.kind,
            Resource.capacity,
            Resource.slot_minutes,
            Resource.buffer_minutes,
            Resource.user_id,
        )
        .where(Resource.active.is_(True))
        .order_by(Resource.office_id, Resource.name, Resource.id)
    )
    if office_ids is not None:
        statement = statement.where(Resource.office_id.in_(list(office_ids)))
    return [ResourceRow(*row) for row in session.execute(statement)]


def hours_rows(session: Session, resource_ids: Collection[int]) -> list[HoursRow]:
    rows = session.execute(
        select(
            WorkingHours.resource_id, WorkingHours.weekday, WorkingHours.starts, WorkingHours.ends
        )
        .where(WorkingHours.resource_id.in_(list(resource_ids)))
        .order_by(WorkingHours.resource_id, WorkingHours.weekday, WorkingHours.starts)
    )
    return [HoursRow(*row) for row in rows]


def exception_rows(
    session: Session,
    office_id: int,
    resource_ids: Collection[int],
    first_day: dt.date,
    last_day: dt.date,
) -> list[ExceptionRow]:
    rows = session.execute(
        select(
            CalendarException.office_id,
            CalendarException.resource_id,
            CalendarException.day,
            CalendarException.kind,
            CalendarException.starts,
            CalendarException.ends,
        )
        .where(
            CalendarException.day >= first_day,
            CalendarException.day <= last_day,
            or_(
                CalendarException.office_id == office_id,
                CalendarException.resource_id.in_(list(resource_ids)),
            ),
        )
        .order_by(CalendarException.day, CalendarException.starts)
    )
    return [ExceptionRow(*row) for row in rows]


def _first_phone() -> Any:
    return (
        select(Phone.e164)
        .where(Phone.contact_id == Contact.id)
        .order_by(Phone.id)
        .limit(1)
        .correlate(Contact)
        .scalar_subquery()
    )


class _SqliteUtcText(TypeDecorator[dt.datetime]):
    """Reads SQLite's stored UTC text with `datetime.fromisoformat` (C code). The generic
    DateTime reader parses with a regular expression: for a week of 5,000 visits that alone
    took longer than the whole query."""

    impl = String
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)


def _utc(session: Session, column: Any) -> Any:
    if session.get_bind().dialect.name == "sqlite":
        return type_coerce(column, _SqliteUtcText()).label(column.key)
    return column


def _visit_columns(session: Session) -> tuple[Any, ...]:
    return (
        Visit.id,
        Visit.lead_id,
        Visit.resource_id,
        _utc(session, Visit.starts_at),
        _utc(session, Visit.ends_at),
        Visit.status,
        Contact.full_name,
    )


# VisitRow's fields as a plain tuple, in its order: what the bulk read returns.
VisitValues = tuple[
    int, int, int, dt.datetime, dt.datetime, str, str, str | None, str | None, str | None
]


class _UtcMoments:
    """Stored moments made aware UTC datetimes once per distinct value. Visits start on a
    resource's slot grid, so a week of thousands of visits has a few hundred distinct starts;
    the rows share one datetime object per moment instead of parsing each."""

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


def visit_rows(
    session: Session,
    resource_ids: Collection[int],
    starts_from: dt.datetime,
    starts_before: dt.datetime,
) -> list[VisitValues]:
    """Every visit of the resources starting in [starts_from, starts_before), in one statement,
    ordered by resource and start: VisitRow's values as plain tuples.

    Built for a week of thousands of visits: the moments come as the driver's raw values
    (SQLite's text, PostgreSQL's aware datetimes) and are converted once per distinct value,
    without the per-row type decorator, and neither ORM objects nor dataclasses are built
    per row."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    raw_moment: TypeEngine[Any] = String() if sqlite else DateTime(timezone=True)
    statement = (
        select(
            Visit.id,
            Visit.lead_id,
            Visit.resource_id,
            type_coerce(Visit.starts_at, raw_moment),
            type_coerce(Visit.ends_at, raw_moment),
            Visit.status,
            Contact.full_name,
            _first_phone(),
            Campaign.name,
            Visit.confirmation_channel,
        )
        .join(Lead, Lead.id == Visit.lead_id)
        .join(Contact, Contact.id == Lead.contact_id)
        .outerjoin(Campaign, Campaign.id == Lead.campaign_id)
        .where(
            Visit.resource_id.in_(list(resource_ids)),
            Visit.starts_at >= starts_from,
            Visit.starts_at < starts_before,
        )
        .order_by(Visit.resource_id, Visit.starts_at, Visit.id)
    )
    rows = session.connection().execute(statement).all()
    utc = _UtcMoments(sqlite)
    return [
        (row[0], row[1], row[2], utc(row[3]), utc(row[4]), row[5], row[6], row[7], row[8], row[9])
        for row in rows
    ]


def visit_detail_row(session: Session, visit_id: int) -> VisitDetailRow | None:
    row = session.execute(
        select(
            *_visit_columns(session),
            _first_phone(),
            Campaign.name,
            Visit.confirmation_channel,
            Office.id,
            Office.name,
            Office.time_zone,
            Resource.name,
            Visit.confirmation_note,
            Visit.cancelled_by,
            Visit.cancel_reason,
            Visit.rescheduled_from_id,
            Visit.booked_at,
            User.display_name,
            Visit.wants_earlier,
            VisitResult.sale,
            VisitResult.amount,
            VisitResult.comment,
        )
        .join(Lead, Lead.id == Visit.lead_id)
        .join(Contact, Contact.id == Lead.contact_id)
        .join(Resource, Resource.id == Visit.resource_id)
        .join(Office, Office.id == Resource.office_id)
        .outerjoin(Campaign, Campaign.id == Lead.campaign_id)
        .outerjoin(User, User.id == Visit.booked_by_id)
        .outerjoin(VisitResult, VisitResult.visit_id == Visit.id)
        .where(Visit.id == visit_id)
    ).one_or_none()
    if row is None:
        return None
    values = tuple(row)
    return VisitDetailRow(VisitRow(*values[:10]), *values[10:])


def visit_audit_rows(session: Session, visit_ids: Collection[int]) -> list[AuditRow]:
    rows = session.execute(
        select(AuditEntry.at, User.display_name, AuditEntry.action, AuditEntry.after)
        .outerjoin(User, User.id == AuditEntry.user_id)
        .where(AuditEntry.entity == "visit", AuditEntry.entity_id.in_(list(visit_ids)))
        .order_by(AuditEntry.at, AuditEntry.id)
    )
    return [AuditRow(*row) for row in rows]
