"""Handing a verified target lead to a seller (two-step campaigns only).

`HandoffControl` is the "Hand off to seller" button of the call; it loads the lead's booked
visit and the active sellers, then opens `HandoffDialog`, where the operator keeps the
least-loaded free seller or picks one and confirms.
"""

from __future__ import annotations

import zoneinfo

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.errors import OperatorAppError
from operator_app.core.handoff import (
    HandoffRefusal,
    HandoffRefused,
    HandoffService,
    HandoffView,
    VisitSummary,
)
from operator_app.core.lead_overview import HandoffOptions, load_handoff_options
from operator_app.core.roles import Actor
from operator_app.core.verification.verdict import Verdict
from operator_app.gui.tasks import BackgroundTask, TaskContext
from operator_app.storage.database import Database
from operator_app.storage.repositories.call_queries import is_connection_error

__all__ = ["HandoffControl", "HandoffDialog", "refusal_text"]


def refusal_text(reason: HandoffRefusal) -> str:
    """A sentence the operator understands, for each reason a hand-off is refused."""
    translate = QCoreApplication.translate
    texts = {
        HandoffRefusal.NOT_TARGET: translate(
            "HandoffDialog",
            "The lead is not verified as target: save a target verification first.",
        ),
        HandoffRefusal.NO_BOOKED_VISIT: translate(
            "HandoffDialog", "The lead has no booked presentation: book a visit first."
        ),
        HandoffRefusal.ONE_STEP_CAMPAIGN: translate(
            "HandoffDialog",
            "This campaign is one-step: you are the seller, there is no hand-off.",
        ),
        HandoffRefusal.SELLER_BUSY: translate(
            "HandoffDialog",
            "This seller has another visit at that time: choose another seller or the "
            "least-loaded free one.",
        ),
        HandoffRefusal.NO_FREE_SELLER: translate(
            "HandoffDialog", "No seller is free at the time of the visit."
        ),
        HandoffRefusal.ALREADY_HANDED_OFF: translate(
            "HandoffDialog", "The lead is already handed off to a seller."
        ),
        HandoffRefusal.NOT_A_SELLER: translate(
            "HandoffDialog", "The chosen person is no longer an active seller."
        ),
    }
    return texts[reason]


def _failure_text(error: BaseException) -> str | None:
    if isinstance(error, HandoffRefused):
        return refusal_text(error.reason)
    if is_connection_error(error):
        return QCoreApplication.translate(
            "HandoffDialog", "No connection to the database: nothing was handed off. Try again."
        )
    if isinstance(error, OperatorAppError):
        return str(error)
    return None


class HandoffDialog(QDialog):
    handed_off = Signal(object)  # the HandoffView

    def __init__(
        self,
        service: HandoffService,
        actor: Actor,
        lead_id: int,
        options: HandoffOptions,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("handoffDialog")
        self.service = service
        self.actor = actor
        self.lead_id = lead_id
        self.options = options
        self.task: BackgroundTask | None = None
        self.view: HandoffView | None = None
        self.visit = QLabel()
        self.visit.setWordWrap(True)
        self.seller = QComboBox()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c5221f;")
        self.error.setVisible(False)
        self.buttons = QDialogButtonBox()
        self.confirm_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.confirm)
        self.buttons.rejected.connect(self.reject)
        self._visit_caption = QLabel()
        self._seller_caption = QLabel()
        form = QFormLayout()
        form.addRow(self._visit_caption, self.visit)
        form.addRow(self._seller_caption, self.seller)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Hand off to seller"))
        self._visit_caption.setText(self.tr("Presentation:"))
        self._seller_caption.setText(self.tr("Seller:"))
        self.confirm_button.setText(self.tr("Hand off"))
        self.visit.setText(self._visit_text(self.options.visit))
        chosen = self.seller.currentData()
        self.seller.clear()
        self.seller.addItem(self.tr("Least-loaded free seller"), None)
        for seller in self.options.sellers:
            self.seller.addItem(seller.name, seller.user_id)
        self.seller.setCurrentIndex(max(self.seller.findData(chosen), 0))
        if self.options.visit is None:
            self.show_error(refusal_text(HandoffRefusal.NO_BOOKED_VISIT))

    def _visit_text(self, visit: VisitSummary | None) -> str:
        if visit is None:
            return self.tr("No booked visit")
        # The office's clock: that is where the client and the seller meet.
        starts = visit.starts_at.astimezone(zoneinfo.ZoneInfo(visit.office_time_zone))
        return self.tr("{date} at {time}, {office} ({address}), {resource}").format(
            date=starts.strftime("%d.%m.%Y"),
            time=starts.strftime("%H:%M"),
            office=visit.office_name,
            address=visit.office_address,
            resource=visit.resource_name,
        )

    def chosen_seller(self) -> int | None:
        value = self.seller.currentData()
        return int(value) if value is not None else None

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(True)

    def confirm(self) -> None:
        if self.task is not None:
            return
        service, actor, lead_id = self.service, self.actor, self.lead_id
        seller_id = self.chosen_seller()
        visit_id = self.options.visit.visit_id if self.options.visit is not None else None

        def work(_context: TaskContext) -> HandoffView:
            return service.hand_off(actor, lead_id, seller_id=seller_id, visit_id=visit_id)

        task = BackgroundTask(work, parent=self)
        task.succeeded.connect(self._done)
        task.failed.connect(self._failed)
        self.task = task
        self.confirm_button.setEnabled(False)
        self.error.setVisible(False)
        task.start()

    def _done(self, view: HandoffView) -> None:
        self.task = None
        self.confirm_button.setEnabled(True)
        self.view = view
        self.handed_off.emit(view)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.task = None
        self.confirm_button.setEnabled(True)
        text = _failure_text(error)
        if text is None:
            raise error
        self.show_error(text)


class HandoffControl(QWidget):
    """The call's "Hand off to seller" button: hidden in one-step campaigns, enabled once
    the lead's latest verification is target."""

    handed_off = Signal(object)  # the HandoffView

    def __init__(self, database: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.actor = actor
        self.service = HandoffService(database)
        self.lead_id: int | None = None
        self.dialog: HandoffDialog | None = None
        self.load_task: BackgroundTask | None = None
        self.button = QPushButton()
        self.button.clicked.connect(self.open_dialog)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.button)
        layout.addWidget(self.status, 1)
        self.retranslate()
        self.set_lead(None, two_step=False, verdict=None)

    def set_lead(self, lead_id: int | None, *, two_step: bool, verdict: Verdict | None) -> None:
        self.lead_id = lead_id
        self.setVisible(lead_id is not None and two_step)
        self.status.clear()
        self.set_verdict(verdict)

    def set_verdict(self, verdict: Verdict | None) -> None:
        target = verdict is Verdict.TARGET
        self.button.setEnabled(self.lead_id is not None and target)
        self.button.setToolTip(
            "" if target else self.tr("Save a target verification to hand the lead off.")
        )

    def open_dialog(self) -> None:
        if self.lead_id is None or self.dialog is not None or self.load_task is not None:
            return
        database, actor, lead_id = self.database, self.actor, self.lead_id

        def work(_context: TaskContext) -> HandoffOptions:
            return load_handoff_options(database, actor, lead_id)

        task = BackgroundTask(work, parent=self)
        task.succeeded.connect(self._show_dialog)
        task.failed.connect(self._load_failed)
        self.load_task = task
        self.button.setEnabled(False)
        task.start()

    def _show_dialog(self, options: HandoffOptions) -> None:
        self.load_task = None
        self.button.setEnabled(True)
        if self.lead_id is None:
            return
        dialog = HandoffDialog(self.service, self.actor, self.lead_id, options, self)
        dialog.handed_off.connect(self._handed_off)
        dialog.finished.connect(self._dialog_closed)
        self.dialog = dialog
        dialog.open()

    def _load_failed(self, error: BaseException) -> None:
        self.load_task = None
        self.button.setEnabled(True)
        text = _failure_text(error)
        if text is None:
            raise error
        self.status.setText(text)

    def _handed_off(self, view: HandoffView) -> None:
        self.status.setText(
            self.tr("Handed off to {seller}.").format(seller=view.seller_name or "—")
        )
        self.button.setEnabled(False)
        self.handed_off.emit(view)

    def _dialog_closed(self, _result: int) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.deleteLater()

    def retranslate(self) -> None:
        self.button.setText(self.tr("Hand off to seller…"))
