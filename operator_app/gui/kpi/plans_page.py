"""The supervisor's plans and KPIs: everyone's scorecards, plans per person or role, and the
KPI weights and cut-offs per role. Loads and saves run off the UI thread."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.reports.kpi import MetricScore
from operator_app.core.reports.period import report_today
from operator_app.core.reports.plans import Person, PlanService, PlanView, Scorecard, WeightView
from operator_app.gui.context import WorkspaceContext
from operator_app.gui.handoffs.background import failure_text
from operator_app.gui.kpi.loader import LatestOnly
from operator_app.gui.kpi.models import PlanModel, ScorecardLineModel, ScorecardsModel
from operator_app.gui.kpi.period_picker import PeriodPicker
from operator_app.gui.kpi.plan_form import PlanForm
from operator_app.gui.kpi.texts import scorecard_summary
from operator_app.gui.kpi.weights_editor import WeightsEditor
from operator_app.gui.widgets.data_table import DataTable
from operator_app.gui.widgets.inline_error import InlineError
from operator_app.gui.widgets.page_title import page_title
from operator_app.gui.widgets.table_export import install_table_export
from operator_app.storage.base import utcnow

__all__ = ["PlansData", "PlansPage"]


@dataclass(frozen=True, slots=True)
class PlansData:
    scorecards: list[Scorecard]
    plans: list[PlanView]
    weights: list[WeightView]
    people: list[Person]


class PlansPage(QWidget):
    def __init__(
        self,
        context: WorkspaceContext,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("plansPage")
        self._context = context
        self._clock = clock
        self._service = PlanService(context.database)
        self._loads = LatestOnly(self)
        self._saves = LatestOnly(self)
        self._weights: list[WeightView] = []
        today = report_today(clock())

        self._title = page_title()
        self.period = PeriodPicker(today)
        self.period.changed.connect(self.refresh)
        self.refresh_button = QPushButton()
        self.refresh_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.refresh_button.clicked.connect(self.refresh)

        # Scorecards: everyone above, the chosen person's lines below.
        self.scorecards_model = ScorecardsModel(self)
        self.scorecards: DataTable[Scorecard] = DataTable(self.scorecards_model, "kpi_scorecards")
        self.scorecards.selectionModel().selectionChanged.connect(lambda *_: self._show_card())
        self.card_summary = QLabel()
        self.card_summary.setObjectName("plansCardSummary")
        self.lines_model = ScorecardLineModel(self)
        self.lines: DataTable[MetricScore] = DataTable(self.lines_model, "kpi_scorecard_lines")
        card_side = QWidget()
        card_layout = QVBoxLayout(card_side)
        card_layout.setContentsMargins(0, 0, 0, 0)
        card_layout.addWidget(self.card_summary)
        card_layout.addWidget(self.lines, 1)
        scorecards_tab = QSplitter(Qt.Orientation.Vertical)
        scorecards_tab.addWidget(self.scorecards)
        scorecards_tab.addWidget(card_side)

        # Plans: the table and the form that adds or changes one.
        self.plan_form = PlanForm(today)
        self.plan_form.add_requested.connect(lambda: self.save_plan(new=True))
        self.plan_form.save_requested.connect(lambda: self.save_plan(new=False))
        self.plan_form.delete_requested.connect(self.delete_plan)
        self.plans_model = PlanModel(self)
        self.plans: DataTable[PlanView] = DataTable(self.plans_model, "kpi_plans")
        self.plans.selectionModel().selectionChanged.connect(
            lambda *_: self.plan_form.set_selected(self.plans.selected_row())
        )
        plans_tab = QWidget()
        plans_layout = QVBoxLayout(plans_tab)
        plans_layout.addWidget(self.plans, 1)
        plans_layout.addWidget(self.plan_form)

        self.weights_editor = WeightsEditor()
        self.weights_editor.role_changed.connect(
            lambda: self.weights_editor.show_weights(self._weights)
        )
        self.weights_editor.save_requested.connect(self.save_weights)

        install_table_export(self.scorecards, lambda: self.tr("Scorecards"))
        install_table_export(self.lines, self._card_export_title)
        install_table_export(self.plans, lambda: self.tr("Plans"))

        self.tabs = QTabWidget()
        self.tabs.addTab(scorecards_tab, "")
        self.tabs.addTab(plans_tab, "")
        self.tabs.addTab(self.weights_editor, "")

        self.error = InlineError()
        bar = QHBoxLayout()
        bar.addWidget(self._title)
        bar.addStretch(1)
        bar.addWidget(self.period)
        bar.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.error)
        layout.addWidget(self.tabs, 1)
        self.retranslate()
        self.refresh()

    def retranslate(self) -> None:
        self._title.setText(self.tr("Plans and KPIs"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.refresh_button.setToolTip(self.tr("Load everything again (F5)"))
        self.tabs.setTabText(0, self.tr("Scorecards"))
        self.tabs.setTabText(1, self.tr("Plans"))
        self.tabs.setTabText(2, self.tr("KPI weights"))
        for model in (self.scorecards_model, self.lines_model, self.plans_model):
            model.retranslate()
        self._show_card()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _card_export_title(self) -> str:
        card = self.scorecards.selected_row()
        return self.tr("Scorecard {person}").format(person=card.person.name if card else "")

    def is_busy(self) -> bool:
        return self._loads.is_busy() or self._saves.is_busy()

    # --- loading ------------------------------------------------------------------------------

    def refresh(self) -> None:
        actor = self._context.actor
        period = self.period.period()
        now = self._clock()
        service = self._service

        def load() -> PlansData:
            return PlansData(
                service.scorecards(actor, period, now=now),
                service.plans(actor),
                service.weights(actor),
                service.people(actor),
            )

        self._loads.start(load, self._loaded, self._failed)

    def _loaded(self, data: Any) -> None:
        assert isinstance(data, PlansData)
        self.error.clear_error()
        chosen = self.scorecards.selected_row()
        self.scorecards_model.set_rows(data.scorecards)
        kept = chosen is not None and self.scorecards.select_where(
            lambda card: card.person.user_id == chosen.person.user_id
        )
        if not kept and data.scorecards:
            self.scorecards.selectRow(0)
        chosen_plan = self.plans.selected_row()
        self.plans_model.set_rows(data.plans)
        if chosen_plan is not None:
            self.plans.select_where(lambda plan: plan.plan_id == chosen_plan.plan_id)
        self.plan_form.set_people(data.people)
        self.plan_form.set_selected(self.plans.selected_row())
        self._weights = data.weights
        self.weights_editor.show_weights(data.weights)
        for table in (self.scorecards, self.lines, self.plans):
            table.fit_columns()
        self._show_card()

    def _failed(self, error: BaseException) -> None:
        self.error.show_error(
            self.tr("Plans and scorecards could not be loaded. {reason}").format(
                reason=failure_text(error)
            )
        )

    def _show_card(self) -> None:
        card = self.scorecards.selected_row()
        self.lines_model.set_rows(card.lines if card is not None else [])
        if card is None:
            self.card_summary.setText(self.tr("Choose a person to see their scorecard."))
        else:
            self.card_summary.setText(
                self.tr("{person}: {summary}").format(
                    person=card.person.name, summary=scorecard_summary(card)
                )
            )

    # --- changes ------------------------------------------------------------------------------

    def _change(self, work: Callable[[], object]) -> None:
        self.error.clear_error()
        self._saves.start(work, lambda _result: self.refresh(), self._change_failed)

    def _change_failed(self, error: BaseException) -> None:
        self.error.show_error(
            self.tr("The change was not saved. {reason}").format(reason=failure_text(error))
        )

    def save_plan(self, *, new: bool) -> None:
        actor = self._context.actor
        values = self.plan_form.values()
        selected = self.plans.selected_row()
        if not new and selected is None:
            return
        plan_id = None if new or selected is None else selected.plan_id
        service = self._service
        self._change(lambda: service.save_plan(actor, plan_id=plan_id, **values))

    def delete_plan(self) -> None:
        selected = self.plans.selected_row()
        if selected is None:
            return
        actor = self._context.actor
        service = self._service
        self._change(lambda: service.delete_plan(actor, selected.plan_id))

    def save_weights(self) -> None:
        actor = self._context.actor
        role = self.weights_editor.current_role()
        values = self.weights_editor.values()
        service = self._service
        self._change(lambda: service.set_weights(actor, role, values))
