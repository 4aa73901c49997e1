"""Step 1: choose the lead list; see what was detected and the first rows before going on."""

from __future__ import annotations

import itertools
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from operator_app.core.tabular import Table, TableError, TableInfo, open_table
from operator_app.gui.importing.preview_model import PreviewModel
from operator_app.gui.importing.texts import (
    table_error_text,
    table_summary_text,
    unexpected_error_text,
)
from operator_app.gui.tasks import BackgroundTask
from operator_app.gui.widgets.inline_error import InlineError
from operator_app.gui.window_state import ui_state

PREVIEW_ROWS = 20
_MAX_COLUMN_WIDTH = 260
_LAST_FOLDER_KEY = "import/last_folder"


@dataclass(frozen=True, slots=True)
class LoadedTable:
    table: Table
    preview: list[tuple[int, list[str]]]

    @property
    def info(self) -> TableInfo:
        return self.table.info


def _load(path: Path, sheet: str | None) -> LoadedTable:
    table = open_table(path, sheet=sheet)
    with closing(table.rows()) as rows:
        preview = list(itertools.islice(rows, PREVIEW_ROWS))
    return LoadedTable(table, preview)


class FilePage(QWizardPage):
    """Reads the chosen file off the UI thread (counting rows means reading it all)."""

    table_loaded = Signal()
    load_failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loaded: LoadedTable | None = None
        self._loading: BackgroundTask | None = None
        self._loading_path: Path | None = None
        self._error: Exception | None = None
        self._error_path: Path | None = None

        self._path_label = QLabel()
        self.path_edit = QLineEdit()
        self.path_edit.setClearButtonEnabled(True)
        self.path_edit.setAcceptDrops(False)  # a dropped file is opened by the wizard instead
        self._path_label.setBuddy(self.path_edit)
        self.browse_button = QPushButton()
        self.browse_button.setAutoDefault(False)

        self._sheet_label = QLabel()
        self.sheet_combo = QComboBox()
        self._sheet_label.setBuddy(self.sheet_combo)

        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label = InlineError()
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self._preview_label = QLabel()
        self.preview_model = PreviewModel(self)
        self.preview_view = QTableView()
        self.preview_view.setModel(self.preview_model)
        self.preview_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_view.setWordWrap(False)
        self.preview_view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Interactive
        )
        self.preview_view.horizontalHeader().setDefaultSectionSize(140)
        self.preview_view.verticalHeader().setDefaultSectionSize(
            self.preview_view.fontMetrics().height() + 8
        )
        self.preview_view.setTabKeyNavigation(False)  # Tab moves on to the wizard's buttons

        self.drop_zone = QLabel()
        self.drop_zone.setObjectName("dropZone")
        self.drop_zone.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.drop_zone.setWordWrap(True)
        self.drop_zone.setStyleSheet(
            "#dropZone { border: 2px dashed #a0a8b4; border-radius: 8px; color: #5f6b7a;"
            " padding: 24px; }"
        )
        self._preview_stack = QStackedWidget()
        self._preview_stack.addWidget(self.drop_zone)
        preview_box = QWidget()
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        preview_layout.addWidget(self._preview_label)
        preview_layout.addWidget(self.preview_view, 1)
        self._preview_stack.addWidget(preview_box)
        self._preview_box = preview_box

        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)
        sheet_row = QHBoxLayout()
        sheet_row.addWidget(self._sheet_label)
        sheet_row.addWidget(self.sheet_combo, 1)
        sheet_row.addStretch(2)
        self._sheet_row = QWidget()
        self._sheet_row.setLayout(sheet_row)
        sheet_row.setContentsMargins(0, 0, 0, 0)

        layout = QVBoxLayout(self)
        layout.addWidget(self._path_label)
        layout.addLayout(path_row)
        layout.addWidget(self._sheet_row)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.error_label)
        layout.addSpacing(6)
        layout.addWidget(self._preview_stack, 1)

        self.path_edit.returnPressed.connect(self._open_typed_path)
        self.path_edit.textChanged.connect(self._path_text_changed)
        self.browse_button.clicked.connect(self.browse)
        self.sheet_combo.activated.connect(self._sheet_chosen)
        self._retranslate()
        self._show_state()

    # --- public -----------------------------------------------------------------------------

    def loaded(self) -> LoadedTable | None:
        return self._loaded

    def is_loading(self) -> bool:
        return self._loading is not None

    def open_file(self, path: Path, sheet: str | None = None) -> None:
        """Read `path` (a chosen, typed or dropped file) in the background."""
        path = Path(path)
        if self.path_edit.text() != str(path):
            self.path_edit.setText(str(path))
        self._start_loading(path, sheet)

    @Slot()
    def browse(self) -> None:
        start = self._current_path_text() or str(ui_state().value(_LAST_FOLDER_KEY, "") or "")
        chosen, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose a lead list"),
            start,
            self.tr("Spreadsheets (*.csv *.xlsx *.txt *.tsv);;All files (*)"),
        )
        if chosen:
            ui_state().setValue(_LAST_FOLDER_KEY, str(Path(chosen).parent))
            self.open_file(Path(chosen))

    # --- QWizardPage ------------------------------------------------------------------------

    def isComplete(self) -> bool:
        loaded = self._loaded
        return (
            loaded is not None
            and self._loading is None
            and self._current_path_text() == str(loaded.info.path)
        )

    def initializePage(self) -> None:
        self.path_edit.setFocus()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            self._show_state()
        super().changeEvent(event)

    # --- loading ----------------------------------------------------------------------------

    def _current_path_text(self) -> str:
        return self.path_edit.text().strip().strip('"')  # "Copy as path" on Windows adds quotes

    @Slot()
    def _open_typed_path(self) -> None:
        text = self._current_path_text()
        if not text:
            return
        loaded = self._loaded
        if loaded is not None and str(loaded.info.path) == text and self._loading is None:
            return  # already read; Enter now goes on to the next step
        self._start_loading(Path(text).expanduser(), None)

    @Slot(str)
    def _path_text_changed(self, _text: str) -> None:
        self._show_state()
        self.completeChanged.emit()

    @Slot(int)
    def _sheet_chosen(self, index: int) -> None:
        loaded = self._loaded
        sheet = self.sheet_combo.itemText(index)
        if loaded is not None and sheet != loaded.info.sheet:
            self._start_loading(loaded.info.path, sheet)

    def _start_loading(self, path: Path, sheet: str | None) -> None:
        if self._loading is not None:
            self._loading.cancel()  # its outcome is ignored: only the newest choice counts
        self._loaded = None
        self._error = None
        self._loading_path = path
        task = BackgroundTask(lambda _context: _load(path, sheet), parent=self)
        task.succeeded.connect(lambda result: self._loading_succeeded(task, result))
        task.failed.connect(lambda error: self._loading_failed(task, path, error))
        self._loading = task
        self.preview_model.clear()
        self._show_state()
        self.completeChanged.emit()
        task.start()

    def _loading_succeeded(self, task: BackgroundTask, result: object) -> None:
        if task is not self._loading:
            return
        assert isinstance(result, LoadedTable)
        self._loading = None
        self._loaded = result
        self.path_edit.setText(str(result.info.path))
        self.preview_model.set_table(result.info.headers, result.preview)
        self._fit_preview_columns()
        self._fill_sheet_combo(result.info)
        self._show_state()
        self.completeChanged.emit()
        self.table_loaded.emit()

    def _loading_failed(self, task: BackgroundTask, path: Path, error: object) -> None:
        if task is not self._loading:
            return
        assert isinstance(error, Exception)
        self._loading = None
        self._error = error
        self._error_path = path
        self._show_state()
        self.completeChanged.emit()
        self.path_edit.setFocus()
        self.path_edit.selectAll()
        self.load_failed.emit(self.error_label.text())

    def _fit_preview_columns(self) -> None:
        self.preview_view.resizeColumnsToContents()
        for column in range(self.preview_model.columnCount()):
            width = self.preview_view.columnWidth(column)
            self.preview_view.setColumnWidth(column, min(max(width, 80), _MAX_COLUMN_WIDTH))

    def _fill_sheet_combo(self, info: TableInfo) -> None:
        self.sheet_combo.clear()
        self.sheet_combo.addItems(list(info.sheet_names))
        if info.sheet is not None:
            self.sheet_combo.setCurrentText(info.sheet)
        self._sheet_row.setVisible(len(info.sheet_names) > 1)

    # --- texts ------------------------------------------------------------------------------

    def _retranslate(self) -> None:
        self.setTitle(self.tr("Choose the lead list"))
        self.setSubTitle(
            self.tr(
                "A CSV file or an Excel workbook (.xlsx) with a header row. "
                "You can also drop the file onto this window."
            )
        )
        self._path_label.setText(self.tr("&File:"))
        self.path_edit.setPlaceholderText(self.tr("Path to a .csv or .xlsx file, then Enter"))
        self.browse_button.setText(self.tr("&Browse…"))
        self._sheet_label.setText(self.tr("&Sheet:"))
        self._preview_label.setText(
            self.tr("First rows of the file (numbered as in the spreadsheet):")
        )
        self.drop_zone.setText(
            self.tr("Drop a CSV or Excel file here,\nor choose it with Browse… (Alt+B).")
        )

    def _show_state(self) -> None:
        loaded = self._loaded
        self._sheet_row.setVisible(loaded is not None and len(loaded.info.sheet_names) > 1)
        if self._loading is not None:
            name = self._loading_path.name if self._loading_path else ""
            self.summary_label.setText(self.tr("Reading {name}…").format(name=name))
            self.error_label.clear_error()
        elif self._error is not None:
            self.summary_label.clear()
            error = self._error
            path = self._error_path or Path()
            if isinstance(error, TableError):
                self.error_label.show_error(table_error_text(error))
            else:
                self.error_label.show_error(unexpected_error_text(path, error))
        elif loaded is not None and self._current_path_text() != str(loaded.info.path):
            self.summary_label.setText(self.tr("Press Enter to read the file typed above."))
            self.error_label.clear_error()
        elif loaded is not None:
            self.summary_label.setText(table_summary_text(loaded.info))
            self.error_label.clear_error()
        else:
            self.summary_label.setText(self.tr("No file chosen yet."))
            self.error_label.clear_error()
        self._preview_stack.setCurrentWidget(
            self._preview_box if loaded is not None else self.drop_zone
        )
