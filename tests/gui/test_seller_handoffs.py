"""The seller's incoming leads: the list with everything captured, accept, return with a
reason, a hand-off decided elsewhere first, and the accepted / returned filter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from operator_app.core.handoff import HandoffService, HandoffState
from operator_app.core.roles import Actor, Role
from operator_app.core.verification.criteria import (
    AnswerType,
    Criterion,
    DisqualifyRule,
    NonTargetReason,
    RuleKind,
)
from operator_app.core.verification.service import CriteriaService, VerificationService
from operator_app.gui.handoffs.incoming import IncomingHandoffsPage
from operator_app.gui.i18n import Translations
from operator_app.storage.database import Database
from operator_app.storage.models import Handoff
from tests.gui.helpers import add_user, context_for
from tests.support.handoff_data import (
    NOW,
    book_visit,
    make_campaign,
    make_lead,
    make_office,
    make_resource,
    record_call,
)

pytestmark = pytest.mark.usefixtures("close_windows")

BUDGET = Criterion(
    "budget",
    "Какой бюджет, млн?",
    AnswerType.NUMBER,
    disqualify=DisqualifyRule(RuleKind.LESS_THAN, 3),
)
LOW_BUDGET = NonTargetReason("low_budget", "Бюджет ниже минимального")


@dataclass(frozen=True)
class Desk:
    """A two-step campaign floor whose people can sign in with tests.gui.helpers.PASSWORD."""

    database: Database
    admin: Actor
    operator: Actor
    seller: Actor
    supervisor: Actor
    campaign: int
    room: int

    def offer(
        self,
        client: str,
        *,
        hours_ahead: int = 25,
        budget: str = "5",
        override_comment: str | None = None,
    ) -> int:
        """A verified target lead with notes, answers and a visit, handed to the seller."""
        lead = make_lead(self.database, self.campaign, client)
        record_call(
            self.database,
            lead,
            self.operator.user_id,
            notes=f"Перезвонить после обеда, {client}",
            answers=(("q_budget", f"{budget} млн"),),
        )
        VerificationService(self.database).save(
            self.operator,
            lead,
            None,
            {"budget": budget},
            override_verdict="target" if override_comment else None,
            override_comment=override_comment,
        )
        book_visit(self.database, lead, self.room, NOW + dt.timedelta(hours=hours_ahead))
        view = HandoffService(self.database).hand_off(
            self.operator, lead, seller_id=self.seller.user_id, now=NOW
        )
        return view.handoff_id


def make_desk(database: Database, admin: Actor) -> Desk:
    office = make_office(database)
    operator = add_user(database, admin, "olga", Role.OPERATOR)
    seller = add_user(database, admin, "sergey", Role.SELLER)
    supervisor = add_user(database, admin, "roman", Role.SUPERVISOR)
    make_resource(database, office, seller.user_id, "Сергей")
    campaign = make_campaign(database, "Застройщик")
    CriteriaService(database).save(supervisor, campaign, [BUDGET], [LOW_BUDGET])
    room = make_resource(database, office, None, "Переговорная")
    return Desk(database, admin, operator, seller, supervisor, campaign, room)


def handoff_state(database: Database, handoff_id: int) -> tuple[str, str | None]:
    with database.session() as session:
        row = session.execute(
            select(Handoff.state, Handoff.return_reason).where(Handoff.id == handoff_id)
        ).one()
        return row.state, row.return_reason


def open_page(qtbot: QtBot, desk: Desk, translations: Translations) -> IncomingHandoffsPage:
    page = IncomingHandoffsPage(context_for(desk.database, desk.seller, translations))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    return page


def test_the_list_shows_everything_the_operator_captured(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    desk = make_desk(sqlite_db, admin)
    desk.offer("Иван Петров", hours_ahead=26)
    desk.offer("Мария Соколова", hours_ahead=25)
    page = open_page(qtbot, desk, translations)

    clients = [page.model.row_at(row).client.full_name for row in range(page.model.rowCount())]
    assert clients == ["Мария Соколова", "Иван Петров"]  # the soonest visit first
    assert page.accept_button.isEnabled() and page.return_button.isEnabled()
    shown = page.detail.toPlainText()
    for expected in (
        "Мария Соколова",
        "Campaign: Застройщик",
        "Lead generator: User olga",
        "Verdict: Target",
        "Какой бюджет, млн? 5",  # the question the operator asked, and the answer
        "q_budget: 5 млн",
        "Перезвонить после обеда, Мария Соколова",
        "Тверская, 1",
        "Переговорная",
    ):
        assert expected in shown


def test_a_seller_accepts_a_handoff(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    desk = make_desk(sqlite_db, admin)
    handoff = desk.offer("Иван Петров")
    page = open_page(qtbot, desk, translations)

    page.accept_button.click()
    assert not page.accept_button.isEnabled()  # no second click while it is being saved
    qtbot.waitUntil(lambda: not page.is_busy() and page.model.rowCount() == 0, timeout=10_000)
    assert handoff_state(sqlite_db, handoff) == ("accepted", None)
    assert page.empty.isVisibleTo(page)

    page.show_filter("accepted")
    qtbot.waitUntil(lambda: not page.is_busy() and page.model.rowCount() == 1, timeout=10_000)
    assert page.model.row_at(0).handoff.state is HandoffState.ACCEPTED
    assert not page.accept_button.isEnabled() and not page.return_button.isEnabled()


def test_a_seller_returns_a_handoff_with_a_reason(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    desk = make_desk(sqlite_db, admin)
    handoff = desk.offer("Иван Петров")
    page = open_page(qtbot, desk, translations)

    page.return_button.click()
    dialog = page.reason_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.ok_button.click()  # no reason: refused, the dialog stays
    assert dialog.isVisible()
    assert dialog.error.text() == "Write the text first: it cannot be empty."
    assert handoff_state(sqlite_db, handoff) == ("offered", None)

    dialog.editor.setPlainText("  Клиент уже купил квартиру у конкурента  ")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: not page.is_busy() and page.model.rowCount() == 0, timeout=10_000)
    assert handoff_state(sqlite_db, handoff) == (
        "returned",
        "Клиент уже купил квартиру у конкурента",
    )

    page.show_filter("returned")
    qtbot.waitUntil(lambda: not page.is_busy() and page.model.rowCount() == 1, timeout=10_000)
    assert "Return reason: Клиент уже купил квартиру у конкурента" in page.detail.toPlainText()


def test_cancelling_the_return_dialog_changes_nothing(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    desk = make_desk(sqlite_db, admin)
    handoff = desk.offer("Иван Петров")
    page = open_page(qtbot, desk, translations)
    page.return_button.click()
    dialog = page.reason_dialog
    assert dialog is not None
    dialog.editor.setPlainText("передумал")
    dialog.reject()
    assert page.reason_dialog is None
    assert not page.is_busy()
    assert handoff_state(sqlite_db, handoff) == ("offered", None)


def test_a_handoff_decided_elsewhere_first_says_so_and_refreshes(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    desk = make_desk(sqlite_db, admin)
    handoff = desk.offer("Иван Петров")
    page = open_page(qtbot, desk, translations)
    HandoffService(sqlite_db).return_lead(desk.seller, handoff, "из другого окна")

    page.accept_button.click()
    qtbot.waitUntil(lambda: not page.is_busy() and page.model.rowCount() == 0, timeout=10_000)
    assert page.notice.isVisibleTo(page)
    assert page.notice.text() == (
        "Someone else decided this hand-off first (it is now: Returned, waiting for "
        "arbitration). The list has been refreshed."
    )
    assert handoff_state(sqlite_db, handoff) == ("returned", "из другого окна")


def test_new_handoffs_show_up_without_a_click(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    desk = make_desk(sqlite_db, admin)
    desk.offer("Иван Петров", hours_ahead=25)
    page = open_page(qtbot, desk, translations)
    assert page.auto_refresh.isActive()
    page.table.selectRow(0)
    desk.offer("Мария Соколова", hours_ahead=24)

    page.auto_refresh.timeout.emit()  # as the timer does every minute
    qtbot.waitUntil(lambda: not page.is_busy() and page.model.rowCount() == 2, timeout=10_000)
    selected = page.selected()
    assert selected is not None and selected.client.full_name == "Иван Петров"  # kept
