"""The dashboard's filters: a period (quick presets or chosen days), campaign, list, operator
and script version. Emits `changed` once per change the person makes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from PySide6.QtCore import QDate, QEvent, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QWidget

from operator_app.core.reports.dashboard import Choice, FilterChoices
from operator_app.core.reports.filters import ReportFilter
from operator_app.core.reports.period import ReportPeriod
from operator_app.gui.dashboard.presets import PeriodPreset, preset_days, preset_label

__all__ = ["ANY", "FiltersBar"]

ANY = -1  # the "all …" entry of a combo


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


class FiltersBar(QWidget):
    changed = Signal()

    def __init__(
        self,
        today: Callable[[], dt.date],
        zone: str,
        *,
        operator_locked_to: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardFilters")
        self._today = today
        self._zone = zone
        self._operator_locked_to = operator_locked_to
        self._choices = FilterChoices((), (), (), ())

        self.preset = QComboBox()
        self.preset.setObjectName("dashboardPreset")
        for preset in PeriodPreset:
            self.preset.addItem("", preset.value)
        self.preset.activated.connect(self._preset_chosen)
        self.first_day = self._date_edit("dashboardFirstDay")
        self.last_day = self._date_edit("dashboardLastDay")
        self._to_label = QLabel()
        self.campaign = self._combo("dashboardCampaign")
        self.lead_list = self._combo("dashboardList")
        self.operator = self._combo("dashboardOperator")
        self.operator.setVisible(operator_locked_to is None)
        self.script_version = self._combo("dashboardScriptVersion")

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preset)
        layout.addWidget(self.first_day)
        layout.addWidget(self._to_label)
        layout.addWidget(self.last_day)
        layout.addSpacing(12)
        for combo in (self.campaign, self.lead_list, self.operator, self.script_version):
            layout.addWidget(combo)
        layout.addStretch(1)

        # A month back: on a Monday morning "this week" would open on an empty board.
        self._apply_preset(PeriodPreset.LAST_30_DAYS)
        self.retranslate()

    def _date_edit(self, name: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.dateChanged.connect(lambda _date, e=edit: self._day_edited(e))
        return edit

    def _combo(self, name: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.setMinimumContentsLength(12)
        combo.activated.connect(lambda _index: self.changed.emit())
        return combo

    # --- texts ------------------------------------------------------------------------------

    def retranslate(self) -> None:
        for index in range(self.preset.count()):
            self.preset.setItemText(index, preset_label(PeriodPreset(self.preset.itemData(index))))
        self.preset.setToolTip(self.tr("The period: whole days, both ends included"))
        self._to_label.setText(self.tr("to"))
        self.first_day.setToolTip(self.tr("First day"))
        self.last_day.setToolTip(self.tr("Last day"))
        self.campaign.setToolTip(self.tr("Campaign"))
        self.lead_list.setToolTip(self.tr("Lead list"))
        self.operator.setToolTip(self.tr("Operator"))
        self.script_version.setToolTip(self.tr("Script version"))
        self._fill_all()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- the filter -------------------------------------------------------------------------

    def report_filter(self) -> ReportFilter:
        operator = self._operator_locked_to
        if operator is None:
            operator = _chosen(self.operator)
        return ReportFilter(
            ReportPeriod(_day(self.first_day.date()), _day(self.last_day.date()), self._zone),
            campaign_id=_chosen(self.campaign),
            list_id=_chosen(self.lead_list),
            operator_id=operator,
            script_version_id=_chosen(self.script_version),
        )

    def current_preset(self) -> PeriodPreset:
        return PeriodPreset(self.preset.currentData())

    def choose_preset(self, preset: PeriodPreset) -> None:
        self.preset.setCurrentIndex(self.preset.findData(preset.value))
        self._preset_chosen(self.preset.currentIndex())

    def set_days(self, first_day: dt.date, last_day: dt.date) -> None:
        """Chosen days (a custom period), as if typed."""
        self._set_days_quietly(first_day, last_day)
        self._mark_custom()
        self.changed.emit()

    def set_operator(self, operator_id: int | None, label: str | None = None) -> None:
        """Filter by one operator (None: everyone); `label` names one the choices lack yet."""
        if self._operator_locked_to is not None:
            return
        if operator_id is not None and self.operator.findData(operator_id) < 0:
            self.operator.addItem(label or f"#{operator_id}", operator_id)
        self.operator.setCurrentIndex(
            self.operator.findData(ANY if operator_id is None else operator_id)
        )
        self.changed.emit()

    def operator_label(self) -> str | None:
        return None if _chosen(self.operator) is None else self.operator.currentText()

    def set_choices(self, choices: FilterChoices) -> None:
        self._choices = choices
        self._fill_all()

    def choices(self) -> FilterChoices:
        return self._choices

    # --- reacting ---------------------------------------------------------------------------

    def _preset_chosen(self, index: int) -> None:
        preset = PeriodPreset(self.preset.itemData(index))
        if preset is not PeriodPreset.CUSTOM:
            self._apply_preset(preset)
        self.changed.emit()

    def _apply_preset(self, preset: PeriodPreset) -> None:
        self.preset.setCurrentIndex(self.preset.findData(preset.value))
        self._set_days_quietly(*preset_days(preset, self._today()))

    def _day_edited(self, edit: QDateEdit) -> None:
        first, last = _day(self.first_day.date()), _day(self.last_day.date())
        if first > last:  # keep a period that ends after it starts: move the other end along
            if edit is self.first_day:
                last = first
            else:
                first = last
            self._set_days_quietly(first, last)
        self._mark_custom()
        self.changed.emit()

    def _mark_custom(self) -> None:
        self.preset.setCurrentIndex(self.preset.findData(PeriodPreset.CUSTOM.value))

    def _set_days_quietly(self, first_day: dt.date, last_day: dt.date) -> None:
        for edit, day in ((self.first_day, first_day), (self.last_day, last_day)):
            edit.blockSignals(True)
            edit.setDate(_qdate(day))
            edit.blockSignals(False)

    def _fill_all(self) -> None:
        choices = self._choices
        _fill(self.campaign, self.tr("All campaigns"), choices.campaigns)
        _fill(self.lead_list, self.tr("All lists"), choices.lists)
        _fill(self.operator, self.tr("All operators"), choices.operators)
        _fill(self.script_version, self.tr("All script versions"), choices.script_versions)


def _chosen(combo: QComboBox) -> int | None:
    value = combo.currentData()
    return None if value is None or value == ANY else int(value)


def _fill(combo: QComboBox, everything: str, choices: Sequence[Choice]) -> None:
    """Refill a combo, keeping what was chosen (an entry the choices lack stays as it was)."""
    current = combo.currentData()
    kept = combo.currentText()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(everything, ANY)
    for choice in choices:
        combo.addItem(choice.label, choice.key)
    if current is not None and current != ANY and combo.findData(current) < 0:
        combo.addItem(kept, current)
    combo.setCurrentIndex(max(combo.findData(current if current is not None else ANY), 0))
    combo.blockSignals(False)
