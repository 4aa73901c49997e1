"""Window geometry, dock/toolbar state and column widths, kept between runs.

The file lives in the app home (not the platform's registry or ~/.config), so a portable
install and every test keep their own.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow, QTableView, QWidget

from operator_app.appdirs import app_data_dir

STATE_FILE_NAME = "window-state.ini"


def ui_state() -> QSettings:
    return QSettings(str(app_data_dir() / STATE_FILE_NAME), QSettings.Format.IniFormat)


def save_main_window(window: QMainWindow, key: str) -> None:
    settings = ui_state()
    settings.setValue(f"{key}/geometry", window.saveGeometry())
    settings.setValue(f"{key}/state", window.saveState())
    settings.sync()


def restore_main_window(window: QMainWindow, key: str) -> bool:
    settings = ui_state()
    geometry = settings.value(f"{key}/geometry")
    state = settings.value(f"{key}/state")
    restored = isinstance(geometry, QByteArray) and window.restoreGeometry(geometry)
    if isinstance(state, QByteArray):
        window.restoreState(state)
    return bool(restored)


def save_geometry(window: QWidget, key: str) -> None:
    """A secondary window's size and place (a dialog the person may reopen)."""
    settings = ui_state()
    settings.setValue(f"{key}/geometry", window.saveGeometry())
    settings.sync()


def restore_geometry(window: QWidget, key: str) -> bool:
    geometry = ui_state().value(f"{key}/geometry")
    return isinstance(geometry, QByteArray) and bool(window.restoreGeometry(geometry))


class ColumnWidths:
    """Restores a table's column widths and order now, and saves them whenever they change."""

    def __init__(self, view: QTableView, key: str) -> None:
        self._header = view.horizontalHeader()
        self._key = f"tables/{key}/header"
        self.restored = self._restore()
        self._header.sectionResized.connect(self.save)
        self._header.sectionMoved.connect(self.save)

    def _restore(self) -> bool:
        state = ui_state().value(self._key)
        return isinstance(state, QByteArray) and self._header.restoreState(state)

    def save(self) -> None:
        if self._header.count():
            ui_state().setValue(self._key, self._header.saveState())
