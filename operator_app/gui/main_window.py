"""The main window: the signed-in person's workspace, menus and status bar."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QDialog, QLabel, QMainWindow, QMessageBox, QWidget

from operator_app import __version__
from operator_app.core.roles import Permission
from operator_app.gui.context import WorkspaceContext
from operator_app.gui.i18n import LANGUAGE_NAMES
from operator_app.gui.icons import app_icon
from operator_app.gui.labels import database_kind_label, role_label
from operator_app.gui.window_state import restore_main_window, save_main_window
from operator_app.gui.workspaces import (
    WORKSPACE_FOR_ROLE,
    Workspace,
    WorkspaceTabs,
    build_workspace,
)
from operator_app.storage.database import describe_url

if TYPE_CHECKING:
    from operator_app.gui.messaging.sender import OutboxSender

log = logging.getLogger(__name__)

_STATE_KEY = "main_window"
OUTBOX_SENDER_DELAY_MS = 5_000


class MainWindow(QMainWindow):
    sign_out_requested = Signal()
    quit_requested = Signal()

    def __init__(self, context: WorkspaceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.context = context
        self.workspace: Workspace = WORKSPACE_FOR_ROLE[context.actor.role]
        self.import_wizard: QDialog | None = None  # the one open, for tests
        self.settings_dialog: QDialog | None = None
        self._leaving_quietly = False

        self.import_action: QAction | None = None
        if context.actor.can(Permission.IMPORT_LISTS):
            self.import_action = QAction(app_icon("import"), "", self)
            self.import_action.setShortcut(QKeySequence("Ctrl+I"))
            self.import_action.triggered.connect(self.open_import_wizard)
        self.settings_action = QAction("", self)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.settings_action.triggered.connect(self.open_settings)
        self.my_results_action = QAction("", self)
        self.my_results_action.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.my_results_action.triggered.connect(self.open_my_results)
        self.my_results_window: QDialog | None = None
        # Replaceable in tests, as other pages' questions are.
        self.ask_discard: Callable[[str], QMessageBox.StandardButton] = self._ask_discard
        self.sign_out_action = QAction("", self)
        self.sign_out_action.triggered.connect(self._sign_out_if_nothing_is_lost)
        self.quit_action = QAction("", self)
        self.quit_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)
        self.about_action = QAction("", self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)

        self._file_menu = self.menuBar().addMenu("")
        if self.import_action is not None:
            self._file_menu.addAction(self.import_action)
            self._file_menu.addSeparator()
        self._file_menu.addAction(self.my_results_action)
        self._file_menu.addAction(self.settings_action)
        self._file_menu.addSeparator()
        self._file_menu.addAction(self.sign_out_action)
        self._file_menu.addAction(self.quit_action)
        self._help_menu = self.menuBar().addMenu("")
        self._help_menu.addAction(self.about_action)

        self._user_label = QLabel()
        self._role_label = QLabel()
        self._database_label = QLabel()
        self._language_label = QLabel()
        for label in (
            self._user_label,
            self._role_label,
            self._database_label,
            self._language_label,
        ):
            label.setContentsMargins(8, 0, 8, 0)
            self.statusBar().addPermanentWidget(label)

        self.setCentralWidget(build_workspace(context, self.import_action, self))
        self.outbox_sender: OutboxSender | None = None
        self._session_over = False
        # After start-up, which should not wait for the mail libraries.
        QTimer.singleShot(OUTBOX_SENDER_DELAY_MS, self, self._start_outbox_sender)
        self.setWindowIcon(app_icon("app"))
        self.setMinimumSize(760, 500)
        if not restore_main_window(self, _STATE_KEY):
            self._take_most_of_the_screen()
        self.retranslate()

    def _take_most_of_the_screen(self) -> None:
        screen = QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(1280, 800)
            return
        available = screen.availableGeometry()
        self.resize(
            min(1600, int(available.width() * 0.9)), min(1000, int(available.height() * 0.9))
        )

    def retranslate(self) -> None:
        actor = self.context.actor
        self.setWindowTitle(
            self.tr("{name} ({role}) — Call centre workstation").format(
                name=actor.display_name, role=role_label(actor.role)
            )
        )
        self._file_menu.setTitle(self.tr("&File"))
        self._help_menu.setTitle(self.tr("&Help"))
        if self.import_action is not None:
            self.import_action.setText(self.tr("&Import list…"))
            self.import_action.setToolTip(self.tr("Import a lead list from CSV or Excel (Ctrl+I)"))
        self.my_results_action.setText(self.tr("My &results…"))
        self.my_results_action.setToolTip(
            self.tr("Your scorecard and the feedback on your calls (Ctrl+Shift+R)")
        )
        self.settings_action.setText(self.tr("&Settings…"))
        self.sign_out_action.setText(self.tr("Sign &out"))
        self.quit_action.setText(self.tr("&Quit"))
        self.about_action.setText(self.tr("&About"))
        self._user_label.setText(actor.display_name)
        self._user_label.setToolTip(self.tr("Signed in as {login}").format(login=actor.login))
        self._role_label.setText(role_label(actor.role))
        database = self.context.database
        self._database_label.setText(
            self.tr("Database: {kind}").format(kind=database_kind_label(database.backend))
        )
        self._database_label.setToolTip(describe_url(database.url))
        self._language_label.setText(LANGUAGE_NAMES[self.context.translations.language])

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- closing -------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._leaving_quietly and not self.may_discard_unsaved_edits():
            event.ignore()
            return
        save_main_window(self, _STATE_KEY)
        self._end_workspace_session()
        super().closeEvent(event)
        if not self._leaving_quietly:
            self.quit_requested.emit()

    def _start_outbox_sender(self) -> None:
        """Every desktop sends the team's due messages (the outbox hands each to one sender)."""
        if self._session_over or self.outbox_sender is not None:
            return
        from operator_app.gui.messaging.sender import OutboxSender

        self.outbox_sender = OutboxSender(self.context.database, self)
        self.outbox_sender.start(at_once=False)

    def _end_workspace_session(self) -> None:
        self._session_over = True
        if self.outbox_sender is not None:
            self.outbox_sender.stop()
        # A workspace with per-session state (the operator's status, a listener thread)
        # offers end_session(); signing out and quitting both come through here.
        end_session = getattr(self.centralWidget(), "end_session", None)
        if callable(end_session):
            end_session()

    def may_discard_unsaved_edits(self) -> bool:
        """True when nothing unsaved would be lost, or the person chose to discard it."""
        tabs = self.centralWidget()
        if not isinstance(tabs, WorkspaceTabs):
            return True
        index = tabs.first_page_with_unsaved_changes()
        if index is None:
            return True
        tabs.setCurrentIndex(index)
        return self.ask_discard(tabs.tabText(index)) == QMessageBox.StandardButton.Discard

    def _ask_discard(self, page_title: str) -> QMessageBox.StandardButton:
        return QMessageBox.question(
            self,
            self.tr("Unsaved changes"),
            self.tr(
                "The page “{page}” has changes that are not saved or published yet. Discard them?"
            ).format(page=page_title),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )

    def _sign_out_if_nothing_is_lost(self) -> None:
        if self.may_discard_unsaved_edits():
            self._leaving_quietly = True  # already asked: closing must not ask again
            self.sign_out_requested.emit()

    def close_for_sign_out(self) -> None:
        """Close without asking the app to quit: someone else is about to sign in."""
        self._leaving_quietly = True
        self.close()

    # -- actions -------------------------------------------------------------------------

    def open_import_wizard(self) -> None:
        if self.import_wizard is not None:
            self.import_wizard.raise_()
            self.import_wizard.activateWindow()
            return
        # The wizard pulls in the spreadsheet and phone libraries: only load them when asked.
        from operator_app.gui.importing.wizard import ImportWizard

        wizard = ImportWizard(
            self.context.database, self.context.actor, self.context.settings, self
        )
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.imported.connect(self._list_imported)
        wizard.finished.connect(self._import_wizard_closed)
        self.import_wizard = wizard
        wizard.open()

    def open_my_results(self) -> None:
        if self.my_results_window is not None:
            self.my_results_window.raise_()
            self.my_results_window.activateWindow()
            return
        from operator_app.gui.my_results import MyResultsWindow

        window = MyResultsWindow(self.context, self)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.finished.connect(lambda _result: setattr(self, "my_results_window", None))
        self.my_results_window = window
        window.show()

    def _import_wizard_closed(self) -> None:
        self.import_wizard = None

    def _list_imported(self, list_id: int) -> None:
        from operator_app.gui.panels.lead_lists import LeadListsPanel

        for panel in self.findChildren(LeadListsPanel):
            panel.show_list(list_id)
        self.statusBar().showMessage(self.tr("The list was imported."), 8000)

    def open_settings(self) -> None:
        from operator_app.gui.dialogs.settings import SettingsDialog

        dialog = SettingsDialog(
            self.context.settings, self.context.translations, self.context.database, self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: setattr(self, "settings_dialog", None))
        dialog.saved.connect(self._settings_saved)
        self.settings_dialog = dialog
        dialog.open()

    def _settings_saved(self, restart_needed: bool) -> None:
        if restart_needed:
            QTimer.singleShot(0, self._tell_restart_needed)

    def _tell_restart_needed(self) -> None:
        QMessageBox.information(
            self,
            self.tr("Settings saved"),
            self.tr("The new database will be used the next time the app starts."),
        )

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About"),
            self.tr(
                "<h3>Call centre workstation {version}</h3>"
                "<p>For phone sales teams: operators, sellers, supervisors and "
                "administrators work one shared queue of leads, follow call scripts, verify "
                "leads and book visits.</p>"
                "<p>Database: {database}</p>"
            ).format(
                version=__version__, database=html.escape(describe_url(self.context.database.url))
            ),
        )
