"""A seller moves a visit in the real main window: sign in → Calendar tab → the visit's week →
drag it to a free time of the client's → confirm → the visit is moved and the client gets a
message."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from operator_app.core.calendar.booking import BookingService
from operator_app.core.consent import ConsentChannel, ConsentKind, ConsentService
from operator_app.core.settings import AppSettings
from operator_app.core.users import UserService
from operator_app.gui.calendar import CalendarPage
from operator_app.gui.flow import SessionFlow
from operator_app.gui.i18n import Translations
from operator_app.gui.sign_in import SignInDialog
from operator_app.gui.workspaces import WorkspaceTabs
from operator_app.storage.database import Database
from operator_app.storage.models import Lead, Office, OutgoingMessage, Resource, User, Visit
from tests.gui.conftest import close_windows, translations  # noqa: F401 - fixtures
from tests.gui.test_call_support import DEMO_PASSWORD, demo_database

pytestmark = pytest.mark.usefixtures("close_windows")


def the_sellers_next_visit(database: Database) -> tuple[Visit, str]:
    """A booked visit ahead at the demo seller's own resource, and its office's zone."""
    with database.session() as session:
        seller = session.scalars(select(User).where(User.login == "seller")).one()
        resource = session.scalars(select(Resource).where(Resource.user_id == seller.id)).first()
        assert resource is not None
        office = session.get_one(Office, resource.office_id)
        visit = session.scalars(
            select(Visit)
            .where(
                Visit.resource_id == resource.id,
                Visit.status.in_(("booked", "confirmed")),
                Visit.starts_at > dt.datetime.now(dt.UTC) + dt.timedelta(hours=2),
            )
            .order_by(Visit.starts_at)
        ).first()
        assert visit is not None, "the demo has a visit ahead at the seller's resource"
        session.expunge(visit)
        return visit, office.time_zone


def test_a_seller_drags_a_visit_to_another_time_and_the_client_is_told(
    qtbot: QtBot,
    sqlite_db: Database,
    translations: Translations,  # noqa: F811 - the fixture imported above
) -> None:
    demo_database(sqlite_db)
    visit, zone = the_sellers_next_visit(sqlite_db)
    with sqlite_db.session() as session:
        contact_id = session.get_one(Lead, visit.lead_id).contact_id
    seller = UserService(sqlite_db).authenticate("seller", DEMO_PASSWORD)
    # Told at booking how confirmation works, the client agreed to reminders on the phone.
    ConsentService(sqlite_db).record(
        seller, contact_id, ConsentKind.REMINDERS, True, ConsentChannel.PHONE_CALL
    )
    free = BookingService(sqlite_db).suggest(
        visit.lead_id, resource_ids=[visit.resource_id], after=visit.starts_at, limit=60
    )
    office_day = visit.starts_at.astimezone(zoneinfo.ZoneInfo(zone)).date()
    same_week = [
        slot
        for slot in free
        if slot.office_local.date().isocalendar()[:2] == office_day.isocalendar()[:2]
        and slot.starts_at >= visit.starts_at + dt.timedelta(hours=3)  # a drag, not a nudge
    ]
    assert same_week, "a free time of the client's later in the visit's week"
    target = same_week[0]

    flow = SessionFlow(sqlite_db, AppSettings.load(), translations)
    flow.start()
    dialog = flow.dialog
    assert isinstance(dialog, SignInDialog)
    dialog.login.setText("seller")
    dialog.password.setText(DEMO_PASSWORD)
    with qtbot.waitSignal(flow.window_shown):
        dialog.sign_in_button.click()
    window = flow.window
    assert window is not None
    tabs = window.centralWidget()
    assert isinstance(tabs, WorkspaceTabs)
    page = tabs.page("calendar")
    assert isinstance(page, CalendarPage)
    tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: not page.is_busy() and page.view is not None, timeout=10_000)
    for _week in range(3):  # the visit is within the next weeks
        if page.grid.block_center(visit.id) is not None:
            break
        page.go_next()
        qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    start = page.grid.block_center(visit.id)
    # The visit is grabbed by its middle, so the middle is what lands on the new time.
    half = int((visit.ends_at - visit.starts_at).total_seconds() // 120)
    minute = target.office_local.hour * 60 + target.office_local.minute + half
    end = page.grid.point_for(visit.resource_id, target.office_local.date(), minute)
    assert start is not None and end is not None

    grid = page.grid
    QTest.mousePress(grid, Qt.MouseButton.LeftButton, pos=start)
    QTest.mouseMove(grid, QPoint((start.x() + end.x()) // 2, (start.y() + end.y()) // 2))
    QTest.mouseMove(grid, end)
    QTest.mouseRelease(grid, Qt.MouseButton.LeftButton, pos=end)
    qtbot.waitUntil(lambda: page.move_dialog is not None)
    box = page.move_dialog
    assert box is not None
    assert "The client will get a message" in box.text()
    with qtbot.waitSignal(page.visitRescheduled, timeout=10_000) as moved:
        box.button(QMessageBox.StandardButton.Yes).click()
    old_id, new_id = moved.args or (0, 0)
    assert old_id == visit.id
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)

    with sqlite_db.session() as session:
        old = session.get_one(Visit, visit.id)
        new = session.get_one(Visit, new_id)
        assert old.status == "rescheduled"
        assert new.rescheduled_from_id == visit.id
        assert (new.resource_id, new.starts_at) == (target.resource_id, target.starts_at)
        notices = session.scalars(
            select(OutgoingMessage.template_code).where(OutgoingMessage.visit_id == new_id)
        ).all()
    assert "reschedule_notice" in notices
    assert page.grid.block_center(new_id) is not None  # the sheet shows where it went
