"""The heading at the top of a workspace page."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel


def page_title() -> QLabel:
    label = QLabel()
    label.setObjectName("pageTitle")
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.3)
    font.setBold(True)
    label.setFont(font)
    return label
