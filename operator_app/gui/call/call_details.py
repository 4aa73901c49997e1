"""The call's verification and "who is on the line" tabs, with the hand-off action.

`CallDetails` loads what the panels need for the open lead in the background, keeps the
verification form in step with the script panel, and passes the company chosen on the
company card to the contact.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QTabWidget, QVBoxLayout, QWidget

from operator_app.core.companies import CompanyService, CompanyView
from operator_app.core.consent import ConsentService
from operator_app.core.contacts import ContactService
from operator_app.core.lead_overview import LeadExtras, load_lead_extras
from operator_app.core.roles import Actor
from operator_app.core.scripts_format import ScriptDocument
from operator_app.core.verification.service import VerificationService, VerificationView
from operator_app.gui.call.company_panel import CompanyPanel
from operator_app.gui.call.contact_panel import ContactPanel
from operator_app.gui.call.handoff_dialog import HandoffControl
from operator_app.gui.call.script_panel import ScriptPanel
from operator_app.gui.call.verification_panel import VerificationPanel
from operator_app.gui.tasks import BackgroundTask, TaskContext
from operator_app.storage.database import Database
from operator_app.storage.repositories.call_queries import is_connection_error

__all__ = ["CallDetails"]

_SUGGESTED_STYLE = "text-align: left; padding: 6px; border: 2px solid #137333;"


def _scrolled(*widgets: QWidget) -> QScrollArea:
    page = QWidget()
    layout = QVBoxLayout(page)
    for widget in widgets:
        layout.addWidget(widget)
    layout.addStretch(1)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(page)
    return scroll


class CallDetails(QTabWidget):
    changed = Signal()  # something typed on a tab (for the draft autosave)
    loaded = Signal()  # the open lead's panels are filled

    def __init__(self, database: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("callDetails")
        self.database = database
        self.actor = actor
        self.lead_id: int | None = None
        self.extras: LeadExtras | None = None
        self.load_task: BackgroundTask | None = None
        self.script_panel: ScriptPanel | None = None
        self._script: ScriptDocument | None = None
        self._draft_answers: Mapping[str, object] = {}

        self.verification = VerificationPanel(VerificationService(database), actor)
        self.handoff = HandoffControl(database, actor)
        self.company = CompanyPanel(CompanyService(database), actor)
        self.contact = ContactPanel(ContactService(database), ConsentService(database), actor)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.verification.saved.connect(self._verified)
        self.verification.changed.connect(self.changed)
        self.company.saved.connect(self._company_chosen)
        self.company.changed.connect(self.changed)
        self.contact.changed.connect(self.changed)
        self._client_page: QWidget | None = None
        self._verification_page = _scrolled(self.verification, self.handoff, self.message)
        self._who_page = _scrolled(self.company, self.contact)
        self.addTab(self._verification_page, "")
        self.addTab(self._who_page, "")
        self.retranslate()
        self.clear()

    # --- the open lead --------------------------------------------------------------------

    def open_lead(
        self,
        lead_id: int,
        script: ScriptDocument | None,
        draft_answers: Mapping[str, object] | None = None,
    ) -> None:
        """Load the lead's criteria, verification, contact and company in the background."""
        self.clear()
        self.lead_id = lead_id
        self._script = script
        self._draft_answers = dict(draft_answers or {})
        database, actor = self.database, self.actor

        def work(_context: TaskContext) -> LeadExtras:
            return load_lead_extras(database, actor, lead_id)

        task = BackgroundTask(work, parent=self)
        task.succeeded.connect(self._loaded)
        task.failed.connect(self._load_failed)
        self.load_task = task
        self.message.setText(self.tr("Loading the verification form…"))
        task.start()

    def _loaded(self, extras: LeadExtras) -> None:
        self.load_task = None
        if extras.lead_id != self.lead_id:
            return  # the call closed or another one opened meanwhile
        self.extras = extras
        self.message.clear()
        self.verification.set_lead(extras.lead_id, extras.criteria, self._script, extras.latest)
        self._apply_script()
        # The draft holds the form as last typed, corrections of the script's answers too.
        for criterion_id, value in self._draft_answers.items():
            if isinstance(value, bool | int | float | str):
                self.verification.set_answer(criterion_id, value)
        self.company.load(extras.company, extras.campaign_id, extras.b2b)
        self.contact.load(extras.contact, extras.consents)
        self.handoff.set_lead(
            extras.lead_id,
            two_step=extras.two_step,
            verdict=extras.latest.verdict if extras.latest is not None else None,
        )
        self.loaded.emit()

    def _load_failed(self, error: BaseException) -> None:
        self.load_task = None
        if is_connection_error(error):
            self.message.setText(self.tr("No connection to the database: the form is not loaded."))
            return
        self.message.setText(str(error))

    def clear(self) -> None:
        self.lead_id = None
        self.extras = None
        self._script = None
        self._draft_answers = {}
        self.verification.set_lead(None, None)
        self.company.load(None, None, False)
        self.contact.load(None, None)
        self.handoff.set_lead(None, two_step=False, verdict=None)
        self.message.clear()

    def draft_answers(self) -> dict[str, object]:
        """The form's answers as typed, JSON-safe, for the call draft."""
        return self.verification.raw_answers() if self.extras is not None else {}

    # --- the script -----------------------------------------------------------------------

    def follow(self, script_panel: ScriptPanel) -> None:
        """Fill the form from this script panel, and mark there the answer the form means."""
        self.script_panel = script_panel
        script_panel.changed.connect(self._apply_script)
        self.verification.script_answer_suggested.connect(self.mark_script_answer)

    def _apply_script(self) -> None:
        panel = self.script_panel
        if panel is None or self.extras is None:
            return
        session = panel.session
        self.verification.apply_script_answers(session.captured() if session is not None else [])

    def mark_script_answer(self, step_id: str, label: str) -> None:
        """Outline the answer button meaning the form's value, when that step is on screen."""
        panel = self.script_panel
        session = panel.session if panel is not None else None
        if panel is None or session is None or session.current_step.id != step_id:
            return
        for button in panel.answer_buttons:
            suggested = button.text().split(". ", 1)[-1] == label
            button.setProperty("suggested", suggested)
            button.setStyleSheet(
                _SUGGESTED_STYLE if suggested else "text-align: left; padding: 6px;"
            )

    # --- between the panels ---------------------------------------------------------------

    def _verified(self, view: VerificationView) -> None:
        self.handoff.set_verdict(view.verdict)
        self.changed.emit()

    def _company_chosen(self, company: CompanyView) -> None:
        self.contact.set_company(company.company_id)

    def add_client_page(self, page: QWidget) -> None:
        """The call card goes first: a narrow screen then shows card, form or contact in one
        column beside the script. Ctrl+1, Ctrl+2 and Ctrl+3 switch between them."""
        self._client_page = page
        self.insertTab(0, page, "")
        self.setCurrentIndex(0)
        for number in range(self.count()):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{number + 1}"), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(lambda index=number: self.setCurrentIndex(index))
        self.retranslate()

    def retranslate(self) -> None:
        if self._client_page is not None:
            self.setTabText(self.indexOf(self._client_page), self.tr("Client (Ctrl+1)"))
        numbered = self._client_page is not None
        self.setTabText(
            self.indexOf(self._verification_page),
            self.tr("Verification (Ctrl+2)") if numbered else self.tr("Verification"),
        )
        self.setTabText(
            self.indexOf(self._who_page),
            self.tr("Who is on the line (Ctrl+3)") if numbered else self.tr("Who is on the line"),
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
