"""Each role lands on its own workspace: what it is, and how it is put together."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QEvent
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QTabWidget, QWidget

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
            "review": self.tr("Review"),
            "editors": self.tr("Editors"),
            "arbitration": self.tr("Arbitration"),
            "criteria": self.tr("Criteria"),
            "incoming": self.tr("Incoming leads"),
            "calendar": self.tr("Calendar"),
            "outbox": self.tr("Messages to clients"),
            "templates": self.tr("Message templates"),
            "channels": self.tr("Message channels"),
            "offices": self.tr("Offices and resources"),
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
        page = self.widget(self._titles.index(key))
        assert page is not None
        return page


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
        from operator_app.gui.panels.placeholders import EditorsPage, ReviewPage

        tabs.add_page(LeadListsPanel(context, import_action), "lists")
        _add_supervision_pages(tabs, context)
        tabs.add_page(CalendarPage(context), "calendar")
        tabs.add_page(OutboxPage(context), "outbox")
        tabs.add_page(TemplatesPage(context), "templates")
        tabs.add_page(ReviewPage(), "review")
        tabs.add_page(EditorsPage(), "editors")
    else:
        from operator_app.gui.panels.campaigns import CampaignsPanel
        from operator_app.gui.panels.database import DatabasePanel
        from operator_app.gui.panels.users import UsersPanel

        tabs.add_page(UsersPanel(context), "users")
        tabs.add_page(LeadListsPanel(context, import_action), "lists")
        tabs.add_page(CampaignsPanel(context), "campaigns")
        from operator_app.gui.calendar_setup import CalendarSetupPage
        from operator_app.gui.messaging.channel_settings_page import ChannelSettingsPage

        _add_supervision_pages(tabs, context)
        tabs.add_page(CalendarSetupPage(context), "offices")
        tabs.add_page(CalendarPage(context), "calendar")
        tabs.add_page(OutboxPage(context), "outbox")
        tabs.add_page(TemplatesPage(context), "templates")
        tabs.add_page(ChannelSettingsPage(context), "channels")
        tabs.add_page(DatabasePanel(context), "database")
    tabs.finish()
    return tabs


def _add_supervision_pages(tabs: WorkspaceTabs, context: WorkspaceContext) -> None:
    """Arbitration and the criteria editor, for whoever's role allows them."""
    if context.actor.can(Permission.ARBITRATE_HANDOFFS):
        from operator_app.gui.handoffs.arbitration import ArbitrationPage

        tabs.add_page(ArbitrationPage(context), "arbitration")
    if context.actor.can(Permission.EDIT_CRITERIA):
        from operator_app.gui.criteria.editor import CriteriaEditorPage

        tabs.add_page(CriteriaEditorPage(context), "criteria")
