"""The supervisor's lead lists: the real lists of the database, and an empty state without any."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from operator_app.core.roles import Actor, Role
from operator_app.gui.i18n import Translations
from operator_app.gui.panels.lead_lists import LeadListsPanel
from operator_app.storage.database import Database
from operator_app.storage.models import Campaign, LeadList
from tests.gui.helpers import add_user, context_for


def add_list(database: Database, name: str, priority: int, campaign: str | None = None) -> int:
    with database.session() as session:
        campaign_id = None
        if campaign is not None:
            row = Campaign(name=campaign)
            session.add(row)
            session.flush()
            campaign_id = row.id
        lead_list = LeadList(
            name=name,
            hypothesis="Они меняют машину раз в три года",
            abc_class="A",
            priority=priority,
            campaign_id=campaign_id,
            rows_read=10,
            rows_imported=7,
            rows_duplicate=1,
            rows_rejected=1,
            rows_blocked=1,
        )
        session.add(lead_list)
        session.flush()
        return lead_list.id


def make_panel(
    qtbot: QtBot, database: Database, actor: Actor, translations: Translations
) -> LeadListsPanel:
    panel = LeadListsPanel(context_for(database, actor, translations), None)
    qtbot.addWidget(panel)
    panel.show()
    return panel


def test_without_lists_the_panel_says_what_a_list_is(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    panel = make_panel(qtbot, sqlite_db, admin, translations)
    assert panel.showing_empty_state()


def test_lists_are_shown_most_important_first_and_can_be_filtered(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    add_list(sqlite_db, "Стоматологии", 10)
    add_list(sqlite_db, "Автосалоны", 90, campaign="Кредитный брокер")
    panel = make_panel(qtbot, sqlite_db, admin, translations)
    assert not panel.showing_empty_state()
    proxy = panel.table.proxy
    names = [proxy.data(proxy.index(row, 0)) for row in range(proxy.rowCount())]
    assert names == ["Автосалоны", "Стоматологии"]
    assert proxy.data(proxy.index(0, 3)) == "Кредитный брокер"
    panel._filter.setText("кредит")
    assert proxy.rowCount() == 1


def test_show_list_refreshes_and_selects_it(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    panel = make_panel(qtbot, sqlite_db, admin, translations)
    new_id = add_list(sqlite_db, "Новая база", 50)
    panel.show_list(new_id)
    selected = panel.table.selected_row()
    assert selected is not None and selected.name == "Новая база"


def test_on_postgresql_too(qtbot: QtBot, pg_db: Database, translations: Translations) -> None:
    from operator_app.core.users import UserService

    boss = UserService(pg_db).create_first_admin("boss", "Boss", "secret1")
    add_list(pg_db, "База PostgreSQL", 50)
    panel = make_panel(qtbot, pg_db, boss, translations)
    assert panel.model.rows()[0].name == "База PostgreSQL"


def test_an_operator_is_refused_by_the_service_not_only_by_the_menu(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    operator = add_user(sqlite_db, admin, "olga", Role.OPERATOR)
    add_list(sqlite_db, "Секретная база", 50)
    panel = make_panel(qtbot, sqlite_db, operator, translations)
    assert panel.model.rows() == []
    assert panel._error.text() == "Your role (Operator) may not do this."
