"""The window-level pieces of supervision: pages built when first opened, a person's own
results a shortcut away, and unpublished edits never dropped on closing."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from operator_app.core.roles import Actor, Role
from operator_app.core.scripts import import_script
from operator_app.gui.i18n import Translations
from operator_app.gui.kpi.scorecard_page import ScorecardPage
from operator_app.gui.main_window import MainWindow
from operator_app.gui.my_results import MyResultsWindow
from operator_app.gui.review.feedback_page import FeedbackPage
from operator_app.gui.script_editor.page import ScriptEditorPage
from operator_app.gui.workspaces import LazyPage, WorkspaceTabs
from operator_app.storage.database import Database
from tests.gui.helpers import add_user, context_for
from tests.support.script_version_data import script_text

pytestmark = pytest.mark.usefixtures("close_windows")


def open_window(
    qtbot: QtBot, database: Database, actor: Actor, translations: Translations
) -> MainWindow:
    window = MainWindow(context_for(database, actor, translations))
    window.show()
    qtbot.waitExposed(window)
    return window


def settle(qtbot: QtBot, *pages: object) -> None:
    qtbot.waitUntil(lambda: not any(page.is_busy() for page in pages), timeout=10_000)  # type: ignore[attr-defined]


def test_supervision_pages_are_built_only_when_their_tab_is_opened(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    supervisor = add_user(sqlite_db, admin, "roman", Role.SUPERVISOR)
    window = open_window(qtbot, sqlite_db, supervisor, translations)
    tabs = window.centralWidget()
    assert isinstance(tabs, WorkspaceTabs)
    lazy = [tabs.widget(i) for i in range(tabs.count()) if isinstance(tabs.widget(i), LazyPage)]
    assert len(lazy) == 5
    # Only the tab on show (the dashboard, first) is built.
    assert [page.is_built() for page in lazy] == [True, False, False, False, False]  # type: ignore[union-attr]
    settle(qtbot, tabs.page("dashboard"))
    titles = [tabs.tabText(i) for i in range(tabs.count())]
    tabs.setCurrentIndex(titles.index("Scripts"))
    editor = tabs.page("scripts")
    assert isinstance(editor, ScriptEditorPage) and editor.isVisible()
    assert [page.is_built() for page in lazy] == [True, False, False, True, False]  # type: ignore[union-attr]
    settle(qtbot, editor)


def test_an_operator_opens_their_scorecard_and_feedback_with_one_shortcut(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    operator = add_user(sqlite_db, admin, "olga", Role.OPERATOR)
    window = open_window(qtbot, sqlite_db, operator, translations)
    assert window.my_results_action.shortcut() == QKeySequence("Ctrl+Shift+R")
    window.my_results_action.trigger()
    results = window.my_results_window
    assert isinstance(results, MyResultsWindow) and results.isVisible()
    scorecard, feedback = results.scorecard_page, results.feedback_page
    assert isinstance(scorecard, ScorecardPage) and isinstance(feedback, FeedbackPage)
    settle(qtbot, scorecard, feedback)
    card = scorecard.scorecard()
    assert card is not None and card.person.user_id == operator.user_id
    assert [results.tabs.tabText(i) for i in range(2)] == ["Scorecard", "Feedback on my calls"]
    window.my_results_action.trigger()  # a second time: the same window comes forward
    assert window.my_results_window is results
    results.close()
    qtbot.waitUntil(lambda: window.my_results_window is None)


@pytest.mark.parametrize(
    "answer", [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
)
def test_closing_with_an_unpublished_script_edit_asks_first(
    qtbot: QtBot,
    sqlite_db: Database,
    admin: Actor,
    translations: Translations,
    answer: QMessageBox.StandardButton,
) -> None:
    supervisor = add_user(sqlite_db, admin, "roman", Role.SUPERVISOR)
    import_script(sqlite_db, admin, script_text())
    window = open_window(qtbot, sqlite_db, supervisor, translations)
    tabs = window.centralWidget()
    assert isinstance(tabs, WorkspaceTabs)
    editor = tabs.page("scripts")
    assert isinstance(editor, ScriptEditorPage)
    settle(qtbot, editor)
    asked: list[str] = []

    def ask(page_title: str) -> QMessageBox.StandardButton:
        asked.append(page_title)
        return answer

    window.ask_discard = ask
    tabs.setCurrentIndex(0)
    assert window.close()  # nothing edited yet: closes without a question
    assert asked == []
    window.show()

    editor.step_form.text_edit.setPlainText("Изменено, но не опубликовано")
    assert editor.has_changes()
    closed = window.close()
    assert asked == ["Scripts"]
    assert tabs.tabText(tabs.currentIndex()) == "Scripts"  # shown where the edits are
    assert closed is (answer == QMessageBox.StandardButton.Discard)
    assert window.isVisible() is (answer == QMessageBox.StandardButton.Cancel)
