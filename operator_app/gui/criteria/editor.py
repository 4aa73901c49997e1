"""The criteria editor: pick a campaign, edit its criteria and non-target reasons, save a
new version. A refused save names the criterion (or reason), the field and why, and keeps
everything typed."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QEvent, QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.campaigns import CampaignSummary, campaign_summaries
from operator_app.core.verification.criteria import (
    AnswerType,
    CriteriaError,
    RuleKind,
    criteria_from_data,
    reasons_from_data,
)
from operator_app.core.verification.service import CriteriaService, CriteriaSetView
from operator_app.gui.context import WorkspaceContext
from operator_app.gui.criteria.drafts import ONE_OF_SEPARATOR, RULES_BY_TYPE, CriterionDraft
from operator_app.gui.handoffs.background import failure_text, run_in_background
from operator_app.gui.tasks import BackgroundTask
from operator_app.gui.widgets.forms import add_labelled_row, set_form_labels
from operator_app.gui.widgets.inline_error import InlineError
from operator_app.gui.widgets.page_title import page_title


@dataclass(frozen=True, slots=True)
class _Saved:
    view: CriteriaSetView
    previous_version: int | None


class CriteriaEditorPage(QWidget):
    def __init__(self, context: WorkspaceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("criteriaEditorPage")
        self._context = context
        self._service = CriteriaService(context.database)
        self._task: BackgroundTask | None = None
        self._drafts: list[CriterionDraft] = []
        self._version: int | None = None
        self._campaign_id: int | None = None
        # What was loaded or saved last, in file form: the editor has changes when it differs.
        self._baseline: tuple[list[dict[str, Any]], list[dict[str, str]]] = ([], [])
        self._saving = self._baseline

        self._title = page_title()
        self.campaign = QComboBox()
        self.campaign.setMinimumWidth(260)
        self.campaign.currentIndexChanged.connect(lambda _index: self._load_campaign())
        self.version = QLabel()
        self.version.setObjectName("criteriaVersion")
        self.save_button = QPushButton()
        self.save_button.setObjectName("saveCriteriaButton")
        self.save_button.clicked.connect(self.save)
        self.discard_button = QPushButton()
        self.discard_button.clicked.connect(self._load_campaign)
        self.error = InlineError()
        self.status = QLabel()
        self.status.setObjectName("criteriaStatus")

        # The list of criteria.
        self.criteria = QTableWidget(0, 7)
        self.criteria.setObjectName("criteriaTable")
        self.criteria.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.criteria.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.criteria.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.criteria.verticalHeader().setVisible(False)
        self.criteria.horizontalHeader().setStretchLastSection(True)
        self.criteria.itemSelectionChanged.connect(self._show_current)
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self.add_criterion)
        self.remove_button = QPushButton()
        self.remove_button.clicked.connect(self.remove_criterion)
        self.up_button = QPushButton()
        self.up_button.clicked.connect(lambda: self.move_criterion(-1))
        self.down_button = QPushButton()
        self.down_button.clicked.connect(lambda: self.move_criterion(1))
        list_buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            list_buttons.addWidget(button)
        list_buttons.addStretch(1)
        list_side = QWidget()
        list_layout = QVBoxLayout(list_side)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addWidget(self.criteria, 1)
        list_layout.addLayout(list_buttons)

        # The editor of one criterion.
        self.criterion_box = QGroupBox()
        self.id_edit = QLineEdit()
        self.question_edit = QLineEdit()
        self.type_combo = QComboBox()
        for kind in AnswerType:
            self.type_combo.addItem("", kind.value)
        self.required_check = QCheckBox()
        self.choices_edit = QPlainTextEdit()
        self.choices_edit.setMaximumHeight(90)
        self.rule_combo = QComboBox()
        self.rule_value_edit = QLineEdit()
        self.step_edit = QLineEdit()
        self._form = QFormLayout(self.criterion_box)
        for field in (
            self.id_edit,
            self.question_edit,
            self.type_combo,
            self.required_check,
            self.choices_edit,
            self.rule_combo,
            self.rule_value_edit,
            self.step_edit,
        ):
            add_labelled_row(self._form, field)
        self.id_edit.textChanged.connect(lambda text: self._edit(id=text))
        self.question_edit.textChanged.connect(lambda text: self._edit(question=text))
        self.type_combo.currentIndexChanged.connect(self._type_chosen)
        self.required_check.toggled.connect(lambda on: self._edit(required=on))
        self.choices_edit.textChanged.connect(self._choices_changed)
        self.rule_combo.currentIndexChanged.connect(self._rule_chosen)
        self.rule_value_edit.textChanged.connect(lambda text: self._edit(rule_value=text))
        self.step_edit.textChanged.connect(lambda text: self._edit(script_step=text))

        # Non-target reasons.
        self.reasons_box = QGroupBox()
        self.reasons = QTableWidget(0, 2)
        self.reasons.setObjectName("reasonsTable")
        self.reasons.itemChanged.connect(lambda _item: self._update_enabled())
        self.reasons.verticalHeader().setVisible(False)
        self.reasons.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.add_reason_button = QPushButton()
        self.add_reason_button.clicked.connect(self.add_reason)
        self.remove_reason_button = QPushButton()
        self.remove_reason_button.clicked.connect(self.remove_reason)
        reason_buttons = QHBoxLayout()
        reason_buttons.addWidget(self.add_reason_button)
        reason_buttons.addWidget(self.remove_reason_button)
        reason_buttons.addStretch(1)
        reasons_layout = QVBoxLayout(self.reasons_box)
        reasons_layout.addWidget(self.reasons, 1)
        reasons_layout.addLayout(reason_buttons)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.criterion_box)
        right_layout.addWidget(self.reasons_box, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(list_side)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

        bar = QHBoxLayout()
        bar.addWidget(self._title)
        bar.addWidget(self.campaign)
        bar.addWidget(self.version)
        bar.addStretch(1)
        bar.addWidget(self.status)
        bar.addWidget(self.discard_button)
        bar.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.error)
        layout.addWidget(split, 1)
        self.retranslate()
        self._show_current()
        self._load_campaigns()

    # --- texts --------------------------------------------------------------------------------

    def _type_label(self, kind: AnswerType) -> str:
        return {
            AnswerType.YES_NO: self.tr("Yes / no"),
            AnswerType.CHOICE: self.tr("Choice"),
            AnswerType.NUMBER: self.tr("Number"),
            AnswerType.DATE: self.tr("Date"),
            AnswerType.TEXT: self.tr("Text"),
        }[kind]

    def _rule_label(self, kind: RuleKind | None) -> str:
        if kind is None:
            return self.tr("Never disqualifies")
        return {
            RuleKind.EQUALS: self.tr("Disqualifies when the answer is"),
            RuleKind.ONE_OF: self.tr("Disqualifies when the answer is one of"),
            RuleKind.LESS_THAN: self.tr("Disqualifies when less than"),
            RuleKind.GREATER_THAN: self.tr("Disqualifies when greater than"),
            RuleKind.BEFORE: self.tr("Disqualifies when before"),
            RuleKind.AFTER: self.tr("Disqualifies when after"),
        }[kind]

    def _field_label(self, field: str | None) -> str:
        return {
            "id": self.tr("Id"),
            "question": self.tr("Question"),
            "type": self.tr("Answer type"),
            "required": self.tr("Required"),
            "choices": self.tr("Choices"),
            "disqualify_if": self.tr("Disqualifying rule"),
            "script_step": self.tr("Script step"),
            "code": self.tr("Code"),
            "label": self.tr("Label"),
        }.get(field or "", field or "")

    def retranslate(self) -> None:
        self._title.setText(self.tr("Verification criteria"))
        self.save_button.setText(self.tr("Save"))
        self.discard_button.setText(self.tr("Discard changes"))
        self.discard_button.setToolTip(self.tr("Load the saved version again"))
        self.add_button.setText(self.tr("Add criterion"))
        self.remove_button.setText(self.tr("Remove"))
        self.up_button.setText(self.tr("Move up"))
        self.down_button.setText(self.tr("Move down"))
        self.criteria.setHorizontalHeaderLabels(
            [
                self.tr("Id"),
                self.tr("Question"),
                self.tr("Type"),
                self.tr("Required"),
                self.tr("Choices"),
                self.tr("Disqualifies when"),
                self.tr("Script step"),
            ]
        )
        self.criterion_box.setTitle(self.tr("Criterion"))
        for index in range(self.type_combo.count()):
            self.type_combo.setItemText(
                index, self._type_label(AnswerType(self.type_combo.itemData(index)))
            )
        self.required_check.setText(self.tr("An answer is required for a verdict"))
        self.choices_edit.setPlaceholderText(self.tr("One choice per line"))
        self.step_edit.setPlaceholderText(self.tr("The id of the script step asking this"))
        set_form_labels(
            self._form,
            {
                self.id_edit: self.tr("Id"),
                self.question_edit: self.tr("Question"),
                self.type_combo: self.tr("Answer type"),
                self.required_check: self.tr("Required"),
                self.choices_edit: self.tr("Choices"),
                self.rule_combo: self.tr("Rule"),
                self.rule_value_edit: self.tr("Value"),
                self.step_edit: self.tr("Script step"),
            },
        )
        self.reasons_box.setTitle(self.tr("Non-target reasons"))
        self.reasons.setHorizontalHeaderLabels([self.tr("Code"), self.tr("Label")])
        self.add_reason_button.setText(self.tr("Add reason"))
        self.remove_reason_button.setText(self.tr("Remove reason"))
        self._show_version()
        for row in range(len(self._drafts)):
            self._fill_row(row)
        self._show_current()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- loading ------------------------------------------------------------------------------

    def is_busy(self) -> bool:
        return self._task is not None

    def campaign_id(self) -> int | None:
        data = self.campaign.currentData()
        return data if isinstance(data, int) else None

    def _load_campaigns(self) -> None:
        actor, database = self._context.actor, self._context.database
        self._task = run_in_background(
            self, lambda: campaign_summaries(database, actor), self._campaigns_loaded, self._failed
        )

    def _campaigns_loaded(self, campaigns: Any) -> None:
        self._task = None
        with QSignalBlocker(self.campaign):
            self.campaign.clear()
            for campaign in campaigns:
                assert isinstance(campaign, CampaignSummary)
                self.campaign.addItem(campaign.name, campaign.id)
        self._load_campaign()

    def select_campaign(self, campaign_id: int) -> None:
        self.campaign.setCurrentIndex(self.campaign.findData(campaign_id))

    def _load_campaign(self) -> None:
        campaign_id = self.campaign_id()
        if campaign_id is None or self._task is not None:
            self._update_enabled()
            return
        self._task = run_in_background(
            self,
            lambda: (campaign_id, self._service.current(campaign_id)),
            self._campaign_loaded,
            self._failed,
        )
        self._update_enabled()

    def _campaign_loaded(self, result: Any) -> None:
        self._task = None
        campaign_id, view = result
        if campaign_id != self.campaign_id():  # another campaign was picked meanwhile
            self._load_campaign()
            return
        self.error.clear_error()
        self.status.clear()
        self._campaign_id = campaign_id
        self._set_contents(view)

    def _set_contents(self, view: CriteriaSetView | None) -> None:
        self._version = None if view is None else view.version
        self._drafts = (
            [] if view is None else [CriterionDraft.from_criterion(c) for c in view.criteria]
        )
        self.criteria.setRowCount(len(self._drafts))
        for row in range(len(self._drafts)):
            self._fill_row(row)
        reasons = () if view is None else view.reasons
        self.reasons.setRowCount(0)
        for reason in reasons:
            self._append_reason(reason.code, reason.label)
        self.criteria.resizeColumnsToContents()
        if self._drafts:
            self.criteria.selectRow(0)
        self._baseline = self._contents()
        self._show_version()
        self._show_current()

    def _failed(self, error: BaseException) -> None:
        self._task = None
        self.error.show_error(failure_text(error))
        self._update_enabled()

    def _show_version(self) -> None:
        if self._version is None:
            self.version.setText(self.tr("no criteria saved yet"))
        else:
            self.version.setText(self.tr("version {number}").format(number=self._version))

    # --- the criteria list --------------------------------------------------------------------

    def drafts(self) -> list[CriterionDraft]:
        return list(self._drafts)

    def current_row(self) -> int | None:
        rows = self.criteria.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _fill_row(self, row: int) -> None:
        draft = self._drafts[row]
        rule = ""
        if draft.rule_kind is not None:
            rule = f"{draft.rule_kind.value}: {draft.rule_value}"
        texts = [
            draft.id,
            draft.question,
            self._type_label(draft.type),
            self.tr("yes") if draft.required else self.tr("no"),
            f"{ONE_OF_SEPARATOR} ".join(draft.choices),
            rule,
            draft.script_step,
        ]
        for column, text in enumerate(texts):
            item = self.criteria.item(row, column)
            if item is None:
                item = QTableWidgetItem()
                self.criteria.setItem(row, column, item)
            item.setText(text)
            item.setToolTip(text)

    def add_criterion(self) -> None:
        self._drafts.append(CriterionDraft(id=f"criterion_{len(self._drafts) + 1}"))
        row = len(self._drafts) - 1
        self.criteria.setRowCount(len(self._drafts))
        self._fill_row(row)
        self.criteria.selectRow(row)
        self.question_edit.setFocus()
        self._update_enabled()

    def remove_criterion(self) -> None:
        row = self.current_row()
        if row is None:
            return
        del self._drafts[row]
        self.criteria.removeRow(row)
        if self._drafts:
            self.criteria.selectRow(min(row, len(self._drafts) - 1))
        self._show_current()
        self._update_enabled()

    def move_criterion(self, offset: int) -> None:
        row = self.current_row()
        if row is None or not 0 <= row + offset < len(self._drafts):
            return
        other = row + offset
        self._drafts[row], self._drafts[other] = self._drafts[other], self._drafts[row]
        self._fill_row(row)
        self._fill_row(other)
        self.criteria.selectRow(other)
        self._update_enabled()

    # --- the editor of one criterion ----------------------------------------------------------

    def _show_current(self) -> None:
        row = self.current_row()
        draft = self._drafts[row] if row is not None and row < len(self._drafts) else None
        self.criterion_box.setEnabled(draft is not None)
        shown = draft or CriterionDraft()
        blockers = [
            QSignalBlocker(widget)
            for widget in (
                self.id_edit,
                self.question_edit,
                self.type_combo,
                self.required_check,
                self.choices_edit,
                self.rule_combo,
                self.rule_value_edit,
                self.step_edit,
            )
        ]
        self.id_edit.setText(shown.id)
        self.question_edit.setText(shown.question)
        self.type_combo.setCurrentIndex(self.type_combo.findData(shown.type.value))
        self.required_check.setChecked(shown.required)
        self.choices_edit.setPlainText("\n".join(shown.choices))
        self._fill_rules(shown)
        self.rule_value_edit.setText(shown.rule_value)
        self.step_edit.setText(shown.script_step)
        del blockers
        self._update_enabled()

    def _fill_rules(self, draft: CriterionDraft) -> None:
        self.rule_combo.clear()
        self.rule_combo.addItem(self._rule_label(None), "")
        for kind in RULES_BY_TYPE[draft.type]:
            self.rule_combo.addItem(self._rule_label(kind), kind.value)
        self.rule_combo.setCurrentIndex(
            self.rule_combo.findData(draft.rule_kind.value if draft.rule_kind else "")
        )
        self.choices_edit.setEnabled(draft.type is AnswerType.CHOICE)
        self.rule_value_edit.setEnabled(draft.rule_kind is not None)
        hints = {
            AnswerType.YES_NO: self.tr("yes or no"),
            AnswerType.CHOICE: self.tr("a choice; for “one of”, choices separated by ;"),
            AnswerType.NUMBER: self.tr("a number"),
            AnswerType.DATE: self.tr("a date like 2027-01-31"),
            AnswerType.TEXT: "",
        }
        self.rule_value_edit.setPlaceholderText(hints[draft.type])

    def _edit(self, **changes: Any) -> None:
        row = self.current_row()
        if row is None:
            return
        self._drafts[row] = replace(self._drafts[row], **changes)
        self._fill_row(row)
        self.status.clear()
        self._update_enabled()

    def _type_chosen(self, index: int) -> None:
        row = self.current_row()
        if row is None:
            return
        self._drafts[row] = self._drafts[row].with_type(AnswerType(self.type_combo.itemData(index)))
        self._fill_row(row)
        self._show_current()

    def _rule_chosen(self, index: int) -> None:
        value = str(self.rule_combo.itemData(index) or "")
        self._edit(rule_kind=RuleKind(value) if value else None)
        self.rule_value_edit.setEnabled(bool(value))

    def _choices_changed(self) -> None:
        lines = self.choices_edit.toPlainText().splitlines()
        self._edit(choices=tuple(line.strip() for line in lines if line.strip()))

    # --- reasons ------------------------------------------------------------------------------

    def _append_reason(self, code: str, label: str) -> None:
        row = self.reasons.rowCount()
        self.reasons.insertRow(row)
        self.reasons.setItem(row, 0, QTableWidgetItem(code))
        self.reasons.setItem(row, 1, QTableWidgetItem(label))

    def add_reason(self) -> None:
        self._append_reason("", "")
        row = self.reasons.rowCount() - 1
        self.reasons.setCurrentCell(row, 0)
        item = self.reasons.item(row, 0)
        if item is not None:
            self.reasons.editItem(item)

    def remove_reason(self) -> None:
        row = self.reasons.currentRow()
        if row >= 0:
            self.reasons.removeRow(row)
        self._update_enabled()

    def reason_rows(self) -> list[dict[str, str]]:
        rows = []
        for row in range(self.reasons.rowCount()):
            code, label = (self.reasons.item(row, column) for column in (0, 1))
            rows.append(
                {
                    "code": code.text().strip() if code is not None else "",
                    "label": label.text().strip() if label is not None else "",
                }
            )
        return rows

    # --- saving -------------------------------------------------------------------------------

    def _contents(self) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
        return [draft.to_data() for draft in self._drafts], self.reason_rows()

    def has_changes(self) -> bool:
        return self._contents() != self._baseline

    def _update_enabled(self) -> None:
        ready = self._task is None and self._campaign_id is not None
        changed = ready and self.has_changes()
        self.discard_button.setEnabled(changed)
        if changed:
            self.status.setText(self.tr("Unsaved changes"))
        elif self.status.text() == self.tr("Unsaved changes"):
            self.status.clear()
        for widget in (
            self.save_button,
            self.add_button,
            self.add_reason_button,
            self.remove_reason_button,
        ):
            widget.setEnabled(ready)
        has_row = ready and self.current_row() is not None
        for widget in (self.remove_button, self.up_button, self.down_button):
            widget.setEnabled(has_row)
        # Another campaign would replace the editor's contents: save or discard them first.
        self.campaign.setEnabled(self._task is None and not changed)
        self.campaign.setToolTip(
            self.tr("Save or discard the changes before choosing another campaign")
            if changed
            else ""
        )

    def save(self) -> None:
        campaign_id = self._campaign_id
        if campaign_id is None or self._task is not None:
            return
        self.status.clear()
        try:
            criteria = criteria_from_data([draft.to_data() for draft in self._drafts])
        except CriteriaError as error:
            self._show_criterion_error(error)
            return
        try:
            reasons = reasons_from_data(self.reason_rows())
        except CriteriaError as error:
            self._show_reason_error(error)
            return
        self.error.clear_error()
        actor, previous = self._context.actor, self._version
        self._saving = self._contents()
        self._task = run_in_background(
            self,
            lambda: _Saved(self._service.save(actor, campaign_id, criteria, reasons), previous),
            self._saved,
            self._failed,
        )
        self._update_enabled()

    def _saved(self, result: Any) -> None:
        assert isinstance(result, _Saved)
        self._task = None
        self._version = result.view.version
        self._baseline = self._saving
        self._show_version()
        if result.previous_version == result.view.version:
            self.status.setText(
                self.tr("Nothing changed: still version {number}.").format(
                    number=result.view.version
                )
            )
        else:
            self.status.setText(
                self.tr("Saved as version {number}.").format(number=result.view.version)
            )
        self._update_enabled()

    def _show_criterion_error(self, error: CriteriaError) -> None:
        if error.index is None:
            self.error.show_error(
                self.tr("The criteria cannot be saved: {reason}").format(reason=error.reason)
            )
            return
        draft = self._drafts[error.index]
        self.error.show_error(
            self.tr("Criterion {number} ({id}), {field}: {reason}").format(
                number=error.index + 1,
                id=draft.id or "—",
                field=self._field_label(error.field) or self.tr("the whole criterion"),
                reason=error.reason,
            )
        )
        self.criteria.selectRow(error.index)
        focus = {
            "id": self.id_edit,
            "question": self.question_edit,
            "type": self.type_combo,
            "required": self.required_check,
            "choices": self.choices_edit,
            "disqualify_if": self.rule_value_edit,
            "script_step": self.step_edit,
        }.get(error.field or "")
        if focus is not None:
            focus.setFocus()

    def _show_reason_error(self, error: CriteriaError) -> None:
        if error.index is None:
            self.error.show_error(error.reason)
            return
        self.error.show_error(
            self.tr("Non-target reason {number}, {field}: {reason}").format(
                number=error.index + 1,
                field=self._field_label(error.field) or self.tr("the whole reason"),
                reason=error.reason,
            )
        )
        self.reasons.setCurrentCell(error.index, 1 if error.field == "label" else 0)
