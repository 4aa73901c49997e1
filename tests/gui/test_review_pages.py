"""Call review in the window: a supervisor reviews and scores a call from the keyboard, the
operator sees the feedback (and reading it marks it read); nobody else sees it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from operator_app.core.review.checklist import ChecklistItem
from operator_app.core.roles import Actor
from operator_app.gui.i18n import Translations
from operator_app.gui.review import call_review_page
from operator_app.gui.review.call_review_page import CallReviewPage
from operator_app.gui.review.feedback_page import FeedbackPage
from operator_app.storage.database import Database
from operator_app.storage.models import CallReview
from tests.gui.helpers import context_for
from tests.support.review_data import (
    DAY,
    MORNING,
    Floor,
    booked_dialogue,
    make_call,
    make_floor,
    short_dialogue,
)

pytestmark = pytest.mark.usefixtures("close_windows")


def review_page(qtbot: QtBot, floor: Floor, translations: Translations) -> CallReviewPage:
    page = CallReviewPage(context_for(floor.database, floor.supervisor, translations))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    page.set_period(DAY, DAY)
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    return page


def feedback_page(qtbot: QtBot, floor: Floor, actor: Actor, tr: Translations) -> FeedbackPage:
    page = FeedbackPage(context_for(floor.database, actor, tr))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    return page


def open_call(qtbot: QtBot, page: CallReviewPage, call_id: int) -> None:
    assert page.table.select_where(lambda row: row.call_id == call_id)
    qtbot.waitUntil(
        lambda: (shown := page.detail_shown()) is not None and shown.summary.call_id == call_id,
        timeout=10_000,
    )


def test_review_and_score_a_call_then_the_operator_sees_the_feedback(
    qtbot: QtBot,
    qtmodeltester: ModelTester,
    sqlite_db: Database,
    translations: Translations,
    admin: Actor,
) -> None:
    floor = make_floor(sqlite_db, admin)
    call_id = make_call(
        floor,
        floor.olga,
        "Иван Петров",
        dialogue=booked_dialogue(MORNING),
        notes="Перезвонить жене после 18:00",
    )
    make_call(
        floor,
        floor.pavel,
        "Мария Соколова",
        started_at=MORNING.replace(hour=9),
        talk_seconds=20,
        disposition="refused",
        reason="Не интересно",
        dialogue=short_dialogue(MORNING.replace(hour=9)),
    )

    page = review_page(qtbot, floor, translations)
    assert page.model.rowCount() == 2
    qtmodeltester.check(page.model)  # type: ignore[no-untyped-call]
    assert page.model.data(page.model.index(1, 6)) == "not reviewed"
    open_call(qtbot, page, call_id)

    shown = page.detail.toPlainText()
    assert "Иван Петров" in shown and "Перезвонить жене после 18:00" in shown
    assert "Kia Rio, about 1.5 million" in shown
    assert "Objection: Too expensive / I don't want to pay a broker" in shown
    assert "No suitable answer: My wife decides such things" in shown
    assert "Credit broker — office visit v1" in shown
    panel = page.panel
    assert panel.isEnabled()
    assert "SPIN kinds recorded: S, P, I, N" in panel._hint_labels[ChecklistItem.SPIN_S_P].text()
    assert panel.score_label.text() == "Score: 100 %"  # the hints suggest yes everywhere

    # The teaser had no call to action: the supervisor marks it "No" from the keyboard.
    teaser = panel.combos[ChecklistItem.TEASER_CTA]
    teaser.setFocus()
    qtbot.keyClick(teaser, Qt.Key.Key_Down)  # type: ignore[no-untyped-call]
    assert teaser.currentText() == "No"
    assert panel.score_label.text() == "Score: 75 %"
    panel.comment.setPlainText("Тизер без призыва к действию")
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=5_000)
    ctrl = Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(panel.comment, Qt.Key.Key_S, ctrl)  # type: ignore[no-untyped-call]
    qtbot.waitUntil(lambda: panel.status.text() == "Review saved.", timeout=10_000)
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)

    with sqlite_db.session() as session:
        stored = session.scalars(select(CallReview)).one()
        assert (stored.call_id, stored.comment, stored.reviewer_id) == (
            call_id,
            "Тизер без призыва к действию",
            floor.supervisor.user_id,
        )
        assert stored.checklist["items"]["teaser_cta"] == "no"
    scored = next(r for r in range(2) if page.model.row_at(r).call_id == call_id)
    assert page.model.data(page.model.index(scored, 6)) == "75 %"
    assert page.table.selected_row() is not None
    assert page.table.selected_row().call_id == call_id  # type: ignore[union-attr]

    # Olga sees the review of her call, in bold until she opens it.
    olgas = feedback_page(qtbot, floor, floor.olga, translations)
    assert olgas.model.rowCount() == 1
    qtmodeltester.check(olgas.model)  # type: ignore[no-untyped-call]
    assert olgas.unread_label.text() == "— 1 new"
    font = olgas.model.data(olgas.model.index(0, 0), Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.bold()
    olgas.table.setFocus()
    olgas.table.selectRow(0)
    qtbot.waitUntil(lambda: olgas.shown() is not None, timeout=10_000)
    qtbot.waitUntil(lambda: not olgas.is_busy(), timeout=10_000)
    text = olgas.detail.toPlainText()
    assert "Тизер без призыва к действию" in text
    assert "Teaser with a call to action: No" in text
    assert "Score: 75 %" in text
    assert olgas.unread_label.text() == "— nothing new"
    assert olgas.model.data(olgas.model.index(0, 5)) == "Read"
    assert olgas.model.data(olgas.model.index(0, 0), Qt.ItemDataRole.FontRole) is None
    with sqlite_db.session() as session:
        assert session.scalars(select(CallReview)).one().seen_by_operator_at is not None

    # Pavel's own call was not reviewed; he sees nothing of Olga's.
    pavels = feedback_page(qtbot, floor, floor.pavel, translations)
    assert pavels.model.rowCount() == 0
    assert pavels.unread_label.text() == "— no reviews of your calls yet"


def test_filters_and_more_calls_on_request(
    qtbot: QtBot,
    sqlite_db: Database,
    translations: Translations,
    admin: Actor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(call_review_page, "PAGE_SIZE", 2)
    floor = make_floor(sqlite_db, admin)
    olgas = [
        make_call(floor, floor.olga, f"Клиент {n}", started_at=MORNING.replace(minute=n))
        for n in range(3)
    ]
    pavels = make_call(
        floor,
        floor.pavel,
        "Клиент Павла",
        talk_seconds=30,
        disposition="refused",
        reason="Дорого",
        started_at=MORNING.replace(hour=9),
    )

    page = review_page(qtbot, floor, translations)
    assert [row.call_id for row in page.model.rows()] == [pavels, olgas[2]]
    assert page.more_button.isVisible()
    page.more_button.click()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    assert [row.call_id for row in page.model.rows()] == [pavels, *reversed(olgas)]
    assert not page.more_button.isVisible()

    qtbot.waitUntil(lambda: page.operator_combo.count() == 3, timeout=10_000)
    page.operator_combo.setCurrentIndex(page.operator_combo.findData(str(floor.pavel.user_id)))
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    assert [row.call_id for row in page.model.rows()] == [pavels]

    page.operator_combo.setCurrentIndex(0)
    page.min_talk.setValue(60)
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    assert pavels not in [row.call_id for row in page.model.rows()]

    page.set_period(DAY.replace(day=11), DAY.replace(day=11))
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    assert page.model.rowCount() == 0
    assert page.detail.toPlainText() == "Choose a call to see what was said and score it."
