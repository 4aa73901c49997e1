"""The supervisor's arbitration page: returned leads with the seller's reason, uphold and
overrule with a required comment, verdict overrides, and acceptance rates."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from operator_app.core.handoff import HandoffService
from operator_app.core.roles import Actor, Role
from operator_app.gui.criteria.editor import CriteriaEditorPage
from operator_app.gui.handoffs.arbitration import ArbitrationPage
from operator_app.gui.handoffs.incoming import IncomingHandoffsPage
from operator_app.gui.i18n import Translations
from operator_app.gui.workspaces import WorkspaceTabs, build_workspace
from operator_app.storage.database import Database
from operator_app.storage.models import AuditEntry, Handoff
from tests.gui.helpers import add_user, context_for
from tests.gui.test_seller_handoffs import Desk, make_desk

pytestmark = pytest.mark.usefixtures("close_windows")


def returned(desk: Desk, client: str, reason: str, **offer: object) -> int:
    handoff = desk.offer(client, **offer)  # type: ignore[arg-type]
    HandoffService(desk.database).return_lead(desk.seller, handoff, reason)
    return handoff


def open_page(qtbot: QtBot, desk: Desk, translations: Translations) -> ArbitrationPage:
    page = ArbitrationPage(context_for(desk.database, desk.supervisor, translations))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    return page


def arbitration_of(database: Database, handoff_id: int) -> tuple[str, str | None, int | None]:
    with database.session() as session:
        row = session.execute(
            select(Handoff.state, Handoff.arbitration_comment, Handoff.arbitrated_by_id).where(
                Handoff.id == handoff_id
            )
        ).one()
        return row.state, row.arbitration_comment, row.arbitrated_by_id


def decide(qtbot: QtBot, page: ArbitrationPage, *, uphold: bool, comment: str) -> None:
    (page.uphold_button if uphold else page.overrule_button).click()
    dialog = page.comment_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.editor.setPlainText(comment)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)


def test_returned_leads_show_the_reason_and_what_was_captured(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    desk = make_desk(sqlite_db, admin)
    returned(desk, "Иван Петров", "Не дозвонился до клиента")
    desk.offer("Мария Соколова", hours_ahead=27)  # still offered: not for arbitration
    page = open_page(qtbot, desk, translations)

    assert page.model.rowCount() == 1
    row = page.model.row_at(0)
    assert row.handoff.return_reason == "Не дозвонился до клиента"
    assert page.model.data(page.model.index(0, 6)) == "Не дозвонился до клиента"
    shown = page.detail.toPlainText()
    assert "Return reason: Не дозвонился до клиента" in shown
    assert "Seller: User sergey" in shown
    assert "q_budget: 5 млн" in shown
    assert page.uphold_button.isEnabled() and page.overrule_button.isEnabled()


def test_a_supervisor_upholds_and_overrules_with_a_comment(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    desk = make_desk(sqlite_db, admin)
    first = returned(desk, "Иван Петров", "Клиент не целевой", hours_ahead=25)
    second = returned(desk, "Мария Соколова", "Не пришла", hours_ahead=26)
    page = open_page(qtbot, desk, translations)
    assert page.model.rowCount() == 2
    assert page.selected() is not None
    assert page.selected().handoff.handoff_id == first  # type: ignore[union-attr]

    page.uphold_button.click()
    dialog = page.comment_dialog
    assert dialog is not None
    dialog.ok_button.click()  # a comment is required
    assert dialog.isVisible() and dialog.error.isVisibleTo(dialog)
    dialog.reject()
    assert arbitration_of(sqlite_db, first) == ("returned", None, None)

    decide(qtbot, page, uphold=True, comment="Согласен, бюджета нет")
    assert arbitration_of(sqlite_db, first) == (
        "upheld",
        "Согласен, бюджета нет",
        desk.supervisor.user_id,
    )
    assert page.model.rowCount() == 1
    assert page.selected().handoff.handoff_id == second  # type: ignore[union-attr]

    decide(qtbot, page, uphold=False, comment="Клиент подтвердил визит")
    assert arbitration_of(sqlite_db, second) == (
        "overruled",
        "Клиент подтвердил визит",
        desk.supervisor.user_id,
    )
    assert page.model.rowCount() == 0
    assert not page.uphold_button.isEnabled()
    assert page.nothing_returned.text() == "— no returned leads are waiting"
    with sqlite_db.session() as session:
        actions = session.scalars(
            select(AuditEntry.action).where(
                AuditEntry.entity == "handoff", AuditEntry.user_id == desk.supervisor.user_id
            )
        ).all()
    assert sorted(actions) == ["overruled", "upheld"]

    (rate,) = page.rate_model.rows()
    assert (rate.offered, rate.upheld, rate.overruled, rate.rate) == (2, 1, 1, 0.5)
    assert page.rate_model.data(page.rate_model.index(0, 6)) == "50%"


def test_an_arbitration_decided_elsewhere_first_says_so(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    desk = make_desk(sqlite_db, admin)
    handoff = returned(desk, "Иван Петров", "Клиент не целевой")
    page = open_page(qtbot, desk, translations)
    HandoffService(sqlite_db).overrule(desk.supervisor, handoff, "коллега успел раньше")

    decide(qtbot, page, uphold=True, comment="поздно")
    assert page.notice.text().startswith("Someone else decided this hand-off first")
    assert "Return overruled" in page.notice.text()
    assert page.model.rowCount() == 0
    assert arbitration_of(sqlite_db, handoff)[:2] == ("overruled", "коллега успел раньше")


def test_verdict_overrides_are_listed_with_their_comment(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    desk = make_desk(sqlite_db, admin)
    desk.offer("Иван Петров", budget="1", override_comment="Одобрят ипотеку, бюджет будет")
    desk.offer("Мария Соколова", hours_ahead=27)  # not overridden
    page = open_page(qtbot, desk, translations)

    (override,) = page.override_model.rows()
    assert override.contact_name == "Иван Петров"
    assert override.override_comment == "Одобрят ипотеку, бюджет будет"
    texts = [
        page.override_model.data(page.override_model.index(0, column))
        for column in range(page.override_model.columnCount())
    ]
    assert texts[1:] == [
        "User olga",
        override.campaign_name,
        "Иван Петров",
        "Non-target",
        "Target",
        "Одобрят ипотеку, бюджет будет",
    ]


@pytest.mark.parametrize(
    ("role", "pages"),
    [
        (
            Role.SUPERVISOR,
            [
                *("dashboard", "plans", "call_review", "scripts", "script_versions"),
                *("lists", "arbitration", "criteria", "calendar", "outbox", "templates"),
            ],
        ),
        (
            Role.ADMIN,
            [
                *("users", "lists", "campaigns"),
                *("dashboard", "plans", "call_review", "scripts", "script_versions"),
                *("arbitration", "criteria", "offices"),
                *("calendar", "outbox", "templates", "channels", "database"),
            ],
        ),
    ],
)
def test_supervisors_and_admins_get_arbitration_and_criteria_tabs(
    qtbot: QtBot,
    sqlite_db: Database,
    translations: Translations,
    admin: Actor,
    role: Role,
    pages: list[str],
) -> None:
    actor = admin if role is Role.ADMIN else add_user(sqlite_db, admin, "roman", role)
    tabs = build_workspace(context_for(sqlite_db, actor, translations), None)
    qtbot.addWidget(tabs)
    assert isinstance(tabs, WorkspaceTabs)
    titles = [tabs.tabText(index) for index in range(tabs.count())]
    assert titles[pages.index("arbitration")] == "Arbitration"
    assert titles[pages.index("criteria")] == "Criteria"
    assert len(titles) == len(pages)
    arbitration, criteria = tabs.page("arbitration"), tabs.page("criteria")
    assert isinstance(arbitration, ArbitrationPage) and isinstance(criteria, CriteriaEditorPage)
    qtbot.waitUntil(lambda: not (arbitration.is_busy() or criteria.is_busy()), timeout=10_000)


def test_a_seller_lands_on_incoming_leads_beside_the_calendar(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    seller = add_user(sqlite_db, admin, "sergey", Role.SELLER)
    tabs = build_workspace(context_for(sqlite_db, seller, translations), None)
    qtbot.addWidget(tabs)
    assert isinstance(tabs, WorkspaceTabs)
    assert [tabs.tabText(i) for i in range(tabs.count())] == [
        "Incoming leads",
        "Calendar",
        "Messages to clients",
    ]
    page = tabs.page("incoming")
    assert isinstance(page, IncomingHandoffsPage)
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    assert page.empty.title() == "Nothing here"
