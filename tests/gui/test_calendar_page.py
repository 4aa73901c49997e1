"""The calendar page with a real database offscreen: navigation by buttons and keys, the
counters, tooltips, the details dialog, and drag to reschedule with real mouse events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from icalendar import Calendar
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from operator_app.core.calendar.booking import BookingService
from operator_app.core.calendar.views import VisitBlock
from operator_app.core.roles import Actor, Role
from operator_app.gui.calendar import CalendarPage
from operator_app.gui.calendar.details import VisitDetailsDialog
from operator_app.gui.calendar.geometry import WEEK_MAX_GUTTER, ViewMode
from operator_app.gui.calendar.grid import Highlight
from operator_app.gui.i18n import Translations
from operator_app.storage.database import Database
from operator_app.storage.models import Phone, Resource, Visit, VisitResult, WorkingHours
from tests.gui.helpers import context_for
from tests.support.handoff_data import (
    NOW,
    book_visit,
    contact_of,
    make_lead,
    make_office,
    make_resource,
    make_user,
)

MONDAY = dt.date(2026, 11, 23)  # NOW is 12:00 that Monday in Moscow (UTC+3)


def moscow(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=dt.UTC) - dt.timedelta(hours=3)


class Office:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.seller = make_user(db, "Сергей", Role.SELLER)
        self.office_id = make_office(db)
        self.anna = make_resource(db, self.office_id, self.seller.user_id, "Анна Иванова")
        self.boris = make_resource(db, self.office_id, None, "Борис Смирнов")
        with db.session() as session:
            for resource_id in (self.anna, self.boris):
                for weekday in range(5):
                    session.add(
                        WorkingHours(
                            resource_id=resource_id,
                            weekday=weekday,
                            starts=dt.time(9),
                            ends=dt.time(18),
                        )
                    )

    def client(self, name: str, phone: str) -> int:
        lead = make_lead(self.db, None, name)
        with self.db.session() as session:
            session.add(Phone(contact_id=contact_of(self.db, lead), e164=phone, kind="mobile"))
        return lead


@pytest.fixture
def office(sqlite_db: Database) -> Office:
    return Office(sqlite_db)


@contextmanager
def open_page(
    qtbot: QtBot, db: Database, office: Office, translations: Translations, now: dt.datetime
) -> Iterator[CalendarPage]:
    widget = CalendarPage(context_for(db, office.seller, translations), clock=lambda: now)
    widget.resize(1440, 900)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: not widget.is_loading() and widget.view is not None)
    yield widget
    # Not handed to qtbot.addWidget: pytest-qt deletes its widgets before fixtures end, which
    # would delete a reload still running after the test's last action along with the page.
    qtbot.waitUntil(lambda: not widget.is_busy())
    widget.close()
    widget.deleteLater()


@pytest.fixture
def page(
    qtbot: QtBot, sqlite_db: Database, office: Office, translations: Translations
) -> Iterator[CalendarPage]:
    with open_page(qtbot, sqlite_db, office, translations, NOW) as widget:
        yield widget


@pytest.fixture
def thursday_page(
    qtbot: QtBot, sqlite_db: Database, office: Office, translations: Translations
) -> Iterator[CalendarPage]:
    """The page on Thursday 26 November, noon in Moscow."""
    with open_page(qtbot, sqlite_db, office, translations, moscow(26, 12)) as widget:
        yield widget


def reload(qtbot: QtBot, page: CalendarPage) -> None:
    page.refresh()
    qtbot.waitUntil(lambda: not page.is_loading())


def press_key(qtbot: QtBot, page: CalendarPage, key: Qt.Key) -> None:
    qtbot.keyClick(page.grid, key)  # type: ignore[no-untyped-call]
    qtbot.waitUntil(lambda: not page.is_loading())


def block(page: CalendarPage, visit_id: int) -> VisitBlock:
    assert page.view is not None
    return next(b for b in page.view.blocks if b.visit_id == visit_id)


def test_opens_on_this_week_of_the_sellers_office(page: CalendarPage, office: Office) -> None:
    view = page.view
    assert view is not None and view.office_id == office.office_id
    assert view.days[0] == MONDAY and len(view.days) == 7
    assert [r.name for r in view.resources] == ["Анна Иванова", "Борис Смирнов"]
    assert page.office.currentData() == office.office_id
    assert page.resource.currentText() == "All resources"
    assert page.range_label.text().endswith("2026")


def test_navigation_with_buttons_and_keys(qtbot: QtBot, page: CalendarPage) -> None:
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.grid.setFocus()

    press_key(qtbot, page, Qt.Key.Key_PageDown)
    assert page.view is not None and page.view.days[0] == MONDAY + dt.timedelta(days=7)
    press_key(qtbot, page, Qt.Key.Key_T)
    assert page.view is not None and page.view.days[0] == MONDAY

    press_key(qtbot, page, Qt.Key.Key_D)
    assert page.mode is ViewMode.DAY and page.day_button.isChecked()
    assert page.view is not None and page.view.days == (MONDAY,)
    press_key(qtbot, page, Qt.Key.Key_PageUp)
    assert page.view is not None and page.view.days == (MONDAY - dt.timedelta(days=1),)

    page.next_button.click()
    qtbot.waitUntil(lambda: not page.is_loading())
    page.next_button.click()
    qtbot.waitUntil(lambda: not page.is_loading())
    assert page.view is not None and page.view.days == (MONDAY + dt.timedelta(days=1),)
    page.today_button.click()
    qtbot.waitUntil(lambda: not page.is_loading())
    assert page.view is not None and page.view.days == (MONDAY,)

    press_key(qtbot, page, Qt.Key.Key_W)
    assert str(page.mode) == "week" and page.week_button.isChecked()
    assert page.view is not None and len(page.view.days) == 7


def test_resource_filter(qtbot: QtBot, page: CalendarPage, office: Office) -> None:
    page.resource.setCurrentIndex(page.resource.findData(office.boris))
    page.resource.activated.emit(page.resource.currentIndex())
    qtbot.waitUntil(lambda: not page.is_loading())

    assert page.view is not None
    assert [r.resource_id for r in page.view.resources] == [office.boris]


def test_counters_chips_and_highlight(qtbot: QtBot, page: CalendarPage, office: Office) -> None:
    lead = office.client("Иван Петров", "+79161234567")
    book_visit(office.db, lead, office.anna, moscow(23, 15))  # in 3 h, not confirmed
    book_visit(office.db, lead, office.anna, moscow(23, 16), status="confirmed")
    book_visit(office.db, lead, office.boris, moscow(23, 10))  # started 2 h ago
    book_visit(office.db, lead, office.boris, moscow(23, 9), status="held")
    reload(qtbot, page)

    assert page.unconfirmed_chip.text() == "Unconfirmed: 1"
    assert page.late_chip.text() == "Late: 1"
    qtbot.mouseClick(page.late_chip, Qt.MouseButton.LeftButton)  # type: ignore[no-untyped-call]
    assert page.grid._highlight == frozenset({Highlight.LATE})
    qtbot.mouseClick(page.unconfirmed_chip, Qt.MouseButton.LeftButton)  # type: ignore[no-untyped-call]
    assert page.grid._highlight == frozenset({Highlight.LATE, Highlight.UNCONFIRMED})


def test_tooltip_and_details_dialog(qtbot: QtBot, page: CalendarPage, office: Office) -> None:
    lead = office.client("Иван Петров", "+79161234567")
    visit = book_visit(office.db, lead, office.anna, moscow(24, 10))
    with office.db.session() as session:
        row = session.get(Visit, visit)
        assert row is not None
        row.confirmation_channel, row.confirmation_note = "sms", "after 18:00"
    reload(qtbot, page)

    center = page.grid.block_center(visit)
    assert center is not None
    tooltip = page.grid.tooltip_at(center)
    assert tooltip is not None and "Иван Петров" in tooltip and "+79161234567" in tooltip
    assert "Booked" in tooltip

    QTest.mouseDClick(page.grid, Qt.MouseButton.LeftButton, pos=center)
    qtbot.waitUntil(lambda: page.details_dialog is not None)
    dialog = page.details_dialog
    assert dialog is not None
    texts = {
        name: dialog.findChild(type(page.range_label), name).text()  # type: ignore[union-attr]
        for name in ("visitStatus", "visitClient", "visitPhone", "visitConfirmationNote")
    }
    assert texts == {
        "visitStatus": "Booked",
        "visitClient": "Иван Петров",
        "visitPhone": "+79161234567",
        "visitConfirmationNote": "after 18:00",
    }

    dialog.cancel_reason.setText("клиент заболел")
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: page.details_dialog is None and not page.is_busy())
    with office.db.session() as session:
        cancelled = session.get(Visit, visit)
        assert cancelled is not None
        assert (cancelled.status, cancelled.cancelled_by) == ("cancelled", "client")


def drag(page: CalendarPage, start: QPoint, end: QPoint) -> None:
    grid = page.grid
    QTest.mousePress(grid, Qt.MouseButton.LeftButton, pos=start)
    middle = QPoint((start.x() + end.x()) // 2, (start.y() + end.y()) // 2)
    QTest.mouseMove(grid, middle)
    QTest.mouseMove(grid, end)
    QTest.mouseRelease(grid, Qt.MouseButton.LeftButton, pos=end)


def answer_move(qtbot: QtBot, page: CalendarPage, yes: bool) -> str:
    qtbot.waitUntil(lambda: page.move_dialog is not None)
    box = page.move_dialog
    assert box is not None
    text = box.text()
    button = QMessageBox.StandardButton.Yes if yes else QMessageBox.StandardButton.No
    box.button(button).click()
    return text


@pytest.mark.parametrize("mode", [ViewMode.WEEK, ViewMode.DAY])
def test_drag_to_another_resource_and_time_reschedules(
    qtbot: QtBot, page: CalendarPage, office: Office, mode: ViewMode
) -> None:
    lead = office.client("Иван Петров", "+79161234567")
    visit = book_visit(office.db, lead, office.anna, moscow(24, 10))
    page.set_mode(mode)
    page.show_day(dt.date(2026, 11, 24))
    qtbot.waitUntil(lambda: not page.is_loading())
    reload(qtbot, page)
    start = page.grid.block_center(visit)  # 30 minutes into the hour-long visit
    end = page.grid.point_for(office.boris, dt.date(2026, 11, 24), 14 * 60 + 30 + 7)
    assert start is not None and end is not None

    with qtbot.waitSignal(page.visitRescheduled, timeout=10_000) as signal:
        drag(page, start, end)
        question = answer_move(qtbot, page, yes=True)

    assert "Иван Петров" in question and "10:00" in question and "14:00" in question
    assert "Борис Смирнов" in question and "The client will get a message" in question
    old_id, new_id = signal.args
    assert old_id == visit
    with office.db.session() as session:
        old = session.get(Visit, visit)
        new = session.get(Visit, new_id)
        assert old is not None and new is not None
        assert old.status == "rescheduled"
        assert (new.resource_id, new.starts_at, new.status) == (
            office.boris,
            moscow(24, 14),
            "booked",
        )
        assert new.rescheduled_from_id == visit
    qtbot.waitUntil(lambda: not page.is_busy())
    assert block(page, new_id).resource_id == office.boris


def test_declining_the_question_keeps_the_visit(
    qtbot: QtBot, page: CalendarPage, office: Office
) -> None:
    lead = office.client("Иван Петров", "+79161234567")
    visit = book_visit(office.db, lead, office.anna, moscow(24, 10))
    reload(qtbot, page)
    start = page.grid.block_center(visit)
    end = page.grid.point_for(office.anna, dt.date(2026, 11, 25), 11 * 60 + 30)
    assert start is not None and end is not None

    drag(page, start, end)
    answer_move(qtbot, page, yes=False)

    assert page.move_dialog is None and not page.is_busy()
    with office.db.session() as session:
        row = session.get(Visit, visit)
        assert row is not None and row.status == "booked" and row.starts_at == moscow(24, 10)


def test_a_taken_slot_shows_the_suggestion(
    qtbot: QtBot, page: CalendarPage, office: Office, sqlite_db: Database
) -> None:
    lead = office.client("Иван Петров", "+79161234567")
    visit = book_visit(office.db, lead, office.anna, moscow(24, 10))
    rival = office.client("Мария Соколова", "+79161230000")
    BookingService(sqlite_db).book(
        office.seller,
        rival,
        office.boris,
        moscow(25, 14),
        confirmation_channel="sms",
        confirmation_note=None,
        now=NOW,
    )
    reload(qtbot, page)
    start = page.grid.block_center(visit)
    end = page.grid.point_for(office.boris, dt.date(2026, 11, 25), 14 * 60 + 30)
    assert start is not None and end is not None

    drag(page, start, end)
    answer_move(qtbot, page, yes=True)
    qtbot.waitUntil(lambda: page.error.isVisible())

    assert "just taken" in page.error.text()
    assert "nearest free one" in page.error.text()
    with office.db.session() as session:
        row = session.get(Visit, visit)
        assert row is not None and row.status == "booked"


def test_held_visits_do_not_drag(qtbot: QtBot, page: CalendarPage, office: Office) -> None:
    lead = office.client("Иван Петров", "+79161234567")
    visit = book_visit(office.db, lead, office.anna, moscow(23, 10), status="held")
    reload(qtbot, page)
    start = page.grid.block_center(visit)
    end = page.grid.point_for(office.boris, dt.date(2026, 11, 25), 14 * 60 + 30)
    assert start is not None and end is not None

    drag(page, start, end)

    assert page.move_dialog is None


def test_an_office_without_resources_says_so(
    qtbot: QtBot, sqlite_db: Database, translations: Translations
) -> None:
    actor: Actor = make_user(sqlite_db, "Ольга", Role.SUPERVISOR)
    widget = CalendarPage(context_for(sqlite_db, actor, translations), clock=lambda: NOW)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: not widget.is_loading())
    assert widget.empty_label.isVisible() and widget.view is None
    with sqlite_db.session() as session:
        assert session.query(Resource).count() == 0


def open_details(qtbot: QtBot, page: CalendarPage, visit_id: int) -> VisitDetailsDialog:
    center = page.grid.block_center(visit_id)
    assert center is not None
    QTest.mouseDClick(page.grid, Qt.MouseButton.LeftButton, pos=center)
    qtbot.waitUntil(lambda: page.details_dialog is not None)
    dialog = page.details_dialog
    assert dialog is not None
    return dialog


def test_arrival_and_result_from_the_details_dialog(
    qtbot: QtBot, page: CalendarPage, office: Office
) -> None:
    lead = office.client("Иван Петров", "+79161234567")
    visit = book_visit(office.db, lead, office.anna, moscow(23, 11))  # started an hour ago
    reload(qtbot, page)
    assert page.late_chip.text() == "Late: 1"

    dialog = open_details(qtbot, page, visit)
    assert dialog.arrived_button.isVisibleTo(dialog) and dialog.no_show_button.isVisibleTo(dialog)
    dialog.arrived_button.click()
    qtbot.waitUntil(lambda: page.details_dialog is None and not page.is_busy())
    assert block(page, visit).status == "held" and page.late_chip.text() == "Late: 0"

    dialog = open_details(qtbot, page, visit)
    assert not dialog.arrived_button.isVisibleTo(dialog)
    dialog.sale.setChecked(True)
    dialog.amount.setText("150 000,50")
    dialog.result_comment.setText("кредит на авто")
    dialog.result_button.click()
    qtbot.waitUntil(lambda: page.details_dialog is None and not page.is_busy())
    with office.db.session() as session:
        result = session.query(VisitResult).filter_by(visit_id=visit).one()
        assert (result.sale, result.amount, result.comment) == (
            True,
            Decimal("150000.50"),
            "кредит на авто",
        )


def test_a_no_show_too_early_is_refused_in_the_dialog(
    qtbot: QtBot, page: CalendarPage, office: Office
) -> None:
    lead = office.client("Иван Петров", "+79161234567")
    visit = book_visit(office.db, lead, office.anna, moscow(24, 11))

    reload(qtbot, page)
    dialog = open_details(qtbot, page, visit)
    dialog.no_show_button.click()
    qtbot.waitUntil(lambda: dialog.error.isVisible())

    assert "Too early" in dialog.error.text() and "11:00" in dialog.error.text()
    assert dialog.no_show_button.isEnabled()
    qtbot.waitUntil(lambda: not page.is_busy())  # the sheet is read again after a refusal
    dialog.reject()


def switch(qtbot: QtBot, page: CalendarPage, mode: ViewMode) -> tuple[dt.date, ...]:
    page.set_mode(mode)
    qtbot.waitUntil(lambda: not page.is_loading())
    assert page.view is not None
    return page.view.days


THURSDAY = dt.date(2026, 11, 26)


def test_week_to_day_shows_today_in_this_week_else_the_weeks_monday(
    qtbot: QtBot, thursday_page: CalendarPage
) -> None:
    page = thursday_page
    assert page.view is not None and page.view.days[0] == MONDAY
    assert switch(qtbot, page, ViewMode.DAY) == (THURSDAY,)
    assert switch(qtbot, page, ViewMode.WEEK)[0] == MONDAY

    page.show_day(dt.date(2026, 11, 29))  # the Sunday of this week: still today
    qtbot.waitUntil(lambda: not page.is_loading())
    assert switch(qtbot, page, ViewMode.DAY) == (THURSDAY,)
    switch(qtbot, page, ViewMode.WEEK)

    page.go_next()
    qtbot.waitUntil(lambda: not page.is_loading())
    assert page.view is not None and page.view.days[0] == MONDAY + dt.timedelta(days=7)
    assert switch(qtbot, page, ViewMode.DAY) == (MONDAY + dt.timedelta(days=7),)

    page.go_previous()
    page.go_previous()  # Sunday the 29th, then Saturday the 28th
    qtbot.waitUntil(lambda: not page.is_loading())
    assert page.view is not None and page.view.days == (dt.date(2026, 11, 28),)
    assert switch(qtbot, page, ViewMode.WEEK)[0] == MONDAY  # the week of the day shown
    page.go_previous()
    qtbot.waitUntil(lambda: not page.is_loading())
    assert switch(qtbot, page, ViewMode.DAY) == (MONDAY - dt.timedelta(days=7),)


def test_week_shows_the_hour_scale_today_and_whole_names(
    qtbot: QtBot, thursday_page: CalendarPage, office: Office
) -> None:
    page = thursday_page
    with office.db.session() as session:
        resource = session.get(Resource, office.boris)
        assert resource is not None
        resource.name = "Борис Смирнов — старший кредитный эксперт по ипотеке"
    reload(qtbot, page)
    geometry = page.grid.geometry_
    assert geometry is not None and page.view is not None
    labels = [label.text for label in geometry.hour_labels]
    assert labels[0] == "09:00" and len(labels) >= 7 * 2  # from the start of the day's hours
    today = geometry.today_column
    thursday = next(lane for lane in geometry.bands[0].lanes if lane.day == THURSDAY)
    assert today is not None and today.left() == thursday.rect.left()
    # The names' column grows for the long name up to its limit; the full name is a tooltip.
    assert geometry.gutter == WEEK_MAX_GUTTER
    boris = geometry.bands[1]
    tooltip = page.grid.tooltip_at(QPoint(10, int((boris.top + boris.bottom) / 2)))
    assert tooltip == "Борис Смирнов — старший кредитный эксперт по ипотеке"
    page.grid.grab()  # paints the scale, today's header and the wrapped name


def test_one_visit_and_the_shown_week_save_as_ics_files(
    qtbot: QtBot, page: CalendarPage, office: Office, tmp_path: Path
) -> None:
    lead = office.client("Иван Петров", "+79161234567")
    visit = book_visit(office.db, lead, office.anna, moscow(24, 10))
    other = book_visit(
        office.db, office.client("Мария Соколова", "+79161230000"), office.boris, moscow(26, 15)
    )
    reload(qtbot, page)
    center = page.grid.block_center(visit)
    assert center is not None
    QTest.mouseDClick(page.grid, Qt.MouseButton.LeftButton, pos=center)
    qtbot.waitUntil(lambda: page.details_dialog is not None)
    dialog = page.details_dialog
    assert dialog is not None

    asked: list[str] = []
    one = tmp_path / "one.ics"
    page.ics.ask_path = lambda suggested: asked.append(suggested) or str(one)
    dialog.ics_button.click()
    qtbot.waitUntil(lambda: not page.ics.is_busy() and one.exists())
    assert asked == [f"visit-{visit}.ics"]
    events = Calendar.from_ical(one.read_bytes()).walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [f"visit-{visit}@operator-app"]
    assert "Иван Петров" in str(events[0]["SUMMARY"])
    assert "1 visit(s) saved to" in page.notice.text()
    dialog.reject()

    week = tmp_path / "week.ics"
    page.ics.ask_path = lambda _suggested: str(week)
    page.ics_button.click()
    qtbot.waitUntil(lambda: not page.ics.is_busy() and week.exists())
    uids = {str(e["UID"]) for e in Calendar.from_ical(week.read_bytes()).walk("VEVENT")}
    assert uids == {f"visit-{visit}@operator-app", f"visit-{other}@operator-app"}

    page.ics.ask_path = lambda _suggested: None  # the person closed the file dialog
    page.ics_button.click()
    assert not page.ics.is_busy()


def test_a_file_that_cannot_be_written_is_reported(
    qtbot: QtBot, page: CalendarPage, tmp_path: Path
) -> None:
    page.ics.ask_path = lambda _suggested: str(tmp_path / "missing" / "folder" / "week.ics")
    page.ics_button.click()
    qtbot.waitUntil(lambda: not page.ics.is_busy() and page.error.isVisible())
    assert "could not be written" in page.error.text()
