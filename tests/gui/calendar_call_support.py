"""(No tests here.) A small call floor on the real clock for the calendar-in-the-call tests: a
campaign calling round the clock with the default outcomes, a Moscow office whose resource
works every day 09:00–21:00, and clients with an e-mail and reminder consent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from operator_app.core.calendar.attendance import calendar_services
from operator_app.core.messaging.outbox import Outbox
from operator_app.core.outcomes import ensure_default_dispositions
from operator_app.core.queue.status import OperatorStatus
from operator_app.core.roles import Actor, Role
from operator_app.gui.call.booking_dialog import BookingDialog
from operator_app.gui.call.workspace import OperatorWorkspace
from operator_app.gui.i18n import Translations
from operator_app.storage.database import Database
from operator_app.storage.models import CallAttempt, CallingHours, Campaign, Lead, Task
from tests.gui.helpers import context_for
from tests.gui.test_call_support import queue_shown
from tests.support.calendar_data import make_office, make_resource, make_user
from tests.support.reminder_data import Client, make_client

ALL_DAY = (dt.time(0), dt.time(23, 59, 59, 999999))
OFFICE_HOURS = ((dt.time(9), dt.time(21)),)


@dataclass(frozen=True, slots=True)
class CallFloor:
    operator: Actor
    campaign: int
    office: int
    resource: int


def call_floor(db: Database) -> CallFloor:
    admin = make_user(db, Role.ADMIN, "Админ")
    with db.session() as session:
        campaign = Campaign(name="Кредитный брокер", time_zone="Europe/Moscow", settings={})
        session.add(campaign)
        session.flush()
        session.add_all(
            CallingHours(campaign_id=campaign.id, weekday=day, starts=ALL_DAY[0], ends=ALL_DAY[1])
            for day in range(7)
        )
        campaign_id = campaign.id
    ensure_default_dispositions(db, admin, campaign_id)
    office = make_office(db)
    resource = make_resource(
        db, office, name="Кредитный эксперт", weekdays=range(7), intervals=OFFICE_HOURS
    )
    return CallFloor(make_user(db, Role.OPERATOR, "Ольга"), campaign_id, office, resource)


def inbound_client(db: Database, floor: CallFloor, *, zone: str | None = None) -> Client:
    """A client who just called in: the first thing "Next client" offers."""
    client = make_client(db, floor.campaign, zone=zone)
    with db.session() as session:
        session.execute(
            update(Lead)
            .where(Lead.id == client.lead_id)
            .values(source="inbound", state="new", created_at=dt.datetime.now(dt.UTC))
        )
    return client


def booked_client(db: Database, floor: CallFloor, *, days_ahead: int = 2) -> tuple[Client, int]:
    """A client with a visit booked `days_ahead` days from now (the reminders planned)."""
    client = make_client(db, floor.campaign, name="Вера Котова")
    booking = calendar_services(db, Outbox(db)).booking
    after = dt.datetime.now(dt.UTC) + dt.timedelta(days=days_ahead)
    (slot,) = booking.suggest(client.lead_id, limit=1, after=after)
    visit = booking.book(
        floor.operator,
        client.lead_id,
        slot.resource_id,
        slot.starts_at,
        confirmation_channel="email",
        confirmation_note="после 18:00",
    )
    return client, visit.visit_id


def make_due(db: Database, visit_id: int, kind: str) -> int:
    """The visit's open task of this kind falls due now; its id."""
    with db.session() as session:
        task_id = session.scalars(
            select(Task.id).where(
                Task.visit_id == visit_id, Task.kind == kind, Task.state == "open"
            )
        ).one()
        session.execute(
            update(Task)
            .where(Task.id == task_id)
            .values(due_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
        )
    return task_id


def open_workspace(
    qtbot: QtBot, db: Database, floor: CallFloor, translations: Translations
) -> OperatorWorkspace:
    workspace = OperatorWorkspace(context_for(db, floor.operator, translations))
    qtbot.addWidget(workspace)
    workspace.show()
    qtbot.waitUntil(lambda: queue_shown(workspace.queue_panel), timeout=10_000)
    workspace.set_status(OperatorStatus.READY)
    return workspace


def take_next(qtbot: QtBot, workspace: OperatorWorkspace) -> None:
    workspace.take_next()
    qtbot.waitUntil(lambda: workspace.call is not None, timeout=10_000)


def open_booking(qtbot: QtBot, workspace: OperatorWorkspace) -> BookingDialog:
    workspace.book_action.trigger()
    qtbot.waitUntil(lambda: workspace.booking_dialog is not None, timeout=10_000)
    dialog = workspace.booking_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=10_000)
    return dialog


def call_attempts(db: Database, lead_id: int) -> list[str | None]:
    with db.session() as session:
        return list(
            session.scalars(
                select(CallAttempt.disposition)
                .where(CallAttempt.lead_id == lead_id)
                .order_by(CallAttempt.id)
            )
        )


def lead_row(db: Database, lead_id: int) -> tuple[str, int | None]:
    with db.session() as session:
        lead = session.get_one(Lead, lead_id)
        return lead.state, lead.claimed_by_id
