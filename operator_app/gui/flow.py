"""From start-up to the workspace and back: first run, sign-in, remembered user, sign-out."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog

from operator_app.core.errors import AuthenticationFailed
from operator_app.core.roles import Actor
from operator_app.core.settings import AppSettings
from operator_app.core.users import UserService
from operator_app.gui.context import WorkspaceContext
from operator_app.gui.i18n import Translations
from operator_app.gui.sign_in import DemoHint, SignInDialog, can_remember_user
from operator_app.gui.startup_mark import mark_when_shown
from operator_app.storage.database import Database

if TYPE_CHECKING:
    from operator_app.core.demo import DemoSummary
    from operator_app.gui.main_window import MainWindow

log = logging.getLogger(__name__)


class SessionFlow(QObject):
    """Shows one window at a time; `finished` carries the exit code when the person quits."""

    finished = Signal(int)
    window_shown = Signal(object)  # the dialog or main window just shown

    def __init__(
        self,
        database: Database,
        settings: AppSettings,
        translations: Translations,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.settings = settings
        self.translations = translations
        self._users = UserService(database)
        self.dialog: QDialog | None = None
        self.window: MainWindow | None = None

    def start(self) -> None:
        if not self._users.has_users():
            self.show_first_run()
            return
        actor = self._remembered_actor()
        if actor is not None:
            self.open_workspace(actor)
        else:
            self.show_sign_in()

    def _remembered_actor(self) -> Actor | None:
        login = self.settings.remembered_login
        if not login or not can_remember_user(self.database):
            return None
        try:
            return self._users.sign_in_remembered(login)
        except AuthenticationFailed:
            log.info("the remembered user %s can no longer sign in; forgetting them", login)
            self._forget_remembered_user()
            return None

    def show_first_run(self) -> None:
        from operator_app.gui.first_run import FirstRunDialog  # once per database

        dialog = FirstRunDialog(self.database, self.settings, self.translations)
        dialog.demo_created.connect(self._demo_created)
        dialog.admin_created.connect(self.open_workspace)
        self._show_dialog(dialog)

    def _demo_created(self, summary: DemoSummary) -> None:
        users = tuple((user.login, user.role) for user in summary.users)
        self.show_sign_in(demo_hint=DemoHint(users, summary.password))

    def show_sign_in(self, login: str | None = None, *, demo_hint: DemoHint | None = None) -> None:
        dialog = SignInDialog(
            self.database, self.settings, self.translations, login=login, demo_hint=demo_hint
        )
        dialog.signed_in.connect(lambda actor: self._signed_in(dialog, actor))
        self._show_dialog(dialog)

    def _signed_in(self, dialog: SignInDialog, actor: Actor) -> None:
        if dialog.remember_me():
            self.settings.remembered_login = actor.login
            self.settings.save()
        self.open_workspace(actor)

    def open_workspace(self, actor: Actor) -> None:
        log.info("%s signed in as %s", actor.login, actor.role.value)
        # Imported here so the sign-in dialog does not wait for the workspaces' modules.
        from operator_app.gui.main_window import MainWindow

        context = WorkspaceContext(self.database, actor, self.settings, self.translations)
        window = MainWindow(context)
        window.sign_out_requested.connect(self.sign_out)
        window.quit_requested.connect(self.quit)
        self.window = window
        window.show()
        self._close_dialog()
        # Keyboard-first: the operator's first key (F2, Next client) must reach the window.
        window.raise_()
        window.activateWindow()
        mark_when_shown(window)
        self.window_shown.emit(window)

    def sign_out(self) -> None:
        window = self.window
        if window is None:
            return
        self._forget_remembered_user()
        self.show_sign_in(login=window.context.actor.login)
        self.window = None
        window.close_for_sign_out()
        window.deleteLater()

    def quit(self) -> None:
        self.finished.emit(0)

    def _forget_remembered_user(self) -> None:
        if self.settings.remembered_login is not None:
            self.settings.remembered_login = None
            self.settings.save()

    def _show_dialog(self, dialog: QDialog) -> None:
        previous = self.dialog
        self.dialog = dialog
        # Closing the start-up dialog any other way than finishing it means: quit.
        dialog.rejected.connect(self.quit)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        if previous is not None:
            previous.deleteLater()
        self.window_shown.emit(dialog)

    def _close_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.rejected.disconnect(self.quit)
            self.dialog.hide()
            self.dialog.deleteLater()
            self.dialog = None
