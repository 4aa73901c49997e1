"""The supervisor's call review: filtered calls, one call step by step, and the checklist.

Every database round-trip runs off the UI thread. Each load carries a generation number, so
a result that arrives after the filters (or the selected call) changed is dropped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, QEvent, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.reports.period import InvalidPeriod, ReportPeriod, report_today
from operator_app.core.review.service import call_detail, list_calls, review_choices, score_call
from operator_app.core.review.views import (
    CallDetail,
    CallFilter,
    CallList,
    FilterChoice,
    ReviewChoices,
)
from operator_app.gui.context import WorkspaceContext
from operator_app.gui.handoffs.background import RunningWork, failure_text
from operator_app.gui.review.checklist_panel import ChecklistPanel
from operator_app.gui.review.models import CallTableModel
from operator_app.gui.review.texts import detail_html
from operator_app.gui.widgets.data_table import DataTable
from operator_app.gui.widgets.inline_error import InlineError
from operator_app.gui.widgets.page_title import page_title
from operator_app.gui.widgets.table_export import install_table_export

PAGE_SIZE = 200
DEFAULT_DAYS = 7


def _date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


class CallReviewPage(QWidget):
    def __init__(self, context: WorkspaceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("callReviewPage")
        self._context = context
        self._running = RunningWork(self)
        self._list_generation = 0
        self._detail_generation = 0
        self._detail: CallDetail | None = None
        self._has_more = False
        self._replacing_rows = False
        self._choices_loaded = False

        self._title = page_title()
        day = report_today()
        today = QDate(day.year, day.month, day.day)
        self.from_date = QDateEdit(today.addDays(1 - DEFAULT_DAYS))
        self.to_date = QDateEdit(today)
        for edit in (self.from_date, self.to_date):
            edit.setCalendarPopup(True)
            edit.dateChanged.connect(self.reload)
        self.campaign_combo = QComboBox()
        self.operator_combo = QComboBox()
        self.outcome_combo = QComboBox()
        self.reviewed_combo = QComboBox()
        for _position in range(3):
            self.reviewed_combo.addItem("")
        for combo in (self.campaign_combo, self.operator_combo, self.outcome_combo):
            combo.addItem("", None)
        for combo in (
            self.campaign_combo,
            self.operator_combo,
            self.outcome_combo,
            self.reviewed_combo,
        ):
            combo.currentIndexChanged.connect(self.reload)
        self.min_talk = QSpinBox()
        self.min_talk.setRange(0, 36_000)
        self.min_talk.setSingleStep(30)
        self.min_talk.valueChanged.connect(self.reload)
        self.refresh_button = QPushButton()
        self.refresh_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.refresh_button.clicked.connect(self.reload)
        self._filter_labels: list[tuple[QLabel, Callable[[], str]]] = []
        filters = QHBoxLayout()
        for widget, text in (
            (self.from_date, lambda: self.tr("&From")),
            (self.to_date, lambda: self.tr("&To")),
            (self.campaign_combo, lambda: self.tr("C&ampaign")),
            (self.operator_combo, lambda: self.tr("&Operator")),
            (self.outcome_combo, lambda: self.tr("O&utcome")),
            (self.reviewed_combo, lambda: self.tr("&Reviewed")),
            (self.min_talk, lambda: self.tr("&Min. talk")),
        ):
            label = QLabel()
            label.setBuddy(widget)
            self._filter_labels.append((label, text))
            filters.addWidget(label)
            filters.addWidget(widget)
        filters.addStretch(1)
        filters.addWidget(self.refresh_button)

        self.model = CallTableModel(self)
        self.table: DataTable[Any] = DataTable(self.model, "call_review")
        install_table_export(self.table, lambda: self.tr("Calls"))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.more_button = QPushButton()
        self.more_button.setObjectName("moreCallsButton")
        self.more_button.clicked.connect(self.load_more)
        self.count_label = QLabel()
        list_side = QWidget()
        list_layout = QVBoxLayout(list_side)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addWidget(self.table, 1)
        more = QHBoxLayout()
        more.addWidget(self.count_label, 1)
        more.addWidget(self.more_button)
        list_layout.addLayout(more)

        self.detail = QTextBrowser()
        self.detail.setObjectName("callReviewDetail")
        self.panel = ChecklistPanel()
        self.panel.save_requested.connect(self.save)
        save_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        save_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_shortcut.activated.connect(self.panel.request_save)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.detail)
        right.addWidget(self.panel)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(list_side)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

        self.error = InlineError()
        bar = QHBoxLayout()
        bar.addWidget(self._title)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(filters)
        layout.addWidget(self.error)
        layout.addWidget(split, 1)
        self.retranslate()
        self._load_choices()
        self.reload()

    def retranslate(self) -> None:
        self._title.setText(self.tr("Call review"))
        for label, text in self._filter_labels:
            label.setText(text())
        for combo, everything in (
            (self.campaign_combo, self.tr("All campaigns")),
            (self.operator_combo, self.tr("Everyone")),
            (self.outcome_combo, self.tr("All outcomes")),
        ):
            combo.setItemText(0, everything)
        self.reviewed_combo.setItemText(0, self.tr("All calls"))
        self.reviewed_combo.setItemText(1, self.tr("Not reviewed"))
        self.reviewed_combo.setItemText(2, self.tr("Reviewed"))
        self.min_talk.setSuffix(self.tr(" s"))
        self.min_talk.setSpecialValueText(self.tr("any"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.refresh_button.setToolTip(self.tr("Load the calls again (F5)"))
        self.more_button.setText(self.tr("Load more"))
        self.model.retranslate()
        self.panel.retranslate()
        self._show_count()
        self._show_detail()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- background work ----------------------------------------------------------------------

    def is_busy(self) -> bool:
        return bool(self._running)

    def _run(
        self,
        work: Callable[[], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> None:
        self._running.start(work, on_success, on_failure or self._failed)

    def _failed(self, error: BaseException) -> None:
        self.error.show_error(failure_text(error))

    # --- filters and the list -----------------------------------------------------------------

    def set_period(self, first_day: dt.date, last_day: dt.date) -> None:
        for edit, day in ((self.from_date, first_day), (self.to_date, last_day)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)
        self.reload()

    def current_filter(self, offset: int = 0) -> CallFilter:
        first, last = _date(self.from_date.date()), _date(self.to_date.date())
        reviewed = {0: None, 1: False, 2: True}[max(0, self.reviewed_combo.currentIndex())]
        campaign = self.campaign_combo.currentData()
        operator = self.operator_combo.currentData()
        return CallFilter(
            period=ReportPeriod(first, last),
            campaign_id=None if campaign is None else int(campaign),
            operator_id=None if operator is None else int(operator),
            disposition=self.outcome_combo.currentData(),
            reviewed=reviewed,
            min_talk_seconds=self.min_talk.value() or None,
            limit=PAGE_SIZE,
            offset=offset,
        )

    def _load_choices(self) -> None:
        database, actor = self._context.database, self._context.actor
        self._run(lambda: review_choices(database, actor), self._choices_ready)

    def _choices_ready(self, choices: Any) -> None:
        assert isinstance(choices, ReviewChoices)
        for combo, items in (
            (self.campaign_combo, choices.campaigns),
            (self.operator_combo, choices.operators),
            (self.outcome_combo, choices.dispositions),
        ):
            self._fill(combo, items)
        self._choices_loaded = True

    @staticmethod
    def _fill(combo: QComboBox, items: tuple[FilterChoice, ...]) -> None:
        chosen = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for item in items:
            combo.addItem(item.label, item.key)
        combo.setCurrentIndex(max(0, combo.findData(chosen)) if chosen is not None else 0)
        combo.blockSignals(False)

    def reload(self) -> None:
        self._load_page(0)

    def load_more(self) -> None:
        if self._has_more:
            self._load_page(self.model.rowCount())

    def _load_page(self, offset: int) -> None:
        self._list_generation += 1
        generation = self._list_generation
        try:
            call_filter = self.current_filter(offset)
        except InvalidPeriod as error:
            self.error.show_error(failure_text(error))
            return
        database, actor = self._context.database, self._context.actor
        self.more_button.setEnabled(False)
        self._run(
            lambda: list_calls(database, actor, call_filter),
            lambda page: self._page_loaded(generation, page),
        )

    def _page_loaded(self, generation: int, page: Any) -> None:
        if generation != self._list_generation:
            return  # the filters changed meanwhile
        assert isinstance(page, CallList)
        self.error.clear_error()
        selected = self._detail.summary.call_id if self._detail is not None else None
        rows = list(page.calls)
        if page.offset:
            rows = self.model.rows() + rows
        self._replace_rows(rows, selected)
        self._has_more = page.has_more
        self.more_button.setVisible(page.has_more)
        self.more_button.setEnabled(True)
        self.table.fit_columns()
        if self.table.selected_row() is None:
            self._detail = None
            self._show_detail()
        self._show_count()

    def _replace_rows(self, rows: list[Any], call_id: int | None) -> None:
        self._replacing_rows = True
        try:
            self.model.set_rows(rows)
            if call_id is not None:
                self.table.select_where(lambda row: row.call_id == call_id)
        finally:
            self._replacing_rows = False

    def _show_count(self) -> None:
        count = self.model.rowCount()
        text = self.tr("{count} calls shown").format(count=count)
        if self._has_more:
            text = self.tr("{count} calls shown, more match").format(count=count)
        self.count_label.setText(text)

    # --- the selected call --------------------------------------------------------------------

    def _selection_changed(self) -> None:
        if self._replacing_rows:
            return
        row = self.table.selected_row()
        if row is None:
            self._detail_generation += 1
            self._detail = None
            self._show_detail()
            return
        if self._detail is not None and self._detail.summary.call_id == row.call_id:
            return
        self.open_call(row.call_id)

    def open_call(self, call_id: int) -> None:
        self._detail_generation += 1
        generation = self._detail_generation
        self._detail = None
        self.panel.clear()
        self.detail.setPlainText(self.tr("Loading the call…"))
        database, actor = self._context.database, self._context.actor
        self._run(
            lambda: call_detail(database, actor, call_id),
            lambda detail: self._detail_loaded(generation, detail),
        )

    def _detail_loaded(self, generation: int, detail: Any) -> None:
        if generation != self._detail_generation:
            return  # another call was chosen meanwhile
        assert isinstance(detail, CallDetail)
        self._detail = detail
        review = detail.review
        self.panel.load(
            detail.hints,
            None if review is None else review.checklist,
            "" if review is None or review.comment is None else review.comment,
        )
        self._show_detail()

    def detail_shown(self) -> CallDetail | None:
        return self._detail

    def _show_detail(self) -> None:
        if self._detail is None:
            self.panel.clear()
            self.detail.setPlainText(self.tr("Choose a call to see what was said and score it."))
            return
        self.detail.setHtml(detail_html(self._detail, with_review=False))
        review = self._detail.review
        if review is not None:
            self.panel.status.setText(
                self.tr("Reviewed by {name}").format(name=review.reviewer_name or "—")
            )

    # --- scoring ------------------------------------------------------------------------------

    def save(self) -> None:
        detail = self._detail
        if detail is None:
            return
        call_id = detail.summary.call_id
        checklist = self.panel.checklist()
        comment = self.panel.comment_text()
        database, actor = self._context.database, self._context.actor
        self.panel.save_button.setEnabled(False)
        self.panel.status.setText(self.tr("Saving…"))
        self._run(
            lambda: score_call(database, actor, call_id, checklist, comment),
            self._saved,
            self._save_failed,
        )

    def _saved(self, detail: Any) -> None:
        assert isinstance(detail, CallDetail)
        self.panel.save_button.setEnabled(True)
        call_id = detail.summary.call_id
        rows = [detail.summary if row.call_id == call_id else row for row in self.model.rows()]
        self._replace_rows(rows, call_id)
        if self._detail is not None and self._detail.summary.call_id == call_id:
            self._detail = detail
            self._show_detail()
        self.panel.status.setText(self.tr("Review saved."))

    def _save_failed(self, error: BaseException) -> None:
        self.panel.save_button.setEnabled(True)
        self.panel.status.clear()
        self._failed(error)
