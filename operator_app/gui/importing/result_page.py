"""Step 5: what the import did, row by row where it matters, and the rejected rows to fix."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, QEvent, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from operator_app.core.importing.types import ImportReport
from operator_app.core.tabular import TableError, TableInfo, write_rejected_rows
from operator_app.gui.importing.report_models import (
    DuplicateRowsModel,
    RejectedColumn,
    RejectedRowsModel,
)
from operator_app.gui.importing.texts import quoted, rejection_details, table_error_text
from operator_app.gui.widgets.inline_error import InlineError

COUNT_KEYS = ("read", "imported", "duplicates", "rejected", "blocked")


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What the import task returns to the wizard."""

    report: ImportReport
    info: TableInfo
    list_name: str
    mapping_saved_for: str | None = None
    mapping_save_error: str | None = None


def _report_table(model: QAbstractItemModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setWordWrap(False)
    view.setTabKeyNavigation(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.horizontalHeader().setDefaultSectionSize(140)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return view


class _TableOrMessage(QStackedWidget):
    """A table, or a sentence saying why it is empty."""

    def __init__(self, view: QTableView) -> None:
        super().__init__()
        self.view = view
        self.message = QLabel()
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.addWidget(view)
        self.addWidget(self.message)

    def show_table(self, has_rows: bool) -> None:
        self.setCurrentWidget(self.view if has_rows else self.message)


class ResultPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._outcome: ImportOutcome | None = None
        self._saved_path: Path | None = None

        self._count_values = {key: QLabel() for key in COUNT_KEYS}
        self._count_labels = {key: QLabel() for key in COUNT_KEYS}
        counts = QGridLayout()
        counts.setHorizontalSpacing(12)
        counts.setVerticalSpacing(2)
        bold = QFont(self.font())
        bold.setBold(True)
        for row, key in enumerate(COUNT_KEYS):
            value = self._count_values[key]
            value.setObjectName(f"count_{key}")
            value.setFont(bold)
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            counts.addWidget(value, row, 0)
            counts.addWidget(self._count_labels[key], row, 1)
        counts.setColumnStretch(1, 1)

        self.mapping_label = QLabel()
        self.mapping_label.setWordWrap(True)

        self.rejected_model = RejectedRowsModel(self)
        self.rejected_view = _report_table(self.rejected_model)
        self._rejected_stack = _TableOrMessage(self.rejected_view)
        self.save_button = QPushButton()
        self.save_button.setAutoDefault(False)
        self.open_button = QPushButton()
        self.open_button.setAutoDefault(False)
        self.saved_label = QLabel()
        self.saved_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.save_error = InlineError()
        file_row = QHBoxLayout()
        file_row.addWidget(self.save_button)
        file_row.addWidget(self.open_button)
        file_row.addWidget(self.saved_label, 1)
        rejected_tab = QWidget()
        rejected_layout = QVBoxLayout(rejected_tab)
        rejected_layout.addWidget(self._rejected_stack, 1)
        rejected_layout.addWidget(self.save_error)
        rejected_layout.addLayout(file_row)

        self.duplicate_model = DuplicateRowsModel(self)
        self.duplicate_view = _report_table(self.duplicate_model)
        self._duplicate_stack = _TableOrMessage(self.duplicate_view)
        duplicates_tab = QWidget()
        QVBoxLayout(duplicates_tab).addWidget(self._duplicate_stack)

        self.tabs = QTabWidget()
        self.tabs.addTab(rejected_tab, "")
        self.tabs.addTab(duplicates_tab, "")

        layout = QVBoxLayout(self)
        layout.addLayout(counts)
        layout.addWidget(self.mapping_label)
        layout.addSpacing(8)
        layout.addWidget(self.tabs, 1)

        self.save_button.clicked.connect(self.choose_file_and_save)
        self.open_button.clicked.connect(self.open_saved_file)
        self._retranslate()
        self._show_outcome()

    # --- public -----------------------------------------------------------------------------

    def set_outcome(self, outcome: ImportOutcome) -> None:
        self._outcome = outcome
        self._saved_path = None
        report = outcome.report
        self.rejected_model.set_rows(report.rejected_rows, outcome.info.headers)
        self.duplicate_model.set_rows(report.duplicate_rows)
        self.save_error.clear_error()
        self._show_outcome()
        self.rejected_view.resizeColumnToContents(RejectedColumn.ROW)
        self.rejected_view.resizeColumnToContents(RejectedColumn.PROBLEM)
        self.rejected_view.setColumnWidth(RejectedColumn.DETAILS, 380)
        self.duplicate_view.setColumnWidth(0, 60)
        self.duplicate_view.setColumnWidth(1, 180)
        self.duplicate_view.horizontalHeader().setStretchLastSection(True)
        # Open the tab that needs attention: rejected rows first, they can be fixed.
        self.tabs.setCurrentIndex(0 if report.rejected or not report.duplicates else 1)

    def outcome(self) -> ImportOutcome | None:
        return self._outcome

    def saved_path(self) -> Path | None:
        return self._saved_path

    def default_rejected_path(self) -> Path:
        assert self._outcome is not None
        source = self._outcome.info.path
        return source.with_name(f"{source.stem}_rejected.csv")

    def save_rejected_rows(self, path: Path) -> int:
        """Write the rejected rows (row number, reason, original cells) in the input's encoding."""
        outcome = self._outcome
        assert outcome is not None
        rows = (
            (row.line_number, list(row.cells), rejection_details(row))
            for row in outcome.report.rejected_rows
        )
        try:
            written = write_rejected_rows(path, outcome.info, rows)
        except TableError as error:
            self.save_error.show_error(table_error_text(error))
            return 0
        self.save_error.clear_error()
        self._saved_path = path
        self._show_saved()
        return written

    @Slot()
    def choose_file_and_save(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            self.tr("Save rejected rows"),
            str(self._saved_path or self.default_rejected_path()),
            self.tr("CSV files (*.csv);;All files (*)"),
        )
        if chosen:
            self.save_rejected_rows(Path(chosen))

    @Slot()
    def open_saved_file(self) -> None:
        if self._saved_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._saved_path)))

    # --- QWizardPage ------------------------------------------------------------------------

    def initializePage(self) -> None:
        # After QWizard's own choice of focus; Enter still means Finish (the default button).
        QTimer.singleShot(0, self, self._focus_first_useful)

    @Slot()
    def _focus_first_useful(self) -> None:
        if self.save_button.isEnabled():
            self.save_button.setFocus()
        else:
            self.tabs.tabBar().setFocus()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            self._show_outcome()
        super().changeEvent(event)

    # --- texts ------------------------------------------------------------------------------

    def _retranslate(self) -> None:
        self.setTitle(self.tr("Import finished"))
        labels = {
            "read": self.tr("rows read from the file"),
            "imported": self.tr("new leads imported, ready to call"),
            "duplicates": self.tr("duplicates: the number is already known, not imported again"),
            "rejected": self.tr("rejected: no valid phone number, or an INN with a wrong checksum"),
            "blocked": self.tr("blocked: on the do-not-call list, imported but never called"),
        }
        for key, text in labels.items():
            self._count_labels[key].setText(text)
        self.save_button.setText(self.tr("&Save rejected rows…"))
        self.open_button.setText(self.tr("&Open"))
        self.open_button.setToolTip(self.tr("Open the saved file in the spreadsheet program"))
        self._rejected_stack.message.setText(self.tr("No row was rejected."))
        self._duplicate_stack.message.setText(
            self.tr("No duplicates: every number was new to the database and to this file.")
        )

    def _show_outcome(self) -> None:
        outcome = self._outcome
        report = outcome.report if outcome is not None else None
        for key in COUNT_KEYS:
            value = report.counts()[key] if report is not None else 0
            self._count_values[key].setText(self.locale().toString(value))
        rejected = report.rejected if report is not None else 0
        duplicates = report.duplicates if report is not None else 0
        self.tabs.setTabText(0, self.tr("Rejected rows ({count})").format(count=rejected))
        self.tabs.setTabText(1, self.tr("Duplicates ({count})").format(count=duplicates))
        self._rejected_stack.show_table(rejected > 0)
        self._duplicate_stack.show_table(duplicates > 0)
        self.save_button.setEnabled(rejected > 0)
        self.save_button.setVisible(rejected > 0)
        if outcome is not None:
            self.setSubTitle(
                self.tr("The list {name} is saved. New leads: {count}.").format(
                    name=quoted(outcome.list_name),
                    count=self.locale().toString(report.imported if report else 0),
                )
            )
        self._show_mapping_note()
        self._show_saved()

    def _show_mapping_note(self) -> None:
        outcome = self._outcome
        if outcome is None or (
            outcome.mapping_saved_for is None and not outcome.mapping_save_error
        ):
            self.mapping_label.setVisible(False)
            return
        if outcome.mapping_save_error:
            text = self.tr("The column mapping could not be saved: {reason}").format(
                reason=outcome.mapping_save_error
            )
        else:
            text = self.tr(
                "The column mapping is saved: the next file from {source} gets it at once."
            ).format(source=quoted(outcome.mapping_saved_for or ""))
        self.mapping_label.setText(text)
        self.mapping_label.setVisible(True)

    def _show_saved(self) -> None:
        path = self._saved_path
        self.open_button.setEnabled(path is not None)
        self.open_button.setVisible(path is not None)
        self.saved_label.setText(
            self.tr("Saved to {path}").format(path=str(path)) if path is not None else ""
        )
