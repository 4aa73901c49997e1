"""Tables of calls to review and of the feedback an operator has received."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFont

from operator_app.core.review.views import CallSummary, Feedback
from operator_app.gui.models.formatting import local_datetime
from operator_app.gui.models.table import AnyIndex, Column, RowTableModel
from operator_app.gui.review.texts import duration_text, score_text


def _score_key(summary: CallSummary) -> float:
    return -1.0 if summary.score is None else float(summary.score)


class CallTableModel(RowTableModel[CallSummary]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [
                Column(
                    title=lambda: self.tr("Started"),
                    text=lambda row: local_datetime(row.started_at),
                    sort_key=lambda row: row.started_at.timestamp(),
                ),
                Column(
                    title=lambda: self.tr("Operator"), text=lambda row: row.operator_name or "—"
                ),
                Column(title=lambda: self.tr("Client"), text=lambda row: row.client_name),
                Column(
                    title=lambda: self.tr("Campaign"), text=lambda row: row.campaign_name or "—"
                ),
                Column(
                    title=lambda: self.tr("Outcome"),
                    text=lambda row: row.disposition_label or row.disposition or "—",
                ),
                Column(
                    title=lambda: self.tr("Talk"),
                    text=lambda row: duration_text(row.talk_seconds),
                    sort_key=lambda row: row.talk_seconds,
                    align="right",
                ),
                Column(
                    title=lambda: self.tr("Score"),
                    text=lambda row: (
                        score_text(row.score) if row.reviewed else self.tr("not reviewed")
                    ),
                    sort_key=_score_key,
                    align="right",
                ),
            ],
            parent=parent,
        )


class FeedbackTableModel(RowTableModel[Feedback]):
    """Reviews of the operator's calls; unread ones in bold."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [
                Column(
                    title=lambda: self.tr("Reviewed"),
                    text=lambda row: local_datetime(row.review.reviewed_at),
                    sort_key=lambda row: row.review.reviewed_at.timestamp(),
                ),
                Column(
                    title=lambda: self.tr("Call"),
                    text=lambda row: local_datetime(row.call.started_at),
                    sort_key=lambda row: row.call.started_at.timestamp(),
                ),
                Column(title=lambda: self.tr("Client"), text=lambda row: row.call.client_name),
                Column(
                    title=lambda: self.tr("Score"),
                    text=lambda row: score_text(row.review.score),
                    sort_key=lambda row: _score_key(row.call),
                    align="right",
                ),
                Column(
                    title=lambda: self.tr("Reviewer"),
                    text=lambda row: row.review.reviewer_name or "—",
                ),
                Column(
                    title=lambda: self.tr("State"),
                    text=lambda row: self.tr("Read") if row.review.seen else self.tr("New"),
                ),
            ],
            parent=parent,
        )

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.FontRole and index.isValid() and not index.parent().isValid():
            if 0 <= index.row() < self.rowCount() and not self.row_at(index.row()).review.seen:
                font = QFont()
                font.setBold(True)
                return font
            return None
        return super().data(index, role)
