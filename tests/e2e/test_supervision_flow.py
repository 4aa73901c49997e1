"""A supervisor's day through the real window: the dashboard drilled into one operator, a
call reviewed and scored, and the operator reading that feedback in their own window."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from operator_app.core.reports.dashboard import Breakdown
from operator_app.core.review.checklist import ChecklistItem
from operator_app.gui.dashboard.page import DashboardPage
from operator_app.gui.i18n import Translations
from operator_app.gui.my_results import MyResultsWindow
from operator_app.gui.review.call_review_page import CallReviewPage
from operator_app.gui.workspaces import WorkspaceTabs
from operator_app.storage.base import utcnow
from operator_app.storage.database import Database
from operator_app.storage.models import CallReview
from tests.e2e.test_handoff_flows import sign_in
from tests.gui.conftest import close_windows, translations  # noqa: F401 - fixtures
from tests.support.review_data import booked_dialogue, make_call, make_floor, short_dialogue

pytestmark = pytest.mark.usefixtures("close_windows")


def test_dashboard_drill_in_then_a_scored_call_reaches_its_operator(
    qtbot: QtBot,
    sqlite_db: Database,
    translations: Translations,  # noqa: F811
) -> None:
    floor = make_floor(sqlite_db)
    # Yesterday morning, in whatever week today is: inside every page's default period.
    yesterday = (utcnow() - dt.timedelta(days=1)).replace(hour=7, minute=0, second=0)
    olgas_call = make_call(
        floor, floor.olga, "Иван Петров", started_at=yesterday, dialogue=booked_dialogue(yesterday)
    )
    later = yesterday + dt.timedelta(hours=1)
    make_call(
        floor,
        floor.pavel,
        "Мария Соколова",
        started_at=later,
        talk_seconds=20,
        disposition="refused",
        reason="Не интересно",
        dialogue=short_dialogue(later),
    )

    _supervisors_flow, window = sign_in(qtbot, sqlite_db, translations, floor.supervisor.login)
    tabs = window.centralWidget()
    assert isinstance(tabs, WorkspaceTabs)
    assert tabs.tabText(tabs.currentIndex()) == "Dashboard"  # a supervisor starts on the figures
    dashboard = tabs.page("dashboard")
    assert isinstance(dashboard, DashboardPage)
    qtbot.waitUntil(
        lambda: dashboard.dashboard() is not None and not dashboard.is_busy(), timeout=10_000
    )
    assert dashboard.tiles.value_text("calls") == "2"
    operators = dashboard.breakdowns[Breakdown.OPERATOR]
    names = [operators.source.row_at(row).label for row in range(operators.source.rowCount())]
    assert sorted(names) == ["Ольга Операторова", "Павел Звонков"]

    # Enter on Olga's row: the figures become hers, and back to everyone again.
    operators.setFocus()
    assert operators.select_where(lambda row: row.label == "Ольга Операторова")
    qtbot.keyClick(operators, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: (
            (shown := dashboard.dashboard()) is not None
            and shown.report_filter.operator_id == floor.olga.user_id
            and not dashboard.is_busy()
        ),
        timeout=10_000,
    )
    assert dashboard.tiles.value_text("calls") == "1"
    assert "Ольга Операторова" in dashboard.breadcrumb.text()
    dashboard.back_button.click()
    qtbot.waitUntil(
        lambda: (
            (shown := dashboard.dashboard()) is not None
            and shown.report_filter.operator_id is None
            and not dashboard.is_busy()
        ),
        timeout=10_000,
    )
    assert dashboard.tiles.value_text("calls") == "2"

    # Call review: open Olga's call, mark the closing "No", comment, Ctrl+S.
    review = tabs.show_page("call_review")
    assert isinstance(review, CallReviewPage)
    qtbot.waitUntil(lambda: not review.is_busy() and review.model.rowCount() == 2, timeout=10_000)
    assert review.table.select_where(lambda row: row.call_id == olgas_call)
    qtbot.waitUntil(
        lambda: (
            (shown := review.detail_shown()) is not None and shown.summary.call_id == olgas_call
        ),
        timeout=10_000,
    )
    closing = review.panel.combos[ChecklistItem.CLOSING_REMINDER]
    closing.setCurrentIndex(closing.findText("No"))
    review.panel.comment.setPlainText("Не договорились о напоминании")
    qtbot.keyClick(review.panel.comment, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: review.panel.status.text() == "Review saved.", timeout=10_000)
    qtbot.waitUntil(lambda: not review.is_busy(), timeout=10_000)
    with sqlite_db.session() as session:
        stored = session.scalars(select(CallReview)).one()
    assert stored.call_id == olgas_call and stored.checklist["items"]["closing_reminder"] == "no"

    # Olga opens My results in her own window and reads it.
    _olgas_flow, olgas_window = sign_in(qtbot, sqlite_db, translations, floor.olga.login)
    olgas_window.my_results_action.trigger()
    results = olgas_window.my_results_window
    assert isinstance(results, MyResultsWindow)
    results.show_feedback()
    feedback = results.feedback_page
    qtbot.waitUntil(
        lambda: not feedback.is_busy() and feedback.model.rowCount() == 1, timeout=10_000
    )
    feedback.table.setFocus()
    feedback.table.selectRow(0)
    qtbot.waitUntil(lambda: feedback.shown() is not None and not feedback.is_busy(), timeout=10_000)
    assert "Не договорились о напоминании" in feedback.detail.toPlainText()
    with sqlite_db.session() as session:
        assert session.scalars(select(CallReview)).one().seen_by_operator_at is not None
    qtbot.waitUntil(lambda: not results.scorecard_page.is_busy(), timeout=10_000)
