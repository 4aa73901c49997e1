"""The verification form: one row per criterion of the lead's campaign, the live verdict, an
override with its comment, the non-target reason, and Save.

The script fills the form (a clicked answer at a step linked to a criterion), and the form
tells the workspace which script answer a value means (`script_answer_suggested`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.errors import OperatorAppError, ValidationFailed
from operator_app.core.roles import Actor
from operator_app.core.script_engine import CapturedAnswer
from operator_app.core.scripts_format import ScriptDocument
from operator_app.core.verification.criteria import AnswerType, AnswerValue, Criterion
from operator_app.core.verification.script_link import (
    criteria_for_step,
    script_label_for_value,
    value_from_script,
)
from operator_app.core.verification.service import (
    CriteriaSetView,
    VerificationService,
    VerificationView,
)
from operator_app.core.verification.verdict import (
    AnswerInvalid,
    Verdict,
    VerdictResult,
    compute_verdict,
    parse_answer,
)
from operator_app.gui.call.script_panel import ScriptPanel
from operator_app.gui.tasks import BackgroundTask, TaskContext
from operator_app.gui.widgets.field_error import field_error_label, show_field_error
from operator_app.storage.repositories.call_queries import is_connection_error

__all__ = ["VerificationPanel"]

_VERDICT_STYLE = {
    Verdict.TARGET: "color: #137333; font-weight: bold;",
    Verdict.NON_TARGET: "color: #c5221f; font-weight: bold;",
    Verdict.INCOMPLETE: "color: #5f6368; font-weight: bold;",
}

Editor = QComboBox | QLineEdit


class VerificationPanel(QGroupBox):
    changed = Signal()  # any edit of the form
    script_answer_suggested = Signal(str, str)  # step id, the script answer the value means
    saved = Signal(object)  # the saved VerificationView

    def __init__(
        self, service: VerificationService, actor: Actor, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("verificationPanel")
        self.service = service
        self.actor = actor
        self.lead_id: int | None = None
        self.criteria: tuple[Criterion, ...] = ()
        self.criteria_set: CriteriaSetView | None = None
        self.script: ScriptDocument | None = None
        self.latest: VerificationView | None = None
        self.save_task: BackgroundTask | None = None
        self.editors: dict[str, Editor] = {}
        self.row_errors: dict[str, QLabel] = {}
        self._filling = False
        self._applied_script_answers = 0

        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.form = QFormLayout()
        # Questions are whole sentences and the column is narrow: each above its answer.
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.verdict = QLabel()
        self.verdict.setObjectName("liveVerdict")
        self.verdict.setWordWrap(True)
        self.verdict_choice = QComboBox()
        self.verdict_choice.currentIndexChanged.connect(self._edited)
        self.comment = QLineEdit()
        self.comment.textChanged.connect(self._edited)
        self.comment_error = field_error_label()
        self.reason = QComboBox()
        self.reason.currentIndexChanged.connect(self._edited)
        self.reason_error = field_error_label()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.last_saved = QLabel()
        self.last_saved.setWordWrap(True)
        self.last_saved.setStyleSheet("color: #5f6368;")
        self.save_button = QPushButton()
        self.save_button.clicked.connect(self.save)

        self._verdict_caption = QLabel()
        self._override_caption = QLabel()
        self._comment_caption = QLabel()
        self._reason_caption = QLabel()
        decision = QFormLayout()
        decision.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        decision.addRow(self._verdict_caption, self.verdict)
        decision.addRow(self._override_caption, self.verdict_choice)
        comment_box = QVBoxLayout()
        comment_box.addWidget(self.comment)
        comment_box.addWidget(self.comment_error)
        decision.addRow(self._comment_caption, comment_box)
        reason_box = QVBoxLayout()
        reason_box.addWidget(self.reason)
        reason_box.addWidget(self.reason_error)
        decision.addRow(self._reason_caption, reason_box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.last_saved, 1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addLayout(self.form)
        layout.addLayout(decision)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.retranslate()
        self.set_lead(None, None)

    # --- loading --------------------------------------------------------------------------

    def set_lead(
        self,
        lead_id: int | None,
        criteria_set: CriteriaSetView | None,
        script: ScriptDocument | None = None,
        latest: VerificationView | None = None,
    ) -> None:
        """Build the form for the lead's current criteria; None clears the panel."""
        self.lead_id = lead_id
        self.criteria_set = criteria_set
        self.criteria = criteria_set.criteria if criteria_set is not None else ()
        self.script = script
        self.latest = latest
        self._applied_script_answers = 0
        while self.form.rowCount():
            self.form.removeRow(0)  # deletes the row's widgets too
        self.editors = {}
        self.row_errors = {}
        for criterion in self.criteria:
            self._add_row(criterion)
        self._filling = True
        self.reason.clear()
        self.reason.addItem("", None)
        for reason in criteria_set.reasons if criteria_set is not None else ():
            self.reason.addItem(reason.label, reason.code)
        self.verdict_choice.setCurrentIndex(0)
        self.comment.clear()
        if latest is not None:
            for criterion_id, value in latest.answers.items():
                self.set_answer(criterion_id, value)
        self._filling = False
        self.message.clear()
        show_field_error(self.comment_error, None)
        show_field_error(self.reason_error, None)
        has_form = bool(self.criteria) and lead_id is not None
        self.empty.setVisible(not has_form)
        self.setEnabled(lead_id is not None)
        self.save_button.setEnabled(has_form)
        self._show_latest()
        self._refresh()

    def _add_row(self, criterion: Criterion) -> None:
        editor: Editor
        if criterion.type in (AnswerType.YES_NO, AnswerType.CHOICE):
            editor = QComboBox()
            editor.addItem("", None)
            if criterion.type is AnswerType.YES_NO:
                editor.addItem(self.tr("Yes"), True)
                editor.addItem(self.tr("No"), False)
            else:
                for choice in criterion.choices:
                    editor.addItem(choice, choice)
            editor.currentIndexChanged.connect(
                lambda _i, cid=criterion.id: self._answer_edited(cid)
            )
        else:
            editor = QLineEdit()
            if criterion.type is AnswerType.DATE:
                editor.setPlaceholderText(self.tr("dd.mm.yyyy"))
            elif criterion.type is AnswerType.NUMBER:
                editor.setPlaceholderText(self.tr("a number"))
            editor.textChanged.connect(lambda _t, cid=criterion.id: self._answer_edited(cid))
        editor.setObjectName(f"criterion_{criterion.id}")
        error = field_error_label()
        field = QWidget()
        box = QVBoxLayout(field)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(editor)
        box.addWidget(error)
        caption = QLabel(criterion.question + (" *" if criterion.required else ""))
        caption.setWordWrap(True)
        if criterion.required:
            caption.setToolTip(self.tr("Required"))
        self.form.addRow(caption, field)
        self.editors[criterion.id] = editor
        self.row_errors[criterion.id] = error

    def _show_latest(self) -> None:
        latest = self.latest
        if latest is None:
            self.last_saved.setText(self.tr("Not verified yet."))
            return
        verdict = self._verdict_name(latest.verdict)
        if latest.overridden:
            verdict = self.tr("{verdict} (overridden)").format(verdict=verdict)
        self.last_saved.setText(
            self.tr("Saved: {verdict}, {who}, {when}").format(
                verdict=verdict,
                who=latest.verified_by_name or "—",
                when=latest.verified_at.astimezone().strftime("%d.%m.%Y %H:%M"),
            )
        )

    # --- answers --------------------------------------------------------------------------

    def raw_answers(self) -> dict[str, object]:
        """The form's answers as entered, blank ones left out."""
        answers: dict[str, object] = {}
        for criterion_id, editor in self.editors.items():
            value: object = (
                editor.currentData() if isinstance(editor, QComboBox) else editor.text().strip()
            )
            if value is not None and value != "":
                answers[criterion_id] = value
        return answers

    def set_answer(self, criterion_id: str, value: AnswerValue | None) -> None:
        """Fill one answer from code (a saved verification, the script): no suggestion back."""
        filling, self._filling = self._filling, True
        try:
            self._put_answer(criterion_id, value)
        finally:
            self._filling = filling
        if not filling:
            self._refresh()

    def _put_answer(self, criterion_id: str, value: AnswerValue | None) -> None:
        editor = self.editors.get(criterion_id)
        if editor is None:
            return
        if isinstance(editor, QComboBox):
            index = editor.findData(value) if value is not None else 0
            editor.setCurrentIndex(max(index, 0))
        elif value is None:
            editor.clear()
        elif isinstance(value, dt.date):
            editor.setText(value.strftime("%d.%m.%Y"))
        elif isinstance(value, float) and value.is_integer():
            editor.setText(str(int(value)))
        else:
            editor.setText(str(value))

    def apply_script_answers(self, captured: Sequence[CapturedAnswer]) -> None:
        """Fill the criteria linked to the steps answered since the last call."""
        if len(captured) < self._applied_script_answers:
            self._applied_script_answers = 0  # a new dialogue
        fresh = captured[self._applied_script_answers :]
        self._applied_script_answers = len(captured)
        self._filling = True
        try:
            for answer in fresh:
                text = answer.answer or answer.free_text
                if not text:
                    continue
                for criterion in criteria_for_step(self.criteria, answer.step_id):
                    value = value_from_script(criterion, text)
                    if value is not None:
                        self.set_answer(criterion.id, value)
        finally:
            self._filling = False
        self._refresh()

    def follow(self, script_panel: ScriptPanel) -> None:
        """Fill the form whenever the operator answers in this script panel."""

        def script_changed() -> None:
            session = script_panel.session
            self.apply_script_answers(session.captured() if session is not None else [])

        script_panel.changed.connect(script_changed)

    def parsed_answers(self) -> tuple[dict[str, AnswerValue], dict[str, AnswerInvalid]]:
        raw = self.raw_answers()
        valid: dict[str, AnswerValue] = {}
        invalid: dict[str, AnswerInvalid] = {}
        for criterion in self.criteria:
            try:
                value = parse_answer(criterion, raw.get(criterion.id))
            except AnswerInvalid as error:
                invalid[criterion.id] = error
                continue
            if value is not None:
                valid[criterion.id] = value
        return valid, invalid

    def result(self) -> VerdictResult:
        valid, _invalid = self.parsed_answers()
        return compute_verdict(self.criteria, valid)

    def final_verdict(self) -> Verdict | None:
        """The verdict a save would record, or None while it cannot be saved as is."""
        chosen = self.verdict_choice.currentData()
        if chosen is not None:
            return Verdict(chosen)
        computed = self.result().verdict
        return None if computed is Verdict.INCOMPLETE else computed

    def is_override(self) -> bool:
        chosen = self.verdict_choice.currentData()
        return chosen is not None and Verdict(chosen) is not self.result().verdict

    # --- reacting to edits ----------------------------------------------------------------

    def _answer_edited(self, criterion_id: str) -> None:
        if self._filling:
            return
        self._refresh()
        self._suggest_script_answer(criterion_id)
        self.changed.emit()

    def _edited(self) -> None:
        if self._filling:
            return
        self._refresh()
        self.changed.emit()

    def _suggest_script_answer(self, criterion_id: str) -> None:
        criterion = next((c for c in self.criteria if c.id == criterion_id), None)
        if criterion is None or criterion.script_step is None or self.script is None:
            return
        valid, _invalid = self.parsed_answers()
        value = valid.get(criterion_id)
        if value is None:
            return
        label = script_label_for_value(criterion, self.script, value)
        if label is not None:
            self.script_answer_suggested.emit(criterion.script_step, label)

    def _refresh(self) -> None:
        valid, invalid = self.parsed_answers()
        for criterion_id, label in self.row_errors.items():
            error = invalid.get(criterion_id)
            show_field_error(label, None if error is None else self._answer_problem(error))
        result = compute_verdict(self.criteria, valid)
        self.verdict.setStyleSheet(_VERDICT_STYLE[result.verdict])
        self.verdict.setText(self._describe(result) if self.criteria else "")
        final = self.final_verdict()
        non_target = final is Verdict.NON_TARGET
        self.reason.setEnabled(non_target)
        if not non_target or self.reason.currentData() is not None:
            show_field_error(self.reason_error, None)
        override = self.is_override()
        self.comment.setEnabled(override)
        if not override or self.comment.text().strip():
            show_field_error(self.comment_error, None)

    def _question(self, criterion_id: str) -> str:
        return next((c.question for c in self.criteria if c.id == criterion_id), criterion_id)

    def _describe(self, result: VerdictResult) -> str:
        if result.verdict is Verdict.TARGET:
            return self.tr("Target")
        if result.verdict is Verdict.NON_TARGET:
            questions = "; ".join(self._question(cid) for cid in result.disqualified_by)
            return self.tr("Non-target — disqualified by: {questions}").format(questions=questions)
        questions = "; ".join(self._question(cid) for cid in result.missing_required)
        return self.tr("Incomplete — still to answer: {questions}").format(questions=questions)

    def _verdict_name(self, verdict: Verdict) -> str:
        return {
            Verdict.TARGET: self.tr("Target"),
            Verdict.NON_TARGET: self.tr("Non-target"),
            Verdict.INCOMPLETE: self.tr("Incomplete"),
        }[verdict]

    def _answer_problem(self, error: AnswerInvalid) -> str:
        criterion = next((c for c in self.criteria if c.id == error.field), None)
        if criterion is None:
            return self.tr("There is no such question.")
        if criterion.type is AnswerType.NUMBER:
            return self.tr("Enter a number, for example 1 500 000 or 2,5.")
        if criterion.type is AnswerType.DATE:
            return self.tr("Enter a date like 31.01.2027.")
        if criterion.type is AnswerType.CHOICE:
            return self.tr("Choose one of the answers in the list.")
        return self.tr("This answer does not fit the question.")

    # --- saving ---------------------------------------------------------------------------

    def save(self) -> None:
        """Check the form here first, then save it in the background."""
        if self.lead_id is None or not self.criteria or self.save_task is not None:
            return
        valid, invalid = self.parsed_answers()
        self._refresh()
        if invalid:
            self.message.setText(self.tr("Correct the answers marked in red first."))
            return
        if self.is_override() and not self.comment.text().strip():
            show_field_error(
                self.comment_error, self.tr("Overriding the verdict needs a comment: say why.")
            )
            self.comment.setFocus()
            return
        final = self.final_verdict()
        if final is None:
            self.message.setText(
                self.tr(
                    "Answer the required questions first, or override the verdict with a comment."
                )
            )
            return
        if final is Verdict.NON_TARGET and self.reason.currentData() is None:
            show_field_error(self.reason_error, self.tr("Choose why the lead is not target."))
            self.reason.setFocus()
            return
        service, actor, lead_id = self.service, self.actor, self.lead_id
        chosen = self.verdict_choice.currentData()
        comment = self.comment.text().strip() or None
        reason = self.reason.currentData() if final is Verdict.NON_TARGET else None

        def work(_context: TaskContext) -> VerificationView:
            return service.save(
                actor,
                lead_id,
                None,
                valid,
                override_verdict=chosen,
                override_comment=comment,
                reason=reason,
            )

        task = BackgroundTask(work, parent=self)
        task.succeeded.connect(self._saved)
        task.failed.connect(self._save_failed)
        self.save_task = task
        self.save_button.setEnabled(False)
        self.message.setText(self.tr("Saving the verification…"))
        task.start()

    def _saved(self, view: VerificationView) -> None:
        self.save_task = None
        self.save_button.setEnabled(True)
        self.latest = view
        self.message.setText(self.tr("The verification was saved."))
        self._show_latest()
        self.saved.emit(view)

    def _save_failed(self, error: BaseException) -> None:
        self.save_task = None
        self.save_button.setEnabled(True)
        self.message.clear()
        if isinstance(error, ValidationFailed):
            field = error.field
            if field in self.row_errors:
                show_field_error(self.row_errors[field], self._answer_problem_of_field(field))
                self.message.setText(self.tr("Correct the answers marked in red first."))
            elif field == "override_comment":
                show_field_error(
                    self.comment_error, self.tr("Overriding the verdict needs a comment.")
                )
            elif field == "reason":
                show_field_error(self.reason_error, self.tr("Choose why the lead is not target."))
            elif field == "campaign":
                self.message.setText(self.tr("The lead's campaign has no verification criteria."))
            else:
                self.message.setText(
                    self.tr("Answer the required questions first, or override the verdict.")
                )
            return
        if is_connection_error(error):
            self.message.setText(
                self.tr("No connection to the database: the verification was not saved. Retry.")
            )
            return
        if isinstance(error, OperatorAppError):
            self.message.setText(str(error))
            return
        raise error

    def _answer_problem_of_field(self, criterion_id: str) -> str:
        return self._answer_problem(AnswerInvalid(criterion_id, "invalid", ""))

    # --- texts ----------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setTitle(self.tr("Verification"))
        self.empty.setText(self.tr("The lead's campaign has no verification criteria."))
        self._verdict_caption.setText(self.tr("Verdict:"))
        self._override_caption.setText(self.tr("Record as:"))
        self._comment_caption.setText(self.tr("Override comment:"))
        self._reason_caption.setText(self.tr("Non-target reason:"))
        self.comment.setPlaceholderText(self.tr("Why the verdict differs from the computed one"))
        self.save_button.setText(self.tr("Save verification"))
        index = max(self.verdict_choice.currentIndex(), 0)
        self._filling = True
        self.verdict_choice.clear()
        self.verdict_choice.addItem(self.tr("As computed"), None)
        self.verdict_choice.addItem(self.tr("Target"), Verdict.TARGET.value)
        self.verdict_choice.addItem(self.tr("Non-target"), Verdict.NON_TARGET.value)
        self.verdict_choice.setCurrentIndex(index)
        self._filling = False
        if self.lead_id is not None:
            self._rebuild_rows()

    def _rebuild_rows(self) -> None:
        """The rows again in the new language, keeping everything the operator entered."""
        answers = self.raw_answers()
        choice, comment, reason = (
            self.verdict_choice.currentIndex(),
            self.comment.text(),
            self.reason.currentData(),
        )
        applied = self._applied_script_answers
        self.set_lead(self.lead_id, self.criteria_set, self.script, self.latest)
        self._applied_script_answers = applied
        self._filling = True
        for criterion in self.criteria:
            value = answers.get(criterion.id)
            if isinstance(value, bool | int | float | str):
                self._put_answer(criterion.id, value)
            else:
                self._put_answer(criterion.id, None)
        self.verdict_choice.setCurrentIndex(choice)
        self.comment.setText(comment)
        self.reason.setCurrentIndex(max(self.reason.findData(reason), 0))
        self._filling = False
        self._refresh()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
