"""The operator's feedback: supervisors' reviews of their own calls, unread first.

Choosing a review opens it (off the UI thread), which marks it read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.review.service import my_feedback, open_feedback
from operator_app.core.review.views import CallDetail, Feedback
from operator_app.gui.context import WorkspaceContext
from operator_app.gui.handoffs.background import RunningWork, failure_text
from operator_app.gui.review.models import FeedbackTableModel
from operator_app.gui.review.texts import detail_html
from operator_app.gui.widgets.data_table import DataTable
from operator_app.gui.widgets.inline_error import InlineError
from operator_app.gui.widgets.page_title import page_title
from operator_app.gui.widgets.table_export import install_table_export


class FeedbackPage(QWidget):
    def __init__(self, context: WorkspaceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("feedbackPage")
        self._context = context
        self._running = RunningWork(self)
        self._list_generation = 0
        self._open_generation = 0
        self._shown: CallDetail | None = None
        self._replacing_rows = False

        self._title = page_title()
        self.unread_label = QLabel()
        self.unread_label.setObjectName("unreadFeedback")
        self.refresh_button = QPushButton()
        self.refresh_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.refresh_button.clicked.connect(self.refresh)
        self.model = FeedbackTableModel(self)
        self.table: DataTable[Feedback] = DataTable(self.model, "call_feedback")
        install_table_export(self.table, lambda: self.tr("Feedback on my calls"))
        self.table.setSortingEnabled(False)  # unread first, as the service orders them
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.detail = QTextBrowser()
        self.detail.setObjectName("feedbackDetail")
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        self.error = InlineError()
        bar = QHBoxLayout()
        bar.addWidget(self._title)
        bar.addWidget(self.unread_label)
        bar.addStretch(1)
        bar.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.error)
        layout.addWidget(split, 1)
        self.retranslate()
        self.refresh()

    def retranslate(self) -> None:
        self._title.setText(self.tr("Feedback on my calls"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.refresh_button.setToolTip(self.tr("Load the reviews again (F5)"))
        self.model.retranslate()
        self._show_unread()
        self._show_detail()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- background work ----------------------------------------------------------------------

    def is_busy(self) -> bool:
        return bool(self._running)

    def _run(self, work: Callable[[], Any], on_success: Callable[[Any], None]) -> None:
        self._running.start(work, on_success, self._failed)

    def _failed(self, error: BaseException) -> None:
        self.error.show_error(failure_text(error))

    # --- the list -----------------------------------------------------------------------------

    def refresh(self) -> None:
        self._list_generation += 1
        generation = self._list_generation
        database, actor = self._context.database, self._context.actor
        self._run(
            lambda: my_feedback(database, actor),
            lambda rows: self._loaded(generation, rows),
        )

    def _loaded(self, generation: int, rows: Any) -> None:
        if generation != self._list_generation:
            return
        self.error.clear_error()
        shown = None if self._shown is None or self._shown.review is None else self._shown
        self._replace_rows(list(rows), None if shown is None else shown.review)
        self.table.fit_columns()
        self._show_unread()

    def _replace_rows(self, rows: list[Feedback], keep: Any) -> None:
        self._replacing_rows = True
        try:
            self.model.set_rows(rows)
            if keep is not None:
                self.table.select_where(lambda row: row.review.review_id == keep.review_id)
        finally:
            self._replacing_rows = False

    def unread_count(self) -> int:
        return sum(1 for row in self.model.rows() if not row.review.seen)

    def _show_unread(self) -> None:
        unread = self.unread_count()
        self.unread_label.setText(
            self.tr("— {count} new").format(count=unread)
            if unread
            else self.tr("— nothing new")
            if self.model.rowCount()
            else self.tr("— no reviews of your calls yet")
        )

    # --- opening a review ---------------------------------------------------------------------

    def _selection_changed(self) -> None:
        if self._replacing_rows:
            return
        row = self.table.selected_row()
        if row is None:
            return
        shown = None if self._shown is None else self._shown.review
        if shown is not None and shown.review_id == row.review.review_id:
            return
        self.open_review(row.review.review_id)

    def open_review(self, review_id: int) -> None:
        self._open_generation += 1
        generation = self._open_generation
        database, actor = self._context.database, self._context.actor
        self._run(
            lambda: open_feedback(database, actor, review_id),
            lambda detail: self._opened(generation, detail),
        )

    def _opened(self, generation: int, detail: Any) -> None:
        if generation != self._open_generation:
            return
        assert isinstance(detail, CallDetail) and detail.review is not None
        self._shown = detail
        review = detail.review
        rows = [
            dataclasses.replace(row, review=review)
            if row.review.review_id == review.review_id
            else row
            for row in self.model.rows()
        ]
        self._replace_rows(rows, review)
        self._show_unread()
        self._show_detail()

    def shown(self) -> CallDetail | None:
        return self._shown

    def _show_detail(self) -> None:
        if self._shown is None:
            self.detail.setPlainText(self.tr("Choose a review to read it."))
        else:
            self.detail.setHtml(detail_html(self._shown, with_review=True))
