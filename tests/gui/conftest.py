"""Fixtures for widget tests: translations reset to English, users in a real database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from operator_app.core.roles import Actor
from operator_app.core.users import UserService
from operator_app.gui.i18n import Translations
from operator_app.storage.database import Database
from tests.gui.helpers import PASSWORD, remove_all_translators


@pytest.fixture
def translations(qapp: QApplication) -> Iterator[Translations]:
    """The interface in English (the source language) unless a test switches it."""
    remove_all_translators(qapp)
    translations = Translations(qapp)
    translations.apply("en")
    yield translations
    remove_all_translators(qapp)


@pytest.fixture
def close_windows(qapp: QApplication) -> Iterator[None]:
    """Windows opened by the code under test (not by qtbot) are closed afterwards."""
    yield
    for widget in qapp.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    qapp.processEvents()


@pytest.fixture
def admin(sqlite_db: Database) -> Actor:
    return UserService(sqlite_db).create_first_admin("boss", "Анна Админова", PASSWORD)
