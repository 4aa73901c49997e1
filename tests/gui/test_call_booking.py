"""Booking a visit from the call: the client's hours said once, slots inside them in both
times, Book with Enter, the reminder plan, and a slot taken by a colleague meanwhile."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from operator_app.core.calendar.booking import BookingService
from operator_app.gui.call.slot_table import when_text
from operator_app.gui.i18n import Translations
from operator_app.storage.database import Database
from operator_app.storage.models import ClientPreferences, OutgoingMessage, Task, Visit
from tests.gui.calendar_call_support import (
    call_floor,
    inbound_client,
    open_booking,
    open_workspace,
    take_next,
)
from tests.support.reminder_data import make_client

pytestmark = pytest.mark.usefixtures("close_windows")

CLIENT_ZONE = "Asia/Yekaterinburg"  # two hours ahead of the Moscow office


def inside_weekday_evenings(moment: dt.datetime, minutes: int = 60) -> bool:
    ends = moment + dt.timedelta(minutes=minutes)
    return moment.weekday() < 5 and moment.hour >= 18 and ends.time() <= dt.time(22)


def test_book_from_a_call_within_the_clients_hours(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, qtmodeltester: ModelTester
) -> None:
    floor = call_floor(sqlite_db)
    client = inbound_client(sqlite_db, floor, zone=CLIENT_ZONE)
    workspace = open_workspace(qtbot, sqlite_db, floor, translations)
    take_next(qtbot, workspace)
    assert workspace.outcome_panel.book_button.text() == "Book a visit… (Ctrl+B)"

    dialog = open_booking(qtbot, workspace)
    qtmodeltester.check(dialog.model)  # type: ignore[no-untyped-call]
    assert "call you to confirm" in dialog.how_it_works.text()
    dialog.editor.evenings_button.click()
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=10_000)

    with sqlite_db.session() as session:
        saved = session.scalars(
            select(ClientPreferences).where(ClientPreferences.contact_id == client.contact_id)
        ).one()
        assert saved.windows == [
            {"weekday": day, "starts": "18:00", "ends": "22:00"} for day in range(5)
        ]
    options = dialog.model.rows()
    assert len(options) == 12
    assert all(inside_weekday_evenings(o.client_local) for o in options)
    first = options[0]
    assert first.client_local.utcoffset() != first.office_local.utcoffset()
    assert dialog.model.index(0, 0).data() == when_text(first.client_local)
    assert dialog.model.index(0, 1).data() == when_text(first.office_local)
    assert dialog.model.index(0, 2).data().endswith("/ Кредитный эксперт")

    chosen = options[-1]  # days ahead: the whole reminder plan fits before it
    dialog.table.selectRow(len(options) - 1)
    dialog.channel.setCurrentIndex(dialog.channel.findData("email"))
    dialog.contact_time.setText("после 18:00, не на работе")
    dialog.wants_earlier.setChecked(True)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)  # type: ignore[no-untyped-call]
    qtbot.waitUntil(lambda: workspace.booking_dialog is None, timeout=10_000)

    with sqlite_db.session() as session:
        visit = session.scalars(select(Visit).where(Visit.lead_id == client.lead_id)).one()
        assert (visit.resource_id, visit.status) == (chosen.resource_id, "booked")
        assert visit.starts_at.astimezone(dt.UTC) == chosen.starts_at
        assert (visit.confirmation_channel, visit.confirmation_note, visit.wants_earlier) == (
            "email",
            "после 18:00, не на работе",
            True,
        )
        prefs = session.scalars(
            select(ClientPreferences).where(ClientPreferences.contact_id == client.contact_id)
        ).one()
        assert (prefs.channel, prefs.contact_time, prefs.wants_earlier) == (
            "email",
            "после 18:00, не на работе",
            True,
        )
        kinds = session.scalars(select(Task.kind).where(Task.visit_id == visit.id)).all()
        codes = session.scalars(
            select(OutgoingMessage.template_code).where(OutgoingMessage.visit_id == visit.id)
        ).all()
    assert "confirm_call" in kinds
    assert "booking_confirmation" in codes
    client_time = when_text(chosen.starts_at.astimezone(zoneinfo.ZoneInfo(CLIENT_ZONE)))
    office_time = when_text(chosen.office_local)
    shown = workspace.outcome_panel.booked_visit.text()
    assert client_time in shown and office_time in shown
    selected = workspace.outcome_panel.selected()
    assert selected is not None and selected.code == "visit_booked"


def test_a_slot_taken_meanwhile_is_reported_and_the_next_one_selected(
    qtbot: QtBot, sqlite_db: Database, translations: Translations
) -> None:
    floor = call_floor(sqlite_db)
    inbound_client(sqlite_db, floor, zone=CLIENT_ZONE)
    workspace = open_workspace(qtbot, sqlite_db, floor, translations)
    take_next(qtbot, workspace)
    dialog = open_booking(qtbot, workspace)
    dialog.editor.evenings_button.click()
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=10_000)
    dialog.table.selectRow(0)
    wanted = dialog.selected_option()
    assert wanted is not None

    # A colleague books that very slot from another desktop first.
    other_desk = Database(sqlite_db.url)
    try:
        rival = make_client(other_desk, floor.campaign, name="Пётр Быстров")
        BookingService(other_desk).book(
            floor.operator,
            rival.lead_id,
            wanted.resource_id,
            wanted.starts_at,
            confirmation_channel=None,
            confirmation_note=None,
        )
    finally:
        other_desk.dispose()

    dialog.book_button.click()
    qtbot.waitUntil(lambda: dialog.book_task is None, timeout=10_000)
    assert dialog.isVisible()
    assert dialog.message.text().startswith("This slot was just taken.")
    instead = dialog.selected_option()
    assert instead is not None and instead.starts_at != wanted.starts_at
    assert inside_weekday_evenings(instead.client_local)
    assert when_text(instead.client_local) in dialog.message.text()
    with qtbot.waitSignal(dialog.booked, timeout=10_000):
        dialog.book_button.click()
