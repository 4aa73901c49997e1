"""Visits as an iCalendar (.ics) file: one visit, or every visit starting in a period.

Times are written in UTC (`DTSTART:…Z`) rather than with the office's TZID: a UTC time needs
no VTIMEZONE block and every calendar app reads it the same way, showing it in the reader's
own zone. The office's zone still decides which visits fall on which date of a period.

Each visit keeps its UID (`visit-<id>@operator-app`), so importing a newer export updates the
events instead of duplicating them; SEQUENCE grows along the visit's life (booked 0,
confirmed 1, then held / no-show / cancelled / rescheduled 2), so the newer state wins.
A rescheduled visit is exported too, as CANCELLED: a calendar that imported it earlier then
drops it, and the visit that replaced it is a separate event with its own UID.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

from icalendar import Calendar, Event

from operator_app.core.errors import NotFound, OperatorAppError, PermissionDenied
from operator_app.core.roles import Actor, Permission
from operator_app.storage.base import utcnow
from operator_app.storage.database import Database
from operator_app.storage.repositories import visit_export_queries
from operator_app.storage.repositories.visit_export_queries import VisitExportRow

__all__ = [
    "PRODUCT_ID",
    "IcsExport",
    "InvalidPeriod",
    "VisitExportService",
    "VisitForExport",
    "build_calendar",
    "ics_status",
    "visit_uid",
]

PRODUCT_ID = "-//operator_app//Visit calendar//RU"

_ICS_STATUS = {
    "booked": "TENTATIVE",
    "confirmed": "CONFIRMED",
    "held": "CONFIRMED",
    # The appointment stood and its time has passed; the app's own status says the client
    # did not come.
    "no_show": "CONFIRMED",
    "rescheduled": "CANCELLED",
    "cancelled": "CANCELLED",
}
_SEQUENCE = {"booked": 0, "confirmed": 1}
_LAST_SEQUENCE = 2

# The file is read by the workspace's people, who work in Russian.
_STATUS_NAMES = {
    "booked": "записан",
    "confirmed": "подтверждён",
    "held": "состоялся",
    "no_show": "не пришёл",
    "rescheduled": "перенесён",
    "cancelled": "отменён",
}
_CANCELLED_BY = {"client": "клиентом", "us": "нами"}
_CHANNEL_NAMES = {
    "email": "e-mail",
    "sms": "SMS",
    "messenger": "мессенджер",
    "phone": "звонок",
    "manual": "вручную",
}


@dataclass(frozen=True, slots=True)
class VisitForExport:
    visit_id: int
    starts_at: dt.datetime  # aware
    ends_at: dt.datetime
    status: str  # booked | confirmed | held | no_show | rescheduled | cancelled
    client_name: str
    resource_name: str
    office_name: str
    office_address: str
    office_time_zone: str
    phone: str | None = None
    campaign: str | None = None
    confirmation_channel: str | None = None
    confirmation_note: str | None = None
    cancelled_by: str | None = None  # client | us
    cancel_reason: str | None = None
    rescheduled_to: dt.datetime | None = None  # the start of the visit that replaced it


@dataclass(frozen=True, slots=True)
class IcsExport:
    content: bytes  # the .ics file, UTF-8
    visits: int


class InvalidPeriod(OperatorAppError):
    def __init__(self, day_from: dt.date, day_to: dt.date) -> None:
        self.day_from = day_from
        self.day_to = day_to
        super().__init__(f"the period starts ({day_from}) after it ends ({day_to})")


def visit_uid(visit_id: int) -> str:
    return f"visit-{visit_id}@operator-app"


def ics_status(status: str) -> str:
    return _ICS_STATUS.get(status, "TENTATIVE")


def build_calendar(visits: Iterable[VisitForExport], *, now: dt.datetime) -> bytes:
    """The iCalendar file of these visits; `now` is every event's DTSTAMP."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    stamp = now.astimezone(dt.UTC)
    for visit in visits:
        calendar.add_component(_event(visit, stamp))
    content: bytes = calendar.to_ical()
    return content


def _event(visit: VisitForExport, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", visit_uid(visit.visit_id))
    event.add("dtstamp", stamp)
    event.add("dtstart", visit.starts_at.astimezone(dt.UTC))
    event.add("dtend", visit.ends_at.astimezone(dt.UTC))
    event.add("summary", f"{visit.client_name} — {visit.resource_name}")
    event.add("location", ", ".join(p for p in (visit.office_name, visit.office_address) if p))
    event.add("description", _description(visit))
    event.add("status", ics_status(visit.status))
    event.add("sequence", _SEQUENCE.get(visit.status, _LAST_SEQUENCE))
    event.add("x-operator-app-status", visit.status)
    return event


def _description(visit: VisitForExport) -> str:
    lines = [f"Статус: {_STATUS_NAMES.get(visit.status, visit.status)}"]
    if visit.phone:
        lines.append(f"Телефон: {visit.phone}")
    if visit.campaign:
        lines.append(f"Кампания: {visit.campaign}")
    if visit.confirmation_channel:
        channel = _CHANNEL_NAMES.get(visit.confirmation_channel, visit.confirmation_channel)
        lines.append(f"Подтверждение: {channel}")
    if visit.confirmation_note:
        lines.append(f"Договорённость: {visit.confirmation_note}")
    if visit.status == "cancelled":
        who = _CANCELLED_BY.get(visit.cancelled_by or "")
        head = "Отменён" if who is None else f"Отменён {who}"
        lines.append(f"{head}: {visit.cancel_reason}" if visit.cancel_reason else head)
    if visit.status == "rescheduled" and visit.rescheduled_to is not None:
        local = visit.rescheduled_to.astimezone(zoneinfo.ZoneInfo(visit.office_time_zone))
        lines.append(f"Перенесён на {local:%d.%m.%Y %H:%M} (время офиса)")
    return "\n".join(lines)


def _for_export(row: VisitExportRow) -> VisitForExport:
    return VisitForExport(
        visit_id=row.visit_id,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        status=row.status,
        client_name=row.client_name,
        resource_name=row.resource_name,
        office_name=row.office_name,
        office_address=row.office_address,
        office_time_zone=row.office_time_zone,
        phone=row.phone,
        campaign=row.campaign,
        confirmation_channel=row.confirmation_channel,
        confirmation_note=row.confirmation_note,
        cancelled_by=row.cancelled_by,
        cancel_reason=row.cancel_reason,
        rescheduled_to=row.rescheduled_to,
    )


def _require_export(actor: Actor) -> None:
    # Whoever works with clients' visits may take them to a calendar: the queue's people
    # (operators, sellers, supervisors) and the supervising roles (administrators too).
    if not (actor.can(Permission.WORK_QUEUE) or actor.can(Permission.VIEW_ALL_KPIS)):
        raise PermissionDenied("export_visits", actor.role.value)


class VisitExportService:
    def __init__(self, database: Database) -> None:
        self.database = database

    def visit(self, actor: Actor, visit_id: int, *, now: dt.datetime | None = None) -> IcsExport:
        """One visit as a calendar file; NotFound when there is no such visit."""
        _require_export(actor)
        with self.database.session() as session:
            row = visit_export_queries.visit_row(session, visit_id)
        if row is None:
            raise NotFound(f"no visit {visit_id}")
        return IcsExport(build_calendar([_for_export(row)], now=now or utcnow()), 1)

    def period(
        self,
        actor: Actor,
        day_from: dt.date,
        day_to: dt.date,
        *,
        now: dt.datetime | None = None,
    ) -> IcsExport:
        """Every visit starting from day_from to day_to inclusive, in its office's dates."""
        _require_export(actor)
        if day_from > day_to:
            raise InvalidPeriod(day_from, day_to)
        # UTC offsets stay within a day, so these bounds hold every candidate; the office's
        # date of each is then checked exactly.
        starts_from = dt.datetime.combine(day_from - dt.timedelta(days=1), dt.time(), dt.UTC)
        starts_before = dt.datetime.combine(day_to + dt.timedelta(days=2), dt.time(), dt.UTC)
        with self.database.session() as session:
            rows = visit_export_queries.visits_starting_between(session, starts_from, starts_before)
        visits = [
            _for_export(row)
            for row in rows
            if day_from
            <= row.starts_at.astimezone(zoneinfo.ZoneInfo(row.office_time_zone)).date()
            <= day_to
        ]
        return IcsExport(build_calendar(visits, now=now or utcnow()), len(visits))
