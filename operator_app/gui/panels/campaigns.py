"""Campaigns: what is being sold, how, with which script, and how visits are reminded."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from operator_app.core.campaigns import CampaignSummary, campaign_summaries
from operator_app.core.errors import OperatorAppError
from operator_app.core.roles import Permission
from operator_app.gui.context import WorkspaceContext
from operator_app.gui.error_text import error_text
from operator_app.gui.models.campaigns import CampaignTableModel
from operator_app.gui.widgets.data_table import DataTable
from operator_app.gui.widgets.empty_state import EmptyState
from operator_app.gui.widgets.inline_error import InlineError
from operator_app.gui.widgets.page_title import page_title
from operator_app.gui.widgets.table_export import install_table_export

log = logging.getLogger(__name__)


class CampaignsPanel(QWidget):
    def __init__(self, context: WorkspaceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("campaignsPanel")
        self._context = context
        self._title = page_title()
        self._hint = QLabel()
        self._hint.setWordWrap(True)
        self.error = InlineError()
        self.model = CampaignTableModel(self)
        self.table: DataTable[CampaignSummary] = DataTable(self.model, "campaigns")
        install_table_export(self.table, lambda: self.tr("Campaigns"))
        self._empty = EmptyState("campaigns")
        self._pages = QStackedWidget()
        self._pages.addWidget(self.table)
        self._pages.addWidget(self._empty)
        self.reminder_plan_button = QPushButton()
        self.reminder_plan_button.setObjectName("reminderPlanButton")
        self.reminder_plan_button.setVisible(context.actor.can(Permission.MANAGE_CAMPAIGNS))
        self.reminder_plan_button.setEnabled(False)
        self.reminder_plan_button.clicked.connect(self.open_reminder_plan)
        selection = self.table.selectionModel()
        if selection is not None:
            selection.selectionChanged.connect(self._selection_changed)
        bar = QHBoxLayout()
        bar.addWidget(self._title)
        bar.addStretch(1)
        bar.addWidget(self.reminder_plan_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self._hint)
        layout.addWidget(self.error)
        layout.addWidget(self._pages, 1)
        self.retranslate()
        self.refresh()

    def retranslate(self) -> None:
        self._title.setText(self.tr("Campaigns"))
        self.reminder_plan_button.setText(self.tr("Reminder plan…"))
        self.reminder_plan_button.setToolTip(
            self.tr("When visits of the selected campaign are confirmed and reminded")
        )
        self._hint.setText(
            self.tr(
                "A campaign is what is being sold and how: one-step (the same person finds "
                "and sells) or two-step (a lead generator books the visit, a seller takes it "
                "from there). Campaign files (operator-app campaigns import) set everything "
                "else; the reminder plan of visits is edited here."
            )
        )
        self._empty.set_texts(
            self.tr("No campaigns yet"),
            self.tr(
                "Campaigns will be created and edited here in a later release. The demo "
                "workspace (operator-app demo) creates one to look at."
            ),
        )
        self.model.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def refresh(self) -> None:
        try:
            rows = campaign_summaries(self._context.database, self._context.actor)
        except OperatorAppError as error:
            self.error.show_error(error_text(error))
            return
        except SQLAlchemyError:
            log.exception("loading campaigns failed")
            self.error.show_error(self.tr("The campaigns could not be loaded from the database."))
            return
        self.error.clear_error()
        self.model.set_rows(rows)
        self._pages.setCurrentWidget(self.table if rows else self._empty)
        if rows:
            self.table.fit_columns()

    def _selection_changed(self) -> None:
        self.reminder_plan_button.setEnabled(self.table.selected_row() is not None)

    def open_reminder_plan(self) -> None:
        campaign = self.table.selected_row()
        if campaign is None:
            return
        from operator_app.gui.messaging.reminder_plan_dialog import ReminderPlanDialog

        dialog = ReminderPlanDialog(self._context, campaign.id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
