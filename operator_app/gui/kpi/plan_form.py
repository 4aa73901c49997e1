"""The form under the plans table: for whom, which metric, how much a day, from when."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from operator_app.core.reports.kpi import KpiMetric
from operator_app.core.reports.plans import Person, PlanView
from operator_app.core.roles import Role
from operator_app.gui.kpi.period_picker import qdate, to_date
from operator_app.gui.kpi.texts import metric_label
from operator_app.gui.labels import role_label

__all__ = ["PlanForm"]

_ROLE, _USER = "role", "user"


class PlanForm(QWidget):
    add_requested = Signal()
    save_requested = Signal()
    delete_requested = Signal()

    def __init__(self, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._people: list[Person] = []
        self.target = QComboBox()
        self.target.setObjectName("planTarget")
        self.target.setMinimumContentsLength(20)
        self.metric_combo = QComboBox()
        self.metric_combo.setObjectName("planMetric")
        for metric in KpiMetric:
            self.metric_combo.addItem("", metric.value)
        self.per_day = QDoubleSpinBox()
        self.per_day.setObjectName("planPerDay")
        self.per_day.setRange(0.01, 99999)
        self.per_day.setDecimals(2)
        self.per_day.setValue(1)
        self.valid_from = QDateEdit(qdate(today.replace(day=1)))
        self.valid_from.setObjectName("planValidFrom")
        self.valid_from.setCalendarPopup(True)
        self.has_end = QCheckBox()
        self.has_end.setObjectName("planHasEnd")
        self.valid_to = QDateEdit(qdate(today))
        self.valid_to.setObjectName("planValidTo")
        self.valid_to.setCalendarPopup(True)
        self.valid_to.setEnabled(False)
        self.has_end.toggled.connect(self.valid_to.setEnabled)
        end_row = QHBoxLayout()
        end_row.addWidget(self.has_end)
        end_row.addWidget(self.valid_to, 1)
        self.add_button = QPushButton()
        self.add_button.setObjectName("planAdd")
        self.add_button.clicked.connect(self.add_requested)
        self.save_button = QPushButton()
        self.save_button.setObjectName("planSave")
        self.save_button.clicked.connect(self.save_requested)
        self.delete_button = QPushButton()
        self.delete_button.setObjectName("planDelete")
        self.delete_button.clicked.connect(self.delete_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.add_button, self.save_button, self.delete_button):
            buttons.addWidget(button)
        self._labels = [QLabel() for _ in range(5)]
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(self._labels[0], self.target)
        form.addRow(self._labels[1], self.metric_combo)
        form.addRow(self._labels[2], self.per_day)
        form.addRow(self._labels[3], self.valid_from)
        form.addRow(self._labels[4], end_row)
        form.addRow(buttons)
        fields: tuple[QWidget, ...] = (
            self.target,
            self.metric_combo,
            self.per_day,
            self.valid_from,
        )
        for label, field in zip(self._labels, fields, strict=False):
            label.setBuddy(field)
        self.set_selected(None)
        self.retranslate()

    def retranslate(self) -> None:
        labels = (
            self.tr("&For"),
            self.tr("&Metric"),
            self.tr("&A day"),
            self.tr("Valid &from"),
            self.tr("Valid to"),
        )
        for label, text in zip(self._labels, labels, strict=True):
            label.setText(text)
        for index in range(self.metric_combo.count()):
            self.metric_combo.setItemText(
                index, metric_label(KpiMetric(self.metric_combo.itemData(index)))
            )
        self.has_end.setText(self.tr("ends on"))
        self.add_button.setText(self.tr("Add plan"))
        self.save_button.setText(self.tr("Save changes"))
        self.delete_button.setText(self.tr("Delete"))
        self._fill_targets()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_people(self, people: Sequence[Person]) -> None:
        self._people = list(people)
        self._fill_targets()

    def _fill_targets(self) -> None:
        chosen = self.target.currentData()
        self.target.clear()
        for role in Role:
            self.target.addItem(
                self.tr("Everyone: {role}").format(role=role_label(role)), (_ROLE, role.value)
            )
        for person in self._people:
            self.target.addItem(person.name, (_USER, person.user_id))
        self._choose_target(chosen)

    def _choose_target(self, data: Any) -> None:
        for index in range(self.target.count()):
            if self.target.itemData(index) == data:
                self.target.setCurrentIndex(index)
                return

    def set_selected(self, plan: PlanView | None) -> None:
        """Show the chosen plan in the form (its edits go to "Save changes")."""
        self.save_button.setEnabled(plan is not None)
        self.delete_button.setEnabled(plan is not None)
        if plan is None:
            return
        if plan.role is not None:
            self._choose_target((_ROLE, plan.role.value))
        else:
            self._choose_target((_USER, plan.user_id))
        self.metric_combo.setCurrentIndex(self.metric_combo.findData(plan.metric.value))
        self.per_day.setValue(float(plan.per_day))
        self.valid_from.setDate(qdate(plan.valid_from))
        self.has_end.setChecked(plan.valid_to is not None)
        if plan.valid_to is not None:
            self.valid_to.setDate(qdate(plan.valid_to))

    def choose_target(self, *, role: Role | None = None, user_id: int | None = None) -> None:
        self._choose_target((_ROLE, role.value) if role is not None else (_USER, user_id))

    def values(self) -> dict[str, Any]:
        """Keyword arguments for `PlanService.save_plan`."""
        kind, key = self.target.currentData()
        return {
            "role": Role(key) if kind == _ROLE else None,
            "user_id": key if kind == _USER else None,
            "metric": KpiMetric(self.metric_combo.currentData()),
            "per_day": Decimal(str(round(self.per_day.value(), 2))),
            "valid_from": to_date(self.valid_from.date()),
            "valid_to": to_date(self.valid_to.date()) if self.has_end.isChecked() else None,
        }
