"""Step 3: what the new list is called, why it should sell, and how it is worked."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QTimer, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from operator_app.core.importing.types import ABC_CLASSES, ImportOptions
from operator_app.gui.importing.texts import PHONE_REGIONS, abc_class_label, region_label
from operator_app.gui.widgets.inline_error import InlineError

LIST_NAME_WIDTH = 200  # lead_lists.name
MIN_PRIORITY, MAX_PRIORITY, DEFAULT_PRIORITY = 1, 100, 50
DEFAULT_ABC_CLASS = "B"

CampaignNames = Callable[[], Sequence[str]]


class DetailsPage(QWizardPage):
    def __init__(
        self,
        campaign_names: CampaignNames,
        default_region: str,
        suggested_name: Callable[[], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._campaign_names = campaign_names
        self._suggested_name = suggested_name
        self._suggested: str | None = None

        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(LIST_NAME_WIDTH)
        self.name_error = InlineError()
        self.hypothesis_edit = QPlainTextEdit()
        self.hypothesis_edit.setTabChangesFocus(True)
        lines = 3
        self.hypothesis_edit.setFixedHeight(
            self.hypothesis_edit.fontMetrics().lineSpacing() * lines + 14
        )
        self.abc_combo = QComboBox()
        self.priority_spin = QSpinBox()
        self.priority_spin.setRange(MIN_PRIORITY, MAX_PRIORITY)
        self.priority_spin.setValue(DEFAULT_PRIORITY)
        self.campaign_combo = QComboBox()
        self.campaign_combo.setMinimumContentsLength(24)
        self.region_combo = QComboBox()
        regions = list(PHONE_REGIONS)
        if default_region not in regions:
            regions.insert(0, default_region)
        self._regions = regions
        self._default_region = default_region

        self._labels = {
            name: QLabel()
            for name in ("name", "hypothesis", "abc", "priority", "campaign", "region")
        }
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(self._labels["name"], self.name_edit)
        form.addRow("", self.name_error)
        form.addRow(self._labels["hypothesis"], self.hypothesis_edit)
        form.addRow(self._labels["abc"], self.abc_combo)
        form.addRow(self._labels["priority"], self.priority_spin)
        form.addRow(self._labels["campaign"], self.campaign_combo)
        form.addRow(self._labels["region"], self.region_combo)
        self._labels["name"].setBuddy(self.name_edit)
        self._labels["hypothesis"].setBuddy(self.hypothesis_edit)
        self._labels["abc"].setBuddy(self.abc_combo)
        self._labels["priority"].setBuddy(self.priority_spin)
        self._labels["campaign"].setBuddy(self.campaign_combo)
        self._labels["region"].setBuddy(self.region_combo)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)

        self.name_edit.textChanged.connect(self._name_changed)
        self._fill_choices()
        self._retranslate()

    # --- public -----------------------------------------------------------------------------

    def options(self, source: str | None) -> ImportOptions:
        campaign = self.campaign_combo.currentData()
        return ImportOptions(
            list_name=self.name_edit.text().strip(),
            hypothesis=self.hypothesis_edit.toPlainText().strip() or None,
            abc_class=str(self.abc_combo.currentData()),
            priority=self.priority_spin.value(),
            campaign_name=str(campaign) if campaign else None,
            default_region=str(self.region_combo.currentData()),
            source=source or None,
        )

    def show_name_error(self, text: str) -> None:
        """Say what is wrong with the name (e.g. taken), next to it, with the cursor there."""
        self.name_error.show_error(text)
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    # --- QWizardPage ------------------------------------------------------------------------

    def initializePage(self) -> None:
        suggested = self._suggested_name()
        # Follow the file while the person has not typed a name of their own.
        if not self.name_edit.text().strip() or self.name_edit.text() == self._suggested:
            self.name_edit.setText(suggested)
        self._suggested = suggested
        self._fill_campaigns()
        QTimer.singleShot(0, self, self._focus_name)

    @Slot()
    def _focus_name(self) -> None:
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    def cleanupPage(self) -> None:
        pass  # Back keeps what was typed here

    def isComplete(self) -> bool:
        return bool(self.name_edit.text().strip())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    # --- internals --------------------------------------------------------------------------

    @Slot(str)
    def _name_changed(self, _text: str) -> None:
        self.name_error.clear_error()
        self.completeChanged.emit()

    def _fill_choices(self) -> None:
        for abc_class in ABC_CLASSES:
            self.abc_combo.addItem(abc_class, abc_class)
        self.abc_combo.setCurrentIndex(self.abc_combo.findData(DEFAULT_ABC_CLASS))
        for code in self._regions:
            self.region_combo.addItem(code, code)
        self.region_combo.setCurrentIndex(self.region_combo.findData(self._default_region))

    def _fill_campaigns(self) -> None:
        chosen = self.campaign_combo.currentData()
        self.campaign_combo.clear()
        self.campaign_combo.addItem(self.tr("No campaign yet"), None)
        for name in self._campaign_names():
            self.campaign_combo.addItem(name, name)
        position = self.campaign_combo.findData(chosen) if chosen else 0
        self.campaign_combo.setCurrentIndex(max(position, 0))

    def _retranslate(self) -> None:
        self.setTitle(self.tr("Describe the list"))
        self.setSubTitle(
            self.tr(
                "Supervisors compare lists by these details; the hypothesis says why this "
                "portrait of client should buy."
            )
        )
        texts = {
            "name": self.tr("List &name:"),
            "hypothesis": self.tr("&Hypothesis:"),
            "abc": self.tr("&ABC class:"),
            "priority": self.tr("&Priority:"),
            "campaign": self.tr("&Campaign:"),
            "region": self.tr("Phone &region:"),
        }
        for key, text in texts.items():
            self._labels[key].setText(text)
        self.name_edit.setPlaceholderText(
            self.tr("Required, unique, e.g. “Dentists Kazan 2025-03”")
        )
        self.hypothesis_edit.setPlaceholderText(
            self.tr("Why should these clients buy? E.g. “new clinics need a steady patient flow”")
        )
        for position in range(self.abc_combo.count()):
            self.abc_combo.setItemText(
                position, abc_class_label(str(self.abc_combo.itemData(position)))
            )
        self.priority_spin.setToolTip(
            self.tr("Lists with a higher priority are called first ({low} to {high}).").format(
                low=MIN_PRIORITY, high=MAX_PRIORITY
            )
        )
        for position in range(self.region_combo.count()):
            self.region_combo.setItemText(
                position, region_label(str(self.region_combo.itemData(position)))
            )
        self.region_combo.setToolTip(
            self.tr("Numbers written without a country code are read as numbers of this country.")
        )
        if self.campaign_combo.count():
            self.campaign_combo.setItemText(0, self.tr("No campaign yet"))
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("&Import"))
