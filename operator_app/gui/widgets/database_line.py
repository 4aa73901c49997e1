"""“Database: embedded — /home/…/operator_app.sqlite3”, elided, with the full URL as tooltip."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QWidget

from operator_app.gui.labels import database_kind_label
from operator_app.storage.database import Database, describe_url

_MAX_CHARS = 70


class DatabaseLine(QLabel):
    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._database = database
        self.setObjectName("databaseLine")
        self.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retranslate()

    def retranslate(self) -> None:
        where = describe_url(self._database.url)
        if self._database.backend == "sqlite":
            where = where.removeprefix("sqlite:///")
        shown = where if len(where) <= _MAX_CHARS else "…" + where[-_MAX_CHARS:]
        self.setText(
            QCoreApplication.translate("DatabaseLine", "Database: {kind} — {where}").format(
                kind=database_kind_label(self._database.backend), where=shown
            )
        )
        self.setToolTip(describe_url(self._database.url))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
