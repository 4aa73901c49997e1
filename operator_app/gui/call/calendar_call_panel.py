"""The calendar's call in the call screen: the visit (client's and office's time, where, status,
channel) and what came of the call — Confirmed, Not reached, Wants another time, Cancels
(Alt+1…4) for confirmation calls; a note and Done for the other calendar calls."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.calendar.confirmation import ConfirmationResult
from operator_app.gui.call.slot_table import when_text
from operator_app.gui.call.visit_labels import channel_label
from operator_app.gui.widgets.inline_error import InlineError

if TYPE_CHECKING:
    from operator_app.core.calendar.calendar_calls import CalendarCall, CalendarCallResult

__all__ = ["CalendarCallPanel", "kind_label", "outcome_text", "status_label"]

translate = QCoreApplication.translate


def kind_label(kind: str) -> str:
    return {
        "confirm_call": translate("CalendarCallPanel", "Confirmation call"),
        "control_touch": translate("CalendarCallPanel", "Reminder call the day before"),
        "second_call": translate("CalendarCallPanel", "Second confirmation call"),
        "feedback_call": translate("CalendarCallPanel", "Feedback call: what went wrong?"),
        "earlier_slot": translate("CalendarCallPanel", "An earlier time is free"),
        "next_visit_reminder": translate("CalendarCallPanel", "Time for the next visit"),
    }.get(kind, kind)


def status_label(status: str | None) -> str:
    return {
        "booked": translate("CalendarCallPanel", "booked"),
        "confirmed": translate("CalendarCallPanel", "confirmed"),
        "held": translate("CalendarCallPanel", "held"),
        "no_show": translate("CalendarCallPanel", "no-show"),
        "rescheduled": translate("CalendarCallPanel", "rescheduled"),
        "cancelled": translate("CalendarCallPanel", "cancelled"),
    }.get(status or "", status or "—")


def _local(moment: dt.datetime) -> str:
    return moment.astimezone().strftime("%d.%m %H:%M")


def outcome_text(result: CalendarCallResult) -> str:
    """What the call did, in words, for the operator."""
    if result.already_recorded:
        return translate("CalendarCallPanel", "This call had already been recorded.")
    if result.rescheduled is not None:
        return translate(
            "CalendarCallPanel", "The visit was moved to {when} (office time)."
        ).format(when=when_text(result.rescheduled.starts_at.astimezone(_zone(result))))
    outcome = result.confirmation
    if outcome is None:
        if result.task_already_closed:
            return translate(
                "CalendarCallPanel", "The task had already been closed; the call was recorded."
            )
        return translate("CalendarCallPanel", "Done: the call was recorded.")
    if outcome.result is ConfirmationResult.CONFIRMED:
        return translate("CalendarCallPanel", "Confirmed: the client will come.")
    if outcome.result is ConfirmationResult.CANCELLED_BY_CLIENT:
        return translate(
            "CalendarCallPanel", "Cancelled at the client's request; the seat is free."
        )
    if outcome.result is ConfirmationResult.RESCHEDULE_REQUESTED:
        return translate("CalendarCallPanel", "The client wants another time.")
    if outcome.cancellation_held_back:
        return translate(
            "CalendarCallPanel",
            "Not reached again, and no apology could be sent: the visit is kept — decide "
            "what to do with it.",
        )
    if outcome.visit_status == "cancelled":
        return translate(
            "CalendarCallPanel",
            "Not reached again: the visit was cancelled with a polite apology to the client.",
        )
    wrote = bool(outcome.messages)
    if outcome.second_call_task_id is not None and outcome.second_call is not None:
        when = _local(outcome.second_call.due_at)
        if wrote:
            return translate(
                "CalendarCallPanel",
                "Not reached: a message was queued and a second call is planned for {when}.",
            ).format(when=when)
        return translate(
            "CalendarCallPanel",
            "Not reached: no message could be queued (no consent or address); a second call "
            "is planned for {when}.",
        ).format(when=when)
    if outcome.second_call is not None:
        return translate(
            "CalendarCallPanel",
            "Not reached: a message was queued; no second call fits before the visit.",
        )
    return translate("CalendarCallPanel", "Not reached: the confirmation call still follows.")


def _zone(result: CalendarCallResult) -> dt.tzinfo:
    assert result.rescheduled is not None
    return zoneinfo.ZoneInfo(result.rescheduled.office_time_zone)


class CalendarCallPanel(QGroupBox):
    confirmation_chosen = Signal(str, str)  # ConfirmationResult value, note
    reschedule_requested = Signal()
    done_requested = Signal(str)  # note
    freed_slot_requested = Signal(str)  # note
    book_requested = Signal()  # a new visit (the next one, or after a no-show)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendarCallPanel")
        self.call: CalendarCall | None = None
        self.kind = QLabel()
        self.kind.setStyleSheet("font-weight: bold;")
        self.client_time = QLabel()
        self.office_time = QLabel()
        self.place = QLabel()
        self.place.setWordWrap(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.note = QLineEdit()
        self.note.setObjectName("calendarCallNote")
        self.error = InlineError()
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self._client_caption = QLabel()
        self._office_caption = QLabel()
        self._place_caption = QLabel()
        self._status_caption = QLabel()
        self._note_caption = QLabel()
        form = QFormLayout()
        form.addRow(self._client_caption, self.client_time)
        form.addRow(self._office_caption, self.office_time)
        form.addRow(self._place_caption, self.place)
        form.addRow(self._status_caption, self.status)
        form.addRow(self._note_caption, self.note)

        self.confirmed_button = QPushButton()
        self.not_reached_button = QPushButton()
        self.another_time_button = QPushButton()
        self.cancels_button = QPushButton()
        self.done_button = QPushButton()
        self.freed_slot_button = QPushButton()
        self.book_button = QPushButton()
        self.book_button.clicked.connect(self.book_requested)
        self.buttons = [
            self.confirmed_button,
            self.not_reached_button,
            self.another_time_button,
            self.cancels_button,
            self.done_button,
            self.freed_slot_button,
            self.book_button,
        ]
        for button in self.buttons:
            button.setAutoDefault(False)
        for number, button in enumerate(self.buttons[:4], start=1):
            button.setShortcut(QKeySequence(f"Alt+{number}"))
        self.done_button.setShortcut(QKeySequence("Alt+1"))
        self.freed_slot_button.setShortcut(QKeySequence("Alt+2"))
        self.confirmed_button.clicked.connect(
            lambda: self._confirmation(ConfirmationResult.CONFIRMED)
        )
        self.not_reached_button.clicked.connect(
            lambda: self._confirmation(ConfirmationResult.NOT_REACHED)
        )
        self.another_time_button.clicked.connect(self.reschedule_requested)
        self.cancels_button.clicked.connect(
            lambda: self._confirmation(ConfirmationResult.CANCELLED_BY_CLIENT)
        )
        self.done_button.clicked.connect(lambda: self.done_requested.emit(self.note.text().strip()))
        self.freed_slot_button.clicked.connect(
            lambda: self.freed_slot_requested.emit(self.note.text().strip())
        )
        grid = QGridLayout()
        grid.addWidget(self.confirmed_button, 0, 0)
        grid.addWidget(self.not_reached_button, 0, 1)
        grid.addWidget(self.another_time_button, 1, 0)
        grid.addWidget(self.cancels_button, 1, 1)
        grid.addWidget(self.done_button, 2, 0)
        grid.addWidget(self.freed_slot_button, 2, 1)
        grid.addWidget(self.book_button, 3, 0, 1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.kind)
        layout.addLayout(form)
        layout.addLayout(grid)
        layout.addWidget(self.error)
        layout.addWidget(self.outcome)
        self.note.textChanged.connect(lambda _text: self.error.clear_error())
        self.retranslate()
        self.show_call(None)

    def show_call(self, call: CalendarCall | None) -> None:
        self.call = call
        self.note.clear()
        self.error.clear_error()
        self.outcome.clear()
        confirmation = call is not None and call.is_confirmation
        for button in self.buttons[:4]:
            button.setVisible(confirmation)
        self.done_button.setVisible(call is not None and not confirmation)
        self.freed_slot_button.setVisible(call is not None and call.freed_slot is not None)
        self.book_button.setVisible(call is not None and not confirmation)
        self.set_busy(False)
        self._show_details()

    def set_busy(self, busy: bool) -> None:
        for button in self.buttons:
            button.setEnabled(not busy)

    def show_outcome(self, text: str) -> None:
        self.outcome.setText(text)

    def show_error(self, text: str) -> None:
        self.error.show_error(text)

    def _confirmation(self, result: ConfirmationResult) -> None:
        note = self.note.text().strip()
        if result is ConfirmationResult.CANCELLED_BY_CLIENT and not note:
            self.error.show_error(self.tr("Write why the client cancels the visit."))
            self.note.setFocus()
            return
        self.confirmation_chosen.emit(result.value, note)

    def _show_details(self) -> None:
        call = self.call
        if call is None:
            for label in (self.kind, self.client_time, self.office_time, self.place, self.status):
                label.clear()
            return
        self.kind.setText(kind_label(call.kind))
        client, office = call.client_starts, call.office_starts
        self.client_time.setText(
            "—"
            if client is None
            else self.tr("{when} ({zone})").format(
                when=when_text(client), zone=call.client_time_zone
            )
        )
        self.office_time.setText(
            "—"
            if office is None
            else self.tr("{when} ({zone})").format(
                when=when_text(office), zone=call.office_time_zone or "—"
            )
        )
        parts = [part for part in (call.office_name, call.office_address) if part]
        place = ", ".join(parts) or "—"
        if call.resource_name:
            place = self.tr("{place} — {resource}").format(place=place, resource=call.resource_name)
        self.place.setText(place)
        channel = (
            channel_label(call.confirmation_channel)
            if call.confirmation_channel
            else self.tr("not chosen")
        )
        status = self.tr("{status}; confirmations by {channel}").format(
            status=status_label(call.visit_status), channel=channel
        )
        if call.confirmation_note:
            status = self.tr("{status} ({note})").format(status=status, note=call.confirmation_note)
        self.status.setText(status)
        if call.freed_slot is not None:
            freed = call.freed_slot[1]
            zone = call.office_starts.tzinfo if call.office_starts is not None else dt.UTC
            self.freed_slot_button.setText(
                self.tr("Move to {when} (Alt+2)").format(when=when_text(freed.astimezone(zone)))
            )

    def retranslate(self) -> None:
        self.setTitle(self.tr("The visit"))
        self._client_caption.setText(self.tr("Client's time:"))
        self._office_caption.setText(self.tr("Office time:"))
        self._place_caption.setText(self.tr("Where:"))
        self._status_caption.setText(self.tr("Status:"))
        self._note_caption.setText(self.tr("Note / reason:"))
        self.confirmed_button.setText(self.tr("Confirmed (Alt+1)"))
        self.not_reached_button.setText(self.tr("Not reached (Alt+2)"))
        self.another_time_button.setText(self.tr("Wants another time… (Alt+3)"))
        self.cancels_button.setText(self.tr("Cancels (Alt+4)"))
        self.done_button.setText(self.tr("Done (Alt+1)"))
        self.freed_slot_button.setText(self.tr("Move to the freed time (Alt+2)"))
        self.book_button.setText(self.tr("Book a visit… (Ctrl+B)"))
        self._show_details()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
