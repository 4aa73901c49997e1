"""KPI weights of one role: each metric's share of the scorecard and its cut-off, in percent."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.reports.kpi import KpiMetric
from operator_app.core.reports.plans import WeightView
from operator_app.core.roles import Role
from operator_app.gui.kpi.texts import metric_label
from operator_app.gui.labels import role_label

__all__ = ["DEFAULT_CUTOFF_PERCENT", "WeightsEditor"]

DEFAULT_CUTOFF_PERCENT = 80.0
_HUNDRED = Decimal(100)


def _percent_spin(name: str) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setObjectName(name)
    spin.setRange(0, 100)
    spin.setDecimals(1)
    spin.setSingleStep(5)
    spin.setSuffix(" %")
    return spin


class WeightsEditor(QWidget):
    role_changed = Signal()
    save_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.role = QComboBox()
        self.role.setObjectName("kpiWeightsRole")
        for role in Role:
            self.role.addItem("", role.value)
        self.role.activated.connect(lambda _index: self.role_changed.emit())
        self._metric_labels: dict[KpiMetric, QLabel] = {}
        self.weight: dict[KpiMetric, QDoubleSpinBox] = {}
        self.cutoff: dict[KpiMetric, QDoubleSpinBox] = {}
        grid = QGridLayout()
        self._weight_header = QLabel()
        self._cutoff_header = QLabel()
        grid.addWidget(self._weight_header, 0, 1)
        grid.addWidget(self._cutoff_header, 0, 2)
        for row, metric in enumerate(KpiMetric, start=1):
            label = QLabel()
            weight = _percent_spin(f"kpiWeight_{metric.value}")
            cutoff = _percent_spin(f"kpiCutoff_{metric.value}")
            weight.valueChanged.connect(lambda _value: self._show_sum())
            label.setBuddy(weight)
            grid.addWidget(label, row, 0)
            grid.addWidget(weight, row, 1)
            grid.addWidget(cutoff, row, 2)
            self._metric_labels[metric] = label
            self.weight[metric] = weight
            self.cutoff[metric] = cutoff
        self.sum_label = QLabel()
        self.sum_label.setObjectName("kpiWeightsSum")
        self.save_button = QPushButton()
        self.save_button.setObjectName("kpiWeightsSave")
        self.save_button.clicked.connect(self.save_requested)
        self._hint = QLabel()
        self._hint.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.role)
        top.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.sum_label)
        bottom.addStretch(1)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self._hint)
        layout.addLayout(grid)
        layout.addLayout(bottom)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        for index in range(self.role.count()):
            self.role.setItemText(index, role_label(Role(self.role.itemData(index))))
        self.role.setToolTip(self.tr("The role whose scorecard these weights make"))
        self._hint.setText(
            self.tr(
                "A metric with a weight counts towards the role's score; below its cut-off "
                "(a share of the plan) that part counts zero. Weights add up to 100 %."
            )
        )
        self._weight_header.setText(self.tr("Weight"))
        self._cutoff_header.setText(self.tr("Cut-off"))
        for metric, label in self._metric_labels.items():
            label.setText(metric_label(metric))
        self.save_button.setText(self.tr("Save weights"))
        self._show_sum()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def current_role(self) -> Role:
        return Role(self.role.currentData())

    def show_weights(self, weights: Sequence[WeightView]) -> None:
        """Fill the editor from the current role's weights (others in the list are ignored)."""
        mine = {w.metric: w for w in weights if w.role == self.current_role()}
        for metric in KpiMetric:
            weight = mine.get(metric)
            self.weight[metric].setValue(0 if weight is None else float(weight.weight * _HUNDRED))
            self.cutoff[metric].setValue(
                DEFAULT_CUTOFF_PERCENT if weight is None else float(weight.cutoff * _HUNDRED)
            )
        self._show_sum()

    def values(self) -> list[tuple[KpiMetric, Decimal, Decimal]]:
        """(metric, weight, cut-off) as fractions, for the metrics with a weight."""
        return [
            (
                metric,
                Decimal(str(self.weight[metric].value())) / _HUNDRED,
                Decimal(str(self.cutoff[metric].value())) / _HUNDRED,
            )
            for metric in KpiMetric
            if self.weight[metric].value() > 0
        ]

    def total_percent(self) -> float:
        return round(sum(spin.value() for spin in self.weight.values()), 1)

    def _show_sum(self) -> None:
        total = self.total_percent()
        self.sum_label.setText(self.tr("Total: {total} %").format(total=f"{total:g}"))
        usable = total in (0, 100)
        self.sum_label.setStyleSheet("" if usable else "color: #b3261e;")
        self.save_button.setEnabled(usable)
