"""Export… on any table view: the shown rows and columns to an XLSX or CSV file.

`install_table_export(view, title)` adds the action to the view's context menu and Ctrl+E.
What is written is what the person sees: the model's display text, every row the view does
not hide (lazy models are fetched to the end), the visible columns in their on-screen order,
and the header titles. Right-aligned cells whose text is a number in the interface's locale
("1 234", "3,5") are written as numbers, so a spreadsheet can add them up.

The model is read on the UI thread (models are not thread-safe), the file is written on the
pool behind a progress dialog with Cancel; the file appears whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from PySide6.QtCore import (
    QDate,
    QDateTime,
    QEvent,
    QLocale,
    QModelIndex,
    QObject,
    Qt,
    QTime,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QTableView

from operator_app.core.errors import OperatorAppError
from operator_app.core.exports.cells import Cell
from operator_app.core.exports.errors import ExportError, ExportProblem, TooManyRows
from operator_app.core.exports.files import ExportFormat, format_of, write_table
from operator_app.gui.error_text import error_text
from operator_app.gui.tasks import BackgroundTask, TaskContext, run_with_progress_dialog
from operator_app.gui.window_state import ui_state

__all__ = [
    "EXPORT_SHORTCUT",
    "ExportTarget",
    "TableExporter",
    "TableSnapshot",
    "install_table_export",
    "snapshot_table",
    "table_exporter",
]

EXPORT_SHORTCUT: Final = "Ctrl+E"
_FOLDER_KEY: Final = "tableExport/folder"
_UNSAFE_IN_FILE_NAMES: Final = re.compile(r'[<>:"/\\|?*\x00-\x1f]')

ExportTarget = tuple[Path, ExportFormat]
TableSnapshot = tuple[list[str], list[tuple[Cell, ...]]]


def install_table_export(view: QTableView, title: Callable[[], str] | str) -> None:
    """Give `view` an "Export…" context-menu action and Ctrl+E.

    `title` (a callable is asked each time, so it follows the interface language) names the
    suggested file and the XLSX sheet.
    """
    TableExporter(view, title)


def table_exporter(view: QTableView) -> TableExporter | None:
    """The exporter installed on `view`, if any."""
    return view.findChild(TableExporter)


def snapshot_table(view: QTableView) -> TableSnapshot:
    """The headers and rows the view shows, as plain cells (see the module docstring)."""
    model = view.model()
    root = QModelIndex()
    while model.canFetchMore(root):
        model.fetchMore(root)
    header = view.horizontalHeader()
    columns = [
        header.logicalIndex(visual)
        for visual in range(header.count())
        if not header.isSectionHidden(header.logicalIndex(visual))
    ]
    titles = [
        _text(model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole))
        for column in columns
    ]
    locale = QLocale()
    rows = [
        tuple(_cell(model.index(row, column), locale) for column in columns)
        for row in range(model.rowCount())
        if not view.isRowHidden(row)
    ]
    return titles, rows


class TableExporter(QObject):
    """The Export… action of one view. `exported(path, rows)` or `failed(text)` per export."""

    exported = Signal(str, int)
    failed = Signal(str)

    def __init__(self, view: QTableView, title: Callable[[], str] | str) -> None:
        super().__init__(view)
        self._view = view
        self._title = title
        self._task: BackgroundTask | None = None
        # Where to save; tests replace it (a native file dialog cannot be driven).
        self.ask_target: Callable[[Path], ExportTarget | None] = self._ask_with_dialog
        self.action = QAction(view)
        self.action.setObjectName("exportTableAction")
        self.action.setShortcut(QKeySequence(EXPORT_SHORTCUT))
        self.action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.action.triggered.connect(self.export)
        self._retranslate()
        view.addAction(self.action)
        if view.contextMenuPolicy() == Qt.ContextMenuPolicy.DefaultContextMenu:
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        view.installEventFilter(self)

    def title(self) -> str:
        return self._title() if callable(self._title) else self._title

    def is_busy(self) -> bool:
        return self._task is not None

    def export(self) -> None:
        if self._task is not None:
            return
        title = self.title()
        target = self.ask_target(_suggested_path(title))
        if target is None:
            return
        path, file_format = target
        ui_state().setValue(_FOLDER_KEY, str(path.parent))
        headers, rows = snapshot_table(self._view)

        def work(context: TaskContext) -> int:
            def on_row(count: int) -> None:
                context.raise_if_cancelled()
                context.report_progress(count, len(rows))

            return write_table(path, file_format, headers, rows, title=title, on_row=on_row)

        task = BackgroundTask(work, parent=self)
        task.succeeded.connect(lambda count: self._succeeded(path, count))
        task.failed.connect(self._failed)
        task.finished.connect(self._finished)
        self._task = task
        run_with_progress_dialog(
            task, self.tr("Exporting {count} rows…").format(count=len(rows)), self._view
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._view and event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        return False

    def _retranslate(self) -> None:
        self.action.setText(self.tr("Export…"))
        self.action.setToolTip(
            self.tr("Save this table as an Excel (XLSX) or CSV file ({shortcut})").format(
                shortcut=EXPORT_SHORTCUT
            )
        )

    def _ask_with_dialog(self, suggested: Path) -> ExportTarget | None:
        xlsx_filter = self.tr("Excel workbook (*.xlsx)")
        csv_filter = self.tr("CSV for Excel, semicolon-separated (*.csv)")
        chosen, selected_filter = QFileDialog.getSaveFileName(
            self._view,
            self.tr("Export the table"),
            str(suggested),
            f"{xlsx_filter};;{csv_filter}",
            xlsx_filter,
        )
        if not chosen:
            return None
        fallback = ExportFormat.CSV if selected_filter == csv_filter else ExportFormat.XLSX
        return export_target(Path(chosen), fallback)

    def _succeeded(self, path: Path, count: object) -> None:
        assert isinstance(count, int)
        window = self._view.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(
                self.tr("Exported {count} rows to {path}").format(count=count, path=path), 8000
            )
        self.exported.emit(str(path), count)

    def _failed(self, error: object) -> None:
        text = self._failure_text(error)
        box = QMessageBox(
            QMessageBox.Icon.Warning, self.tr("Export failed"), text, parent=self._view
        )
        box.setObjectName("tableExportError")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.failed.emit(text)

    def _finished(self) -> None:
        if self._task is not None:
            self._task.deleteLater()
        self._task = None

    def _failure_text(self, error: object) -> str:
        if isinstance(error, ExportError):
            if error.problem == ExportProblem.IS_A_FOLDER:
                return self.tr("{path} is a folder: choose a file name.").format(path=error.path)
            if error.problem == ExportProblem.NO_FOLDER:
                return self.tr("The folder of {path} does not exist.").format(path=error.path)
            return self.tr("The file {path} could not be written: {reason}").format(
                path=error.path, reason=error.reason
            )
        if isinstance(error, TooManyRows):
            return self.tr(
                "The table has more rows than an Excel sheet holds ({limit}): export it as CSV."
            ).format(limit=error.limit)
        if isinstance(error, OperatorAppError):
            return error_text(error)
        return self.tr("Something went wrong: {error}").format(error=error)


def export_target(chosen: Path, fallback: ExportFormat) -> ExportTarget:
    """The file and format for a chosen name: its extension decides, else `fallback`'s."""
    file_format = format_of(chosen)
    if file_format is None:
        return chosen.with_name(chosen.name + fallback.suffix), fallback
    return chosen, file_format


def _suggested_path(title: str) -> Path:
    folder = ui_state().value(_FOLDER_KEY)
    base = Path(folder) if isinstance(folder, str) and Path(folder).is_dir() else Path.home()
    name = " ".join(_UNSAFE_IN_FILE_NAMES.sub(" ", title).split()) or "table"
    return base / f"{name} {dt.date.today().isoformat()}{ExportFormat.XLSX.suffix}"


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _cell(index: QModelIndex, locale: QLocale) -> Cell:
    value = index.data(Qt.ItemDataRole.DisplayRole)
    if value is None or isinstance(value, str | int | float):
        if isinstance(value, str) and _is_right_aligned(index):
            return _number(value, locale)
        return value  # type: ignore[no-any-return]
    if isinstance(value, QDateTime):
        moment = value.toLocalTime().toPython()
        if isinstance(moment, dt.datetime):
            return moment.replace(tzinfo=None)  # as the screen shows it, in local time
        return value.toString(Qt.DateFormat.ISODate)
    if isinstance(value, QDate):
        day = value.toPython()
        return day if isinstance(day, dt.date) else value.toString(Qt.DateFormat.ISODate)
    if isinstance(value, QTime):
        return value.toString("HH:mm:ss")
    return str(value)


def _is_right_aligned(index: QModelIndex) -> bool:
    alignment = index.data(Qt.ItemDataRole.TextAlignmentRole)
    if alignment is None:
        return False
    return bool(Qt.AlignmentFlag(int(alignment)) & Qt.AlignmentFlag.AlignRight)


def _number(text: str, locale: QLocale) -> str | int | float:
    stripped = text.strip()
    digits = stripped.lstrip("-")
    if not digits[:1].isdigit() or (len(digits) > 1 and digits[0] == "0" and digits[1].isdigit()):
        return text  # not a number, or a code with leading zeros
    whole, ok = locale.toLongLong(stripped)
    if ok:
        return int(whole)
    fraction, ok = locale.toDouble(stripped)
    return float(fraction) if ok else text
