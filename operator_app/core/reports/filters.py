"""What a report covers: a period and, optionally, one campaign, list, operator, script version."""

from __future__ import annotations

from dataclasses import dataclass, replace

from operator_app.core.reports.period import ReportPeriod

__all__ = ["ReportFilter"]


@dataclass(frozen=True, slots=True)
class ReportFilter:
    period: ReportPeriod
    campaign_id: int | None = None
    list_id: int | None = None
    operator_id: int | None = None
    script_version_id: int | None = None

    def for_operator(self, operator_id: int | None) -> ReportFilter:
        return replace(self, operator_id=operator_id)
