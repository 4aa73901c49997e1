"""One visit's details: status, client, phone, confirmation, result and history, with the
actions the page can carry out (each one asks the page through a signal; the page runs it)."""

from __future__ import annotations

import html
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.calendar.views import VisitDetails
from operator_app.gui.calendar.texts import channel_label, status_label
from operator_app.gui.widgets.inline_error import InlineError

__all__ = ["VisitDetailsDialog"]


class VisitDetailsDialog(QDialog):
    cancelRequested = Signal(int, str, str)  # visit id, by (client | us), reason
    arrivedRequested = Signal(int)
    noShowRequested = Signal(int)
    resultRequested = Signal(int, bool, object, str)  # visit id, sale, Decimal | None, comment
    icsRequested = Signal(int)  # visit id: save it as an .ics file

    def __init__(
        self, details: VisitDetails, *, can_cancel: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("visitDetailsDialog")
        self.details = details
        block = details.block
        self.setWindowTitle(self.tr("Visit of {client}").format(client=block.client_name))
        start, end = block.local_start(), block.local_end()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)

        def row(label: str, value: str, name: str) -> None:
            field = QLabel(value)
            field.setObjectName(name)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            field.setWordWrap(True)
            form.addRow(label, field)

        row(self.tr("Status:"), status_label(block.status), "visitStatus")
        row(self.tr("Client:"), block.client_name, "visitClient")
        row(self.tr("Phone:"), block.phone or self.tr("no phone"), "visitPhone")
        row(
            self.tr("When:"),
            self.tr("{date}, {start}–{end} ({zone})").format(
                date=start.strftime("%d.%m.%Y"),
                start=start.strftime("%H:%M"),
                end=end.strftime("%H:%M"),
                zone=block.office_time_zone,
            ),
            "visitWhen",
        )
        row(
            self.tr("Where:"),
            self.tr("{office}, {resource}").format(
                office=details.office_name, resource=details.resource_name
            ),
            "visitWhere",
        )
        if block.campaign_name:
            row(self.tr("Campaign:"), block.campaign_name, "visitCampaign")
        row(
            self.tr("Confirmation:"),
            channel_label(block.confirmation_channel),
            "visitConfirmationChannel",
        )
        if details.confirmation_note:
            row(self.tr("Confirmation note:"), details.confirmation_note, "visitConfirmationNote")
        if details.cancel_reason:
            who = self.tr("the client") if details.cancelled_by == "client" else self.tr("us")
            row(
                self.tr("Cancelled:"),
                self.tr("by {who}: {reason}").format(who=who, reason=details.cancel_reason),
                "visitCancelled",
            )
        if details.result_sale is not None:
            result = self.tr("sale") if details.result_sale else self.tr("no sale")
            if details.result_amount:
                result = self.tr("{result}, {amount}").format(
                    result=result, amount=details.result_amount
                )
            if details.result_comment:
                result = self.tr("{result} — {comment}").format(
                    result=result, comment=details.result_comment
                )
            row(self.tr("Result:"), result, "visitResult")

        self.history = QTextBrowser()
        self.history.setObjectName("visitHistory")
        self.history.setHtml(self._history_html())
        self.history.setMaximumHeight(140)

        self.error = InlineError()
        self.cancel_reason = QLineEdit()
        self.cancel_reason.setObjectName("cancelReason")
        self.cancel_reason.setPlaceholderText(self.tr("Why the visit is cancelled"))
        self.cancelled_by = QComboBox()
        self.cancelled_by.addItem(self.tr("by the client"), "client")
        self.cancelled_by.addItem(self.tr("by us"), "us")
        self.cancel_button = QPushButton(self.tr("Cancel the visit"))
        self.cancel_button.setObjectName("cancelVisitButton")
        self.cancel_button.clicked.connect(self._ask_cancel)
        cancel_row = QHBoxLayout()
        cancel_row.addWidget(self.cancelled_by)
        cancel_row.addWidget(self.cancel_reason, 1)
        cancel_row.addWidget(self.cancel_button)
        cancel_box = QWidget()
        cancel_box.setLayout(cancel_row)
        cancel_box.setVisible(can_cancel and block.movable)

        self.arrived_button = QPushButton(self.tr("Client arrived"))
        self.arrived_button.setObjectName("arrivedButton")
        self.arrived_button.clicked.connect(lambda: self._request(self.arrivedRequested))
        self.no_show_button = QPushButton(self.tr("No-show"))
        self.no_show_button.setObjectName("noShowButton")
        self.no_show_button.clicked.connect(lambda: self._request(self.noShowRequested))
        attendance_row = QHBoxLayout()
        attendance_row.addWidget(self.arrived_button)
        attendance_row.addWidget(self.no_show_button)
        attendance_row.addStretch(1)
        self.arrived_button.setVisible(block.status in ("booked", "confirmed", "no_show"))
        self.no_show_button.setVisible(block.status in ("booked", "confirmed"))

        self.sale = QCheckBox(self.tr("Sale"))
        self.sale.setObjectName("resultSale")
        self.sale.setChecked(bool(details.result_sale))
        self.amount = QLineEdit(details.result_amount or "")
        self.amount.setObjectName("resultAmount")
        self.amount.setPlaceholderText(self.tr("Amount"))
        self.result_comment = QLineEdit(details.result_comment or "")
        self.result_comment.setObjectName("resultComment")
        self.result_comment.setPlaceholderText(self.tr("Comment"))
        self.result_button = QPushButton(self.tr("Save the result"))
        self.result_button.setObjectName("saveResultButton")
        self.result_button.clicked.connect(self._ask_result)
        result_row = QHBoxLayout()
        result_row.addWidget(self.sale)
        result_row.addWidget(self.amount)
        result_row.addWidget(self.result_comment, 1)
        result_row.addWidget(self.result_button)
        result_box = QWidget()
        result_box.setLayout(result_row)
        result_box.setVisible(block.status == "held")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.ics_button = QPushButton(self.tr("Save to a calendar (.ics)…"))
        self.ics_button.setObjectName("icsButton")
        self.ics_button.clicked.connect(lambda: self.icsRequested.emit(block.visit_id))
        buttons.addButton(self.ics_button, QDialogButtonBox.ButtonRole.ActionRole)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("History:")))
        layout.addWidget(self.history)
        layout.addLayout(attendance_row)
        layout.addWidget(result_box)
        layout.addWidget(cancel_box)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def _history_html(self) -> str:
        details = self.details
        zone = details.block.local_start().tzinfo
        lines = [
            self.tr("{at}: booked by {who}").format(
                at=details.booked_at.astimezone(zone).strftime("%d.%m.%Y %H:%M"),
                who=html.escape(details.booked_by or self.tr("unknown")),
            )
        ]
        if details.rescheduled_from_id is not None:
            lines.append(self.tr("Moved here from an earlier booking."))
        for entry in details.history:
            what = status_label(entry.status) if entry.status else entry.action
            lines.append(
                self.tr("{at}: {what} ({who})").format(
                    at=entry.at.astimezone(zone).strftime("%d.%m.%Y %H:%M"),
                    what=html.escape(what),
                    who=html.escape(entry.who or self.tr("system")),
                )
            )
        return "<br>".join(lines)

    def _ask_cancel(self) -> None:
        reason = self.cancel_reason.text().strip()
        if not reason:
            self.error.show_error(self.tr("Say why the visit is cancelled."))
            return
        self.error.clear_error()
        self._set_actions_enabled(False)
        self.cancelRequested.emit(
            self.details.block.visit_id, str(self.cancelled_by.currentData()), reason
        )

    def _request(self, signal: Any) -> None:
        self.error.clear_error()
        self._set_actions_enabled(False)
        signal.emit(self.details.block.visit_id)

    def _ask_result(self) -> None:
        raw = self.amount.text().strip().replace(" ", "").replace(",", ".")
        amount: Decimal | None = None
        if raw:
            try:
                amount = Decimal(raw)
            except InvalidOperation:
                self.error.show_error(self.tr("The amount must be a number, e.g. 150000.00."))
                return
        self.error.clear_error()
        self._set_actions_enabled(False)
        self.resultRequested.emit(
            self.details.block.visit_id,
            self.sale.isChecked(),
            amount,
            self.result_comment.text().strip(),
        )

    def _set_actions_enabled(self, enabled: bool) -> None:
        for button in (
            self.cancel_button,
            self.arrived_button,
            self.no_show_button,
            self.result_button,
        ):
            button.setEnabled(enabled)

    def show_failure(self, text: str) -> None:
        self._set_actions_enabled(True)
        self.error.show_error(text)
