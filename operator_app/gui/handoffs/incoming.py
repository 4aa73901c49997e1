"""The seller's incoming leads: what the lead generators handed over, to accept or return."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.handoff import (
    HandoffAlreadyDecided,
    HandoffDetail,
    HandoffService,
    HandoffState,
)
from operator_app.gui.context import WorkspaceContext
from operator_app.gui.handoffs.background import failure_text, run_in_background
from operator_app.gui.handoffs.models import HandoffTableModel
from operator_app.gui.handoffs.reason_dialog import ReasonDialog
from operator_app.gui.handoffs.texts import already_decided_text, detail_html
from operator_app.gui.tasks import BackgroundTask
from operator_app.gui.widgets.data_table import DataTable
from operator_app.gui.widgets.empty_state import EmptyState
from operator_app.gui.widgets.inline_error import InlineError
from operator_app.gui.widgets.page_title import page_title
from operator_app.gui.widgets.table_export import install_table_export

# New hand-offs arrive while the seller works; the list looks for them this often.
AUTO_REFRESH_MS = 60_000

# What the filter shows: waiting ones, accepted ones, or returned ones whatever came of them.
FILTER_STATES: dict[str, tuple[HandoffState, ...]] = {
    "waiting": (HandoffState.OFFERED,),
    "accepted": (HandoffState.ACCEPTED,),
    "returned": (HandoffState.RETURNED, HandoffState.UPHELD, HandoffState.OVERRULED),
}


class IncomingHandoffsPage(QWidget):
    def __init__(self, context: WorkspaceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("incomingHandoffsPage")
        self._context = context
        self._service = HandoffService(context.database)
        self._load_task: BackgroundTask | None = None
        self._decision_task: BackgroundTask | None = None
        self._reload_wanted = False
        self.reason_dialog: ReasonDialog | None = None

        self._title = page_title()
        self.filter = QComboBox()
        for key in FILTER_STATES:
            self.filter.addItem("", key)
        self.filter.currentIndexChanged.connect(lambda _index: self.refresh())
        self.refresh_button = QPushButton()
        self.refresh_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.refresh_button.clicked.connect(self.refresh)

        self.model = HandoffTableModel(parent=self)
        self.table: DataTable[HandoffDetail] = DataTable(self.model, "incoming_handoffs")
        install_table_export(self.table, lambda: self.tr("Incoming leads"))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_selected())
        self.detail = QTextBrowser()
        self.detail.setObjectName("handoffDetail")
        self.accept_button = QPushButton()
        self.accept_button.setObjectName("acceptHandoffButton")
        self.accept_button.clicked.connect(self.accept_selected)
        self.return_button = QPushButton()
        self.return_button.setObjectName("returnHandoffButton")
        self.return_button.clicked.connect(self.ask_return_reason)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.return_button)
        buttons.addWidget(self.accept_button)
        detail_side = QWidget()
        detail_layout = QVBoxLayout(detail_side)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.detail, 1)
        detail_layout.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(detail_side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        self.empty = EmptyState("calendar")
        self._pages = QStackedWidget()
        self._content = splitter
        self._pages.addWidget(splitter)
        self._pages.addWidget(self.empty)
        self.error = InlineError()
        self.notice = InlineError()
        self.notice.setObjectName("handoffNotice")

        bar = QHBoxLayout()
        bar.addWidget(self._title)
        bar.addStretch(1)
        bar.addWidget(self.filter)
        bar.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.notice)
        layout.addWidget(self.error)
        layout.addWidget(self._pages, 1)
        self.retranslate()
        self._update_buttons()
        self.auto_refresh = QTimer(self)
        self.auto_refresh.setInterval(AUTO_REFRESH_MS)
        self.auto_refresh.timeout.connect(self._refresh_quietly)
        self.auto_refresh.start()
        self.refresh()

    # --- texts --------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self._title.setText(self.tr("Incoming leads"))
        labels = {
            "waiting": self.tr("Waiting for my decision"),
            "accepted": self.tr("Accepted"),
            "returned": self.tr("Returned"),
        }
        for index in range(self.filter.count()):
            self.filter.setItemText(index, labels[str(self.filter.itemData(index))])
        self.refresh_button.setText(self.tr("Refresh"))
        self.refresh_button.setToolTip(self.tr("Load the hand-offs again (F5)"))
        self.accept_button.setText(self.tr("Accept"))
        self.return_button.setText(self.tr("Return…"))
        self.return_button.setToolTip(self.tr("Send the lead back with a reason"))
        self.empty.set_texts(
            self.tr("Nothing here"),
            self.tr(
                "Leads that lead generators hand over to you appear here, with everything they "
                "captured: the answers, the verification and the booked visit."
            ),
        )
        self.model.retranslate()
        self._show_selected()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- loading ------------------------------------------------------------------------------

    def states_shown(self) -> tuple[HandoffState, ...]:
        return FILTER_STATES[str(self.filter.currentData())]

    def show_filter(self, key: str) -> None:
        self.filter.setCurrentIndex(self.filter.findData(key))

    def is_loading(self) -> bool:
        return self._load_task is not None

    def is_busy(self) -> bool:
        return self._load_task is not None or self._decision_task is not None

    def refresh(self) -> None:
        if self._load_task is not None:
            self._reload_wanted = True  # the filter changed meanwhile: load again after
            return
        actor, states = self._context.actor, self.states_shown()
        self._load_task = run_in_background(
            self,
            lambda: self._service.incoming(actor, states=states),
            self._loaded,
            self._load_failed,
        )
        self._update_buttons()

    def _refresh_quietly(self) -> None:
        if self.isVisible() and self.reason_dialog is None and not self.is_busy():
            self.refresh()

    def _loaded(self, rows: Any) -> None:
        self._load_task = None
        if self._reload_wanted:
            self._reload_wanted = False
            self.refresh()
            return
        self.error.clear_error()
        selected = self.table.selected_row()
        self.model.set_rows(rows)
        self._pages.setCurrentWidget(self._content if rows else self.empty)
        if rows:
            self.table.fit_columns()
            if selected is None or not self.table.select_where(
                lambda row: row.handoff.handoff_id == selected.handoff.handoff_id
            ):
                self.table.selectRow(0)
        self._show_selected()

    def _load_failed(self, error: BaseException) -> None:
        self._load_task = None
        self._reload_wanted = False
        self.error.show_error(
            self.tr("The hand-offs could not be loaded. {reason}").format(
                reason=failure_text(error)
            )
        )
        self._update_buttons()

    # --- the selected hand-off ----------------------------------------------------------------

    def selected(self) -> HandoffDetail | None:
        if self._pages.currentWidget() is self.empty:
            return None
        return self.table.selected_row()

    def _show_selected(self) -> None:
        detail = self.selected()
        if detail is None:
            self.detail.setPlainText(self.tr("Choose a hand-off to see what was captured."))
        else:
            self.detail.setHtml(detail_html(detail))
        self._update_buttons()

    def _update_buttons(self) -> None:
        detail = self.selected()
        can_decide = (
            detail is not None
            and detail.handoff.state is HandoffState.OFFERED
            and self._decision_task is None
        )
        self.accept_button.setEnabled(can_decide)
        self.return_button.setEnabled(can_decide)
        self.refresh_button.setEnabled(self._decision_task is None)

    # --- decisions ----------------------------------------------------------------------------

    def accept_selected(self) -> None:
        detail = self.selected()
        if detail is None or self._decision_task is not None:
            return
        actor, handoff_id = self._context.actor, detail.handoff.handoff_id
        self._decide(lambda: self._service.accept(actor, handoff_id))

    def ask_return_reason(self) -> None:
        detail = self.selected()
        if detail is None or self._decision_task is not None:
            return
        dialog = ReasonDialog(
            self.tr("Return the lead"),
            self.tr(
                "Why are you returning {client}? The reason goes to the supervisor, who decides "
                "whether the lead counts as the lead generator's."
            ).format(client=detail.client.full_name),
            self.tr("Return"),
            self,
        )
        handoff_id = detail.handoff.handoff_id
        dialog.accepted.connect(lambda: self.return_selected(handoff_id, dialog.text()))
        dialog.finished.connect(lambda _result: self._forget_dialog(dialog))
        self.reason_dialog = dialog
        dialog.open()

    def _forget_dialog(self, dialog: ReasonDialog) -> None:
        if self.reason_dialog is dialog:
            self.reason_dialog = None
        dialog.deleteLater()

    def return_selected(self, handoff_id: int, reason: str) -> None:
        actor = self._context.actor
        self._decide(lambda: self._service.return_lead(actor, handoff_id, reason))

    def _decide(self, work: Any) -> None:
        self.notice.clear_error()
        self.error.clear_error()
        self._decision_task = run_in_background(self, work, self._decided, self._decision_failed)
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
