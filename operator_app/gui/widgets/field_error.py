"""A short red message under one form field, hidden while the field is fine."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

__all__ = ["field_error_label", "show_field_error"]

_STYLE = "color: #c5221f;"


def field_error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(_STYLE)
    label.setVisible(False)
    return label


def show_field_error(label: QLabel, text: str | None) -> None:
    """Show `text` under the field, or hide the label when there is nothing wrong."""
    label.setText(text or "")
    label.setVisible(bool(text))
