"""A person's scorecard for a period: plan, fact to date, attainment and what counts.

Operators see their own; supervisors and administrators choose the person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from operator_app.core.reports.kpi import MetricScore
from operator_app.core.reports.period import report_today
from operator_app.core.reports.plans import Person, PlanService, Scorecard
from operator_app.core.roles import Permission
from operator_app.gui.context import WorkspaceContext
from operator_app.gui.handoffs.background import failure_text
from operator_app.gui.kpi.loader import LatestOnly
from operator_app.gui.kpi.models import ScorecardLineModel
from operator_app.gui.kpi.period_picker import PeriodPicker
from operator_app.gui.kpi.texts import scorecard_summary
from operator_app.gui.widgets.data_table import DataTable
from operator_app.gui.widgets.inline_error import InlineError
from operator_app.gui.widgets.page_title import page_title
from operator_app.gui.widgets.table_export import install_table_export
from operator_app.storage.base import utcnow

__all__ = ["ScorecardPage"]


class ScorecardPage(QWidget):
    def __init__(
        self,
        context: WorkspaceContext,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("scorecardPage")
        self._context = context
        self._clock = clock
        self._service = PlanService(context.database)
        self._loads = LatestOnly(self)
        self._people_loads = LatestOnly(self)
        self._card: Scorecard | None = None
        self._sees_everyone = context.actor.can(Permission.VIEW_ALL_KPIS)

        self._title = page_title()
        self.person = QComboBox()
        self.person.setObjectName("scorecardPerson")
        self.person.setMinimumContentsLength(18)
        self.person.addItem(context.actor.display_name, context.actor.user_id)
        self.person.setVisible(self._sees_everyone)
        self.person.activated.connect(lambda _index: self.refresh())
        today = report_today(clock())
        self.period = PeriodPicker(today)
        self.period.changed.connect(self.refresh)
        self.refresh_button = QPushButton()
        self.refresh_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.refresh_button.clicked.connect(self.refresh)
        self.summary = QLabel()
        self.summary.setObjectName("scorecardSummary")
        self.model = ScorecardLineModel(self)
        self.table: DataTable[MetricScore] = DataTable(self.model, "kpi_scorecard")
        install_table_export(self.table, self._export_title)
        self.error = InlineError()

        bar = QHBoxLayout()
        bar.addWidget(self._title)
        bar.addStretch(1)
        bar.addWidget(self.person)
        bar.addWidget(self.period)
        bar.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.error)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self.retranslate()
        if self._sees_everyone:
            self._load_people()
        self.refresh()

    def retranslate(self) -> None:
        self._title.setText(
            self.tr("Scorecard") if self._sees_everyone else self.tr("My scorecard")
        )
        self.person.setToolTip(self.tr("Whose scorecard"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.refresh_button.setToolTip(self.tr("Load the figures again (F5)"))
        self.model.retranslate()
        self._show_summary()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _export_title(self) -> str:
        name = self.person.currentText() or self._context.actor.display_name
        return self.tr("Scorecard {person}").format(person=name)

    def is_busy(self) -> bool:
        return self._loads.is_busy() or self._people_loads.is_busy()

    def scorecard(self) -> Scorecard | None:
        return self._card

    def show_person(self, user_id: int) -> None:
        index = self.person.findData(user_id)
        if index >= 0:
            self.person.setCurrentIndex(index)
            self.refresh()

    # --- loading ------------------------------------------------------------------------------

    def _load_people(self) -> None:
        actor = self._context.actor
        self._people_loads.start(
            lambda: self._service.people(actor), self._people_loaded, self._failed
        )

    def _people_loaded(self, people: Any) -> None:
        chosen = self.person.currentData()
        self.person.clear()
        for person in people:
            assert isinstance(person, Person)
            self.person.addItem(person.name, person.user_id)
        index = self.person.findData(chosen)
        self.person.setCurrentIndex(max(index, 0))

    def refresh(self) -> None:
        actor = self._context.actor
        user_id = self.person.currentData()
        if not isinstance(user_id, int):
            user_id = actor.user_id
        period = self.period.period()
        now = self._clock()
        self._loads.start(
            lambda: self._service.scorecard(actor, user_id, period, now=now),
            self._loaded,
            self._failed,
        )

    def _loaded(self, card: Any) -> None:
        assert isinstance(card, Scorecard)
        self.error.clear_error()
        self._card = card
        self.model.set_rows(card.lines)
        self.table.fit_columns()
        self._show_summary()

    def _failed(self, error: BaseException) -> None:
        self.error.show_error(
            self.tr("The scorecard could not be loaded. {reason}").format(
                reason=failure_text(error)
            )
        )

    def _show_summary(self) -> None:
        card = self._card
        if card is None:
            self.summary.setText("")
        elif not card.lines:
            self.summary.setText(self.tr("No plans or KPI weights apply to this person yet."))
        else:
            self.summary.setText(scorecard_summary(card))
