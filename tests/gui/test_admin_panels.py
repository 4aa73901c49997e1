"""The administrator's campaigns and database pages."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from operator_app.core.roles import Actor
from operator_app.gui.i18n import Translations
from operator_app.gui.panels.campaigns import CampaignsPanel
from operator_app.gui.panels.database import DatabasePanel
from operator_app.storage.database import Database
from operator_app.storage.models import Campaign, Script
from tests.gui.helpers import context_for


def test_campaigns_are_listed_with_their_script(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    with sqlite_db.session() as session:
        script = Script(name="Кредитный брокер v1")
        session.add(script)
        session.flush()
        session.add(Campaign(name="Кредитный брокер", model="two-step", script_id=script.id))
    panel = CampaignsPanel(context_for(sqlite_db, admin, translations))
    qtbot.addWidget(panel)
    model = panel.model
    assert [model.data(model.index(0, column)) for column in range(5)] == [
        "Кредитный брокер",
        "Two-step (lead generator and seller)",
        "Europe/Moscow",
        "Yes",
        "Кредитный брокер v1",
    ]


def test_without_campaigns_an_empty_state_explains(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    panel = CampaignsPanel(context_for(sqlite_db, admin, translations))
    qtbot.addWidget(panel)
    assert panel._pages.currentWidget() is panel._empty


def test_the_database_page_shows_the_schema_state(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    panel = DatabasePanel(context_for(sqlite_db, admin, translations))
    qtbot.addWidget(panel)
    assert panel.state_label.text() == "up to date"
    assert not panel.upgrade_button.isEnabled()  # nothing to upgrade
    assert panel._backend.text() == "SQLite (embedded, on this computer)"


def test_the_database_page_never_shows_the_password(
    qtbot: QtBot, pg_db: Database, translations: Translations
) -> None:
    from sqlalchemy import make_url

    from operator_app.core.users import UserService

    boss = UserService(pg_db).create_first_admin("boss", "Boss", "secret1")
    # The test server trusts local connections, so any password is accepted.
    url = make_url(pg_db.url).set(password="s3cret-pass").render_as_string(hide_password=False)
    with_password = Database(url)
    try:
        panel = DatabasePanel(context_for(with_password, boss, translations))
        qtbot.addWidget(panel)
        assert panel._backend.text() == "PostgreSQL (shared)"
        assert "s3cret-pass" not in panel._url.text()
        assert "***" in panel._url.text()
        assert panel.state_label.text() == "up to date"
    finally:
        with_password.dispose()
