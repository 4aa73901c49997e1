"""Step 2: match each column of the file to a lead field, validated as the person edits."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QEvent, Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from operator_app.core.column_mapping import (
    MULTI_FIELDS,
    ColumnMapping,
    Field,
    MappingError,
    MappingProblem,
    suggest_mapping,
)
from operator_app.gui.importing.field_delegate import FieldComboBox, FieldDelegate
from operator_app.gui.importing.file_page import LoadedTable
from operator_app.gui.importing.mapping_model import MappingColumn, MappingModel
from operator_app.gui.importing.texts import FIELD_ORDER, field_label, quoted, quoted_list
from operator_app.gui.widgets.inline_error import InlineError

SAVED_CHECK_DELAY_MS = 300

SavedMappingLookup = Callable[[str], ColumnMapping | None]
"""Returns the mapping saved for a source name, or None."""


class MappingOrigin(Enum):
    SUGGESTED = "suggested"
    SAVED = "saved"


@dataclass(frozen=True, slots=True)
class MappingChoice:
    """What the mapping step hands on to the import."""

    mapping: ColumnMapping
    source: str
    save_for_source: bool


class MappingPage(QWizardPage):
    def __init__(
        self,
        loaded_table: Callable[[], LoadedTable | None],
        find_saved_mapping: SavedMappingLookup,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._loaded_table = loaded_table
        self._find_saved_mapping = find_saved_mapping
        self._prepared_for: LoadedTable | None = None
        self._origin = MappingOrigin.SUGGESTED
        self._origin_source = ""
        self._missing_saved_columns: list[str] = []
        self._saved_lookup_failed = False
        self._problem: str | None = None

        self.origin_label = QLabel()
        self.origin_label.setWordWrap(True)

        self.model = MappingModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setItemDelegateForColumn(MappingColumn.FIELD, FieldDelegate(self.view))
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.view.setTabKeyNavigation(False)
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # focus goes to the row's combo
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(MappingColumn.HEADER, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(MappingColumn.SAMPLES, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(MappingColumn.FIELD, QHeaderView.ResizeMode.ResizeToContents)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(self._row_height())

        self.problem_label = InlineError()

        self._source_label = QLabel()
        self.source_edit = QLineEdit()
        self._source_label.setBuddy(self.source_edit)
        self.use_saved_button = QPushButton()
        self.use_saved_button.setAutoDefault(False)
        self.save_checkbox = QCheckBox()

        source_row = QHBoxLayout()
        source_row.addWidget(self._source_label)
        source_row.addWidget(self.source_edit, 1)
        source_row.addWidget(self.use_saved_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.origin_label)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.problem_label)
        layout.addLayout(source_row)
        layout.addWidget(self.save_checkbox)

        self.model.dataChanged.connect(self._revalidate)
        self.model.modelReset.connect(self._revalidate)
        self._saved_check_timer = QTimer(self)
        self._saved_check_timer.setSingleShot(True)
        self._saved_check_timer.setInterval(SAVED_CHECK_DELAY_MS)
        self._saved_check_timer.timeout.connect(self._check_for_saved_mapping)
        self.source_edit.textChanged.connect(self._source_changed)
        self.use_saved_button.clicked.connect(self.use_saved_mapping)
        self.save_checkbox.toggled.connect(self._revalidate)
        self._retranslate()

    # --- public -----------------------------------------------------------------------------

    def choice(self) -> MappingChoice:
        return MappingChoice(
            self.model.mapping(), self.source_edit.text().strip(), self.save_checkbox.isChecked()
        )

    def problem(self) -> str | None:
        """Why the mapping cannot be used yet, or None when it can."""
        return self._problem

    def set_field(self, header: str, field: Field) -> None:
        """Choose the field of a column by its header (as the combo in its row does)."""
        self.model.set_field(self.model.headers().index(header), field)

    def field_of(self, header: str) -> Field:
        return self.model.field(self.model.headers().index(header))

    @Slot()
    def use_saved_mapping(self) -> None:
        source = self.source_edit.text().strip()
        saved = self._lookup(source)
        if saved is None:
            return
        self.model.apply(saved)  # the combos follow the model's dataChanged
        self._note_origin(MappingOrigin.SAVED, source, saved)
        self._check_for_saved_mapping()

    # --- QWizardPage ------------------------------------------------------------------------

    def initializePage(self) -> None:
        loaded = self._loaded_table()
        if loaded is None:
            return
        if loaded is not self._prepared_for:  # Back and Next again keeps the person's edits
            self._prepare(loaded)
        # QWizard focuses the page's first focusable child after this returns; go after it.
        QTimer.singleShot(0, self, self._focus_first_editor)

    def isComplete(self) -> bool:
        return self._problem is None

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    # --- preparing --------------------------------------------------------------------------

    def _prepare(self, loaded: LoadedTable) -> None:
        self._prepared_for = loaded
        headers = list(loaded.info.headers)
        source = loaded.info.path.stem
        suggestion = suggest_mapping(headers)
        saved = self._lookup(source)
        self.source_edit.blockSignals(True)
        self.source_edit.setText(source)
        self.source_edit.blockSignals(False)
        preview_cells = [cells for _, cells in loaded.preview]
        self.model.set_columns(headers, preview_cells, suggestion)
        if saved is not None:
            self.model.apply(saved)
            self._note_origin(MappingOrigin.SAVED, source, saved)
        else:
            self._note_origin(MappingOrigin.SUGGESTED, source, None)
        self.save_checkbox.setChecked(saved is None)
        self._refresh_editors()
        self.view.resizeColumnToContents(MappingColumn.HEADER)
        header_width = self.view.columnWidth(MappingColumn.HEADER)
        self.view.setColumnWidth(MappingColumn.HEADER, min(max(header_width, 120), 260))
        self._update_source_controls()

    def _lookup(self, source: str) -> ColumnMapping | None:
        self._saved_lookup_failed = False
        if not source:
            return None
        try:
            return self._find_saved_mapping(source)
        except MappingError:
            self._saved_lookup_failed = True  # a damaged saved mapping: suggest afresh
            return None

    def _note_origin(self, origin: MappingOrigin, source: str, saved: ColumnMapping | None) -> None:
        self._origin = origin
        self._origin_source = source
        headers = set(self.model.headers())
        self._missing_saved_columns = (
            [h for h, f in saved.fields.items() if h not in headers and f is not Field.IGNORE]
            if saved is not None
            else []
        )
        self._show_origin()

    def _refresh_editors(self) -> None:
        editors: list[QWidget] = []
        for row in range(self.model.rowCount()):
            index = self.model.index(row, MappingColumn.FIELD)
            self.view.closePersistentEditor(index)
            self.view.openPersistentEditor(index)
            editor = self.view.indexWidget(index)
            if editor is not None:
                editors.append(editor)
        # Tab walks the fields top to bottom, then on to the source and its checkbox.
        chain = [*editors, self.source_edit, self.use_saved_button, self.save_checkbox]
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)

    def _focus_first_editor(self) -> None:
        if self.model.rowCount():
            editor = self.view.indexWidget(self.model.index(0, MappingColumn.FIELD))
            if editor is not None:
                editor.setFocus()

    def _row_height(self) -> int:
        # Tall enough for a combo box in every row.
        return FieldComboBox().sizeHint().height() + 2

    # --- validation -------------------------------------------------------------------------

    @Slot()
    def _revalidate(self) -> None:
        problem, headers = self._find_problem()
        self._problem = problem
        self.model.set_problem_headers(headers)
        if problem is None:
            self.problem_label.clear_error()
        else:
            self.problem_label.show_error(problem)
        self.completeChanged.emit()

    def _find_problem(self) -> tuple[str | None, list[str]]:
        if not self.model.rowCount():
            return self.tr("Choose a file first."), []
        mapping = self.model.mapping()
        try:
            mapping.validate(self.model.headers())
        except MappingError as error:
            return self._mapping_error_text(error, mapping)
        if self.save_checkbox.isChecked() and not self.source_edit.text().strip():
            return self.tr("Enter the source name to save the mapping under."), []
        return None, []

    def _mapping_error_text(
        self, error: MappingError, mapping: ColumnMapping
    ) -> tuple[str, list[str]]:
        if error.problem is MappingProblem.NO_PHONE:
            return (
                self.tr(
                    "No column is marked as {phone}. Choose {phone} for the column that holds "
                    "phone numbers: a lead without a phone cannot be called."
                ).format(phone=quoted(field_label(Field.PHONE))),
                [],
            )
        if error.problem is MappingProblem.DUPLICATE_FIELD:
            field = Field(error.detail)
            headers = [h for h, f in mapping.fields.items() if f is field]
            several = ", ".join(quoted(field_label(f)) for f in FIELD_ORDER if f in MULTI_FIELDS)
            return (
                self.tr(
                    "{field} is chosen for several columns: {columns}. It may come from one "
                    "column only; choose another field for the others (only {several} may be "
                    "chosen several times)."
                ).format(
                    field=quoted(field_label(field)), columns=quoted_list(headers), several=several
                ),
                headers,
            )
        return str(error), []

    # --- source -----------------------------------------------------------------------------

    @Slot(str)
    def _source_changed(self, _text: str) -> None:
        self._show_save_checkbox_text()
        self.use_saved_button.setEnabled(False)
        self._saved_check_timer.start()  # one database look-up once the typing pauses
        self._revalidate()

    def _update_source_controls(self) -> None:
        self._show_save_checkbox_text()
        self._check_for_saved_mapping()

    def _show_save_checkbox_text(self) -> None:
        source = self.source_edit.text().strip()
        self.save_checkbox.setText(
            self.tr("Save this mapping for the source {source}").format(source=quoted(source))
            if source
            else self.tr("Save this mapping for the source")
        )

    @Slot()
    def _check_for_saved_mapping(self) -> None:
        self._saved_check_timer.stop()
        source = self.source_edit.text().strip()
        has_saved = bool(source) and self._lookup_quietly(source)
        self.use_saved_button.setEnabled(
            has_saved
            and not (self._origin is MappingOrigin.SAVED and self._origin_source == source)
        )

    def _lookup_quietly(self, source: str) -> bool:
        try:
            return self._find_saved_mapping(source) is not None
        except MappingError:
            return False

    # --- texts ------------------------------------------------------------------------------

    def _retranslate(self) -> None:
        self.setTitle(self.tr("Match the columns to lead fields"))
        self.setSubTitle(
            self.tr(
                "Choose what each column holds. At least one column must hold phone numbers; "
                "several phone columns are fine. Extra fields are kept with the lead as they are."
            )
        )
        self._source_label.setText(self.tr("S&ource:"))
        self.source_edit.setPlaceholderText(self.tr("Who supplied the list, e.g. the file name"))
        self.source_edit.setToolTip(
            self.tr("The next file from the same source gets the same mapping.")
        )
        self.use_saved_button.setText(self.tr("&Use the saved mapping"))
        self._show_origin()
        self._show_save_checkbox_text()
        self._revalidate()

    def _show_origin(self) -> None:
        if self._origin is MappingOrigin.SAVED:
            text = self.tr("Using the mapping saved for the source {source}.").format(
                source=quoted(self._origin_source)
            )
            if self._missing_saved_columns:
                text += " " + self.tr("This file lacks some of its columns: {columns}.").format(
                    columns=quoted_list(self._missing_saved_columns)
                )
        else:
            text = self.tr("Suggested from the column names: check each row.")
            if self._saved_lookup_failed:
                text += " " + self.tr(
                    "The mapping saved for this source is damaged and was not used."
                )
        self.origin_label.setText(text)
