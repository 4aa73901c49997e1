"""Split a campaign's calls between two versions of its script, per operator or per lead,
or end the split so every call opens the latest version."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.errors import ValidationFailed
from operator_app.core.script_split import ScriptSplit, SplitBy
from operator_app.core.script_versions import CampaignSplit, VersionInfo
from operator_app.gui.script_versions.texts import problem_text, split_by_label
from operator_app.gui.widgets.inline_error import InlineError

__all__ = ["SplitEditor"]


class SplitEditor(QWidget):
    """Emits `save_requested(campaign_id, split)` and `end_requested(campaign_id)`; the page
    does the writing and calls `set_campaigns` with what the database then holds."""

    save_requested = Signal(int, object)
    end_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scriptSplitEditor")
        self._campaigns: list[CampaignSplit] = []

        self.campaign = QComboBox()
        self.campaign.setObjectName("splitCampaign")
        self.campaign.currentIndexChanged.connect(lambda _index: self._show_campaign())
        self.status = QLabel()
        self.status.setObjectName("splitStatus")
        self.status.setWordWrap(True)
        self.version_a = QComboBox()
        self.version_a.setObjectName("splitVersionA")
        self.version_b = QComboBox()
        self.version_b.setObjectName("splitVersionB")
        self.share_b = QSpinBox()
        self.share_b.setObjectName("splitShareB")
        self.share_b.setRange(1, 99)
        self.share_b.setValue(50)
        self.share_b.setSuffix(" %")
        self.by = QComboBox()
        self.by.setObjectName("splitBy")
        for by in SplitBy:
            self.by.addItem("", by.value)
        self.save_button = QPushButton()
        self.save_button.setObjectName("splitSave")
        self.save_button.clicked.connect(self._save)
        self.end_button = QPushButton()
        self.end_button.setObjectName("splitEnd")
        self.end_button.clicked.connect(self._end)
        self.problem = InlineError()

        form = QFormLayout()
        self._labels = [QLabel() for _ in range(5)]
        for label, field in zip(
            self._labels,
            (self.campaign, self.version_a, self.version_b, self.share_b, self.by),
            strict=True,
        ):
            label.setBuddy(field)
            form.addRow(label, field)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.end_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        for label, text in zip(
            self._labels,
            (
                self.tr("&Campaign:"),
                self.tr("Version &A (the rest):"),
                self.tr("Version &B:"),
                self.tr("&Share of version B:"),
                self.tr("Split &by:"),
            ),
            strict=True,
        ):
            label.setText(text)
        for index in range(self.by.count()):
            self.by.setItemText(index, split_by_label(SplitBy(self.by.itemData(index))))
        self.save_button.setText(self.tr("Start the split"))
        self.save_button.setToolTip(
            self.tr("Calls of this campaign open version A or B as the split assigns")
        )
        self.end_button.setText(self.tr("End the split"))
        self.end_button.setToolTip(self.tr("Every call opens the latest version again"))
        self._show_campaign()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- data ---------------------------------------------------------------------------------

    def set_campaigns(self, campaigns: Sequence[CampaignSplit]) -> None:
        """Show the campaigns, keeping the chosen one when it is still there."""
        chosen = self.campaign_id()
        self._campaigns = list(campaigns)
        self.campaign.blockSignals(True)
        self.campaign.clear()
        for campaign in self._campaigns:
            self.campaign.addItem(
                f"{campaign.campaign_name} — {campaign.script_name}", campaign.campaign_id
            )
        index = self.campaign.findData(chosen) if chosen is not None else -1
        self.campaign.setCurrentIndex(max(index, 0) if self._campaigns else -1)
        self.campaign.blockSignals(False)
        self._show_campaign()

    def campaign_id(self) -> int | None:
        value = self.campaign.currentData()
        return value if isinstance(value, int) else None

    def current(self) -> CampaignSplit | None:
        campaign_id = self.campaign_id()
        return next((c for c in self._campaigns if c.campaign_id == campaign_id), None)

    def select_campaign(self, campaign_id: int) -> bool:
        index = self.campaign.findData(campaign_id)
        if index >= 0:
            self.campaign.setCurrentIndex(index)
        return index >= 0

    def _show_campaign(self) -> None:
        campaign = self.current()
        self.problem.clear_error()
        versions: tuple[VersionInfo, ...] = campaign.versions if campaign is not None else ()
        for combo in (self.version_a, self.version_b):
            combo.clear()
            for version in versions:
                combo.addItem(version.label, version.version_id)
        split = campaign.split if campaign is not None else None
        if split is not None:
            self._choose(self.version_a, split.version_a_id)
            self._choose(self.version_b, split.version_b_id)
            self.share_b.setValue(split.share_b)
            self.by.setCurrentIndex(self.by.findData(split.by.value))
        elif len(versions) >= 2:  # the natural test: the previous version against the newest
            self.version_a.setCurrentIndex(1)
            self.version_b.setCurrentIndex(0)
        enough = len(versions) >= 2
        for widget in (self.version_a, self.version_b, self.share_b, self.by, self.save_button):
            widget.setEnabled(enough)
        self.save_button.setText(
            self.tr("Save the split") if split is not None else self.tr("Start the split")
        )
        self.end_button.setEnabled(split is not None)
        self.status.setText(self._status_text(campaign))

    @staticmethod
    def _choose(combo: QComboBox, version_id: int) -> None:
        index = combo.findData(version_id)
        if index >= 0:
            combo.setCurrentIndex(index)

    def _status_text(self, campaign: CampaignSplit | None) -> str:
        if campaign is None:
            return self.tr("No active campaign has a call script.")
        if len(campaign.versions) < 2:
            return self.tr("The script has one published version: publish another to split.")
        split = campaign.split
        if split is None:
            latest = campaign.versions[0].label
            return self.tr("No split: every call opens the latest version, {version}.").format(
                version=latest
            )
        names = {v.version_id: v.label for v in campaign.versions}
        return self.tr("Split {by}: {share_b} % of calls open {b}, the rest open {a}.").format(
            by=split_by_label(split.by),
            share_b=split.share_b,
            a=names.get(split.version_a_id, "?"),
            b=names.get(split.version_b_id, "?"),
        )

    def show_problem(self, text: str) -> None:
        self.problem.show_error(text)

    def _save(self) -> None:
        campaign_id = self.campaign_id()
        a, b = self.version_a.currentData(), self.version_b.currentData()
        if campaign_id is None or not isinstance(a, int) or not isinstance(b, int):
            return
        try:
            split = ScriptSplit(a, b, self.share_b.value(), SplitBy(self.by.currentData()))
        except ValidationFailed as error:
            self.show_problem(problem_text(error))
            return
        self.problem.clear_error()
        self.save_requested.emit(campaign_id, split)

    def _end(self) -> None:
        campaign_id = self.campaign_id()
        if campaign_id is not None:
            self.problem.clear_error()
            self.end_requested.emit(campaign_id)
