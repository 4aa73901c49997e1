"""What to say now, the client's possible answers (keys 1–9), a free answer, stage and SPIN."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.script_engine import DialogueSession, StageStatus
from operator_app.core.scripts_format import SPIN_KINDS, StageKind
from operator_app.gui.labels import stage_label

_STAGE_STYLE = {
    StageStatus.CURRENT: "background: #1a73e8; color: white; font-weight: bold;",
    StageStatus.DONE: "background: #d2e3fc; color: #174ea6;",
    StageStatus.PENDING: "background: #eeeeee; color: #5f6368;",
}


class ScriptPanel(QGroupBox):
    changed = Signal()  # anything the operator did in the dialogue
    objections_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scriptPanel")
        self.session: DialogueSession | None = None
        self._stage_row = QHBoxLayout()
        self.stage_buttons: dict[StageKind, QPushButton] = {}
        self._spin_row = QHBoxLayout()
        self._spin_caption = QLabel()
        self._spin_row.addWidget(self._spin_caption)
        self.spin_labels: dict[str, QLabel] = {}
        for kind in SPIN_KINDS:
            label = QLabel(kind)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setFixedWidth(26)
            self.spin_labels[kind] = label
            self._spin_row.addWidget(label)
        self._spin_row.addStretch(1)
        self.say = QLabel()
        self.say.setObjectName("sayNow")
        self.say.setWordWrap(True)
        self.say.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.say.setStyleSheet(
            "#sayNow { font-size: 14pt; background: #f8f9fa; border-left: 4px solid #1a73e8;"
            " padding: 10px; }"
        )
        self.objection_box = QGroupBox()
        self.responses = QLabel()
        self.responses.setWordWrap(True)
        self.back_button = QPushButton()
        self.back_button.setShortcut(QKeySequence("Ctrl+Backspace"))
        self.back_button.clicked.connect(self.back_to_script)
        objection_layout = QVBoxLayout(self.objection_box)
        objection_layout.addWidget(self.responses)
        objection_layout.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignRight)
        self.objection_box.setVisible(False)
        self._answers_box = QVBoxLayout()
        self.answer_buttons: list[QPushButton] = []
        self.end_label = QLabel()
        self.end_label.setVisible(False)
        self.free_text = QLineEdit()
        self.free_text.setObjectName("freeAnswer")
        self.free_text.returnPressed.connect(self.record_free_answer)
        self.free_text.textChanged.connect(lambda _text: self.changed.emit())
        self.record_button = QPushButton()
        self.record_button.clicked.connect(self.record_free_answer)
        self.no_suitable_button = QPushButton()
        self.no_suitable_button.clicked.connect(self.record_no_suitable_answer)
        self.objections_button = QPushButton()
        self.objections_button.clicked.connect(self.objections_requested)
        button_row = QHBoxLayout()
        button_row.addWidget(self.record_button)
        button_row.addWidget(self.no_suitable_button)
        button_row.addStretch(1)
        button_row.addWidget(self.objections_button)
        layout = QVBoxLayout(self)
        layout.addLayout(self._stage_row)
        layout.addLayout(self._spin_row)
        layout.addWidget(self.say)
        layout.addWidget(self.objection_box)
        layout.addLayout(self._answers_box)
        layout.addWidget(self.end_label)
        layout.addWidget(self.free_text)
        layout.addLayout(button_row)
        layout.addStretch(1)
        self.retranslate()

    # --- the session ----------------------------------------------------------------------

    def set_session(self, session: DialogueSession | None, free_text: str = "") -> None:
        self.session = session
        for button in self.stage_buttons.values():
            button.deleteLater()
        self.stage_buttons = {}
        if session is not None:
            for progress in session.stage_progress():
                button = QPushButton()
                button.setFlat(True)
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                button.clicked.connect(lambda _c=False, kind=progress.kind: self.jump(kind))
                self._stage_row.addWidget(button)
                self.stage_buttons[progress.kind] = button
        self.free_text.blockSignals(True)
        self.free_text.setText(free_text)
        self.free_text.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        session = self.session
        self.setEnabled(session is not None)
        for button in self.answer_buttons:
            button.deleteLater()
        self.answer_buttons = []
        if session is None:
            self.say.setText(self.tr("Take the next client to start the script."))
            self.objection_box.setVisible(False)
            self.end_label.setVisible(False)
            return
        names = self._stage_names()
        for progress in session.stage_progress():
            stage_button = self.stage_buttons.get(progress.kind)
            if stage_button is not None:
                stage_button.setText(names.get(progress.kind, progress.kind.value))
                stage_button.setStyleSheet(
                    f"QPushButton {{ {_STAGE_STYLE[progress.status]} border-radius: 3px;"
                    " padding: 3px 8px; }"
                )
                stage_button.setProperty("status", progress.status.value)
        asked = session.spin_asked()
        for kind, label in self.spin_labels.items():
            label.setStyleSheet(
                "background: #137333; color: white; font-weight: bold; border-radius: 3px;"
                if asked[kind]
                else "background: #eeeeee; color: #9aa0a6; border-radius: 3px;"
            )
            label.setProperty("asked", asked[kind])
        spin = session.current_step.spin
        prefix = f"[{spin}] " if spin else ""
        self.say.setText(prefix + session.say())
        responses = session.responses()
        objection = session.open_objection
        self.objection_box.setVisible(objection is not None)
        if objection is not None:
            self.objection_box.setTitle(self.tr("Objection: {title}").format(title=objection.title))
            self.responses.setText("\n\n".join(f"• {text}" for text in responses))
        for number, answer in enumerate(session.answers(), start=1):
            button = QPushButton(f"{number}. {answer.label}" if number <= 9 else answer.label)
            button.setStyleSheet("text-align: left; padding: 6px;")
            if number <= 9:
                button.setShortcut(QKeySequence(str(number)))
            button.clicked.connect(lambda _c=False, index=number - 1: self.choose(index))
            self._answers_box.addWidget(button)
            self.answer_buttons.append(button)
        self.end_label.setVisible(session.finished)

    # --- what the operator does -----------------------------------------------------------

    def choose(self, index: int) -> None:
        if self.session is None:
            return
        text = self.free_text.text().strip() or None
        self.session.answer(index, free_text=text)
        self.free_text.clear()
        self.refresh()
        self.changed.emit()

    def record_free_answer(self) -> None:
        text = self.free_text.text().strip()
        if self.session is None or not text:
            return
        self.session.free_answer(text)
        self.free_text.clear()
        self.refresh()
        self.changed.emit()

    def record_no_suitable_answer(self) -> None:
        if self.session is None:
            return
        self.session.no_suitable_answer(self.free_text.text())
        self.free_text.clear()
        self.refresh()
        self.changed.emit()

    def raise_objection(self, objection_id: str) -> None:
        if self.session is None:
            return
        self.session.raise_objection(objection_id)
        self.refresh()
        self.changed.emit()

    def back_to_script(self) -> None:
        if self.session is None or self.session.open_objection is None:
            return
        self.session.return_from_objection()
        self.refresh()
        self.changed.emit()

    def jump(self, kind: StageKind) -> None:
        if self.session is None:
            return
        if kind is StageKind.OBJECTIONS:
            self.objections_requested.emit()
            return
        self.session.jump_to_stage(kind)
        self.refresh()
        self.changed.emit()

    # --- texts ----------------------------------------------------------------------------

    def _stage_names(self) -> dict[StageKind, str]:
        return {kind: stage_label(kind) for kind in StageKind}

    def retranslate(self) -> None:
        self.setTitle(self.tr("Script"))
        self._spin_caption.setText(self.tr("SPIN asked:"))
        self.free_text.setPlaceholderText(self.tr("The client's own words…"))
        self.record_button.setText(self.tr("Record answer"))
        self.no_suitable_button.setText(self.tr("No suitable answer"))
        self.no_suitable_button.setToolTip(
            self.tr("Keep what the client said for the script's author")
        )
        self.objections_button.setText(self.tr("Objections… (F3)"))
        self.back_button.setText(self.tr("Back to the script (Ctrl+Backspace)"))
        self.end_label.setText(self.tr("The script ends here: choose the outcome."))
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
