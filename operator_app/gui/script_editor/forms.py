"""The right-hand forms of the script editor: a stage, a step with its answers, an objection.

Each form edits the draft object it shows in place and says so with `edited`; the page
revalidates and refreshes the tree. A step's id goes through the page (`id_edited`), because
renaming a step also retargets the answers leading to it.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QSignalBlocker, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.scripts_format import SPIN_KINDS, StageKind
from operator_app.gui.labels import stage_label
from operator_app.gui.script_editor.draft import (
    AnswerDraft,
    ObjectionDraft,
    StageDraft,
    StepDraft,
)
from operator_app.gui.script_editor.texts import stage_hint
from operator_app.gui.widgets.forms import add_labelled_row, set_form_labels

_BLANK_LINES = re.compile(r"\n\s*\n")
_PREVIEW_LENGTH = 50


def preview(text: str, length: int = _PREVIEW_LENGTH) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[: length - 1] + "…"


class StageForm(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setObjectName("stageTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.count = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.count)
        layout.addStretch(1)

    def show_stage(self, stage: StageDraft) -> None:
        self.title.setText(stage_label(stage.kind))
        self.hint.setText(stage_hint(stage.kind))
        if stage.kind is StageKind.OBJECTIONS:
            self.count.setText(self.tr("Objections: {count}").format(count=len(stage.objections)))
        else:
            self.count.setText(self.tr("Steps: {count}").format(count=len(stage.steps)))


class StepForm(QWidget):
    edited = Signal()
    id_edited = Signal(str)
    go_to_step = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._step: StepDraft | None = None
        self._choices: list[tuple[str, str]] = []  # (step id, what the picker shows)

        self.id_edit = QLineEdit()
        self.id_edit.setObjectName("stepId")
        self.spin_combo = QComboBox()
        self.spin_combo.addItem("", None)
        for kind in SPIN_KINDS:
            self.spin_combo.addItem("", kind)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setObjectName("stepText")
        self.text_edit.setTabChangesFocus(True)
        self._form = QFormLayout()
        for widget in (self.id_edit, self.spin_combo, self.text_edit):
            add_labelled_row(self._form, widget)

        self.answers = QTableWidget(0, 2)
        self.answers.setObjectName("answersTable")
        self.answers.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.answers.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.answers.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.answers.verticalHeader().setVisible(False)
        self.answers.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.answers.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.answers.itemSelectionChanged.connect(self._show_answer)
        self.add_answer_button = QPushButton()
        self.add_answer_button.clicked.connect(self.add_answer)
        self.remove_answer_button = QPushButton()
        self.remove_answer_button.clicked.connect(self.remove_answer)
        self.answer_up_button = QPushButton()
        self.answer_up_button.clicked.connect(lambda: self.move_answer(-1))
        self.answer_down_button = QPushButton()
        self.answer_down_button.clicked.connect(lambda: self.move_answer(1))
        answer_buttons = QHBoxLayout()
        for button in (
            self.add_answer_button,
            self.remove_answer_button,
            self.answer_up_button,
            self.answer_down_button,
        ):
            answer_buttons.addWidget(button)
        answer_buttons.addStretch(1)

        self.answer_label = QLineEdit()
        self.answer_label.setObjectName("answerLabel")
        self.answer_next = QComboBox()
        self.answer_next.setObjectName("answerNext")
        self.go_button = QPushButton()
        self.go_button.clicked.connect(self._go)
        next_row = QHBoxLayout()
        next_row.addWidget(self.answer_next, 1)
        next_row.addWidget(self.go_button)
        self.next_row = QWidget()
        self.next_row.setLayout(next_row)
        next_row.setContentsMargins(0, 0, 0, 0)
        self._answer_form = QFormLayout()
        add_labelled_row(self._answer_form, self.answer_label)
        add_labelled_row(self._answer_form, self.next_row)
        self.answers_title = QLabel()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._form)
        layout.addWidget(self.answers_title)
        layout.addWidget(self.answers, 1)
        layout.addLayout(answer_buttons)
        layout.addLayout(self._answer_form)

        self.id_edit.textChanged.connect(self._id_changed)
        self.spin_combo.currentIndexChanged.connect(self._spin_changed)
        self.text_edit.textChanged.connect(self._text_changed)
        self.answer_label.textChanged.connect(self._label_changed)
        self.answer_next.currentIndexChanged.connect(self._next_changed)
        self.retranslate()
        self._update_enabled()

    def retranslate(self) -> None:
        self.spin_combo.setItemText(0, self.tr("Not a SPIN question"))
        names = {
            "S": self.tr("S — situation"),
            "P": self.tr("P — problem"),
            "I": self.tr("I — implication"),
            "N": self.tr("N — need-payoff"),
        }
        for index, kind in enumerate(SPIN_KINDS, start=1):
            self.spin_combo.setItemText(index, names[kind])
        self.text_edit.setPlaceholderText(
            self.tr("What the operator says; {client_name}, {company} … are filled in")
        )
        set_form_labels(
            self._form,
            {
                self.id_edit: self.tr("Id"),
                self.spin_combo: self.tr("SPIN kind"),
                self.text_edit: self.tr("Text"),
            },
        )
        self.answers_title.setText(
            self.tr("Answers (a step without answers ends the call: only in the closing stage)")
        )
        self.answers.setHorizontalHeaderLabels([self.tr("Client answers"), self.tr("Leads to")])
        self.add_answer_button.setText(self.tr("Add answer"))
        self.remove_answer_button.setText(self.tr("Remove answer"))
        self.answer_up_button.setText(self.tr("Up"))
        self.answer_down_button.setText(self.tr("Down"))
        self.go_button.setText(self.tr("Go to step"))
        set_form_labels(
            self._answer_form,
            {self.answer_label: self.tr("Answer"), self.next_row: self.tr("Next step")},
        )
        if self._step is not None:
            self._fill_answers()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- showing ----------------------------------------------------------------------------

    def show_step(self, step: StepDraft, choices: list[tuple[str, str]]) -> None:
        """Edit `step`; `choices` are the steps an answer may lead to: (id, shown text)."""
        self._step = step
        self._choices = choices
        with QSignalBlocker(self.id_edit), QSignalBlocker(self.text_edit):
            self.id_edit.setText(step.id)
            self.text_edit.setPlainText(step.text)
        with QSignalBlocker(self.spin_combo):
            self.spin_combo.setCurrentIndex(max(0, self.spin_combo.findData(step.spin)))
        self._fill_answers()
        if step.answers:
            self.answers.selectRow(0)
        self._show_answer()

    def current_answer(self) -> int | None:
        rows = self.answers.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def select_answer(self, index: int) -> None:
        if 0 <= index < self.answers.rowCount():
            self.answers.selectRow(index)

    def _shown_target(self, target: str) -> str:
        if not target:
            return self.tr("— choose the next step —")
        for step_id, shown in self._choices:
            if step_id == target:
                return shown
        return self.tr("{id} (not a step)").format(id=target)

    def _fill_answers(self) -> None:
        assert self._step is not None
        selected = self.current_answer()
        with QSignalBlocker(self.answers):
            self.answers.setRowCount(len(self._step.answers))
            for row in range(len(self._step.answers)):
                self._fill_answer_row(row)
        if selected is not None and selected < self.answers.rowCount():
            with QSignalBlocker(self.answers):
                self.answers.selectRow(selected)

    def _fill_answer_row(self, row: int) -> None:
        assert self._step is not None
        answer = self._step.answers[row]
        for column, text in enumerate((answer.label, self._shown_target(answer.next))):
            item = self.answers.item(row, column)
            if item is None:
                item = QTableWidgetItem()
                self.answers.setItem(row, column, item)
            item.setText(text)
            item.setToolTip(text)

    def _show_answer(self) -> None:
        row = self.current_answer()
        answer = None if self._step is None or row is None else self._step.answers[row]
        with QSignalBlocker(self.answer_label), QSignalBlocker(self.answer_next):
            self.answer_label.setText("" if answer is None else answer.label)
            self.answer_next.clear()
            self.answer_next.addItem(self._shown_target(""), "")
            for step_id, shown in self._choices:
                self.answer_next.addItem(shown, step_id)
            target = "" if answer is None else answer.next
            index = self.answer_next.findData(target)
            if index < 0:
                self.answer_next.addItem(self._shown_target(target), target)
                index = self.answer_next.count() - 1
            self.answer_next.setCurrentIndex(index)
        self._update_enabled()

    def _update_enabled(self) -> None:
        has_step = self._step is not None
        row = self.current_answer()
        count = 0 if self._step is None else len(self._step.answers)
        self.add_answer_button.setEnabled(has_step)
        for widget in (self.remove_answer_button, self.answer_label, self.answer_next):
            widget.setEnabled(row is not None)
        self.answer_up_button.setEnabled(row is not None and row > 0)
        self.answer_down_button.setEnabled(row is not None and row < count - 1)
        self.go_button.setEnabled(row is not None and bool(self.answer_next.currentData()))

    # --- editing ----------------------------------------------------------------------------

    def add_answer(self) -> None:
        if self._step is None:
            return
        self._step.answers.append(AnswerDraft())
        self._fill_answers()
        self.answers.selectRow(len(self._step.answers) - 1)
        self.answer_label.setFocus()
        self.edited.emit()

    def remove_answer(self) -> None:
        row = self.current_answer()
        if self._step is None or row is None:
            return
        del self._step.answers[row]
        self._fill_answers()
        if self._step.answers:
            self.answers.selectRow(min(row, len(self._step.answers) - 1))
        self._show_answer()
        self.edited.emit()

    def move_answer(self, offset: int) -> None:
        row = self.current_answer()
        if self._step is None or row is None or not 0 <= row + offset < len(self._step.answers):
            return
        answers = self._step.answers
        answers[row], answers[row + offset] = answers[row + offset], answers[row]
        self._fill_answers()
        self.answers.selectRow(row + offset)
        self.edited.emit()

    def _id_changed(self, text: str) -> None:
        if self._step is not None:
            self.id_edited.emit(text)

    def _spin_changed(self, index: int) -> None:
        if self._step is None:
            return
        data = self.spin_combo.itemData(index)
        self._step.spin = data if isinstance(data, str) else None
        self.edited.emit()

    def _text_changed(self) -> None:
        if self._step is None:
            return
        self._step.text = self.text_edit.toPlainText()
        self.edited.emit()

    def _label_changed(self, text: str) -> None:
        row = self.current_answer()
        if self._step is None or row is None:
            return
        self._step.answers[row].label = text
        self._fill_answer_row(row)
        self.edited.emit()

    def _next_changed(self, index: int) -> None:
        row = self.current_answer()
        if self._step is None or row is None:
            return
        self._step.answers[row].next = str(self.answer_next.itemData(index) or "")
        self._fill_answer_row(row)
        self._update_enabled()
        self.edited.emit()

    def _go(self) -> None:
        target = self.answer_next.currentData()
        if isinstance(target, str) and target:
            self.go_to_step.emit(target)


class ObjectionForm(QWidget):
    """An objection: id, title, and responses separated by an empty line."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._objection: ObjectionDraft | None = None
        self.id_edit = QLineEdit()
        self.id_edit.setObjectName("objectionId")
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("objectionTitle")
        self.responses_edit = QPlainTextEdit()
        self.responses_edit.setObjectName("objectionResponses")
        self.responses_edit.setTabChangesFocus(True)
        self._form = QFormLayout(self)
        self._form.setContentsMargins(0, 0, 0, 0)
        for widget in (self.id_edit, self.title_edit, self.responses_edit):
            add_labelled_row(self._form, widget)
        self.id_edit.textChanged.connect(lambda text: self._set(id=text))
        self.title_edit.textChanged.connect(lambda text: self._set(title=text))
        self.responses_edit.textChanged.connect(self._responses_changed)
        self.retranslate()

    def retranslate(self) -> None:
        self.responses_edit.setPlaceholderText(self.tr("Separate the responses with an empty line"))
        set_form_labels(
            self._form,
            {
                self.id_edit: self.tr("Id"),
                self.title_edit: self.tr("Objection"),
                self.responses_edit: self.tr("Responses"),
            },
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def show_objection(self, objection: ObjectionDraft) -> None:
        self._objection = objection
        blockers = [QSignalBlocker(w) for w in (self.id_edit, self.title_edit, self.responses_edit)]
        self.id_edit.setText(objection.id)
        self.title_edit.setText(objection.title)
        self.responses_edit.setPlainText("\n\n".join(objection.responses))
        del blockers

    def _set(self, *, id: str | None = None, title: str | None = None) -> None:
        if self._objection is None:
            return
        if id is not None:
            self._objection.id = id
        if title is not None:
            self._objection.title = title
        self.edited.emit()

    def _responses_changed(self) -> None:
        if self._objection is None:
            return
        parts = _BLANK_LINES.split(self.responses_edit.toPlainText())
        self._objection.responses = [part.strip() for part in parts if part.strip()]
        self.edited.emit()
