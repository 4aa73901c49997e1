"""Helpers shared by the widget and start-up tests."""

from __future__ import annotations

from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QApplication

from operator_app.core.roles import Actor, Role
from operator_app.core.settings import AppSettings
from operator_app.core.users import UserService
from operator_app.gui.context import WorkspaceContext
from operator_app.gui.i18n import Translations
from operator_app.storage.database import Database

PASSWORD = "secret1"


def remove_all_translators(app: QApplication) -> None:
    for translator in app.findChildren(QTranslator):
        app.removeTranslator(translator)
        translator.deleteLater()


def add_user(database: Database, admin: Actor, login: str, role: Role) -> Actor:
    info = UserService(database).create_user(admin, login, f"User {login}", role, PASSWORD)
    return Actor(info.id, info.login, info.display_name, info.role)


def context_for(database: Database, actor: Actor, translations: Translations) -> WorkspaceContext:
    return WorkspaceContext(database, actor, AppSettings.load(), translations)
