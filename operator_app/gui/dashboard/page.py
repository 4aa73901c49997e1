"""The supervisor's dashboard: filters, figure tiles, the funnel and the daily trend, the
breakdowns per operator, list, script version and campaign, and where calls go wrong.

Everything loads off the UI thread; a result that arrives after the filters changed again is
dropped. Double-click or Enter on an operator drills into that person (the operator filter);
"Back to everyone" leaves it. People without VIEW_ALL_KPIS see only their own figures.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.reports.dashboard import Breakdown, BreakdownRow, Dashboard
from operator_app.core.reports.filters import ReportFilter
from operator_app.core.reports.period import DEFAULT_REPORT_ZONE, report_today
from operator_app.core.roles import Permission
from operator_app.gui.charts import (
    FunnelBar,
    FunnelChart,
    SeriesStyle,
    TrendChart,
    TrendData,
    TrendSeries,
)
from operator_app.gui.context import WorkspaceContext
from operator_app.gui.dashboard.filters_bar import FiltersBar
from operator_app.gui.dashboard.loader import (
    SHOWN_BREAKDOWNS,
    DashboardData,
    load_dashboard_data,
    load_later_breakdowns,
)
from operator_app.gui.dashboard.tables import (
    StepLine,
    breakdown_model,
    count_model,
    objection_lines,
    reason_lines,
    step_lines,
    step_model,
)
from operator_app.gui.dashboard.texts import funnel_stage_label
from operator_app.gui.dashboard.tiles import FigureTiles
from operator_app.gui.handoffs.background import failure_text, run_in_background
from operator_app.gui.widgets.data_table import DataTable
from operator_app.gui.widgets.inline_error import InlineError
from operator_app.gui.widgets.page_title import page_title
from operator_app.gui.widgets.table_export import install_table_export
from operator_app.storage.base import utcnow

__all__ = ["TREND_COLORS", "DashboardPage"]

TREND_COLORS = {
    "calls": QColor("#9ab8e8"),
    "reached": QColor("#1a73e8"),
    "leads": QColor("#e8710a"),
    "visits_held": QColor("#188038"),
}


class DashboardPage(QWidget):
    shown = Signal()  # a loaded result is on screen

    def __init__(
        self,
        context: WorkspaceContext,
        *,
        clock: Callable[[], dt.datetime] = utcnow,
        zone: str = DEFAULT_REPORT_ZONE,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardPage")
        self._context = context
        self._sees_everyone = context.actor.can(Permission.VIEW_ALL_KPIS)
        self._generation = 0
        self._shown_generation = 0
        self._complete_generation = 0  # the later breakdowns too
        self._running = 0
        self._data: DashboardData | None = None

        def today() -> dt.date:
            return report_today(clock(), zone)

        self._title = page_title()
        self.breadcrumb = QLabel()
        self.breadcrumb.setObjectName("dashboardBreadcrumb")
        self.back_button = QPushButton()
        self.back_button.setObjectName("dashboardBackButton")
        self.back_button.clicked.connect(self.back_to_everyone)
        self.refresh_button = QPushButton()
        self.refresh_button.clicked.connect(lambda: self.refresh(with_choices=True))
        self.filters = FiltersBar(
            today,
            zone,
            operator_locked_to=None if self._sees_everyone else context.actor.user_id,
        )
        self.filters.changed.connect(self.refresh)
        self.load_error = InlineError()
        self.load_error.setObjectName("dashboardLoadError")

        self.tiles = FigureTiles()
        self.funnel = FunnelChart()
        self.trend = TrendChart()
        self._funnel_box = _boxed(self.funnel)
        self._trend_box = _boxed(self.trend)
        charts = QHBoxLayout()
        charts.setContentsMargins(0, 0, 0, 0)
        charts.addWidget(self._funnel_box, 2)
        charts.addWidget(self._trend_box, 3)

        self.breakdowns: dict[Breakdown, DataTable[BreakdownRow]] = {
            by: DataTable(breakdown_model(by, self), f"dashboard/{by.value}")
            for by in SHOWN_BREAKDOWNS
        }
        self.non_target = DataTable(
            count_model(lambda: self.tr("Non-target reason"), parent=self),
            "dashboard/non_target",
        )
        self.no_show = DataTable(
            count_model(lambda: self.tr("No-show reason"), parent=self), "dashboard/no_show"
        )
        self.drop_off: DataTable[StepLine] = DataTable(step_model(self), "dashboard/drop_off")
        self.objections = DataTable(
            count_model(lambda: self.tr("Objection"), lambda: self.tr("Step"), parent=self),
            "dashboard/objections",
        )
        self.tabs = QTabWidget()
        self.tabs.setObjectName("dashboardTabs")
        for table in self._tables():
            self.tabs.addTab(table, "")
        for table in self._tables():
            install_table_export(table, functools.partial(self._export_title, table))
        self.operator_table = self.breakdowns[Breakdown.OPERATOR]
        self.operator_table.doubleClicked.connect(self._drill_at)
        self._shortcuts = [
            self._shortcut(
                QKeySequence(Qt.Key.Key_Return), self.drill_into_selected, self.operator_table
            ),
            self._shortcut(
                QKeySequence(Qt.Key.Key_Enter), self.drill_into_selected, self.operator_table
            ),
            self._shortcut(
                QKeySequence(Qt.Key.Key_F5), lambda: self.refresh(with_choices=True), self
            ),
            self._shortcut(QKeySequence("Alt+Left"), self.back_to_everyone, self),
        ]

        figures = QWidget()
        upper = QVBoxLayout(figures)
        upper.setContentsMargins(0, 0, 0, 0)
        upper.addWidget(self.tiles)
        upper.addLayout(charts, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(figures)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 1)

        top = QHBoxLayout()
        top.addWidget(self._title)
        top.addSpacing(12)
        top.addWidget(self.breadcrumb)
        top.addWidget(self.back_button)
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.filters)
        layout.addWidget(self.load_error)
        layout.addWidget(splitter, 1)

        self.retranslate()
        self.refresh(with_choices=True)

    def _tables(self) -> list[DataTable[Any]]:
        return [
            *self.breakdowns.values(),
            self.non_target,
            self.no_show,
            self.drop_off,
            self.objections,
        ]

    def _shortcut(self, keys: QKeySequence, slot: Callable[[], None], owner: QWidget) -> QShortcut:
        shortcut = QShortcut(keys, owner)
        shortcut.setContext(
            Qt.ShortcutContext.WidgetShortcut
            if owner is not self
            else Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        shortcut.activated.connect(slot)
        return shortcut

    def _export_title(self, table: QWidget) -> str:
        period = self.filters.report_filter().period
        return self.tr("{table} {first} – {last}").format(
            table=self.tabs.tabText(self.tabs.indexOf(table)),
            first=period.first_day.isoformat(),
            last=period.last_day.isoformat(),
        )

    # --- texts ------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self._title.setText(self.tr("Dashboard"))
        self.back_button.setText(self.tr("Back to everyone"))
        self.back_button.setToolTip(self.tr("Show every operator's figures again (Alt+Left)"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.refresh_button.setToolTip(self.tr("Read the figures again (F5)"))
        self._funnel_box.setTitle(self.tr("Funnel"))
        self._trend_box.setTitle(self.tr("Day by day"))
        self.funnel.setAccessibleName(self.tr("Funnel"))
        self.trend.setAccessibleName(self.tr("Day by day"))
        titles = {
            Breakdown.OPERATOR: self.tr("Operators"),
            Breakdown.LIST: self.tr("Lists and hypotheses"),
            Breakdown.SCRIPT_VERSION: self.tr("Script versions"),
            Breakdown.CAMPAIGN: self.tr("Campaigns"),
        }
        for by, table in self.breakdowns.items():
            self.tabs.setTabText(self.tabs.indexOf(table), titles[by])
        counted: tuple[tuple[QWidget, str], ...] = (
            (self.non_target, self.tr("Non-target reasons")),
            (self.no_show, self.tr("No-show reasons")),
            (self.drop_off, self.tr("Where calls end")),
            (self.objections, self.tr("Objections")),
        )
        for widget, title in counted:
            self.tabs.setTabText(self.tabs.indexOf(widget), title)
        self.operator_table.setToolTip(
            self.tr("Double-click or press Enter on an operator to see only their figures")
        )
        for table in self._tables():
            table.source.retranslate()
        self._show_breadcrumb()
        if self._data is not None:
            self._show_charts(self._data.dashboard)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _show_breadcrumb(self) -> None:
        operator = self.filters.operator_label() if self._sees_everyone else None
        if operator is None:
            everyone = (
                self.tr("Everyone") if self._sees_everyone else self._context.actor.display_name
            )
            self.breadcrumb.setText(everyone)
        else:
            self.breadcrumb.setText(self.tr("Everyone › {operator}").format(operator=operator))
        self.back_button.setVisible(operator is not None)

    # --- state ------------------------------------------------------------------------------

    def data(self) -> DashboardData | None:
        return self._data

    def dashboard(self) -> Dashboard | None:
        return None if self._data is None else self._data.dashboard

    def is_loading(self) -> bool:
        """A result for the current filters is still to come (the later tabs' too)."""
        return self._complete_generation != self._generation

    def is_busy(self) -> bool:
        """Some read is still running, even one whose result will be dropped."""
        return self._running > 0

    # --- drilling ---------------------------------------------------------------------------

    def drill_into(self, row: BreakdownRow) -> None:
        if not self._sees_everyone or row.key is None:
            return
        self.filters.set_operator(row.key, row.label)

    def drill_into_selected(self) -> None:
        row = self.operator_table.selected_row()
        if row is not None:
            self.drill_into(row)

    def _drill_at(self, index: QModelIndex) -> None:
        source = self.operator_table.proxy.mapToSource(index)
        if source.isValid():
            self.drill_into(self.operator_table.source.row_at(source.row()))

    def back_to_everyone(self) -> None:
        if self._sees_everyone and self.filters.report_filter().operator_id is not None:
            self.filters.set_operator(None)

    # --- loading ----------------------------------------------------------------------------

    def refresh(self, *, with_choices: bool = False) -> None:
        self._generation += 1
        generation = self._generation
        database, actor = self._context.database, self._context.actor
        report_filter = self.filters.report_filter()
        self._show_breadcrumb()

        def work() -> DashboardData:
            return load_dashboard_data(database, actor, report_filter, with_choices=with_choices)

        self._running += 1
        task = run_in_background(
            self,
            work,
            lambda result: self._loaded(generation, result),
            lambda error: self._failed(generation, error),
        )
        task.finished.connect(self._task_finished)

    def _task_finished(self) -> None:
        self._running -= 1

    def _loaded(self, generation: int, result: Any) -> None:
        assert isinstance(result, DashboardData)
        if result.choices is not None:
            # Still worth having when the figures are stale: the choices do not depend on them.
            self.filters.set_choices(result.choices)
        if generation != self._generation:
            return  # the filters changed meanwhile: a newer read is on its way
        self._shown_generation = generation
        self.load_error.clear_error()
        self._data = result
        self._show(result)
        self.shown.emit()
        self._load_later_breakdowns(generation, result.dashboard.report_filter)

    def _load_later_breakdowns(self, generation: int, report_filter: ReportFilter) -> None:
        database, actor = self._context.database, self._context.actor

        def work() -> dict[Breakdown, tuple[BreakdownRow, ...]]:
            return load_later_breakdowns(database, actor, report_filter)

        self._running += 1
        task = run_in_background(
            self,
            work,
            lambda result: self._later_loaded(generation, result),
            lambda error: self._failed(generation, error),
        )
        task.finished.connect(self._task_finished)

    def _later_loaded(self, generation: int, result: Any) -> None:
        if generation != self._generation or self._data is None:
            return
        assert isinstance(result, dict)
        self._complete_generation = generation
        self._data = replace(self._data, breakdowns={**self._data.breakdowns, **result})
        for by, rows in result.items():
            table = self.breakdowns[by]
            table.source.set_rows(rows)
            if rows:
                table.fit_columns()

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self._shown_generation = self._complete_generation = generation
        self.load_error.show_error(
            self.tr("The figures could not be loaded. {reason}").format(reason=failure_text(error))
        )

    # --- showing ----------------------------------------------------------------------------

    def _show(self, data: DashboardData) -> None:
        dashboard = data.dashboard
        self.tiles.set_figures(dashboard.totals)
        self._show_charts(dashboard)
        for by, table in self.breakdowns.items():
            table.source.set_rows(data.breakdowns.get(by, ()))
        versions = {c.key: c.label for c in self.filters.choices().script_versions}
        self.non_target.source.set_rows(reason_lines(dashboard.non_target_reasons))
        self.no_show.source.set_rows(reason_lines(dashboard.no_show_reasons))
        self.drop_off.source.set_rows(step_lines(dashboard.drop_off, versions))
        self.objections.source.set_rows(objection_lines(dashboard.objections))
        for table in self._tables():
            if table.source.rowCount():
                table.fit_columns()
        self._show_breadcrumb()

    def _show_charts(self, dashboard: Dashboard) -> None:
        self.funnel.set_bars(
            [FunnelBar(funnel_stage_label(stage.code), stage.count) for stage in dashboard.funnel]
        )
        trend = dashboard.trend
        series = (
            ("calls", self.tr("Calls"), SeriesStyle.BARS, tuple(p.calls for p in trend)),
            ("reached", self.tr("Reached"), SeriesStyle.BARS, tuple(p.reached for p in trend)),
            ("leads", self.tr("Leads"), SeriesStyle.LINE, tuple(p.leads for p in trend)),
            (
                "visits_held",
                self.tr("Visits held"),
                SeriesStyle.LINE,
                tuple(p.visits_held for p in trend),
            ),
        )
        self.trend.set_data(
            TrendData(
                tuple(p.day for p in trend),
                tuple(
                    TrendSeries(label, tuple(float(v) for v in values), TREND_COLORS[code], style)
                    for code, label, style, values in series
                ),
            )
        )


def _boxed(chart: QWidget) -> QGroupBox:
    box = QGroupBox()
    layout = QVBoxLayout(box)
    layout.addWidget(chart)
    return box
