"""The administrator's reminder plan for one campaign: which messages and calls remind the
client of a booked visit, and when."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.calendar.reminder_plan import ReminderSettings
from operator_app.core.calendar.reminder_settings_service import (
    CampaignReminderPlan,
    ReminderSettingsService,
    number_limits,
)
from operator_app.core.errors import ValidationFailed
from operator_app.gui.context import WorkspaceContext
from operator_app.gui.handoffs.background import failure_text, run_in_background
from operator_app.gui.messaging.texts import field_problem_text
from operator_app.gui.tasks import BackgroundTask
from operator_app.gui.widgets.field_error import field_error_label, show_field_error
from operator_app.gui.widgets.inline_error import InlineError

CUSTOM = "custom"
RULE_PRESETS: dict[str, str | None] = {
    "none": None,
    "monthly": "FREQ=MONTHLY",
    "quarterly": "FREQ=MONTHLY;INTERVAL=3",
    "half_yearly": "FREQ=MONTHLY;INTERVAL=6",
}
_KINDS = ("message", "call")


class ReminderPlanDialog(QDialog):
    def __init__(
        self, context: WorkspaceContext, campaign_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reminderPlanDialog")
        self._context = context
        self._campaign_id = campaign_id
        self._service = ReminderSettingsService(context.database)
        self._task: BackgroundTask | None = None
        self.plan: CampaignReminderPlan | None = None
        self.saved_plan: CampaignReminderPlan | None = None
        self._errors: dict[str, QLabel] = {}
        self._labels: dict[str, QLabel] = {}
        self.fields: dict[str, QWidget] = {}
        limits = number_limits()

        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.warning = InlineError()

        self.booking_group = QGroupBox()
        booking = QFormLayout(self.booking_group)
        self.confirmation_message = QCheckBox()
        self._add(booking, "confirmation_message", self.confirmation_message, labelled=False)
        self.control_touch_min_days = self._spin("control_touch_min_days", limits)
        self._add(booking, "control_touch_min_days", self.control_touch_min_days)
        self.control_touch_kind = self._kind_combo()
        self._add(booking, "control_touch_kind", self.control_touch_kind)
        self.confirm_call_hours_before = self._spin("confirm_call_hours_before", limits)
        self._add(booking, "confirm_call_hours_before", self.confirm_call_hours_before)
        self.second_call_after_minutes = self._spin("second_call_after_minutes", limits)
        self._add(booking, "second_call_after_minutes", self.second_call_after_minutes)
        self.cancel_after_second_call = QCheckBox()
        self._add(
            booking, "cancel_after_second_call", self.cancel_after_second_call, labelled=False
        )

        self.cyclic_group = QGroupBox()
        # The note above the form, not a spanning form row: a form row does not give a
        # word-wrapped label the height of its second line.
        cyclic_column = QVBoxLayout(self.cyclic_group)
        self.cyclic_note = QLabel()
        self.cyclic_note.setWordWrap(True)
        cyclic_column.addWidget(self.cyclic_note)
        cyclic = QFormLayout()
        cyclic_column.addLayout(cyclic)
        self.review_request_hours_after = self._spin("review_request_hours_after", limits)
        self._add(cyclic, "review_request_hours_after", self.review_request_hours_after)
        self.rule_preset = QComboBox()
        self.rule_preset.setObjectName("rule_preset")
        for key in (*RULE_PRESETS, CUSTOM):
            self.rule_preset.addItem("", key)
        self.rule_preset.activated.connect(self._preset_chosen)
        self._preset_label = QLabel()
        self._preset_label.setBuddy(self.rule_preset)
        cyclic.addRow(self._preset_label, self.rule_preset)
        self.next_visit_rule = QLineEdit()
        self.next_visit_rule.setPlaceholderText("FREQ=MONTHLY;INTERVAL=3")
        self.next_visit_rule.textChanged.connect(self._rule_edited)
        self._add(cyclic, "next_visit_rule", self.next_visit_rule)
        self.next_visit_remind_days_before = self._spin("next_visit_remind_days_before", limits)
        self._add(cyclic, "next_visit_remind_days_before", self.next_visit_remind_days_before)
        self.next_visit_remind_kind = self._kind_combo()
        self._add(cyclic, "next_visit_remind_kind", self.next_visit_remind_kind)

        self.error = InlineError()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.defaults_button = self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.defaults_button.clicked.connect(lambda: self.show_settings(ReminderSettings()))

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.warning)
        layout.addWidget(self.booking_group)
        layout.addWidget(self.cyclic_group)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._set_loading(True)
        self.retranslate()
        self.load()

    # --- building -----------------------------------------------------------------------------

    def _spin(self, name: str, limits: dict[str, tuple[int, int]]) -> QSpinBox:
        spin = QSpinBox()
        low, high = limits.get(name, (0, 10_000))
        spin.setRange(low, high)
        return spin

    def _kind_combo(self) -> QComboBox:
        combo = QComboBox()
        for kind in _KINDS:
            combo.addItem("", kind)
        return combo

    def _add(self, form: QFormLayout, name: str, field: QWidget, *, labelled: bool = True) -> None:
        field.setObjectName(name)
        error = field_error_label()
        error.setObjectName(f"{name}_error")
        cell = QWidget()
        cell_layout = QVBoxLayout(cell)
        cell_layout.setContentsMargins(0, 0, 0, 0)
        cell_layout.setSpacing(2)
        cell_layout.addWidget(field)
        cell_layout.addWidget(error)
        if labelled:
            label = QLabel()
            label.setBuddy(field)
            form.addRow(label, cell)
            self._labels[name] = label
        else:
            form.addRow(cell)
        self.fields[name] = field
        self._errors[name] = error

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Reminder plan"))
        self.booking_group.setTitle(self.tr("After booking"))
        self.cyclic_group.setTitle(self.tr("After the visit (cyclic campaigns)"))
        self.confirmation_message.setText(
            self.tr("Send a written confirmation right after booking")
        )
        self.cancel_after_second_call.setText(
            self.tr("Cancel the visit politely when the second call does not reach the client")
        )
        labels = {
            "control_touch_min_days": self.tr("Touch the day before when the visit is at least"),
            "control_touch_kind": self.tr("The day-before touch is a:"),
            "confirm_call_hours_before": self.tr("Confirmation call, hours before the visit:"),
            "second_call_after_minutes": self.tr("Second call after, minutes:"),
            "review_request_hours_after": self.tr("Ask for a review, hours after the visit:"),
            "next_visit_rule": self.tr("Repeat rule (RRULE):"),
            "next_visit_remind_days_before": self.tr("Remind, days before the next visit:"),
            "next_visit_remind_kind": self.tr("The next-visit reminder is a:"),
        }
        for name, label in self._labels.items():
            label.setText(labels[name])
        self.control_touch_min_days.setSuffix(self.tr(" days away"))
        self._preset_label.setText(self.tr("Next visit:"))
        presets = {
            "none": self.tr("No next visit"),
            "monthly": self.tr("Every month"),
            "quarterly": self.tr("Every 3 months"),
            "half_yearly": self.tr("Every 6 months"),
            CUSTOM: self.tr("Another rule…"),
        }
        for index in range(self.rule_preset.count()):
            self.rule_preset.setItemText(index, presets[str(self.rule_preset.itemData(index))])
        kinds = {"message": self.tr("message"), "call": self.tr("call")}
        for combo in (self.control_touch_kind, self.next_visit_remind_kind):
            for index in range(combo.count()):
                combo.setItemText(index, kinds[str(combo.itemData(index))])
        self.cyclic_note.setText(
            self.tr(
                "A review request and a next-visit reminder are planned once a visit is held, "
                "in cyclic campaigns only."
            )
        )
        self._show_heading()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _show_heading(self) -> None:
        if self.plan is None:
            self.heading.setText(self.tr("Loading the reminder plan…"))
            return
        text = self.tr("How clients of “{campaign}” are reminded of their visits.").format(
            campaign=self.plan.campaign_name
        )
        if not self.plan.cyclic:
            text += " " + self.tr("This campaign is not cyclic: the lower part does not apply.")
        self.heading.setText(text)

    # --- values -------------------------------------------------------------------------------

    def show_settings(self, settings: ReminderSettings) -> None:
        self.confirmation_message.setChecked(settings.confirmation_message)
        self.control_touch_min_days.setValue(settings.control_touch_min_days)
        _choose(self.control_touch_kind, settings.control_touch_kind)
        self.confirm_call_hours_before.setValue(settings.confirm_call_hours_before)
        self.second_call_after_minutes.setValue(settings.second_call_after_minutes)
        self.cancel_after_second_call.setChecked(settings.cancel_after_second_call)
        self.review_request_hours_after.setValue(settings.review_request_hours_after)
        self.next_visit_rule.setText(settings.next_visit_rule or "")
        self.next_visit_remind_days_before.setValue(settings.next_visit_remind_days_before)
        _choose(self.next_visit_remind_kind, settings.next_visit_remind_kind)
        self.clear_errors()

    def values(self) -> dict[str, Any]:
        """The plan as typed, for the service to check (it names any bad field)."""
        rule = self.next_visit_rule.text().strip()
        return {
            "confirmation_message": self.confirmation_message.isChecked(),
            "control_touch_min_days": self.control_touch_min_days.value(),
            "control_touch_kind": str(self.control_touch_kind.currentData()),
            "confirm_call_hours_before": self.confirm_call_hours_before.value(),
            "second_call_after_minutes": self.second_call_after_minutes.value(),
            "cancel_after_second_call": self.cancel_after_second_call.isChecked(),
            "review_request_hours_after": self.review_request_hours_after.value(),
            "next_visit_rule": rule or None,
            "next_visit_remind_days_before": self.next_visit_remind_days_before.value(),
            "next_visit_remind_kind": str(self.next_visit_remind_kind.currentData()),
        }

    def choose_preset(self, key: str) -> None:
        index = self.rule_preset.findData(key)
        self.rule_preset.setCurrentIndex(index)
        self._preset_chosen(index)

    def _preset_chosen(self, index: int) -> None:
        key = str(self.rule_preset.itemData(index))
        if key == CUSTOM:
            self.next_visit_rule.setFocus()
            return
        self.next_visit_rule.setText(RULE_PRESETS[key] or "")
        show_field_error(self._errors["next_visit_rule"], None)

    def _rule_edited(self, text: str) -> None:
        rule = text.strip().upper() or None
        for key, preset in RULE_PRESETS.items():
            if preset == rule:
                self.rule_preset.setCurrentIndex(self.rule_preset.findData(key))
                return
        self.rule_preset.setCurrentIndex(self.rule_preset.findData(CUSTOM))

    def clear_errors(self) -> None:
        for label in self._errors.values():
            show_field_error(label, None)
        self.error.clear_error()

    def field_error(self, name: str) -> str | None:
        return self._errors[name].text() or None

    # --- loading and saving -------------------------------------------------------------------

    def is_busy(self) -> bool:
        return self._task is not None

    def _set_loading(self, busy: bool) -> None:
        for group in (self.booking_group, self.cyclic_group):
            group.setEnabled(not busy)
        self.save_button.setEnabled(not busy)
        self.defaults_button.setEnabled(not busy)

    def load(self) -> None:
        campaign_id = self._campaign_id
        self._task = run_in_background(
            self, lambda: self._service.plan(campaign_id), self._loaded, self._load_failed
        )

    def _loaded(self, plan: Any) -> None:
        assert isinstance(plan, CampaignReminderPlan)
        self._task = None
        self.plan = plan
        self.show_settings(plan.settings)
        self._set_loading(False)
        if plan.stored_invalid is not None:
            self.warning.show_error(
                self.tr(
                    "The stored plan had a value the app no longer accepts, so the defaults "
                    "are shown. Saving replaces it."
                )
            )
        self._show_heading()

    def _load_failed(self, error: BaseException) -> None:
        self._task = None
        self.error.show_error(
            self.tr("The reminder plan could not be loaded. {reason}").format(
                reason=failure_text(error)
            )
        )

    def save(self) -> None:
        if self._task is not None or self.plan is None:
            return
        self.clear_errors()
        actor, campaign_id, values = self._context.actor, self._campaign_id, self.values()
        self._set_loading(True)
        self._task = run_in_background(
            self,
            lambda: self._service.save(actor, campaign_id, values),
            self._saved,
            self._save_failed,
        )

    def _saved(self, plan: Any) -> None:
        assert isinstance(plan, CampaignReminderPlan)
        self._task = None
        self.saved_plan = plan
        self._set_loading(False)
        self.accept()

    def _save_failed(self, error: BaseException) -> None:
        self._task = None
        self._set_loading(False)
        if isinstance(error, ValidationFailed) and error.field in self._errors:
            show_field_error(self._errors[error.field], field_problem_text(error))
            self.fields[error.field].setFocus()
            return
        self.error.show_error(failure_text(error))


def _choose(combo: QComboBox, value: str) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(max(index, 0))
