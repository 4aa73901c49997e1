"""Booking a visit from the call: the client's hours said once, slots inside them in both
times, Book with Enter, the reminder plan, a slot taken by a colleague meanwhile, and only the
campaign's own office offered at first."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from operator_app.core.calendar.booking import BookingService
from operator_app.core.calendar.calendar_calls import campaign_office
from operator_app.gui.call.booking_dialog import BookingDialog, BookingTarget
from operator_app.gui.call.slot_table import PLACE_COLUMN, when_text
from operator_app.gui.i18n import Translations
from operator_app.storage.database import Database
from operator_app.storage.models import (
    Campaign,
    ClientPreferences,
    Office,
    OutgoingMessage,
    Task,
    Visit,
)
from tests.gui.calendar_call_support import (
    OFFICE_HOURS,
    CallFloor,
    call_floor,
    inbound_client,
    open_booking,
    open_workspace,
    take_next,
)
from tests.support.calendar_data import make_campaign, make_lead, make_office, make_resource
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


def name_the_office(db: Database, campaign_id: int, office_id: int | None) -> None:
    """The campaign books into that office (as the demo's campaigns say in their settings)."""
    with db.session() as session:
        name = None if office_id is None else session.get_one(Office, office_id).name
        session.execute(
            update(Campaign)
            .where(Campaign.id == campaign_id)
            .values(settings={"company_name": "Ясный кредит", "office_name": name})
        )


def a_clinic_next_door(db: Database) -> tuple[int, int]:
    """(office, resource): another office whose dental chair is free all the same hours."""
    clinic = make_office(db)
    chair = make_resource(db, clinic, name="Кресло 1", weekdays=range(7), intervals=OFFICE_HOURS)
    return clinic, chair


def test_the_campaigns_office_is_read_from_its_settings(db: Database) -> None:
    office = make_office(db)
    closed = make_office(db, active=False)
    campaign = make_campaign(db)
    lead_id, _contact = make_lead(db, campaign)
    assert campaign_office(db, lead_id) is None  # the campaign names no office

    name_the_office(db, campaign, office)
    assert campaign_office(db, lead_id) == office
    name_the_office(db, campaign, closed)
    assert campaign_office(db, lead_id) is None  # not taking visits
    with db.session() as session:
        session.execute(
            update(Campaign)
            .where(Campaign.id == campaign)
            .values(settings={"office_name": "Офис, которого нет"})
        )
    assert campaign_office(db, lead_id) is None
    assert campaign_office(db, lead_id + 1000) is None  # no such lead


def open_dialog_for(qtbot: QtBot, db: Database, floor: CallFloor) -> BookingDialog:
    client = make_client(db, floor.campaign, zone=CLIENT_ZONE)
    target = BookingTarget(
        client.lead_id, client.contact_id, "Анна Смирнова", CLIENT_ZONE, zone_guessed=False
    )
    dialog = BookingDialog(db, floor.operator, BookingService(db), target)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=10_000)
    return dialog


def test_the_dialog_offers_the_campaigns_office_first(
    qtbot: QtBot, sqlite_db: Database, translations: Translations
) -> None:
    floor = call_floor(sqlite_db)
    _clinic, chair = a_clinic_next_door(sqlite_db)
    name_the_office(sqlite_db, floor.campaign, floor.office)
    dialog = open_dialog_for(qtbot, sqlite_db, floor)

    assert dialog.place_filter.currentData() == f"office:{floor.office}"
    options = dialog.model.rows()
    assert options and {o.resource_id for o in options} == {floor.resource}

    dialog.place_filter.setCurrentIndex(dialog.place_filter.findData(""))  # All offices
    assert dialog.place_filter.currentText() == "All offices"
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=10_000)
    assert {o.resource_id for o in dialog.model.rows()} == {floor.resource, chair}


def test_without_an_office_named_every_office_is_offered(
    qtbot: QtBot, sqlite_db: Database, translations: Translations
) -> None:
    floor = call_floor(sqlite_db)
    _clinic, chair = a_clinic_next_door(sqlite_db)
    dialog = open_dialog_for(qtbot, sqlite_db, floor)
    assert dialog.place_filter.currentData() == ""
    assert {o.resource_id for o in dialog.model.rows()} == {floor.resource, chair}


def test_every_slot_column_fits_without_scrolling(
    qtbot: QtBot, sqlite_db: Database, translations: Translations
) -> None:
    floor = call_floor(sqlite_db)
    with sqlite_db.session() as session:
        office = session.get_one(Office, floor.office)
        office.name = "Офис продаж на Тверской улице, второй этаж"
    make_resource(
        sqlite_db,
        floor.office,
        name="Андрей Волков — старший кредитный эксперт по ипотеке",
        weekdays=range(7),
        intervals=OFFICE_HOURS,
    )
    dialog = open_dialog_for(qtbot, sqlite_db, floor)
    dialog.resize(1300, 640)  # what it takes on a 1440×900 screen
    qtbot.waitUntil(lambda: dialog.table.viewport().width() > 600, timeout=5_000)

    header = dialog.table.horizontalHeader()
    widths = [header.sectionSize(column) for column in range(header.count())]
    assert sum(widths) <= dialog.table.viewport().width()
    for column, width in enumerate(widths):
        needed = dialog.table.sizeHintForColumn(column)
        if column != PLACE_COLUMN:  # times and seats are never cut
            assert width >= needed, column
    place = dialog.model.index(0, PLACE_COLUMN)
    assert place.data(Qt.ItemDataRole.ToolTipRole) == place.data()  # the whole name, if elided
    assert dialog.table.horizontalScrollBar().maximum() == 0  # nothing to scroll to
