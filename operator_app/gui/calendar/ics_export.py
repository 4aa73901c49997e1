"""Saving visits as an iCalendar file from the calendar: ask where, export in the background,
write the file whole (QSaveFile) on the UI thread."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSaveFile, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from operator_app.core.calendar.ics import IcsExport, VisitExportService
from operator_app.core.roles import Actor
from operator_app.gui.handoffs.background import failure_text, run_in_background
from operator_app.storage.database import Database

__all__ = ["IcsSaver"]


class IcsSaver(QObject):
    """`saved(path, visits)` or `failed(text)` after each save the person asked for."""

    saved = Signal(str, int)
    failed = Signal(str)

    def __init__(self, database: Database, actor: Actor, parent: QWidget) -> None:
        super().__init__(parent)
        self._widget = parent
        self._service = VisitExportService(database)
        self._actor = actor
        self._busy = False
        # Where to save; tests replace it (a native file dialog cannot be driven).
        self.ask_path: Callable[[str], str | None] = self._ask_with_dialog

    def is_busy(self) -> bool:
        return self._busy

    def save_visit(self, visit_id: int) -> None:
        service, actor = self._service, self._actor
        self._save(f"visit-{visit_id}.ics", lambda: service.visit(actor, visit_id))

    def save_days(self, first: dt.date, last: dt.date) -> None:
        service, actor = self._service, self._actor
        name = f"visits-{first.isoformat()}-{last.isoformat()}.ics"
        self._save(name, lambda: service.period(actor, first, last))

    def _ask_with_dialog(self, suggested: str) -> str | None:
        path, _filter = QFileDialog.getSaveFileName(
            self._widget,
            self.tr("Save visits as an iCalendar file"),
            str(Path.home() / suggested),
            self.tr("iCalendar files (*.ics)"),
        )
        return path or None

    def _save(self, suggested: str, export: Callable[[], IcsExport]) -> None:
        if self._busy:
            return
        path = self.ask_path(suggested)
        if path is None:
            return
        self._busy = True

        def exported(result: Any) -> None:
            self._busy = False
            assert isinstance(result, IcsExport)
            file = QSaveFile(path)
            if (
                not file.open(QSaveFile.OpenModeFlag.WriteOnly)
                or file.write(result.content) != len(result.content)
                or not file.commit()
            ):
                self.failed.emit(
                    self.tr("The file {path} could not be written: {reason}").format(
                        path=path, reason=file.errorString()
                    )
                )
                return
            self.saved.emit(path, result.visits)

        def failed(error: BaseException) -> None:
            self._busy = False
            self.failed.emit(failure_text(error))

        run_in_background(self, export, exported, failed)
