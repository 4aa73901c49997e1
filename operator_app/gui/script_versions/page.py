"""The script author's page: every version with its outcomes in a period and two of them side
by side, the traffic split of a campaign's calls between two versions, and the "no suitable
answer" entries per step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QDate, QEvent, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.reports.dashboard import Breakdown, Figures, load_breakdown
from operator_app.core.reports.filters import ReportFilter
from operator_app.core.reports.period import (
    DEFAULT_REPORT_ZONE,
    InvalidPeriod,
    ReportPeriod,
    report_today,
)
from operator_app.core.script_split import ScriptSplit
from operator_app.core.script_versions import (
    CampaignSplit,
    NoAnswerEntry,
    NoAnswerStep,
    VersionInfo,
    campaign_splits,
    end_script_split,
    no_suitable_answer_steps,
    no_suitable_answers,
    script_versions,
    set_script_split,
)
from operator_app.gui.context import WorkspaceContext
from operator_app.gui.handoffs.background import run_in_background
from operator_app.gui.script_versions.models import (
    ComparisonModel,
    EntriesModel,
    StepsModel,
    VersionOutcome,
    VersionsModel,
)
from operator_app.gui.script_versions.split_editor import SplitEditor
from operator_app.gui.script_versions.texts import problem_text
from operator_app.gui.tasks import BackgroundTask
from operator_app.gui.widgets.data_table import DataTable
from operator_app.gui.widgets.inline_error import InlineError
from operator_app.gui.widgets.page_title import page_title
from operator_app.gui.widgets.table_export import install_table_export

__all__ = ["ScriptVersionsPage"]

DEFAULT_DAYS = 30


@dataclass(frozen=True, slots=True)
class PageData:
    versions: tuple[VersionOutcome, ...]
    campaigns: tuple[CampaignSplit, ...]
    steps: tuple[NoAnswerStep, ...]


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


class ScriptVersionsPage(QWidget):
    def __init__(
        self,
        context: WorkspaceContext,
        parent: QWidget | None = None,
        *,
        today: Callable[[], dt.date] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("scriptVersionsPage")
        self._context = context
        self._zone = DEFAULT_REPORT_ZONE
        self._today = today or (lambda: report_today(zone=self._zone))
        self._load_task: BackgroundTask | None = None
        self._reload_wanted = False
        self._write_task: BackgroundTask | None = None
        self._entries_task: BackgroundTask | None = None
        self._entries_wanted: tuple[tuple[int | None, str], ReportPeriod] | None = None
        self._outcomes: tuple[VersionOutcome, ...] = ()

        self._title = page_title()
        self._period_label = QLabel()
        self._to_label = QLabel()
        last = self._today()
        self.first_day = self._date_edit("versionsFirstDay", last - dt.timedelta(DEFAULT_DAYS - 1))
        self.last_day = self._date_edit("versionsLastDay", last)
        self.refresh_button = QPushButton()
        self.refresh_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.refresh_button.clicked.connect(self.refresh)
        self.error = InlineError()

        # Versions and their outcomes, two of them compared.
        self.versions_model = VersionsModel(self)
        self.versions: DataTable[VersionOutcome] = DataTable(self.versions_model, "script_versions")
        install_table_export(self.versions, lambda: self.tr("Script versions"))
        self.compare_a = QComboBox()
        self.compare_a.setObjectName("compareVersionA")
        self.compare_b = QComboBox()
        self.compare_b.setObjectName("compareVersionB")
        for combo in (self.compare_a, self.compare_b):
            combo.currentIndexChanged.connect(lambda _index: self._compare())
        self.comparison_model = ComparisonModel(self)
        self.comparison: DataTable[Any] = DataTable(self.comparison_model, "script_comparison")
        install_table_export(self.comparison, lambda: self.tr("Comparison of versions"))
        self.comparison.setSortingEnabled(False)
        # Few rows whose labels change with the versions: always fit them.
        self.comparison.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self._compare_label = QLabel()
        self._versus_label = QLabel()
        compare_bar = QHBoxLayout()
        compare_bar.addWidget(self._compare_label)
        compare_bar.addWidget(self.compare_a, 1)
        compare_bar.addWidget(self._versus_label)
        compare_bar.addWidget(self.compare_b, 1)
        compare_side = QWidget()
        compare_layout = QVBoxLayout(compare_side)
        compare_layout.setContentsMargins(0, 0, 0, 0)
        compare_layout.addLayout(compare_bar)
        compare_layout.addWidget(self.comparison, 1)
        versions_tab = QSplitter(Qt.Orientation.Vertical)
        versions_tab.addWidget(self.versions)
        versions_tab.addWidget(compare_side)

        # The split.
        self.split_editor = SplitEditor()
        self.split_editor.save_requested.connect(self.save_split)
        self.split_editor.end_requested.connect(self.end_split)

        # "No suitable answer" per step.
        self.steps_model = StepsModel(self)
        self.steps: DataTable[NoAnswerStep] = DataTable(self.steps_model, "no_answer_steps")
        install_table_export(self.steps, lambda: self.tr("Steps without a suitable answer"))
        self.steps.selectionModel().selectionChanged.connect(lambda *_: self._load_entries())
        self.entries_model = EntriesModel(self)
        self.entries: DataTable[NoAnswerEntry] = DataTable(self.entries_model, "no_answer_entries")
        install_table_export(self.entries, lambda: self.tr("What clients said"))
        self.entries_title = QLabel()
        entries_side = QWidget()
        entries_layout = QVBoxLayout(entries_side)
        entries_layout.setContentsMargins(0, 0, 0, 0)
        entries_layout.addWidget(self.entries_title)
        entries_layout.addWidget(self.entries, 1)
        no_answer_tab = QSplitter(Qt.Orientation.Vertical)
        no_answer_tab.addWidget(self.steps)
        no_answer_tab.addWidget(entries_side)

        self.tabs = QTabWidget()
        self.tabs.addTab(versions_tab, "")
        self.tabs.addTab(self.split_editor, "")
        self.tabs.addTab(no_answer_tab, "")

        bar = QHBoxLayout()
        bar.addWidget(self._title)
        bar.addStretch(1)
        bar.addWidget(self._period_label)
        bar.addWidget(self.first_day)
        bar.addWidget(self._to_label)
        bar.addWidget(self.last_day)
        bar.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.error)
        layout.addWidget(self.tabs, 1)
        self.retranslate()
        self.refresh()

    def _date_edit(self, name: str, day: dt.date) -> QDateEdit:
        edit = QDateEdit(_qdate(day))
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.dateChanged.connect(lambda _date: self.refresh())
        return edit

    def retranslate(self) -> None:
        self._title.setText(self.tr("Script versions"))
        self._period_label.setText(self.tr("Outcomes from"))
        self._to_label.setText(self.tr("to"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.refresh_button.setToolTip(self.tr("Load everything again (F5)"))
        self._compare_label.setText(self.tr("Compare"))
        self._versus_label.setText(self.tr("with"))
        self.tabs.setTabText(0, self.tr("Versions and outcomes"))
        self.tabs.setTabText(1, self.tr("Split traffic"))
        self.tabs.setTabText(2, self.tr("No suitable answer"))
        for model in (self.versions_model, self.steps_model, self.entries_model):
            model.retranslate()
        self._compare()
        self._show_entries_title()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- loading ------------------------------------------------------------------------------

    def period(self) -> ReportPeriod:
        return ReportPeriod(_day(self.first_day.date()), _day(self.last_day.date()), self._zone)

    def is_busy(self) -> bool:
        return any(
            task is not None for task in (self._load_task, self._write_task, self._entries_task)
        )

    def refresh(self) -> None:
        if self._load_task is not None:
            self._reload_wanted = True  # the period changed meanwhile: load again after
            return
        try:
            period = self.period()
        except InvalidPeriod:
            self.error.show_error(self.tr("The period ends before it starts."))
            return
        database, actor = self._context.database, self._context.actor

        def load() -> PageData:
            versions = script_versions(database, actor)
            rows = load_breakdown(database, actor, ReportFilter(period), Breakdown.SCRIPT_VERSION)
            figures = {row.key: row.figures for row in rows if row.key is not None}
            return PageData(
                tuple(VersionOutcome(v, figures.get(v.version_id, Figures())) for v in versions),
                campaign_splits(database, actor),
                no_suitable_answer_steps(database, actor, period=period),
            )

        self._load_task = run_in_background(self, load, self._loaded, self._load_failed)

    def _loaded(self, data: Any) -> None:
        assert isinstance(data, PageData)
        self._load_task = None
        if self._reload_wanted:
            self._reload_wanted = False
            self.refresh()
            return
        self.error.clear_error()
        self._outcomes = data.versions
        self.versions_model.set_rows(data.versions)
        self.versions.fit_columns()
        self._fill_compare_choices()
        self.split_editor.set_campaigns(data.campaigns)
        chosen = self.steps.selected_row()
        self.steps_model.set_rows(data.steps)
        self.steps.fit_columns()
        if data.steps and (
            chosen is None or not self.steps.select_where(lambda row: row.key == chosen.key)
        ):
            self.steps.selectRow(0)
        if not data.steps:
            self.entries_model.set_rows([])
        self._load_entries()

    def _load_failed(self, error: BaseException) -> None:
        self._load_task = None
        self._reload_wanted = False
        self.error.show_error(problem_text(error))

    # --- comparing ----------------------------------------------------------------------------

    def _default_pair(self) -> tuple[int, int] | None:
        """The busiest script's version before the newest (A) and its newest (B)."""
        by_script: dict[int, list[VersionInfo]] = {}
        for row in self._outcomes:
            by_script.setdefault(row.info.script_id, []).append(row.info)
        candidates = [
            sorted(versions, key=lambda info: info.version)
            for versions in by_script.values()
            if len(versions) >= 2
        ]
        if not candidates:
            return None
        busiest = max(candidates, key=lambda versions: sum(info.calls for info in versions))
        return busiest[-2].version_id, busiest[-1].version_id

    def _fill_compare_choices(self) -> None:
        choices = [(row.info.label, row.info.version_id) for row in self._outcomes]
        pair = self._default_pair()
        for position, (combo, fallback) in enumerate(((self.compare_a, 1), (self.compare_b, 0))):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for label, version_id in choices:
                combo.addItem(label, version_id)
            index = combo.findData(chosen) if chosen is not None else -1
            if index < 0 and pair is not None:
                # By default a script's newest version against the one before it.
                index = combo.findData(pair[position])
            if index < 0 and choices:
                index = min(fallback, len(choices) - 1)
            combo.setCurrentIndex(index)
            combo.blockSignals(False)
        self._compare()

    def select_comparison(self, version_a_id: int, version_b_id: int) -> None:
        self.compare_a.setCurrentIndex(self.compare_a.findData(version_a_id))
        self.compare_b.setCurrentIndex(self.compare_b.findData(version_b_id))

    def _outcome(self, combo: QComboBox) -> VersionOutcome | None:
        version_id = combo.currentData()
        return next((row for row in self._outcomes if row.info.version_id == version_id), None)

    def _compare(self) -> None:
        self.comparison_model.compare(self._outcome(self.compare_a), self._outcome(self.compare_b))

    # --- the split ----------------------------------------------------------------------------

    def save_split(self, campaign_id: int, split: object) -> None:
        assert isinstance(split, ScriptSplit)
        database, actor = self._context.database, self._context.actor
        self._write(lambda: set_script_split(database, actor, campaign_id, split))

    def end_split(self, campaign_id: int) -> None:
        database, actor = self._context.database, self._context.actor
        self._write(lambda: end_script_split(database, actor, campaign_id))

    def _write(self, work: Callable[[], object]) -> None:
        if self._write_task is not None:
            return
        self.split_editor.setEnabled(False)
        self._write_task = run_in_background(self, work, self._written, self._write_failed)

    def _written(self, _result: object) -> None:
        self._write_task = None
        self.split_editor.setEnabled(True)
        self.refresh()

    def _write_failed(self, error: BaseException) -> None:
        self._write_task = None
        self.split_editor.setEnabled(True)
        self.split_editor.show_problem(problem_text(error))

    # --- "no suitable answer" -----------------------------------------------------------------

    def _load_entries(self) -> None:
        step = self.steps.selected_row()
        self._show_entries_title()
        if step is None:
            self.entries_model.set_rows([])
            return
        try:
            period = self.period()
        except InvalidPeriod:
            return
        wanted = (step.key, period)
        self._entries_wanted = wanted
        if self._entries_task is not None:
            return  # the running load checks what is wanted when it ends
        database, actor = self._context.database, self._context.actor

        def load() -> tuple[object, tuple[NoAnswerEntry, ...]]:
            return wanted, no_suitable_answers(database, actor, step=wanted[0], period=period)

        self._entries_task = run_in_background(
            self, load, self._entries_loaded, self._entries_failed
        )

    def _entries_loaded(self, result: Any) -> None:
        self._entries_task = None
        loaded_for, entries = result
        if loaded_for != self._entries_wanted:  # another step or period was chosen meanwhile
            self._load_entries()
            return
        self.entries_model.set_rows(entries)
        self.entries.fit_columns()

    def _entries_failed(self, error: BaseException) -> None:
        self._entries_task = None
        self.error.show_error(problem_text(error))

    def _show_entries_title(self) -> None:
        step = self.steps.selected_row()
        if step is None:
            self.entries_title.setText(self.tr("Choose a step to see what clients said."))
            return
        self.entries_title.setText(
            self.tr("What clients said at step {step} ({count} in the period):").format(
                step=step.step_id, count=step.count
            )
        )
