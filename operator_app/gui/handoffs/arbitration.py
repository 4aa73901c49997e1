"""The supervisor's arbitration: returned hand-offs to uphold or overrule, verdict overrides to
look over, and how often each lead generator's hand-offs are accepted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.handoff import (
    AcceptanceRate,
    HandoffAlreadyDecided,
    HandoffDetail,
    HandoffService,
)
from operator_app.core.roles import Permission
from operator_app.core.verification.service import VerificationService, VerificationView
from operator_app.gui.context import WorkspaceContext
from operator_app.gui.handoffs.background import failure_text, run_in_background
from operator_app.gui.handoffs.models import AcceptanceRateModel, HandoffTableModel, OverrideModel
from operator_app.gui.handoffs.reason_dialog import ReasonDialog
from operator_app.gui.handoffs.texts import already_decided_text, detail_html
from operator_app.gui.tasks import BackgroundTask
from operator_app.gui.widgets.data_table import DataTable
from operator_app.gui.widgets.inline_error import InlineError
from operator_app.gui.widgets.page_title import page_title
from operator_app.gui.widgets.table_export import install_table_export


@dataclass(frozen=True, slots=True)
class ArbitrationData:
    returned: list[HandoffDetail]
    overrides: list[VerificationView]
    rates: list[AcceptanceRate]


class ArbitrationPage(QWidget):
    def __init__(self, context: WorkspaceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("arbitrationPage")
        self._context = context
        self._handoffs = HandoffService(context.database)
        self._verifications = VerificationService(context.database)
        self._load_task: BackgroundTask | None = None
        self._decision_task: BackgroundTask | None = None
        self._reload_wanted = False
        self.comment_dialog: ReasonDialog | None = None

        self._title = page_title()
        self.refresh_button = QPushButton()
        self.refresh_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.refresh_button.clicked.connect(self.refresh)

        self.model = HandoffTableModel(for_arbitration=True, parent=self)
        self.table: DataTable[HandoffDetail] = DataTable(self.model, "arbitration")
        install_table_export(self.table, lambda: self.tr("Arbitration of returned leads"))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_selected())
        self.detail = QTextBrowser()
        self.detail.setObjectName("arbitrationDetail")
        self.uphold_button = QPushButton()
        self.uphold_button.setObjectName("upholdButton")
        self.uphold_button.clicked.connect(lambda: self.ask_comment(uphold=True))
        self.overrule_button = QPushButton()
        self.overrule_button.setObjectName("overruleButton")
        self.overrule_button.clicked.connect(lambda: self.ask_comment(uphold=False))
        self.nothing_returned = QLabel()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.uphold_button)
        buttons.addWidget(self.overrule_button)
        detail_side = QWidget()
        detail_layout = QVBoxLayout(detail_side)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.detail, 1)
        detail_layout.addLayout(buttons)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.table)
        top.addWidget(detail_side)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 2)

        self.override_model = OverrideModel(self)
        self.overrides: DataTable[VerificationView] = DataTable(
            self.override_model, "verdict_overrides"
        )
        install_table_export(self.overrides, lambda: self.tr("Verdict overrides"))
        self.rate_model = AcceptanceRateModel(self)
        self.rates: DataTable[AcceptanceRate] = DataTable(self.rate_model, "acceptance_rates")
        install_table_export(self.rates, lambda: self.tr("Acceptance rate by lead generator"))
        self.lower_tabs = QTabWidget()
        self.lower_tabs.addTab(self.overrides, "")
        self.lower_tabs.addTab(self.rates, "")

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(self.lower_tabs)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

        self.error = InlineError()
        self.notice = InlineError()
        self.notice.setObjectName("arbitrationNotice")
        bar = QHBoxLayout()
        bar.addWidget(self._title)
        bar.addWidget(self.nothing_returned)
        bar.addStretch(1)
        bar.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.notice)
        layout.addWidget(self.error)
        layout.addWidget(split, 1)
        self.retranslate()
        self.refresh()

    def retranslate(self) -> None:
        self._title.setText(self.tr("Arbitration of returned leads"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.refresh_button.setToolTip(self.tr("Load everything again (F5)"))
        self.uphold_button.setText(self.tr("Uphold the return…"))
        self.uphold_button.setToolTip(
            self.tr("The seller was right: the lead is not counted as the lead generator's")
        )
        self.overrule_button.setText(self.tr("Overrule…"))
        self.overrule_button.setToolTip(
            self.tr("The return was wrong: the lead counts as the lead generator's")
        )
        self.lower_tabs.setTabText(0, self.tr("Verdict overrides"))
        self.lower_tabs.setTabText(1, self.tr("Acceptance rate by lead generator"))
        for model in (self.model, self.override_model, self.rate_model):
            model.retranslate()
        self._show_selected()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- loading ------------------------------------------------------------------------------

    def is_busy(self) -> bool:
        return self._load_task is not None or self._decision_task is not None

    def refresh(self) -> None:
        if self._load_task is not None:
            self._reload_wanted = True  # a decision landed meanwhile: load again after
            return
        actor = self._context.actor

        def load() -> ArbitrationData:
            overrides = (
                self._verifications.overrides_for_review(actor)
                if actor.can(Permission.REVIEW_CALLS)
                else []
            )
            return ArbitrationData(
                self._handoffs.arbitration(actor),
                overrides,
                self._handoffs.acceptance_rates(actor),
            )

        self._load_task = run_in_background(self, load, self._loaded, self._load_failed)
        self._update_buttons()

    def _loaded(self, data: Any) -> None:
        assert isinstance(data, ArbitrationData)
        self._load_task = None
        if self._reload_wanted:
            self._reload_wanted = False
            self.refresh()
            return
        self.error.clear_error()
        selected = self.table.selected_row()
        self.model.set_rows(data.returned)
        self.override_model.set_rows(data.overrides)
        self.rate_model.set_rows(data.rates)
        for table in (self.table, self.overrides, self.rates):
            table.fit_columns()
        if data.returned and (
            selected is None
            or not self.table.select_where(
                lambda row: row.handoff.handoff_id == selected.handoff.handoff_id
            )
        ):
            self.table.selectRow(0)
        self.nothing_returned.setText(
            "" if data.returned else self.tr("— no returned leads are waiting")
        )
        self._show_selected()

    def _load_failed(self, error: BaseException) -> None:
        self._load_task = None
        self._reload_wanted = False
        self.error.show_error(
            self.tr("The arbitration list could not be loaded. {reason}").format(
                reason=failure_text(error)
            )
        )
        self._update_buttons()

    # --- the selected hand-off ----------------------------------------------------------------

    def selected(self) -> HandoffDetail | None:
        return self.table.selected_row()

    def _show_selected(self) -> None:
        detail = self.selected()
        if detail is None:
            self.detail.setPlainText(
                self.tr("Choose a returned lead to see the seller's reason and what was captured.")
            )
        else:
            self.detail.setHtml(detail_html(detail))
        self._update_buttons()

    def _update_buttons(self) -> None:
        can_decide = self.selected() is not None and self._decision_task is None
        self.uphold_button.setEnabled(can_decide)
        self.overrule_button.setEnabled(can_decide)
        self.refresh_button.setEnabled(self._decision_task is None)

    # --- decisions ----------------------------------------------------------------------------

    def ask_comment(self, *, uphold: bool) -> None:
        detail = self.selected()
        if detail is None or self._decision_task is not None:
            return
        if uphold:
            title = self.tr("Uphold the return")
            prompt = self.tr(
                "The return of {client} stands: the lead is not counted as {generator}'s. "
                "Write a comment for both of them."
            )
            ok = self.tr("Uphold")
        else:
            title = self.tr("Overrule the return")
            prompt = self.tr(
                "The return of {client} was wrong: the lead counts as {generator}'s. "
                "Write a comment for both of them."
            )
            ok = self.tr("Overrule")
        dialog = ReasonDialog(
            title,
            prompt.format(
                client=detail.client.full_name,
                generator=detail.handoff.lead_generator_name or "—",
            ),
            ok,
            self,
        )
        handoff_id = detail.handoff.handoff_id
        dialog.accepted.connect(lambda: self.arbitrate(handoff_id, dialog.text(), uphold=uphold))
        dialog.finished.connect(lambda _result: self._forget_dialog(dialog))
        self.comment_dialog = dialog
        dialog.open()

    def _forget_dialog(self, dialog: ReasonDialog) -> None:
        if self.comment_dialog is dialog:
            self.comment_dialog = None
        dialog.deleteLater()

    def arbitrate(self, handoff_id: int, comment: str, *, uphold: bool) -> None:
        actor = self._context.actor
        decide = self._handoffs.uphold if uphold else self._handoffs.overrule
        self.notice.clear_error()
        self.error.clear_error()
        self._decision_task = run_in_background(
            self,
            lambda: decide(actor, handoff_id, comment),
            self._decided,
            self._decision_failed,
        )
        self._update_buttons()

    def _decided(self, _view: Any) -> None:
        self._decision_task = None
        self.refresh()

    def _decision_failed(self, error: BaseException) -> None:
        self._decision_task = None
        if isinstance(error, HandoffAlreadyDecided):
            self.notice.show_error(already_decided_text(error.state))
        else:
            self.error.show_error(failure_text(error))
        self.refresh()
