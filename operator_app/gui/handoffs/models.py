"""Tables of hand-offs, verdict overrides and acceptance rates."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from operator_app.core.handoff import AcceptanceRate, HandoffDetail
from operator_app.core.verification.service import VerificationView
from operator_app.gui.handoffs.texts import state_label, verdict_label
from operator_app.gui.models.formatting import local_datetime, number, zoned_datetime
from operator_app.gui.models.table import Column, RowTableModel


def _visit_text(row: HandoffDetail) -> str:
    if row.visit is not None:  # in the office's time, where the seller meets the client
        return zoned_datetime(row.visit.starts_at, row.visit.office_time_zone)
    starts = row.handoff.visit_starts_at
    return local_datetime(starts) if starts is not None else "—"


def _visit_key(row: HandoffDetail) -> float:
    starts = row.visit.starts_at if row.visit is not None else row.handoff.visit_starts_at
    return starts.timestamp() if starts is not None else 0.0


class HandoffTableModel(RowTableModel[HandoffDetail]):
    """Hand-offs; with `for_arbitration` also the seller and the reason they gave."""

    def __init__(self, *, for_arbitration: bool = False, parent: QObject | None = None) -> None:
        columns: list[Column[HandoffDetail]] = [
            Column(
                title=lambda: self.tr("Client"),
                text=lambda row: row.client.full_name,
                sort_key=lambda row: row.client.full_name.casefold(),
            ),
            Column(
                title=lambda: self.tr("Company"),
                text=lambda row: row.handoff.company_name or "—",
            ),
            Column(
                title=lambda: self.tr("Campaign"),
                text=lambda row: row.handoff.campaign_name or "—",
            ),
            Column(
                title=lambda: self.tr("Visit"),
                text=_visit_text,
                sort_key=_visit_key,
                tooltip=lambda row: (
                    f"{row.visit.office_name}, {row.visit.office_address}"
                    if row.visit is not None
                    else None
                ),
            ),
            Column(
                title=lambda: self.tr("From"),
                text=lambda row: row.handoff.lead_generator_name or "—",
            ),
        ]
        if for_arbitration:
            columns += [
                Column(
                    title=lambda: self.tr("Seller"),
                    text=lambda row: row.handoff.seller_name or "—",
                ),
                Column(
                    title=lambda: self.tr("Reason"),
                    text=lambda row: " ".join((row.handoff.return_reason or "").split()),
                    tooltip=lambda row: row.handoff.return_reason,
                ),
            ]
        columns += [
            Column(
                title=lambda: self.tr("Handed off"),
                text=lambda row: local_datetime(row.handoff.created_at),
                sort_key=lambda row: row.handoff.created_at.timestamp(),
            ),
            Column(
                title=lambda: self.tr("State"),
                text=lambda row: state_label(row.handoff.state),
            ),
        ]
        super().__init__(columns, parent=parent)


class AcceptanceRateModel(RowTableModel[AcceptanceRate]):
    def __init__(self, parent: QObject | None = None) -> None:
        def count(attribute: str, title: Callable[[], str]) -> Column[AcceptanceRate]:
            return Column(
                title=title,
                text=lambda row: number(getattr(row, attribute)),
                sort_key=lambda row: int(getattr(row, attribute)),
                align="right",
            )

        super().__init__(
            [
                Column(
                    title=lambda: self.tr("Lead generator"),
                    text=lambda row: row.lead_generator_name,
                ),
                count("offered", lambda: self.tr("Handed off")),
                count("accepted", lambda: self.tr("Accepted")),
                count("returned", lambda: self.tr("Awaiting arbitration")),
                count("upheld", lambda: self.tr("Returns upheld")),
                count("overruled", lambda: self.tr("Returns overruled")),
                Column(
                    title=lambda: self.tr("Acceptance rate"),
                    text=lambda row: "—" if row.rate is None else f"{row.rate:.0%}",
                    sort_key=lambda row: -1.0 if row.rate is None else row.rate,
                    align="right",
                ),
            ],
            parent=parent,
        )


class OverrideModel(RowTableModel[VerificationView]):
    """Verifications whose verdict the operator overrode, with the comment they wrote."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [
                Column(
                    title=lambda: self.tr("When"),
                    text=lambda row: local_datetime(row.verified_at),
                    sort_key=lambda row: row.verified_at.timestamp(),
                ),
                Column(
                    title=lambda: self.tr("Operator"),
                    text=lambda row: row.verified_by_name or "—",
                ),
                Column(title=lambda: self.tr("Campaign"), text=lambda row: row.campaign_name),
                Column(title=lambda: self.tr("Client"), text=lambda row: row.contact_name or "—"),
                Column(
                    title=lambda: self.tr("Computed"),
                    text=lambda row: verdict_label(row.computed_verdict.value),
                ),
                Column(
                    title=lambda: self.tr("Set to"),
                    text=lambda row: verdict_label(row.verdict.value),
                ),
                Column(
                    title=lambda: self.tr("Comment"),
                    text=lambda row: " ".join((row.override_comment or "").split()),
                    tooltip=lambda row: row.override_comment,
                ),
            ],
            parent=parent,
        )
