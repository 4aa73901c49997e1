"""Each role lands on its own workspace: what it is, and how it is put together."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from PySide6.QtCore import QEvent
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from operator_app.core.roles import Permission, Role
from operator_app.gui.context import WorkspaceContext
from operator_app.gui.window_state import ui_state


class Workspace(StrEnum):
    QUEUE_AND_CALL = "queue_and_call"
    HANDOFFS_AND_CALENDAR = "handoffs_and_calendar"
    SUPERVISION = "supervision"
    ADMINISTRATION = "administration"


WORKSPACE_FOR_ROLE = {
    Role.OPERATOR: Workspace.QUEUE_AND_CALL,
    Role.SELLER: Workspace.HANDOFFS_AND_CALENDAR,
    Role.SUPERVISOR: Workspace.SUPERVISION,
    Role.ADMIN: Workspace.ADMINISTRATION,
}


class LazyPage(QWidget):
    """Stands in for a page until its tab is first shown: a supervisor's dozen pages are not
    all built (and loaded) at sign-in, only the ones they open."""

    def __init__(self, build: Callable[[], QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._build = build
        self._page: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def page(self) -> QWidget:
        if self._page is None:
            self._page = self._build()
            self._layout.addWidget(self._page)
            # A child added to a widget already on screen stays hidden until shown.
            self._page.show()
        return self._page

    def is_built(self) -> bool:
        return self._page is not None

    def showEvent(self, event: QShowEvent) -> None:
        self.page()
        super().showEvent(event)


class WorkspaceTabs(QTabWidget):
    """Tabs whose titles follow the language and whose last open tab is remembered."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setObjectName(f"{workspace.value}Workspace")
        self.setDocumentMode(True)
        self._titles: list[str] = []

    def add_page(self, page: QWidget, title_key: str) -> None:
        self._titles.append(title_key)
        self.addTab(page, "")

    def add_lazy_page(self, build: Callable[[], QWidget], title_key: str) -> None:
        self.add_page(LazyPage(build), title_key)

    def finish(self) -> None:
        self.retranslate()
        saved = ui_state().value(f"workspaces/{self.workspace.value}/tab")
        if isinstance(saved, str) and saved.isdigit() and int(saved) < self.count():
            self.setCurrentIndex(int(saved))
        self.currentChanged.connect(self._remember_tab)

    def retranslate(self) -> None:
        titles = {
            "users": self.tr("Users"),
            "lists": self.tr("Lead lists"),
            "campaigns": self.tr("Campaigns"),
            "database": self.tr("Database"),
            "arbitration": self.tr("Arbitration"),
            "criteria": self.tr("Criteria"),
            "incoming": self.tr("Incoming leads"),
            "calendar": self.tr("Calendar"),
            "outbox": self.tr("Messages to clients"),
            "templates": self.tr("Message templates"),
            "channels": self.tr("Message channels"),
            "offices": self.tr("Offices and resources"),
            "dashboard": self.tr("Dashboard"),
            "plans": self.tr("Plans and KPIs"),
            "call_review": self.tr("Call review"),
            "scripts": self.tr("Scripts"),
            "script_versions": self.tr("Script versions"),
        }
        for index, key in enumerate(self._titles):
            self.setTabText(index, titles[key])

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _remember_tab(self, index: int) -> None:
        ui_state().setValue(f"workspaces/{self.workspace.value}/tab", str(index))

    def page(self, key: str) -> QWidget:
        """The page itself (built now if its tab was never shown)."""
        page = self.widget(self._titles.index(key))
        assert page is not None
        return page.page() if isinstance(page, LazyPage) else page

    def first_page_with_unsaved_changes(self) -> int | None:
        """The index of a page holding edits not yet saved or published (editors say so
        through `has_changes()`); pages never opened hold none."""
        for index in range(self.count()):
            page = self.widget(index)
            if isinstance(page, LazyPage):
                if not page.is_built():
                    continue
                page = page.page()
            has_changes = getattr(page, "has_changes", None)
            if callable(has_changes) and has_changes():
                return index
        return None

    def show_page(self, key: str) -> QWidget:
        self.setCurrentIndex(self._titles.index(key))
        return self.page(key)


def build_workspace(
    context: WorkspaceContext, import_action: QAction | None, parent: QWidget | None = None
) -> QWidget:
    # Panels are imported here so start-up only pays for the workspace it shows.
    workspace = WORKSPACE_FOR_ROLE[context.actor.role]
    if workspace is Workspace.QUEUE_AND_CALL:
        from operator_app.gui.call.workspace import OperatorWorkspace

        return OperatorWorkspace(context, parent)
    from operator_app.gui.calendar.page import CalendarPage
    from operator_app.gui.messaging.outbox_page import OutboxPage

    tabs = WorkspaceTabs(workspace, parent)
    if workspace is Workspace.HANDOFFS_AND_CALENDAR:
        from operator_app.gui.handoffs.incoming import IncomingHandoffsPage

        tabs.add_page(IncomingHandoffsPage(context), "incoming")
        tabs.add_page(CalendarPage(context), "calendar")
        tabs.add_page(OutboxPage(context), "outbox")
        tabs.finish()
        return tabs

    from operator_app.gui.messaging.templates_page import TemplatesPage
    from operator_app.gui.panels.lead_lists import LeadListsPanel

    if workspace is Workspace.SUPERVISION:
        _add_review_pages(tabs, context)
        tabs.add_page(LeadListsPanel(context, import_action), "lists")
        _add_supervision_pages(tabs, context)
        tabs.add_page(CalendarPage(context), "calendar")
        tabs.add_page(OutboxPage(context), "outbox")
        tabs.add_page(TemplatesPage(context), "templates")
    else:
        from operator_app.gui.panels.campaigns import CampaignsPanel
        from operator_app.gui.panels.database import DatabasePanel
        from operator_app.gui.panels.users import UsersPanel

        tabs.add_page(UsersPanel(context), "users")
        tabs.add_page(LeadListsPanel(context, import_action), "lists")
        tabs.add_page(CampaignsPanel(context), "campaigns")
        from operator_app.gui.calendar_setup import CalendarSetupPage
        from operator_app.gui.messaging.channel_settings_page import ChannelSettingsPage

        _add_review_pages(tabs, context)
        _add_supervision_pages(tabs, context)
        tabs.add_page(CalendarSetupPage(context), "offices")
        tabs.add_page(CalendarPage(context), "calendar")
        tabs.add_page(OutboxPage(context), "outbox")
        tabs.add_page(TemplatesPage(context), "templates")
        tabs.add_page(ChannelSettingsPage(context), "channels")
        tabs.add_page(DatabasePanel(context), "database")
    tabs.finish()
    return tabs


def _add_review_pages(tabs: WorkspaceTabs, context: WorkspaceContext) -> None:
    """What supervisors decide from: figures, plans, reviewed calls, scripts and their tests.
    Built when first opened: each imports and loads only then."""

    def dashboard() -> QWidget:
        from operator_app.gui.dashboard.page import DashboardPage

        return DashboardPage(context)

    def plans() -> QWidget:
        from operator_app.gui.kpi.plans_page import PlansPage

        return PlansPage(context)

    def call_review() -> QWidget:
        from operator_app.gui.review.call_review_page import CallReviewPage

        return CallReviewPage(context)

    def scripts() -> QWidget:
        from operator_app.gui.script_editor.page import ScriptEditorPage

        return ScriptEditorPage(context)

    def script_versions() -> QWidget:
        from operator_app.gui.script_versions.page import ScriptVersionsPage

        return ScriptVersionsPage(context)

    if context.actor.can(Permission.VIEW_ALL_KPIS):
        tabs.add_lazy_page(dashboard, "dashboard")
        tabs.add_lazy_page(plans, "plans")
    if context.actor.can(Permission.REVIEW_CALLS):
        tabs.add_lazy_page(call_review, "call_review")
    if context.actor.can(Permission.EDIT_SCRIPTS):
        tabs.add_lazy_page(scripts, "scripts")
        tabs.add_lazy_page(script_versions, "script_versions")


def _add_supervision_pages(tabs: WorkspaceTabs, context: WorkspaceContext) -> None:
    """Arbitration and the criteria editor, for whoever's role allows them."""
    if context.actor.can(Permission.ARBITRATE_HANDOFFS):
        from operator_app.gui.handoffs.arbitration import ArbitrationPage

        tabs.add_page(ArbitrationPage(context), "arbitration")
    if context.actor.can(Permission.EDIT_CRITERIA):
        from operator_app.gui.criteria.editor import CriteriaEditorPage

        tabs.add_page(CriteriaEditorPage(context), "criteria")
