"""The scoring panel: a mark per checklist item with its hint, the live score and a comment."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.review.checklist import Checklist, ChecklistItem, ItemHint, Mark
from operator_app.gui.review.texts import hint_text, item_label, mark_label, score_text

_MARKS = (Mark.YES, Mark.NO, Mark.NOT_APPLICABLE)


class ChecklistPanel(QGroupBox):
    """Emits `save_requested` on the Save button or `request_save()` (the page's Ctrl+S)."""

    save_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewChecklist")
        self._hints: dict[ChecklistItem, ItemHint] = {}
        self.combos: dict[ChecklistItem, QComboBox] = {}
        self._labels: dict[ChecklistItem, QLabel] = {}
        self._hint_labels: dict[ChecklistItem, QLabel] = {}
        form = QFormLayout()
        for item in ChecklistItem:
            combo = QComboBox()
            combo.setObjectName(f"mark_{item.value}")
            for mark in _MARKS:
                combo.addItem("", mark.value)
            hint = QLabel()
            hint.setWordWrap(True)
            hint.setObjectName(f"hint_{item.value}")
            hint.setStyleSheet("color: palette(placeholder-text);")
            label = QLabel()
            label.setBuddy(combo)
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(combo)
            column.addWidget(hint)
            form.addRow(label, column)
            self.combos[item] = combo
            self._labels[item] = label
            self._hint_labels[item] = hint
        self.score_label = QLabel()
        self.score_label.setObjectName("reviewScore")
        for combo in self.combos.values():
            combo.currentIndexChanged.connect(self._update_score)
        self._comment_label = QLabel()
        self.comment = QPlainTextEdit()
        self.comment.setObjectName("reviewComment")
        self.comment.setTabChangesFocus(True)
        self._comment_label.setBuddy(self.comment)
        self.save_button = QPushButton()
        self.save_button.setObjectName("saveReviewButton")
        self.save_button.clicked.connect(self.request_save)
        self.status = QLabel()
        self.status.setObjectName("reviewStatus")
        buttons = QHBoxLayout()
        buttons.addWidget(self.score_label)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self._comment_label)
        layout.addWidget(self.comment, 1)
        layout.addLayout(buttons)
        self.retranslate()
        self.clear()

    def retranslate(self) -> None:
        self.setTitle(self.tr("Score the call"))
        for item in ChecklistItem:
            self._labels[item].setText(item_label(item))
            for position, mark in enumerate(_MARKS):
                self.combos[item].setItemText(position, mark_label(mark))
        self._comment_label.setText(self.tr("&Comment for the operator"))
        self.save_button.setText(self.tr("Save review"))
        self.save_button.setToolTip(self.tr("Save the checklist and comment (Ctrl+S)"))
        self._show_hints()
        self._update_score()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- contents -----------------------------------------------------------------------------

    def clear(self) -> None:
        self._hints = {}
        self.show_checklist(Checklist.all_not_applicable(), "")
        self.setEnabled(False)

    def load(self, hints: tuple[ItemHint, ...], checklist: Checklist | None, comment: str) -> None:
        """A reviewed call shows its review; a new one starts from the hints' suggestions."""
        self._hints = {hint.item: hint for hint in hints}
        if checklist is None:
            checklist = Checklist.of({hint.item: hint.suggested for hint in hints})
        self.show_checklist(checklist, comment)
        self.status.clear()
        self.setEnabled(True)

    def show_checklist(self, checklist: Checklist, comment: str) -> None:
        for item, mark in checklist.marks:
            self.set_mark(item, mark)
        self.comment.setPlainText(comment)
        self._show_hints()
        self._update_score()

    def set_mark(self, item: ChecklistItem, mark: Mark) -> None:
        combo = self.combos[item]
        combo.setCurrentIndex(combo.findData(mark.value))

    def checklist(self) -> Checklist:
        return Checklist.of(
            {item: Mark(str(combo.currentData())) for item, combo in self.combos.items()}
        )

    def comment_text(self) -> str:
        return self.comment.toPlainText()

    def _show_hints(self) -> None:
        for item, label in self._hint_labels.items():
            hint = self._hints.get(item)
            label.setText("" if hint is None else hint_text(hint))

    def _update_score(self) -> None:
        self.score_label.setText(
            self.tr("Score: {score}").format(score=score_text(self.checklist().score()))
        )

    def request_save(self) -> None:
        if self.isEnabled() and self.save_button.isEnabled():
            self.save_requested.emit()
