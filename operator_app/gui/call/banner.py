"""A coloured strip across the workspace: lost connection, or an unfinished call to restore."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class Banner(QFrame):
    def __init__(self, object_name: str, colours: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setStyleSheet(f"#{object_name} {{ {colours} border-radius: 4px; }}")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(10, 6, 10, 6)
        self._layout.addWidget(self.message, 1)
        self.setVisible(False)

    def add_button(self) -> QPushButton:
        button = QPushButton()
        self._layout.addWidget(button)
        return button

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.setVisible(True)


def connection_banner(parent: QWidget | None = None) -> Banner:
    return Banner("connectionBanner", "background: #fdecea; color: #8c1d18;", parent)


def restore_banner(parent: QWidget | None = None) -> Banner:
    return Banner("restoreBanner", "background: #fff4d6; color: #5c4300;", parent)
