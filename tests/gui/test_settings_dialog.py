"""Settings: live language, a database URL tried before it is saved, the phone region checked."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from operator_app.core.settings import AppSettings
from operator_app.gui.dialogs.settings import SettingsDialog
from operator_app.gui.i18n import Translations
from operator_app.storage.database import Database
from tests.support.pg_server import PostgresForTests


def make_dialog(
    qtbot: QtBot, database: Database, translations: Translations
) -> tuple[SettingsDialog, AppSettings]:
    settings = AppSettings.load()
    dialog = SettingsDialog(settings, translations, database)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog, settings


def test_the_language_applies_at_once_and_is_saved_with_ok(
    qtbot: QtBot, sqlite_db: Database, translations: Translations
) -> None:
    dialog, _settings = make_dialog(qtbot, sqlite_db, translations)
    dialog.language.setCurrentIndex(dialog.language.findData("ru"))
    dialog.language.activated.emit(dialog.language.currentIndex())
    qtbot.waitUntil(lambda: dialog.windowTitle() == "Настройки")
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.accept()
    assert saved.args == [False]  # nothing waits for a restart
    assert AppSettings.load().language == "ru"


def test_a_wrong_region_is_refused_and_nothing_is_saved(
    qtbot: QtBot, sqlite_db: Database, translations: Translations
) -> None:
    dialog, _settings = make_dialog(qtbot, sqlite_db, translations)
    dialog.region.setCurrentText("XX")
    dialog.accept()
    assert dialog.isVisible()
    assert "“XX” is not a country code" in dialog.error.text()
    dialog.region.setCurrentText("kz")
    dialog.accept()
    assert AppSettings.load().default_region == "KZ"


def test_a_database_that_does_not_answer_is_refused(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, pg_server: PostgresForTests
) -> None:
    dialog, _settings = make_dialog(qtbot, sqlite_db, translations)
    dead = pg_server.database_url("no_such_database_here")
    dialog.database_url.setText(dead)
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.error.text().startswith("Could not connect to this database.")
    dialog.database_url.setText("not a url at all")
    dialog.accept()
    assert dialog.error.text().startswith("This is not a database URL the app understands.")
    assert AppSettings.load().database_url is None


def test_a_working_shared_database_is_saved_for_the_next_start(
    qtbot: QtBot, sqlite_db: Database, pg_db: Database, translations: Translations
) -> None:
    settings = AppSettings.load()
    settings.remembered_login = "boss"
    settings.save()
    dialog, _settings = make_dialog(qtbot, sqlite_db, translations)
    dialog.database_url.setText(pg_db.url)
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.accept()
    assert saved.args == [True]  # takes effect after a restart
    saved_settings = AppSettings.load()
    assert saved_settings.database_url == pg_db.url
    assert saved_settings.remembered_login is None  # that user belonged to the old database


def test_cancel_puts_the_language_back(
    qtbot: QtBot, sqlite_db: Database, translations: Translations
) -> None:
    dialog, _settings = make_dialog(qtbot, sqlite_db, translations)
    dialog.language.setCurrentIndex(dialog.language.findData("ru"))
    dialog.language.activated.emit(dialog.language.currentIndex())
    dialog.reject()
    assert translations.language == "en"
    assert not AppSettings.path().exists()  # nothing was saved
