"""Imported lead lists: each hypothesis and what its import brought in."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from operator_app.core.errors import OperatorAppError
from operator_app.core.lists import ListSummary, list_summaries
from operator_app.gui.context import WorkspaceContext
from operator_app.gui.error_text import error_text
from operator_app.gui.models.lead_lists import LeadListTableModel
from operator_app.gui.widgets.data_table import DataTable
from operator_app.gui.widgets.empty_state import EmptyState
from operator_app.gui.widgets.inline_error import InlineError
from operator_app.gui.widgets.page_title import page_title
from operator_app.gui.widgets.table_export import install_table_export

log = logging.getLogger(__name__)


class LeadListsPanel(QWidget):
    def __init__(
        self,
        context: WorkspaceContext,
        import_action: QAction | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("leadListsPanel")
        self._context = context
        self._import_action = import_action

        self._title = page_title()
        self._filter = QLineEdit()
        self._filter.setClearButtonEnabled(True)
        self._filter.setMinimumWidth(280)
        self._filter.setMaximumWidth(360)
        self._import_button = QToolButton()
        self._import_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        if import_action is not None:
            self._import_button.setDefaultAction(import_action)
        self._import_button.setVisible(import_action is not None)
        self._refresh_button = QPushButton()
        self._refresh_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self._refresh_button.clicked.connect(self.refresh)

        self.model = LeadListTableModel(self)
        self.table: DataTable[ListSummary] = DataTable(self.model, "lead_lists")
        install_table_export(self.table, lambda: self.tr("Lead lists"))
        self._filter.textChanged.connect(self.table.set_filter_text)
        self._empty = EmptyState("lists")
        if import_action is not None:
            self._empty.button.setVisible(True)
            self._empty.button.clicked.connect(import_action.trigger)
        self._pages = QStackedWidget()
        self._pages.addWidget(self.table)
        self._pages.addWidget(self._empty)
        self._error = InlineError()

        bar = QHBoxLayout()
        bar.addWidget(self._title)
        bar.addStretch(1)
        bar.addWidget(self._filter)
        bar.addWidget(self._refresh_button)
        bar.addWidget(self._import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self._error)
        layout.addWidget(self._pages, 1)
        self.retranslate()
        self.refresh()

    def retranslate(self) -> None:
        self._title.setText(self.tr("Lead lists"))
        self._filter.setPlaceholderText(self.tr("Filter by name, campaign, hypothesis…"))
        self._refresh_button.setText(self.tr("Refresh"))
        self._refresh_button.setToolTip(self.tr("Load the lists again (F5)"))
        body = self.tr(
            "A list (a lead base) is a file of potential clients with a hypothesis: why "
            "exactly these people should buy. Import a CSV or Excel file to start calling it "
            "and to compare how the lists convert."
        )
        if self._import_action is None:
            body += " " + self.tr("Lists are imported by a supervisor or an administrator.")
        self._empty.set_texts(self.tr("No lead lists yet"), body)
        self._empty.button.setText(self.tr("Import list…"))
        self.model.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def refresh(self) -> None:
        try:
            rows = list_summaries(self._context.database, self._context.actor)
        except OperatorAppError as error:
            self._error.show_error(error_text(error))
            return
        except SQLAlchemyError as error:
            log.exception("loading the lead lists failed")
            self._error.show_error(
                self.tr("The lists could not be loaded from the database: {error}").format(
                    error=error.__class__.__name__
                )
            )
            return
        self._error.clear_error()
        self.model.set_rows(rows)
        self._pages.setCurrentWidget(self.table if rows else self._empty)
        self._filter.setEnabled(bool(rows))
        if rows:
            self.table.fit_columns()

    def show_list(self, list_id: int) -> None:
        self.refresh()
        self._filter.clear()
        self.table.select_where(lambda row: row.id == list_id)

    def showing_empty_state(self) -> bool:
        return self._pages.currentWidget() is self._empty
