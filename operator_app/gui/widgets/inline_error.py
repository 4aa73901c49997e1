"""A red line under a form that says what is wrong, hidden while nothing is."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


class InlineError(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inlineError")
        self.setWordWrap(True)
        self.setStyleSheet(
            "#inlineError { color: #b3261e; background: #fdecea; border: 1px solid #f3c2bd;"
            " border-radius: 4px; padding: 6px 8px; }"
        )
        self.setVisible(False)

    def show_error(self, text: str) -> None:
        self.setText(text)
        self.setVisible(True)

    def clear_error(self) -> None:
        self.clear()
        self.setVisible(False)
