"""The read-only table of campaigns."""

from __future__ import annotations

from PySide6.QtCore import QObject

from operator_app.core.campaigns import CampaignSummary
from operator_app.gui.labels import campaign_model_label, yes_no
from operator_app.gui.models.table import Column, RowTableModel


class CampaignTableModel(RowTableModel[CampaignSummary]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [
                Column(
                    title=lambda: self.tr("Name"),
                    text=lambda campaign: campaign.name,
                    sort_key=lambda campaign: campaign.name.casefold(),
                ),
                Column(
                    title=lambda: self.tr("Model"),
                    text=lambda campaign: campaign_model_label(campaign.model),
                ),
                Column(
                    title=lambda: self.tr("Time zone"), text=lambda campaign: campaign.time_zone
                ),
                Column(
                    title=lambda: self.tr("Active"),
                    text=lambda campaign: yes_no(campaign.active),
                    align="center",
                ),
                Column(
                    title=lambda: self.tr("Script"),
                    text=lambda campaign: campaign.script_name or "—",
                ),
            ],
            dimmed=lambda campaign: not campaign.active,
            parent=parent,
        )
