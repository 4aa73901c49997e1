"""A calm, centred message for a page that has nothing to show yet."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from operator_app.gui.icons import app_icon

_ICON_SIZE = QSize(96, 96)
_TEXT_WIDTH = 580


class EmptyState(QWidget):
    """Icon, title, a short explanation, an optional list of what will come, optional button."""

    def __init__(self, icon_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._icon = QLabel()
        self._icon.setPixmap(app_icon(icon_name).pixmap(_ICON_SIZE))
        self._icon.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self._badge = QLabel()
        self._badge.setObjectName("emptyStateBadge")
        self._badge.setVisible(False)
        self._badge.setStyleSheet(
            "#emptyStateBadge { background: #e6eef8; color: #2f5d9a; border-radius: 10px;"
            " padding: 3px 12px; font-weight: 600; }"
        )

        self._title = _wrapped(Qt.AlignmentFlag.AlignCenter)
        self._title.setObjectName("emptyStateTitle")
        font = self._title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self._title.setFont(font)

        self._body = _wrapped(Qt.AlignmentFlag.AlignCenter)
        self._body.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        # One label per point, each wrapped to the column's width.
        self._points = QWidget()
        self._points_layout = QVBoxLayout(self._points)
        self._points_layout.setContentsMargins(24, 4, 0, 0)
        self._points_layout.setSpacing(4)
        self._points.setVisible(False)

        self.button = QPushButton()
        self.button.setVisible(False)
        self.button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

        # Widgets are added without an alignment so that wrapped labels get their full
        # height: a box layout only asks heightForWidth() of widgets it may stretch.
        column = QWidget()
        column.setFixedWidth(_TEXT_WIDTH)
        content = QVBoxLayout(column)
        content.setContentsMargins(0, 0, 0, 0)
        content.addWidget(self._icon)
        content.addSpacing(12)
        content.addWidget(self._badge, 0, Qt.AlignmentFlag.AlignHCenter)
        content.addWidget(self._title)
        content.addSpacing(4)
        content.addWidget(self._body)
        content.addWidget(self._points)
        content.addSpacing(8)
        content.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)

        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(column)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addLayout(row)
        layout.addStretch(3)

    def set_texts(
        self, title: str, body: str, points: list[str] | None = None, badge: str | None = None
    ) -> None:
        self._title.setText(title)
        self._body.setText(body)
        self._badge.setText(badge or "")
        self._badge.setVisible(bool(badge))
        while self._points_layout.count():
            item = self._points_layout.takeAt(0)
            old = item.widget() if item is not None else None
            if old is not None:
                old.hide()
                old.deleteLater()
        for point in points or []:
            self._points_layout.addWidget(_wrapped(Qt.AlignmentFlag.AlignLeft, f"•  {point}"))
        self._points.setVisible(bool(points))

    def title(self) -> str:
        return self._title.text()

    def body(self) -> str:
        return self._body.text()

    def points(self) -> list[str]:
        texts = []
        for index in range(self._points_layout.count()):
            item = self._points_layout.itemAt(index)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QLabel):
                texts.append(widget.text().removeprefix("•  "))
        return texts


def _wrapped(alignment: Qt.AlignmentFlag, text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAlignment(alignment)
    return label
