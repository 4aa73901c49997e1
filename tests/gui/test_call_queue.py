"""The queue side of the operator's workspace: status, what waits where, and it refreshes."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QColor
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from operator_app.core.queue.buckets import Bucket
from operator_app.core.queue.status import OperatorStatus
from operator_app.gui.call.queue_models import age_text
from operator_app.gui.call.workspace import OperatorWorkspace
from operator_app.gui.i18n import Translations
from operator_app.storage.database import Database
from operator_app.storage.models import Campaign, Contact, Lead, Phone
from tests.gui.helpers import context_for
from tests.gui.test_call_support import demo_database, demo_operator, queue_shown

pytestmark = pytest.mark.usefixtures("close_windows")


def open_workspace(
    qtbot: QtBot, database: Database, translations: Translations
) -> OperatorWorkspace:
    workspace = OperatorWorkspace(context_for(database, demo_operator(database), translations))
    qtbot.addWidget(workspace)
    workspace.show()
    qtbot.waitUntil(lambda: queue_shown(workspace.queue_panel), timeout=10_000)
    return workspace


def add_inbound_lead(database: Database, name: str, minutes_ago: int) -> int:
    with database.session() as session:
        campaign_id = session.scalars(select(Campaign.id).limit(1)).one()
        contact = Contact(full_name=name)
        session.add(contact)
        session.flush()
        session.add(Phone(contact_id=contact.id, e164=f"+7916{minutes_ago:07d}", kind="mobile"))
        lead = Lead(
            contact_id=contact.id,
            campaign_id=campaign_id,
            source="inbound",
            state="new",
            created_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes_ago),
        )
        session.add(lead)
        session.flush()
        return lead.id


def count_of(workspace: OperatorWorkspace, bucket: Bucket) -> int:
    return next(row.count for row in workspace.queue_panel.buckets.rows() if row.bucket is bucket)


def test_buckets_and_the_waiting_list_with_reasons_and_ages(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, qtmodeltester: ModelTester
) -> None:
    demo_database(sqlite_db)
    add_inbound_lead(sqlite_db, "Долго Ждущий", minutes_ago=12)
    add_inbound_lead(sqlite_db, "Только Что", minutes_ago=1)
    workspace = open_workspace(qtbot, sqlite_db, translations)
    panel = workspace.queue_panel
    qtmodeltester.check(panel.buckets)  # type: ignore[no-untyped-call]
    assert [row.bucket for row in panel.buckets.rows()] == list(Bucket)
    assert count_of(workspace, Bucket.INBOUND) == 2
    assert count_of(workspace, Bucket.FRESH) > 0
    assert panel.selected_bucket() is Bucket.INBOUND  # the first bucket with work
    waiting = panel.waiting
    qtmodeltester.check(waiting)  # type: ignore[no-untyped-call]
    assert [item.client_name for item in waiting.rows()] == ["Долго Ждущий", "Только Что"]
    assert waiting.index(0, 2).data() == "new inbound lead"
    assert waiting.index(0, 3).data() == "12 min"
    assert waiting.index(0, 3).data(Qt.ItemDataRole.ForegroundRole) == QColor("#c5221f")
    assert waiting.index(1, 3).data(Qt.ItemDataRole.ForegroundRole) is None

    panel.bucket_view.selectRow(list(Bucket).index(Bucket.FRESH))
    qtbot.waitUntil(
        lambda: bool(waiting.rows()) and all(item.bucket is Bucket.FRESH for item in waiting.rows())
    )
    assert waiting.index(0, 2).data().startswith("fresh lead from list ")

    # Filtering by a list narrows the counts to it.
    assert panel.list_filter.count() > 2
    panel.list_filter.setCurrentIndex(1)
    qtbot.waitUntil(lambda: count_of(workspace, Bucket.INBOUND) == 0)


def test_the_queue_refreshes_itself_when_colleagues_change_things(
    qtbot: QtBot, sqlite_db: Database, translations: Translations
) -> None:
    demo_database(sqlite_db)
    workspace = open_workspace(qtbot, sqlite_db, translations)
    workspace.queue_panel.poll.setInterval(100)
    assert count_of(workspace, Bucket.INBOUND) == 0
    add_inbound_lead(sqlite_db, "Новый Звонок", minutes_ago=0)
    qtbot.waitUntil(lambda: count_of(workspace, Bucket.INBOUND) == 1, timeout=5000)


def test_nothing_is_offered_on_a_break_and_the_panel_says_why(
    qtbot: QtBot, sqlite_db: Database, translations: Translations
) -> None:
    demo_database(sqlite_db)
    workspace = open_workspace(qtbot, sqlite_db, translations)
    panel = workspace.queue_panel
    panel.status.activated.emit(panel.status.findData(OperatorStatus.BREAK.value))
    assert panel.break_reason.isVisible()
    panel.break_button.click()  # no reason yet
    assert panel.why_disabled.text() == "Say why you take a break."
    panel.break_reason.setText("Обед")
    panel.break_button.click()
    assert workspace.statuses.status_of(workspace.context.actor.user_id) is OperatorStatus.BREAK
    assert not panel.next_button.isEnabled()
    assert not workspace.next_action.isEnabled()
    assert panel.why_disabled.text().startswith("You are on a break: nothing is offered.")
    workspace.take_next()
    assert workspace.call is None

    panel.status.activated.emit(panel.status.findData(OperatorStatus.READY.value))
    assert panel.next_button.isEnabled() and not panel.why_disabled.isVisible()
    panel.next_button.click()
    qtbot.waitUntil(lambda: workspace.call is not None, timeout=10_000)
    assert not panel.next_button.isEnabled()
    assert panel.why_disabled.text() == "Finish the open call first."


def test_getting_ready_warms_the_queue_up_once_in_the_background(
    qtbot: QtBot, sqlite_db: Database, translations: Translations
) -> None:
    demo_database(sqlite_db)
    workspace = open_workspace(qtbot, sqlite_db, translations)
    warm_ups: list[object] = []

    def count_warm_up(actor: object, **_options: object) -> None:
        warm_ups.append(actor)

    workspace.queue.warm_up = count_warm_up  # type: ignore[method-assign]
    workspace.set_status(OperatorStatus.READY)
    qtbot.waitUntil(lambda: len(warm_ups) == 1)
    workspace.set_status(OperatorStatus.BREAK, "coffee")
    workspace.set_status(OperatorStatus.READY)
    QThreadPool.globalInstance().waitForDone(10_000)
    assert warm_ups == [workspace.context.actor]


def test_ages_read_naturally() -> None:
    now = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
    assert age_text(None, now) == ""
    assert age_text(now - dt.timedelta(minutes=3), now) == "3 min"
    assert age_text(now - dt.timedelta(minutes=125), now) == "2 h 5 min"
    assert age_text(now - dt.timedelta(days=3), now) == "3 d"
