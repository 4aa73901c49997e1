"""Helpers for QFormLayout forms whose labels follow the interface language."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import QFormLayout, QLabel, QWidget


def add_labelled_row(form: QFormLayout, field: QWidget) -> QLabel:
    """A row with a label to be given its text later (addRow("", …) would create none)."""
    label = QLabel()
    label.setBuddy(field)
    form.addRow(label, field)
    return label


def set_form_labels(form: QFormLayout, labels: Mapping[QWidget, str]) -> None:
    for field, text in labels.items():
        label = form.labelForField(field)
        if isinstance(label, QLabel):
            label.setText(text)
