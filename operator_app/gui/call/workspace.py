"""The operator's workspace: take a client, follow the script, record the outcome, repeat."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QHideEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QLabel,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.calendar.confirmation import ConfirmationResult
from operator_app.core.call_card import CallCard, load_call_card, queue_filters
from operator_app.core.drafts import CallDraft, DraftStore, PendingSaves, RetryReport, SaveOutcome
from operator_app.core.errors import OperatorAppError
from operator_app.core.outcomes import DispositionInfo, OutcomeCode, dispositions_for
from operator_app.core.queue.buckets import Bucket
from operator_app.core.queue.service import QueueService
from operator_app.core.queue.status import OperatorStatus, StatusService
from operator_app.core.script_engine import DialogueError, DialogueSession
from operator_app.gui.call.autosave import DraftAutosave
from operator_app.gui.call.banner import connection_banner, restore_banner
from operator_app.gui.call.calendar_call_panel import CalendarCallPanel, outcome_text
from operator_app.gui.call.call_details import CallDetails
from operator_app.gui.call.call_timer import CallTimer
from operator_app.gui.call.card_view import CallCardView
from operator_app.gui.call.objections_dialog import ObjectionsDialog
from operator_app.gui.call.outcome_panel import OutcomePanel
from operator_app.gui.call.queue_panel import QueuePanel
from operator_app.gui.call.queue_signals import QueueChangeListener
from operator_app.gui.call.script_panel import ScriptPanel
from operator_app.gui.call.slot_table import when_text
from operator_app.gui.context import WorkspaceContext
from operator_app.gui.handoffs.background import failure_text, run_in_background
from operator_app.gui.tasks import BackgroundTask, TaskContext
from operator_app.storage.repositories.call_queries import is_connection_error

if TYPE_CHECKING:
    # The calendar's services load on first use (or a few seconds after start-up), not at
    # start-up: the operator's window opens without the booking and messaging machinery.
    from operator_app.core.calendar.attendance import CalendarServices
    from operator_app.core.calendar.calendar_calls import (
        CalendarCall,
        CalendarCallResult,
        CalendarCallService,
        CallTiming,
    )
    from operator_app.gui.call.booking_dialog import BookingChoice, BookingDialog

log = logging.getLogger(__name__)
CALENDAR_PRELOAD_MS = 3_000

RETRY_MILLISECONDS = 5000
CLAIM_KEEPALIVE_MILLISECONDS = 60_000


@dataclass(frozen=True)
class ClaimedCard:
    """What the background claim hands to the UI: the card and its campaign's outcomes."""

    card: CallCard
    dispositions: tuple[DispositionInfo, ...]
    calendar: CalendarCall | None = None  # a calendar task from the reminder bucket


@dataclass
class OpenCall:
    card: CallCard
    client_uuid: str
    started_at: dt.datetime
    phone_id: int | None
    session: DialogueSession | None
    calendar: CalendarCall | None = None


class OperatorWorkspace(QWidget):
    def __init__(
        self,
        context: WorkspaceContext,
        parent: QWidget | None = None,
        *,
        store: DraftStore | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("queueAndCallPage")  # the shell knows the page by this name
        self.context = context
        self.queue = QueueService(context.database)
        self.statuses = StatusService(context.database)
        self.store = store or DraftStore()
        self.pending = PendingSaves(self.store)
        self.call: OpenCall | None = None
        self.objections_dialog: ObjectionsDialog | None = None
        self.save_task: BackgroundTask | None = None
        self.retry_task: BackgroundTask | None = None
        self.claim_task: BackgroundTask | None = None
        self.calendar_task: BackgroundTask | None = None
        self.booking_dialog: BookingDialog | None = None
        self._calendar: CalendarServices | None = None
        self._calendar_calls: CalendarCallService | None = None
        self.listener: QueueChangeListener | None = None
        self._offered: CallDraft | None = None
        self._status = OperatorStatus.OFFLINE
        self._queue_warmed = False

        self.connection_banner = connection_banner()
        self.restore_banner = restore_banner()
        self.restore_button = self.restore_banner.add_button()
        self.restore_button.clicked.connect(self.restore_offered)
        self.discard_button = self.restore_banner.add_button()
        self.discard_button.clicked.connect(self.discard_offered)

        self.queue_panel = QueuePanel(self.queue, context.actor)
        self.queue_panel.status_chosen.connect(self.set_status)
        self.queue_panel.next_requested.connect(self.take_next)
        self.card_view = CallCardView()
        self.card_view.phone_dialled.connect(self._phone_dialled)
        self.timer = CallTimer()
        self.timer.changed.connect(self._changed)
        self.script_panel = ScriptPanel()
        self.script_panel.changed.connect(self._changed)
        self.script_panel.objections_requested.connect(self.open_objections)
        self.details = CallDetails(context.database, context.actor)
        self.details.follow(self.script_panel)
        self.details.changed.connect(self._changed)
        self.outcome_panel = OutcomePanel()
        self.outcome_panel.changed.connect(self._changed)
        self.outcome_panel.save_requested.connect(self.save)
        self.outcome_panel.book_requested.connect(self.open_booking)
        self.calendar_panel = CalendarCallPanel()
        self.calendar_panel.setVisible(False)
        self.calendar_panel.confirmation_chosen.connect(self.record_calendar_result)
        self.calendar_panel.reschedule_requested.connect(self.open_booking)
        self.calendar_panel.done_requested.connect(self.complete_calendar_call)
        self.calendar_panel.freed_slot_requested.connect(self.take_freed_slot)
        self.calendar_panel.book_requested.connect(self.open_booking)
        self.message = QLabel()
        self.message.setWordWrap(True)

        # The card, the verification form and the contact share one column as tabs, so the
        # script beside them keeps its width on a laptop screen; the timer stays above them.
        self.details.add_client_page(self.card_view)
        card_column = QWidget()
        card_layout = QVBoxLayout(card_column)
        card_layout.setContentsMargins(0, 0, 0, 0)
        card_layout.addWidget(self.timer)
        card_layout.addWidget(self.details, 1)
        script_column = QWidget()
        script_layout = QVBoxLayout(script_column)
        script_layout.setContentsMargins(0, 0, 0, 0)
        # Long texts (a step, an objection's responses) scroll rather than get squeezed.
        script_scroll = QScrollArea()
        script_scroll.setWidgetResizable(True)
        script_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        script_scroll.setFrameShape(QFrame.Shape.NoFrame)
        script_scroll.setWidget(self.script_panel)
        script_layout.addWidget(script_scroll, 1)
        script_layout.addWidget(self.calendar_panel)
        script_layout.addWidget(self.outcome_panel)
        call_area = QSplitter(Qt.Orientation.Horizontal)
        call_area.addWidget(card_column)
        call_area.addWidget(script_column)
        call_area.setStretchFactor(0, 2)
        call_area.setStretchFactor(1, 3)
        call_area.setSizes([460, 660])
        card_column.setMinimumWidth(320)
        script_scroll.setMinimumWidth(self.script_panel.minimumSizeHint().width() + 12)
        self.idle = QLabel()
        self.idle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.idle.setWordWrap(True)
        self.idle.setStyleSheet("color: #5f6368; font-size: 13pt;")
        self.pages = QStackedWidget()
        self.pages.addWidget(self.idle)
        self.pages.addWidget(call_area)
        main = QSplitter(Qt.Orientation.Horizontal)
        main.addWidget(self.queue_panel)
        main.addWidget(self.pages)
        main.setStretchFactor(0, 1)
        main.setStretchFactor(1, 3)
        main.setSizes([260, 1120])
        layout = QVBoxLayout(self)
        layout.addWidget(self.connection_banner)
        layout.addWidget(self.restore_banner)
        layout.addWidget(main, 1)
        layout.addWidget(self.message)

        self.next_action = QAction(self)
        self.next_action.setShortcut(QKeySequence("F2"))
        self.next_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.next_action.triggered.connect(self.take_next)
        self.objections_action = QAction(self)
        self.objections_action.setShortcuts([QKeySequence("F3"), QKeySequence("Ctrl+O")])
        self.objections_action.triggered.connect(self.open_objections)
        self.save_action = QAction(self)
        self.save_action.setShortcut(QKeySequence("Ctrl+S"))
        self.save_action.triggered.connect(self.save)
        self.book_action = QAction(self)
        self.book_action.setShortcut(QKeySequence("Ctrl+B"))
        self.book_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.book_action.triggered.connect(self.open_booking)
        self.addActions(
            [self.next_action, self.objections_action, self.save_action, self.book_action]
        )

        self.autosave = DraftAutosave(self.store, self.current_draft, self)
        self.retry_timer = QTimer(self)
        self.retry_timer.setInterval(RETRY_MILLISECONDS)
        self.retry_timer.timeout.connect(self.retry_pending_saves)
        self.keepalive = QTimer(self)
        self.keepalive.setInterval(CLAIM_KEEPALIVE_MILLISECONDS)
        self.keepalive.timeout.connect(self._keep_claim)

        self.retranslate()
        self._start()

    # --- start-up -------------------------------------------------------------------------

    def _start(self) -> None:
        try:
            self._status = self.statuses.status_of(self.context.actor.user_id)
            self.queue_panel.set_filters(queue_filters(self.context.database))
        except Exception as error:
            if not is_connection_error(error):
                raise
            self.show_connection_lost()
        if self._status is OperatorStatus.IN_CALL:
            self._status = OperatorStatus.AFTER_CALL  # the previous run ended mid-call
        self._show_status()
        self.queue_panel.start_polling()
        self._listen_for_queue_changes()
        self._offer_unfinished_call()
        if self.pending.pending(self.context.actor):
            self.show_connection_lost()
        QTimer.singleShot(CALENDAR_PRELOAD_MS, self, self._calendar_services)

    def _calendar_services(self) -> CalendarServices:
        """Booking, reminders and attendance, wired so a booking plans its reminders."""
        if self._calendar is None:
            from operator_app.core.calendar.attendance import calendar_services
            from operator_app.core.messaging.outbox import Outbox

            database = self.context.database
            self._calendar = calendar_services(database, Outbox(database))
        return self._calendar

    @property
    def calendar(self) -> CalendarServices:
        return self._calendar_services()

    @property
    def calendar_calls(self) -> CalendarCallService:
        if self._calendar_calls is None:
            from operator_app.core.calendar.calendar_calls import CalendarCallService

            self._calendar_calls = CalendarCallService(self.context.database, self.calendar)
        return self._calendar_calls

    def _listen_for_queue_changes(self) -> None:
        """PostgreSQL tells us when colleagues change the queue; SQLite is polled."""
        if self.context.database.backend != "postgresql":
            return
        listener = QueueChangeListener(self.context.database.url)
        self.listener = listener
        self.queue_panel.follow(listener)
        # Destroyed without being closed (a crash in tests, deleteLater): the thread goes too.
        self.destroyed.connect(listener.stop)
        listener.start_listening()

    def _stop_listening(self) -> None:
        if self.listener is not None:
            self.listener.stop()

    def end_session(self) -> None:
        """The operator signs out or the app closes: stop listening and go offline."""
        self._stop_listening()
        self.keepalive.stop()
        self.retry_timer.stop()
        self.queue_panel.poll.stop()
        if self.call is not None:
            self.autosave.flush()
        try:
            self.statuses.set_status(self.context.actor, OperatorStatus.OFFLINE)
        except Exception as error:  # the next sign-in starts from whatever was recorded
            log.info("the offline status could not be recorded: %s", error)
        self._status = OperatorStatus.OFFLINE

    def _offer_unfinished_call(self) -> None:
        actor = self.context.actor
        drafts = [
            draft
            for draft in self.store.load_all()
            if not draft.pending and draft.operator_id in (None, actor.user_id)
        ]
        self._offered = drafts[0] if drafts else None
        if self._offered is None:
            self.restore_banner.setVisible(False)
            return
        name = str(self._offered.dialogue_state.get("client_name") or "—")
        started = self._offered.started_at.astimezone().strftime("%H:%M")
        self.restore_banner.show_message(
            self.tr("You have an unfinished call with {name} from {time} — restore?").format(
                name=name, time=started
            )
        )

    def restore_offered(self) -> None:
        draft = self._offered
        if draft is None or self.call is not None or self.claim_task is not None:
            return
        task_id = draft.dialogue_state.get("calendar_task_id")
        from operator_app.core.calendar.calendar_calls import load_calendar_call

        try:
            card = load_call_card(
                self.context.database,
                draft.lead_id,
                operator_id=self.context.actor.user_id,
                script_version_id=draft.script_version_id,
            )
            dispositions = tuple(dispositions_for(self.context.database, card.campaign_id))
            calendar = (
                load_calendar_call(self.context.database, task_id)
                if isinstance(task_id, int)
                else None
            )
        except Exception as error:
            self._show_failure(error)
            return
        self.restore_banner.setVisible(False)
        self._offered = None
        try:
            self.queue.extend_claim(self.context.actor, draft.lead_id)
        except Exception as error:  # the call is still saved; the claim only keeps others off
            log.info("the restored call's claim could not be renewed: %s", error)
        self._open(card, draft, dispositions, calendar)

    def discard_offered(self) -> None:
        draft = self._offered
        if draft is None:
            return
        self.store.discard(draft.client_uuid)
        try:
            self.queue.release(self.context.actor, draft.lead_id)
        except Exception as error:
            log.info("the discarded call's claim could not be released: %s", error)
        self._offer_unfinished_call()

    # --- status and the next client -------------------------------------------------------

    def set_status(self, status: OperatorStatus, reason: str | None = None) -> None:
        try:
            self.statuses.set_status(self.context.actor, status, reason)
        except Exception as error:
            self._show_failure(error)
            self._show_status()
            return
        self._status = status
        self._show_status()
        self.queue_panel.refresh(force=True)
        if status is OperatorStatus.READY:
            self._warm_up_queue()

    def _warm_up_queue(self) -> None:
        """Once, off the UI thread: the first "next client" is then as quick as the rest
        (see QueueService.warm_up). A failure is left to the claim itself to report."""
        if self._queue_warmed:
            return
        self._queue_warmed = True
        queue, actor = self.queue, self.context.actor
        BackgroundTask(lambda _context: queue.warm_up(actor)).start()

    def take_next(self) -> None:
        """Claim the next client and load their card off the UI thread; F2 while it runs
        does nothing."""
        if self.call is not None or self._status is not OperatorStatus.READY:
            return
        if self.claim_task is not None:
            return
        database, actor, queue = self.context.database, self.context.actor, self.queue
        campaign_id, list_id = self.queue_panel.campaign_id(), self.queue_panel.list_id()

        # Imported here, on the UI thread, rather than by the worker.
        from operator_app.core.calendar.calendar_calls import load_calendar_call

        def work(_context: TaskContext) -> ClaimedCard | None:
            claimed = queue.claim_next(actor, campaign_id=campaign_id, list_id=list_id)
            if claimed is None:
                return None
            card = load_call_card(database, claimed.lead_id, operator_id=actor.user_id)
            calendar = None
            if claimed.bucket is Bucket.REMINDER and claimed.task_id is not None:
                calendar = load_calendar_call(database, claimed.task_id)
            dispositions = tuple(dispositions_for(database, card.campaign_id))
            return ClaimedCard(card, dispositions, calendar)

        task = BackgroundTask(work)  # no parent: see QueuePanel._background
        task.succeeded.connect(self._claimed)
        task.failed.connect(self._claim_failed)
        self.claim_task = task
        self._show_status()
        task.start()

    def _claimed(self, result: ClaimedCard | None) -> None:
        self.claim_task = None
        if self.call is not None:  # a restored call opened meanwhile; the claim expires
            self._show_status()
            return
        if result is None:
            self._show_status()
            self.message.setText(self.tr("Nobody to call right now. The queue is empty."))
            return
        self.message.clear()
        self._open(result.card, None, result.dispositions, result.calendar)

    def _claim_failed(self, error: BaseException) -> None:
        self.claim_task = None
        self._show_status()
        self._show_failure(error)

    # --- the open call --------------------------------------------------------------------

    def _open(
        self,
        card: CallCard,
        draft: CallDraft | None,
        dispositions: tuple[DispositionInfo, ...],
        calendar: CalendarCall | None = None,
    ) -> None:
        operator_name = self.context.actor.display_name
        session: DialogueSession | None = None
        free_text = ""
        if card.script is not None:
            context = card.placeholders(operator_name)
            saved = draft.dialogue_state.get("session") if draft is not None else None
            if isinstance(saved, dict):
                try:
                    session = DialogueSession.from_dict(card.script, saved, context)
                except DialogueError as error:
                    log.warning("the saved dialogue could not be restored: %s", error)
            if session is None:
                session = DialogueSession(card.script, context)
            if draft is not None:
                free_text = str(draft.dialogue_state.get("free_text") or "")
        first_phone = card.phones[0].phone_id if card.phones else None
        self.call = OpenCall(
            card=card,
            client_uuid=draft.client_uuid if draft is not None else str(uuid.uuid4()),
            started_at=draft.started_at if draft is not None else dt.datetime.now(dt.UTC),
            phone_id=draft.phone_id if draft is not None else first_phone,
            session=session,
            calendar=calendar,
        )
        self.card_view.show_card(card, dispositions)
        self.script_panel.set_session(session, free_text)
        saved_answers = draft.dialogue_state.get("verification") if draft is not None else None
        self.details.open_lead(
            card.lead_id, card.script, saved_answers if isinstance(saved_answers, dict) else None
        )
        self.details.setCurrentWidget(self.card_view)  # every call starts on its card
        if card.script is None:
            self.script_panel.say.setText(self.tr("This campaign has no call script."))
        self.outcome_panel.set_dispositions(list(dispositions))
        self.outcome_panel.clear()
        if draft is not None:
            self._fill_outcome(draft)
        # A calendar call ends with what happened to the visit, not with a disposition.
        self.calendar_panel.show_call(calendar)
        self.calendar_panel.setVisible(calendar is not None)
        self.outcome_panel.setVisible(calendar is None)
        self.timer.reset(draft.talk_seconds if draft is not None else 0)
        if draft is None or bool(draft.dialogue_state.get("timer_running", True)):
            self.timer.start()
        self.pages.setCurrentIndex(1)
        self._status = OperatorStatus.IN_CALL
        self._record_status(OperatorStatus.IN_CALL)
        self._show_status()
        self.keepalive.start()
        self.autosave.flush()  # the call exists on disk from its first second
        if self.script_panel.answer_buttons:
            self.script_panel.answer_buttons[0].setFocus()

    def _fill_outcome(self, draft: CallDraft) -> None:
        panel = self.outcome_panel
        panel.select(draft.disposition)
        if draft.callback_at is not None:
            panel.set_callback_time(draft.callback_at)
        panel.reason.setText(draft.reason or "")
        panel.notes.setPlainText(draft.notes)

    def current_draft(self) -> CallDraft | None:
        call = self.call
        if call is None:
            return None
        session = call.session
        outcome = self.outcome_panel
        info = outcome.selected()
        state: dict[str, Any] = {
            "session": session.to_dict() if session is not None else None,
            "client_name": call.card.client_name,
            "free_text": self.script_panel.free_text.text(),
            "timer_running": self.timer.running,
            "verification": self.details.draft_answers(),
        }
        if call.calendar is not None:
            state["calendar_task_id"] = call.calendar.task_id
        return CallDraft(
            client_uuid=call.client_uuid,
            lead_id=call.card.lead_id,
            started_at=call.started_at,
            updated_at=dt.datetime.now(dt.UTC),
            operator_id=self.context.actor.user_id,
            phone_id=call.phone_id,
            script_version_id=call.card.script_version_id,
            talk_seconds=self.timer.seconds(),
            notes=outcome.notes.toPlainText(),
            disposition=info.code if info is not None else None,
            reason=outcome.reason.text().strip() or None,
            callback_at=outcome.callback_time(),
            last_step_id=session.current_step.id if session is not None else None,
            dialogue_state=state,
            answers=tuple(session.captured()) if session is not None else (),
        )

    def _changed(self) -> None:
        if self.call is not None:
            self.autosave.touch()

    def _phone_dialled(self, phone_id: int) -> None:
        if self.call is not None:
            self.call.phone_id = phone_id
            self.timer.start()
            self._changed()

    def open_objections(self) -> None:
        session = self.call.session if self.call is not None else None
        if session is None or self.objections_dialog is not None:
            return
        dialog = ObjectionsDialog(session.search_objections, self)
        self.objections_dialog = dialog
        dialog.finished.connect(self._objections_closed)
        dialog.open()

    def _objections_closed(self, result: int) -> None:
        dialog = self.objections_dialog
        self.objections_dialog = None
        if dialog is None:
            return
        if result == QDialog.DialogCode.Accepted and dialog.chosen_id is not None:
            self.script_panel.raise_objection(dialog.chosen_id)
        dialog.deleteLater()

    # --- saving ---------------------------------------------------------------------------

    def save(self) -> None:
        if self.call is None or self.save_task is not None:
            return
        if self.call.calendar is not None:
            self.calendar_panel.show_error(
                self.tr("Record how the call went with the buttons of «The visit».")
            )
            return
        problem = self.outcome_panel.validate()
        if problem is not None:
            self.outcome_panel.show_error(*problem)
            return
        self.timer.stop()
        draft = self.current_draft()
        assert draft is not None
        draft = replace(draft, ended_at=dt.datetime.now(dt.UTC))
        database, actor, pending = self.context.database, self.context.actor, self.pending
        self.autosave.cancel()

        def work(_context: TaskContext) -> SaveOutcome:
            return pending.save(database, actor, draft)

        task = BackgroundTask(work)  # no parent: see QueuePanel._background
        task.succeeded.connect(self._saved)
        task.failed.connect(self._save_failed)
        self.save_task = task
        self.outcome_panel.save_button.setEnabled(False)
        self.message.setText(self.tr("Saving…"))
        task.start()

    def _saved(self, outcome: SaveOutcome) -> None:
        self.save_task = None
        self.outcome_panel.save_button.setEnabled(True)
        if outcome.saved:
            self.message.setText(self.tr("The call was saved."))
        else:
            self.message.setText(self.tr("The call is kept on this computer until it is saved."))
            self.show_connection_lost()
        self._close_call()

    def _save_failed(self, error: BaseException) -> None:
        self.save_task = None
        self.outcome_panel.save_button.setEnabled(True)
        self.message.clear()
        if isinstance(error, OperatorAppError):
            field = str(getattr(error, "field", ""))
            self.outcome_panel.show_error(field, str(error))
            self.autosave.touch()
            return
        self._show_failure(error)

    def _close_call(self) -> None:
        self.autosave.cancel()
        self.keepalive.stop()
        self.call = None
        self.card_view.card = None
        self.script_panel.set_session(None)
        self.outcome_panel.clear()
        self.details.clear()
        self.calendar_panel.show_call(None)
        self.calendar_panel.setVisible(False)
        self.outcome_panel.setVisible(True)
        self.timer.reset()
        self.pages.setCurrentIndex(0)
        self._status = OperatorStatus.READY
        self._record_status(OperatorStatus.READY)
        self._show_status()
        self.queue_panel.refresh(force=True)
        self.queue_panel.next_button.setFocus()

    def _keep_claim(self) -> None:
        if self.call is None:
            return
        try:
            self.queue.extend_claim(self.context.actor, self.call.card.lead_id)
        except Exception as error:
            log.info("the claim could not be renewed: %s", error)

    # --- booking a visit and the calendar's calls -----------------------------------------

    def open_booking(self) -> None:
        """Ctrl+B: book a visit for the client on the line; in a confirmation call, move the
        visit ("wants another time")."""
        call = self.call
        if call is None or self.booking_dialog is not None or self.calendar_task is not None:
            return
        card = call.card
        moving = (
            call.calendar if call.calendar is not None and call.calendar.is_confirmation else None
        )
        from operator_app.gui.call.booking_dialog import BookingDialog, BookingTarget

        target = BookingTarget(
            lead_id=card.lead_id,
            contact_id=card.contact_id,
            client_name=card.client_name,
            client_zone=card.zone,
            zone_guessed=card.zone_guessed,
            visit_id=moving.visit_id if moving is not None else None,
        )
        submit = None
        if moving is not None and moving.visit_id is not None:
            service, actor, timing = self.calendar_calls, self.context.actor, self._timing()
            task_id, visit_id = moving.task_id, moving.visit_id

            def submit(choice: BookingChoice) -> CalendarCallResult:
                return service.reschedule(
                    actor, task_id, visit_id, choice.resource_id, choice.starts_at, timing()
                )

        dialog = BookingDialog(
            self.context.database,
            self.context.actor,
            self.calendar.booking,
            target,
            submit,
            self,
        )
        self.booking_dialog = dialog
        dialog.booked.connect(self._visit_booked)
        dialog.finished.connect(self._booking_closed)
        dialog.open()

    def _booking_closed(self, _result: int) -> None:
        dialog = self.booking_dialog
        self.booking_dialog = None
        if dialog is not None:
            dialog.deleteLater()

    def _visit_booked(self, visit: object) -> None:
        from operator_app.core.calendar.booking import BookedVisit
        from operator_app.core.calendar.calendar_calls import CalendarCallResult

        if isinstance(visit, CalendarCallResult):  # a confirmation call moved the visit
            self._calendar_call_ended(visit)
            return
        assert isinstance(visit, BookedVisit)
        client = visit.starts_at.astimezone(zoneinfo.ZoneInfo(visit.client_time_zone))
        office = visit.starts_at.astimezone(zoneinfo.ZoneInfo(visit.office_time_zone))
        text = self.tr("Visit booked: {client} client's time, {office} office time.").format(
            client=when_text(client), office=when_text(office)
        )
        self.outcome_panel.show_booked_visit(text)
        self.message.setText(text)
        if self.call is not None and self.call.calendar is None:
            self.outcome_panel.select(OutcomeCode.VISIT_BOOKED.value)
        self.autosave.touch()

    def _timing(self) -> Callable[[], CallTiming]:
        """The open call's timing, completed at the moment the worker records it."""
        call = self.call
        assert call is not None
        talked = self.timer.seconds()
        running = self.timer.running
        since = dt.datetime.now(dt.UTC)
        from operator_app.core.calendar.calendar_calls import CallTiming

        def timing() -> CallTiming:
            ended = dt.datetime.now(dt.UTC)
            extra = int((ended - since).total_seconds()) if running else 0
            return CallTiming(
                client_uuid=call.client_uuid,
                lead_id=call.card.lead_id,
                phone_id=call.phone_id,
                started_at=call.started_at,
                ended_at=max(ended, call.started_at),
                talk_seconds=talked + max(extra, 0),
            )

        return timing

    def record_calendar_result(self, result: str, note: str) -> None:
        call = self.call
        if call is None or call.calendar is None:
            return
        service, actor, timing = self.calendar_calls, self.context.actor, self._timing()
        task_id = call.calendar.task_id
        chosen = ConfirmationResult(result)
        self._run_calendar(
            lambda: service.record_confirmation(actor, task_id, chosen, timing(), note=note or None)
        )

    def complete_calendar_call(self, note: str) -> None:
        call = self.call
        if call is None or call.calendar is None:
            return
        service, actor, timing = self.calendar_calls, self.context.actor, self._timing()
        task_id = call.calendar.task_id
        self._run_calendar(lambda: service.complete(actor, task_id, timing(), note=note or None))

    def take_freed_slot(self, note: str) -> None:
        call = self.call
        calendar = call.calendar if call is not None else None
        if calendar is None or calendar.visit_id is None:
            return
        service, actor, timing = self.calendar_calls, self.context.actor, self._timing()
        task_id, visit_id = calendar.task_id, calendar.visit_id
        self._run_calendar(
            lambda: service.take_freed_slot(actor, task_id, visit_id, timing(), note=note or None)
        )

    def _run_calendar(self, work: Callable[[], CalendarCallResult]) -> None:
        if self.calendar_task is not None:
            return
        self.timer.stop()
        self.calendar_panel.set_busy(True)
        self.message.setText(self.tr("Saving…"))
        self.calendar_task = run_in_background(
            self, work, self._calendar_call_ended, self._calendar_call_failed
        )

    def _calendar_call_ended(self, result: CalendarCallResult) -> None:
        self.calendar_task = None
        call = self.call
        text = outcome_text(result)
        self._close_call()
        if call is not None:
            self.store.discard(call.client_uuid)
        self.message.setText(text)

    def _calendar_call_failed(self, error: BaseException) -> None:
        self.calendar_task = None
        self.calendar_panel.set_busy(False)
        self.message.clear()
        if is_connection_error(error):
            self.show_connection_lost()
        self.calendar_panel.show_error(failure_text(error))
        self.timer.start()

    # --- lost connection ------------------------------------------------------------------

    def show_connection_lost(self) -> None:
        self.connection_banner.show_message(
            self.tr(
                "No connection to the database — your work is kept on this computer and will "
                "be saved when the connection returns."
            )
        )
        self.retry_timer.start()

    def retry_pending_saves(self) -> None:
        if self.retry_task is not None:
            return
        database, actor, pending, queue = (
            self.context.database,
            self.context.actor,
            self.pending,
            self.queue,
        )

        def work(_context: TaskContext) -> RetryReport:
            report = pending.retry_pending(database, actor)
            if report.all_sent:
                queue.queue_version()  # is the database reachable at all?
            return report

        task = BackgroundTask(work)  # no parent: see QueuePanel._background
        task.succeeded.connect(self._retried)
        task.failed.connect(self._retry_failed)
        self.retry_task = task
        task.start()

    def _retried(self, report: RetryReport) -> None:
        self.retry_task = None
        if not report.all_sent:
            return
        self.retry_timer.stop()
        self.connection_banner.setVisible(False)
        if report.saved:
            self.message.setText(
                self.tr("The connection is back: %n saved call(s) sent.", "", len(report.saved))
            )
        if report.refused:
            self.message.setText(
                self.tr("A kept call could not be saved: {problem}").format(
                    problem=report.refused[0][1]
                )
            )
        self._record_status(self._status)
        self.queue_panel.refresh(force=True)

    def _retry_failed(self, error: BaseException) -> None:
        self.retry_task = None
        log.info("the database is still unreachable: %s", error)

    # --- helpers --------------------------------------------------------------------------

    def _record_status(self, status: OperatorStatus) -> None:
        try:
            self.statuses.set_status(self.context.actor, status)
        except Exception as error:
            log.info("the status could not be recorded: %s", error)
            if is_connection_error(error):
                self.show_connection_lost()

    def _show_status(self) -> None:
        claiming = self.claim_task is not None
        self.queue_panel.show_status(self._status, self.call is not None, claiming=claiming)
        self.next_action.setEnabled(
            self._status is OperatorStatus.READY and self.call is None and not claiming
        )
        if self._status is OperatorStatus.READY:
            self.idle.setText(self.tr("Press F2 or «Next client» to take the next client."))
        else:
            self.idle.setText(
                self.tr("Choose Ready, then press F2 or «Next client» to take the next client.")
            )

    def _show_failure(self, error: BaseException) -> None:
        if is_connection_error(error):
            self.show_connection_lost()
            return
        if isinstance(error, OperatorAppError):
            self.message.setText(str(error))
            return
        raise error

    def retranslate(self) -> None:
        self.restore_button.setText(self.tr("Restore"))
        self.discard_button.setText(self.tr("Discard"))
        self.next_action.setText(self.tr("Next client"))
        self.objections_action.setText(self.tr("Objections"))
        self.save_action.setText(self.tr("Save the call"))
        self.book_action.setText(self.tr("Book a visit…"))
        self._show_status()
        if self.connection_banner.isVisible():
            self.show_connection_lost()
        if self._offered is not None:
            self._offer_unfinished_call()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._stop_listening()
        super().closeEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        # Closing or signing out: what was typed in the last moments reaches the draft too.
        if self.call is not None:
            self.autosave.flush()
        super().hideEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
