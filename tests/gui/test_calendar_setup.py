"""The calendar setup page offscreen on a real database: an office, a resource with hours
and a break, a holiday — and booking then offers only those hours; errors beside fields;
the warning before deactivating a resource with visits ahead."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from operator_app.core.calendar.booking import BookingService
from operator_app.core.calendar.setup import (
    CalendarSetupService,
    HoursInterval,
    OfficeDraft,
    ResourceDraft,
)
from operator_app.core.roles import Actor, Role
from operator_app.gui.calendar_setup import CalendarSetupPage
from operator_app.gui.calendar_setup.dialogs import OfficeDialog, ResourceDialog
from operator_app.gui.i18n import Translations
from operator_app.storage.database import Database
from tests.gui.helpers import context_for
from tests.support.calendar_data import MONDAY, NOW, make_campaign, make_lead, make_user

TUESDAY = MONDAY + dt.timedelta(days=1)
MOSCOW = dt.timezone(dt.timedelta(hours=3))


@pytest.fixture
def page(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> Iterator[CalendarSetupPage]:
    widget = CalendarSetupPage(context_for(sqlite_db, admin, translations), clock=lambda: NOW)
    widget.resize(1440, 840)
    widget.show()
    qtbot.waitExposed(widget)
    settle(qtbot, widget)
    yield widget
    settle(qtbot, widget)
    widget.close()
    widget.deleteLater()


def settle(qtbot: QtBot, page: CalendarSetupPage) -> None:
    qtbot.waitUntil(lambda: not page.is_busy())


def save_dialog(qtbot: QtBot, page: CalendarSetupPage) -> None:
    assert page.dialog is not None
    page.dialog.ok_button.click()
    qtbot.waitUntil(lambda: page.dialog is None)
    settle(qtbot, page)


def add_office(qtbot: QtBot, page: CalendarSetupPage, name: str) -> None:
    page.add_office_button.click()
    dialog = page.dialog
    assert isinstance(dialog, OfficeDialog)
    dialog.name.setText(name)
    dialog.address.setText("Тверская, 1")
    dialog.directions.setPlainText("Выход 3 из метро, налево")
    dialog.time_zone.setCurrentText("Europe/Moscow")
    save_dialog(qtbot, page)


def add_resource(qtbot: QtBot, page: CalendarSetupPage, name: str, seats: int) -> None:
    page.add_resource_button.click()
    dialog = page.dialog
    assert isinstance(dialog, ResourceDialog)
    dialog.name.setText(name)
    dialog.kind.setCurrentIndex(dialog.kind.findData("group"))
    dialog.capacity.setValue(seats)
    dialog.slot_minutes.setValue(60)
    save_dialog(qtbot, page)


def test_the_editor_feeds_booking(
    qtbot: QtBot, page: CalendarSetupPage, sqlite_db: Database, qtmodeltester: ModelTester
) -> None:
    add_office(qtbot, page, "Офис на Тверской")
    office = page.selected_office()
    assert office is not None and office.name == "Офис на Тверской"
    add_resource(qtbot, page, "Групповая презентация", 10)
    resource = page.selected_resource()
    assert resource is not None and resource.capacity == 10
    assert page.hours.save_button.isEnabled()

    qtbot.keyClicks(page.hours.days[0], "9-13, 14-18")  # type: ignore[no-untyped-call]
    page.hours.copy_monday_to_workdays()
    page.hours.save_button.click()
    settle(qtbot, page)
    assert page.hours.days[4].text() == "09:00–13:00, 14:00–18:00"
    assert page.hours.days[5].text() == ""
    assert not page.hours.is_dirty()

    page.exceptions.set_day(TUESDAY)
    page.exceptions.kind.setCurrentIndex(page.exceptions.kind.findData("holiday"))
    page.exceptions.note.setText("Праздник")
    page.exceptions.add_button.click()
    settle(qtbot, page)
    rows = page.exceptions.model.rows()
    assert [(r.day, r.kind, r.office_id) for r in rows] == [(TUESDAY, "holiday", office.office_id)]
    for model in (page.office_model, page.resource_model, page.exceptions.model):
        qtmodeltester.check(model)  # type: ignore[no-untyped-call]

    lead, _contact = make_lead(sqlite_db, make_campaign(sqlite_db))
    slots = BookingService(sqlite_db).suggest(lead, limit=40, now=NOW)
    assert slots
    assert {s.resource_id for s in slots} == {resource.resource_id}
    assert all(s.free_seats == 10 for s in slots)
    for slot in slots:
        local = slot.starts_at.astimezone(MOSCOW)
        assert local.weekday() < 5 and local.date() != TUESDAY
        assert local.hour in (9, 10, 11, 12, 14, 15, 16, 17), local
    days = {s.starts_at.astimezone(MOSCOW).date() for s in slots}
    assert MONDAY in days and TUESDAY + dt.timedelta(days=1) in days


def test_a_special_working_day_with_a_break_is_added_for_the_resource(
    qtbot: QtBot, page: CalendarSetupPage, sqlite_db: Database
) -> None:
    add_office(qtbot, page, "Офис")
    add_resource(qtbot, page, "Зал", 1)
    resource = page.selected_resource()
    assert resource is not None
    saturday = MONDAY + dt.timedelta(days=5)
    panel = page.exceptions
    panel.set_day(saturday)
    panel.scope.setCurrentIndex(1)
    panel.kind.setCurrentIndex(panel.kind.findData("working"))
    panel.hours.setText("10-12, 13-15")
    panel.add_button.click()
    settle(qtbot, page)
    assert [(r.resource_id, r.starts, r.ends) for r in panel.model.rows()] == [
        (resource.resource_id, dt.time(10), dt.time(12)),
        (resource.resource_id, dt.time(13), dt.time(15)),
    ]
    lead, _contact = make_lead(sqlite_db, make_campaign(sqlite_db))
    hours = [
        s.starts_at.astimezone(MOSCOW).hour
        for s in BookingService(sqlite_db).suggest(lead, limit=10, now=NOW)
    ]
    assert hours == [10, 11, 13, 14]  # no weekly hours: only the special day

    panel.table.selectRow(0)
    panel.remove_button.click()
    settle(qtbot, page)
    assert len(panel.model.rows()) == 1


def test_errors_are_shown_beside_their_fields_and_nothing_typed_is_lost(
    qtbot: QtBot, page: CalendarSetupPage
) -> None:
    page.add_office_button.click()
    dialog = page.dialog
    assert isinstance(dialog, OfficeDialog)
    dialog.name.setText("Офис")
    dialog.time_zone.setCurrentText("Europe/Nowhere")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: not dialog.is_busy())
    assert page.dialog is dialog and dialog.isVisible()
    assert "time zone" in dialog.field_error("time_zone")
    assert dialog.field_error("name") == ""
    assert dialog.name.text() == "Офис"
    dialog.time_zone.setCurrentText("Asia/Novosibirsk")
    save_dialog(qtbot, page)
    office = page.selected_office()
    assert office is not None and office.time_zone == "Asia/Novosibirsk"

    add_resource(qtbot, page, "Стол", 1)
    page.hours.days[2].setText("9-25")
    page.hours.days[3].setText("09:00-13:00, 12:00-18:00")
    page.hours.save_button.click()
    settle(qtbot, page)
    assert "09:00–13:00" in page.hours.day_error(2)
    assert page.hours.day_error(3) == ""  # read fine; the overlap is the service's to find
    page.hours.days[2].setText("")
    page.hours.save_button.click()
    settle(qtbot, page)
    assert "Thursday" in page.hours.day_error(3) and "overlaps" in page.hours.day_error(3)
    assert page.hours.days[3].text() == "09:00-13:00, 12:00-18:00"
    resource = page.selected_resource()
    assert resource is not None
    assert (
        CalendarSetupService(page._context.database).hours(
            page._context.actor, resource.resource_id
        )
        == ()
    )

    panel = page.exceptions
    panel.kind.setCurrentIndex(panel.kind.findData("working"))
    panel.hours.setText("")
    panel.add_button.click()
    settle(qtbot, page)
    assert "hours" in panel.field_error("hours")


def test_deactivating_a_resource_with_visits_ahead_asks_first(
    qtbot: QtBot,
    sqlite_db: Database,
    admin: Actor,
    translations: Translations,
) -> None:
    service = CalendarSetupService(sqlite_db)
    office = service.create_office(admin, OfficeDraft("Офис", time_zone="Europe/Moscow"))
    resource = service.create_resource(admin, office.office_id, ResourceDraft("Анна", "room"))
    service.replace_hours(
        admin,
        resource.resource_id,
        [HoursInterval(day, dt.time(9), dt.time(18)) for day in range(5)],
    )
    lead, _contact = make_lead(sqlite_db, make_campaign(sqlite_db))
    BookingService(sqlite_db).book(
        make_user(sqlite_db, Role.OPERATOR),
        lead,
        resource.resource_id,
        dt.datetime(2030, 3, 5, 7, tzinfo=dt.UTC),
        confirmation_channel=None,
        confirmation_note=None,
        now=NOW,
    )
    page = CalendarSetupPage(context_for(sqlite_db, admin, translations), clock=lambda: NOW)
    qtbot.addWidget(page)
    page.show()
    settle(qtbot, page)
    qtbot.waitUntil(lambda: page.selected_resource() is not None)
    settle(qtbot, page)

    page.edit_resource_button.click()
    dialog = page.dialog
    assert isinstance(dialog, ResourceDialog)
    dialog.active.setChecked(False)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.warning.isVisible())
    assert "1 booked visits ahead" in dialog.warning.text()
    assert dialog.ok_button.text() == "Deactivate anyway"
    assert page.dialog is dialog
    save_dialog(qtbot, page)
    assert "1 visits ahead stay booked" in page.notice.text()
    saved = page.selected_resource()
    assert saved is not None and not saved.active
    settle(qtbot, page)


NINE_TO_SIX = tuple(HoursInterval(day, dt.time(9), dt.time(18)) for day in range(5))
TYPED = "10-12"


@pytest.fixture
def two_resources(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> Iterator[tuple[CalendarSetupPage, list[int], list[int]]]:
    """The page on two offices; the first has two resources, the first of them chosen."""
    service = CalendarSetupService(sqlite_db)
    offices = [
        service.create_office(admin, OfficeDraft(name, time_zone="Europe/Moscow"))
        for name in ("Офис А", "Офис Б")
    ]
    resources = [
        service.create_resource(admin, offices[0].office_id, ResourceDraft(name, "room"))
        for name in ("Анна", "Борис")
    ]
    for resource in resources:
        service.replace_hours(admin, resource.resource_id, NINE_TO_SIX)
    page = CalendarSetupPage(context_for(sqlite_db, admin, translations), clock=lambda: NOW)
    qtbot.addWidget(page)
    page.show()
    settle(qtbot, page)
    qtbot.waitUntil(lambda: page.selected_resource() is not None)
    settle(qtbot, page)
    office = page.selected_office()
    assert office is not None and office.office_id == offices[0].office_id
    chosen = page.selected_resource()
    assert chosen is not None and chosen.resource_id == resources[0].resource_id
    yield page, [o.office_id for o in offices], [r.resource_id for r in resources]
    settle(qtbot, page)


def type_monday_and_answer(
    qtbot: QtBot, page: CalendarSetupPage, answer: QMessageBox.StandardButton
) -> list[str]:
    asked: list[str] = []

    def ask() -> QMessageBox.StandardButton:
        asked.append(page.hours.days[0].text())
        return answer

    page.ask_unsaved = ask
    page.hours.days[0].clear()
    qtbot.keyClicks(page.hours.days[0], TYPED)  # type: ignore[no-untyped-call]
    assert page.hours.is_dirty()
    return asked


def chosen_resource_id(page: CalendarSetupPage) -> int | None:
    resource = page.selected_resource()
    return resource.resource_id if resource is not None else None


def test_cancel_keeps_the_resource_and_the_typed_hours(
    qtbot: QtBot, two_resources: tuple[CalendarSetupPage, list[int], list[int]]
) -> None:
    page, _offices, resources = two_resources
    asked = type_monday_and_answer(qtbot, page, QMessageBox.StandardButton.Cancel)
    page.resources.select_where(lambda resource: resource.resource_id == resources[1])
    settle(qtbot, page)
    assert asked == [TYPED]  # restoring the row does not ask again
    assert chosen_resource_id(page) == resources[0]
    assert page.hours.days[0].text() == TYPED and page.hours.is_dirty()


def test_cancel_keeps_the_office_and_the_typed_hours(
    qtbot: QtBot, two_resources: tuple[CalendarSetupPage, list[int], list[int]]
) -> None:
    page, offices, resources = two_resources
    asked = type_monday_and_answer(qtbot, page, QMessageBox.StandardButton.Cancel)
    page.offices.select_where(lambda office: office.office_id == offices[1])
    settle(qtbot, page)
    assert asked == [TYPED]
    office = page.selected_office()
    assert office is not None and office.office_id == offices[0]
    assert chosen_resource_id(page) == resources[0]
    assert page.hours.days[0].text() == TYPED and page.hours.is_dirty()


def test_discard_moves_and_drops_the_typed_hours(
    qtbot: QtBot,
    two_resources: tuple[CalendarSetupPage, list[int], list[int]],
    sqlite_db: Database,
    admin: Actor,
) -> None:
    page, _offices, resources = two_resources
    asked = type_monday_and_answer(qtbot, page, QMessageBox.StandardButton.Discard)
    page.resources.select_where(lambda resource: resource.resource_id == resources[1])
    settle(qtbot, page)
    assert asked == [TYPED]
    assert chosen_resource_id(page) == resources[1]
    assert page.hours.days[0].text() == "09:00–18:00" and not page.hours.is_dirty()
    service = CalendarSetupService(sqlite_db)
    assert service.hours(admin, resources[0]) == NINE_TO_SIX


def test_save_stores_the_typed_hours_then_moves(
    qtbot: QtBot,
    two_resources: tuple[CalendarSetupPage, list[int], list[int]],
    sqlite_db: Database,
    admin: Actor,
) -> None:
    page, offices, resources = two_resources
    asked = type_monday_and_answer(qtbot, page, QMessageBox.StandardButton.Save)
    page.offices.select_where(lambda office: office.office_id == offices[1])  # no resources
    qtbot.waitUntil(lambda: not page.is_busy() and chosen_resource_id(page) is None)
    settle(qtbot, page)
    assert asked == [TYPED]
    office = page.selected_office()
    assert office is not None and office.office_id == offices[1]
    saved = CalendarSetupService(sqlite_db).hours(admin, resources[0])
    assert saved[0] == HoursInterval(0, dt.time(10), dt.time(12))
    assert saved[1:] == NINE_TO_SIX[1:]
    assert not page.hours.is_dirty()

    page.offices.select_where(lambda office: office.office_id == offices[0])
    qtbot.waitUntil(lambda: chosen_resource_id(page) == resources[0])
    settle(qtbot, page)
    assert page.hours.days[0].text() == "10:00–12:00"
    assert asked == [TYPED]  # nothing was left to ask about
