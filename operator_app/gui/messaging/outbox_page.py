"""The outbox: messages to clients by state, what each says, and what to do with it —
retry a failed one, copy the text or open a link to send it by hand, mark it sent, or send
everything that is due now."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.messaging import MessageView, Outbox, SendReport
from operator_app.core.roles import Permission
from operator_app.gui.context import WorkspaceContext
from operator_app.gui.handoffs.background import failure_text, run_in_background
from operator_app.gui.messaging.outbox_model import FITTED_MAX_WIDTHS, OutboxTableModel
from operator_app.gui.messaging.splitter_memory import SplitterMemory
from operator_app.gui.messaging.state_chips import StateChips
from operator_app.gui.messaging.texts import (
    channel_label,
    message_failure_text,
    state_label,
    template_label,
)
from operator_app.gui.models.formatting import local_datetime, number
from operator_app.gui.tasks import BackgroundTask
from operator_app.gui.widgets.data_table import DataTable
from operator_app.gui.widgets.inline_error import InlineError
from operator_app.gui.widgets.page_title import page_title
from operator_app.gui.widgets.table_export import install_table_export
from operator_app.gui.window_state import ui_state

ALL = "all"
STATES = (ALL, "queued", "failed", "sent")
REFRESH_MS = 30_000
# A new key for the column order that puts the state next to the client: widths saved under
# the old order would land on the wrong columns.
TABLE_KEY = "messaging_outbox"
TABLE_SHARE = 2 / 3


@dataclass(frozen=True, slots=True)
class OutboxData:
    messages: list[MessageView]
    counts: dict[str, int]


def table_share(width: int) -> list[int]:
    table = round(width * TABLE_SHARE)
    return [table, width - table]


def message_text(view: MessageView) -> str:
    """What the client is to receive: the subject (e-mail) and the body."""
    return f"{view.subject}\n\n{view.body}" if view.subject else view.body


class OutboxPage(QWidget):
    def __init__(
        self,
        context: WorkspaceContext,
        parent: QWidget | None = None,
        *,
        refresh_ms: int = REFRESH_MS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("outboxPage")
        self._context = context
        self._outbox = Outbox(context.database)
        self._load_task: BackgroundTask | None = None
        self._action_task: BackgroundTask | None = None
        self._reload_wanted = False
        self.last_report: SendReport | None = None

        self._title = page_title()
        self.chips = StateChips(STATES)
        self.chips.chosen.connect(lambda _key: self.refresh())
        self.refresh_button = QPushButton()
        self.refresh_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.refresh_button.clicked.connect(self.refresh)
        self.send_button = QPushButton()
        self.send_button.setObjectName("sendDueButton")
        self.send_button.setShortcut(QKeySequence("Ctrl+Shift+Return"))
        self.send_button.clicked.connect(self.send_due_now)

        self.model = OutboxTableModel(self)
        self._columns_fitted = ui_state().contains(f"tables/{TABLE_KEY}/header")
        self.table: DataTable[MessageView] = DataTable(self.model, TABLE_KEY)
        install_table_export(self.table, lambda: self.tr("Messages to clients"))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_selected())
        self.table.doubleClicked.connect(lambda _index: self.copy_text())

        self.detail = QTextBrowser()
        self.detail.setObjectName("outboxDetail")
        self.detail.setOpenLinks(False)
        self.retry_button = QPushButton()
        self.retry_button.setShortcut(QKeySequence("Ctrl+R"))
        self.retry_button.clicked.connect(self.retry_selected)
        self.copy_button = QPushButton()
        self.copy_button.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.copy_button.clicked.connect(self.copy_text)
        self.link_button = QPushButton()
        self.link_button.setShortcut(QKeySequence("Ctrl+L"))
        self.link_button.clicked.connect(self.open_link)
        self.mark_sent_button = QPushButton()
        self.mark_sent_button.setShortcut(QKeySequence("Ctrl+M"))
        self.mark_sent_button.clicked.connect(self.mark_sent)
        actions = QHBoxLayout()
        for button in (self.copy_button, self.link_button, self.mark_sent_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.retry_button)
        detail_side = QWidget()
        detail_layout = QVBoxLayout(detail_side)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.detail, 1)
        detail_layout.addLayout(actions)
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.setObjectName("outboxSplit")
        self.split.addWidget(self.table)
        self.split.addWidget(detail_side)
        self.split.setStretchFactor(0, 2)
        self.split.setStretchFactor(1, 1)
        self.split.setChildrenCollapsible(False)
        # The table gets two thirds: its state column must be in sight without scrolling.
        self.split_memory = SplitterMemory(self.split, TABLE_KEY, table_share)

        self.notice = QLabel()
        self.notice.setObjectName("outboxNotice")
        self.notice.setWordWrap(True)
        self.error = InlineError()
        bar = QHBoxLayout()
        bar.addWidget(self._title)
        bar.addStretch(1)
        bar.addWidget(self.send_button)
        bar.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.chips)
        layout.addWidget(self.notice)
        layout.addWidget(self.error)
        layout.addWidget(self.split, 1)

        self.timer = QTimer(self)
        self.timer.setInterval(refresh_ms)
        self.timer.timeout.connect(self._refresh_quietly)
        self.timer.start()
        self.retranslate()
        self.refresh()

    def retranslate(self) -> None:
        self._title.setText(self.tr("Messages to clients"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.refresh_button.setToolTip(self.tr("Load the messages again (F5)"))
        self.send_button.setText(self.tr("Send due now"))
        self.send_button.setToolTip(
            self.tr("Send every message whose time has come, without waiting (Ctrl+Shift+Enter)")
        )
        self.retry_button.setText(self.tr("Retry"))
        self.retry_button.setToolTip(self.tr("Queue the failed message again (Ctrl+R)"))
        self.copy_button.setText(self.tr("Copy text"))
        self.copy_button.setToolTip(
            self.tr("Copy the message to paste it elsewhere (Ctrl+Shift+C)")
        )
        self.link_button.setText(self.tr("Open link"))
        self.link_button.setToolTip(
            self.tr("Open the mail program or messenger with the text filled in (Ctrl+L)")
        )
        self.mark_sent_button.setText(self.tr("Mark sent"))
        self.mark_sent_button.setToolTip(
            self.tr("You sent this message yourself: record it as sent (Ctrl+M)")
        )
        self.chips.set_labels(self._chip_label)
        self.model.retranslate()
        self._show_selected()

    def _fit_columns(self) -> None:
        """Columns sized to their contents the first time, long ones elided (the person's own
        widths, once saved, are kept)."""
        self.table.fit_columns()
        if self._columns_fitted or not self.model.rowCount():
            return
        header = self.table.horizontalHeader()
        self.table.resizeColumnsToContents()
        for column, widest in FITTED_MAX_WIDTHS.items():
            header.resizeSection(column, min(header.sectionSize(column), widest))
        self._columns_fitted = True

    def _chip_label(self, key: str) -> str:
        return self.tr("All") if key == ALL else state_label(key)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- loading ------------------------------------------------------------------------------

    def is_busy(self) -> bool:
        return self._load_task is not None or self._action_task is not None

    def state_filter(self) -> str | None:
        chosen = self.chips.current()
        return None if chosen == ALL else chosen

    def _refresh_quietly(self) -> None:
        if self._load_task is None and self._action_task is None:
            self.refresh()

    def refresh(self) -> None:
        if self._load_task is not None:
            self._reload_wanted = True
            return
        state = self.state_filter()
        outbox = self._outbox

        def load() -> OutboxData:
            return OutboxData(outbox.messages(state=state), outbox.counts())

        self._load_task = run_in_background(self, load, self._loaded, self._load_failed)

    def _loaded(self, data: Any) -> None:
        assert isinstance(data, OutboxData)
        self._load_task = None
        if self._reload_wanted:
            self._reload_wanted = False
            self.refresh()
            return
        self.error.clear_error()
        selected = self.selected()
        self.model.set_rows(data.messages)
        self._fit_columns()
        if selected is not None:
            self.table.select_where(lambda row: row.message_id == selected.message_id)
        self.chips.set_counts({ALL: sum(data.counts.values()), **data.counts})
        self.chips.set_labels(self._chip_label)
        self._show_selected()

    def _load_failed(self, error: BaseException) -> None:
        self._load_task = None
        self._reload_wanted = False
        self.error.show_error(
            self.tr("The messages could not be loaded. {reason}").format(reason=failure_text(error))
        )

    # --- the selected message -----------------------------------------------------------------

    def selected(self) -> MessageView | None:
        return self.table.selected_row()

    def _show_selected(self) -> None:
        view = self.selected()
        if view is None:
            self.detail.setPlainText(self.tr("Choose a message to see its text."))
        else:
            self.detail.setPlainText(self._detail_text(view))
        self._update_buttons()

    def _detail_text(self, view: MessageView) -> str:
        lines = [
            self.tr("To: {client}, {address} ({channel})").format(
                client=view.client_name or "—",
                address=view.address,
                channel=channel_label(view.channel),
            ),
            self.tr("Template: {template}").format(template=template_label(view.template_code)),
            self.tr("State: {state}; attempts: {attempts}").format(
                state=state_label(view.state), attempts=number(view.attempts)
            ),
        ]
        if view.sent_at is not None:
            lines.append(self.tr("Sent: {when}").format(when=local_datetime(view.sent_at)))
        else:
            lines.append(self.tr("Send after: {when}").format(when=local_datetime(view.send_after)))
        if view.last_error:
            lines.append(self.tr("Last error: {error}").format(error=view.last_error))
        lines.append("")
        if view.subject:
            lines.append(self.tr("Subject: {subject}").format(subject=view.subject))
            lines.append("")
        lines.append(view.body)
        return "\n".join(lines)

    def _update_buttons(self) -> None:
        view = self.selected()
        idle = self._action_task is None
        may_act = self._context.actor.can(Permission.WORK_QUEUE)
        manual = view is not None and view.channel == "manual"
        self.retry_button.setEnabled(
            idle and may_act and view is not None and view.state == "failed"
        )
        self.copy_button.setEnabled(view is not None)
        self.link_button.setEnabled(manual)
        self.mark_sent_button.setEnabled(
            idle and may_act and manual and view is not None and view.state != "sent"
        )
        self.send_button.setEnabled(idle)

    # --- actions ------------------------------------------------------------------------------

    def copy_text(self) -> None:
        view = self.selected()
        if view is None:
            return
        QGuiApplication.clipboard().setText(message_text(view))
        self.notice.setText(
            self.tr("The text of the message to {client} is copied.").format(
                client=view.client_name or view.address
            )
        )

    def open_link(self) -> None:
        view = self.selected()
        if view is None or view.channel != "manual":
            return
        self.error.clear_error()
        if not QDesktopServices.openUrl(QUrl(view.link)):
            self.error.show_error(
                self.tr(
                    "No program on this computer opens this link. Copy the text and send it "
                    "yourself, then mark it sent."
                )
            )
            return
        self.notice.setText(self.tr("Once you have sent it, mark the message sent (Ctrl+M)."))

    def retry_selected(self) -> None:
        view = self.selected()
        if view is None or view.state != "failed":
            return
        actor, message_id = self._context.actor, view.message_id
        self._act(
            lambda: self._outbox.retry(actor, message_id),
            self.tr("The message is queued again."),
        )

    def mark_sent(self) -> None:
        view = self.selected()
        if view is None or view.channel != "manual" or view.state == "sent":
            return
        actor, message_id = self._context.actor, view.message_id
        self._act(
            lambda: self._outbox.mark_sent_manually(actor, message_id),
            self.tr("The message is recorded as sent."),
        )

    def send_due_now(self) -> None:
        if self._action_task is not None:
            return
        self.error.clear_error()
        self.notice.setText(self.tr("Sending the messages that are due…"))
        self._action_task = run_in_background(
            self, self._outbox.send_due, self._sent, self._action_failed
        )
        self._update_buttons()

    def _act(self, work: Any, done_text: str) -> None:
        if self._action_task is not None:
            return
        self.error.clear_error()

        def done(_result: Any) -> None:
            self._action_task = None
            self.notice.setText(done_text)
            self.refresh()

        self._action_task = run_in_background(self, work, done, self._action_failed)
        self._update_buttons()

    def _sent(self, report: Any) -> None:
        assert isinstance(report, SendReport)
        self._action_task = None
        self.last_report = report
        self.notice.setText(
            self.tr(
                "Sent: {sent}. Will be retried: {retried}. Failed: {failed}. Still queued: {left}."
            ).format(
                sent=number(report.sent),
                retried=number(report.retried),
                failed=number(report.failed),
                left=number(report.left),
            )
        )
        self.refresh()

    def _action_failed(self, error: BaseException) -> None:
        self._action_task = None
        self.notice.clear()
        self.error.show_error(message_failure_text(error))
        self.refresh()
