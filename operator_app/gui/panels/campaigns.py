"""Campaigns, read-only for now: what is being sold, how, and with which script."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget
from sqlalchemy.exc import SQLAlchemyError

from operator_app.core.campaigns import CampaignSummary, campaign_summaries
from operator_app.core.errors import OperatorAppError
from operator_app.gui.context import WorkspaceContext
from operator_app.gui.error_text import error_text
from operator_app.gui.models.campaigns import CampaignTableModel
from operator_app.gui.widgets.data_table import DataTable
from operator_app.gui.widgets.empty_state import EmptyState
from operator_app.gui.widgets.inline_error import InlineError
from operator_app.gui.widgets.page_title import page_title

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
        self._empty = EmptyState("campaigns")
        self._pages = QStackedWidget()
        self._pages.addWidget(self.table)
        self._pages.addWidget(self._empty)
        bar = QHBoxLayout()
        bar.addWidget(self._title)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self._hint)
        layout.addWidget(self.error)
        layout.addWidget(self._pages, 1)
        self.retranslate()
        self.refresh()

    def retranslate(self) -> None:
        self._title.setText(self.tr("Campaigns"))
        self._hint.setText(
            self.tr(
                "A campaign is what is being sold and how: one-step (the same person finds "
                "and sells) or two-step (a lead generator books the visit, a seller takes it "
                "from there). Editing campaigns arrives with a later release."
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
