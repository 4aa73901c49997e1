"""The outcome of the call: the campaign's dispositions, their required fields, notes, save."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QDateTime, QEvent, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.outcomes import DispositionInfo
from operator_app.gui.widgets.inline_error import InlineError


class OutcomePanel(QGroupBox):
    changed = Signal()
    save_requested = Signal()
    book_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outcomePanel")
        self._dispositions: list[DispositionInfo] = []
        self.disposition = QComboBox()
        self.callback_at = QDateTimeEdit()
        self.callback_at.setCalendarPopup(True)
        self.callback_at.setDisplayFormat("dd.MM.yyyy HH:mm")
        self.reason = QLineEdit()
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("callNotes")
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(64)
        self.error = InlineError()
        self.save_button = QPushButton()
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save_requested)
        self.book_button = QPushButton()
        self.book_button.setObjectName("bookVisitButton")
        self.book_button.setAutoDefault(False)
        self.book_button.clicked.connect(self.book_requested)
        self.booked_visit = QLabel()
        self.booked_visit.setObjectName("bookedVisit")
        self.booked_visit.setWordWrap(True)
        self.booked_visit.setVisible(False)
        self._disposition_caption = QLabel()
        self._callback_caption = QLabel()
        self._reason_caption = QLabel()
        self._notes_caption = QLabel()
        self._form = QFormLayout()
        self._form.addRow(self._disposition_caption, self.disposition)
        self._form.addRow(self._callback_caption, self.callback_at)
        self._form.addRow(self._reason_caption, self.reason)
        self._form.addRow(self._notes_caption, self.notes)
        layout = QVBoxLayout(self)
        layout.addWidget(self.booked_visit)
        layout.addWidget(self.book_button)
        layout.addLayout(self._form)
        layout.addWidget(self.error)
        layout.addWidget(self.save_button)
        self.disposition.currentIndexChanged.connect(self._disposition_changed)
        self.callback_at.dateTimeChanged.connect(lambda _value: self._edited())
        self.reason.textChanged.connect(lambda _text: self._edited())
        self.notes.textChanged.connect(self._edited)
        self.retranslate()
        self._show_required_fields()

    def set_dispositions(self, dispositions: Sequence[DispositionInfo]) -> None:
        self._dispositions = list(dispositions)
        self.disposition.blockSignals(True)
        self.disposition.clear()
        self.disposition.addItem(self.tr("Choose the outcome…"), None)
        for info in self._dispositions:
            self.disposition.addItem(info.label, info.code)
        self.disposition.blockSignals(False)
        self._show_required_fields()

    def clear(self) -> None:
        for widget in (self.disposition, self.callback_at, self.reason, self.notes):
            widget.blockSignals(True)
        self.disposition.setCurrentIndex(0)
        self.reason.clear()
        self.notes.clear()
        self.set_callback_time(None)
        for widget in (self.disposition, self.callback_at, self.reason, self.notes):
            widget.blockSignals(False)
        self.error.clear_error()
        self.show_booked_visit(None)
        self._show_required_fields()

    def show_booked_visit(self, text: str | None) -> None:
        """The visit booked in this call, in words (None hides it)."""
        self.booked_visit.setText(text or "")
        self.booked_visit.setVisible(bool(text))

    # --- values ---------------------------------------------------------------------------

    def selected(self) -> DispositionInfo | None:
        code = self.disposition.currentData()
        return next((info for info in self._dispositions if info.code == code), None)

    def select(self, code: str | None) -> None:
        index = self.disposition.findData(code) if code is not None else 0
        self.disposition.setCurrentIndex(max(index, 0))

    def callback_time(self) -> dt.datetime | None:
        info = self.selected()
        if info is None or not info.needs_callback_time:
            return None
        value = self.callback_at.dateTime().toPython()
        assert isinstance(value, dt.datetime)
        return value.astimezone().replace(second=0, microsecond=0)

    def set_callback_time(self, value: dt.datetime | None) -> None:
        if value is None:
            value = (dt.datetime.now().astimezone() + dt.timedelta(hours=1)).replace(
                minute=0, second=0, microsecond=0
            )
        local = value.astimezone()
        self.callback_at.setDateTime(QDateTime.fromSecsSinceEpoch(int(local.timestamp())))

    def reason_text(self) -> str | None:
        info = self.selected()
        if info is None or not info.needs_reason:
            return None
        return self.reason.text().strip() or None

    def validate(self) -> tuple[str, str] | None:
        """(field, message) for the first missing or wrong field; None when complete."""
        info = self.selected()
        if info is None:
            return "disposition", self.tr("Choose the outcome of the call.")
        if info.needs_callback_time:
            when = self.callback_time()
            if when is None or when <= dt.datetime.now().astimezone():
                return "callback_at", self.tr("Set a callback time in the future.")
        if info.needs_reason and not self.reason_text():
            return "reason", self.tr("Give the reason for «{outcome}».").format(outcome=info.label)
        return None

    def show_error(self, field: str, text: str) -> None:
        self.error.show_error(text)
        widget = {"callback_at": self.callback_at, "reason": self.reason}.get(
            field, self.disposition
        )
        widget.setFocus()

    # --- inside ---------------------------------------------------------------------------

    def _disposition_changed(self) -> None:
        self._show_required_fields()
        self._edited()

    def _edited(self) -> None:
        if self.error.isVisible():
            self.error.clear_error()
        self.changed.emit()

    def _show_required_fields(self) -> None:
        info = self.selected()
        needs_time = info is not None and info.needs_callback_time
        needs_reason = info is not None and info.needs_reason
        self._form.setRowVisible(self.callback_at, needs_time)
        self._form.setRowVisible(self.reason, needs_reason)

    def retranslate(self) -> None:
        self.setTitle(self.tr("Outcome"))
        self._disposition_caption.setText(self.tr("Outcome:"))
        self._callback_caption.setText(self.tr("Call back at:"))
        self._reason_caption.setText(self.tr("Reason:"))
        self._notes_caption.setText(self.tr("Notes:"))
        self.save_button.setText(self.tr("Save and close the card (Ctrl+S)"))
        self.book_button.setText(self.tr("Book a visit… (Ctrl+B)"))
        if self.disposition.count():
            self.disposition.setItemText(0, self.tr("Choose the outcome…"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
