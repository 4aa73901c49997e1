"""Every finished call of a period as one row of a CSV or XLSX file.

A call belongs to the period by its start, as the period's zone shows it (the dashboard's
rule), and only calls with an outcome are written, so the row count is the dashboard's
"calls". Times are written in the period's zone, which the headers name. Supervising roles
export everyone's calls; anyone else exports their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

from operator_app.core.errors import PermissionDenied
from operator_app.core.exports.cells import Cell
from operator_app.core.exports.files import ExportFormat, write_table
from operator_app.core.reports.period import ReportPeriod
from operator_app.core.roles import Actor, Permission
from operator_app.storage.database import Database
from operator_app.storage.repositories.call_export_queries import (
    CallExportRow,
    finished_calls_started_between,
)

__all__ = ["call_export_headers", "export_calls"]


def call_export_headers(zone: str) -> tuple[str, ...]:
    """The columns, in English: the file is read by programs as much as by people."""
    return (
        "Call ID",
        f"Started ({zone})",
        f"Ended ({zone})",
        "Operator",
        "Operator login",
        "Campaign",
        "List",
        "Client",
        "Company",
        "Phone",
        "Disposition",
        "Disposition label",
        "Reason",
        "Talk seconds",
        "Script",
        "Script version",
        "Last step",
        f"Callback at ({zone})",
        "Notes",
    )


def export_calls(
    database: Database,
    actor: Actor,
    period: ReportPeriod,
    path: Path,
    file_format: ExportFormat,
    *,
    campaign_id: int | None = None,
    operator_id: int | None = None,
    on_row: Callable[[int], None] | None = None,
) -> int:
    """Write the period's finished calls to `path`, whole or not at all; returns how many.

    Raises PermissionDenied when someone without VIEW_ALL_KPIS asks for another person's
    calls, ExportError / TooManyRows when the file cannot be written.
    """
    if not actor.can(Permission.VIEW_ALL_KPIS):
        if operator_id not in (None, actor.user_id):
            raise PermissionDenied("export_other_peoples_calls", actor.role.value)
        operator_id = actor.user_id
    zone = ZoneInfo(period.zone)
    starts_from, starts_before = period.utc_bounds()
    with database.session() as session:
        rows = finished_calls_started_between(
            session, starts_from, starts_before, operator_id=operator_id, campaign_id=campaign_id
        )
        return write_table(
            path,
            file_format,
            call_export_headers(period.zone),
            _cells(rows, zone),
            title="Calls",
            on_row=on_row,
        )


def _cells(rows: Iterator[CallExportRow], zone: ZoneInfo) -> Iterator[tuple[Cell, ...]]:
    for row in rows:
        yield (
            row.call_id,
            _local(row.started_at, zone),
            _local(row.ended_at, zone),
            row.operator_name,
            row.operator_login,
            row.campaign,
            row.list_name,
            row.client,
            row.company,
            row.phone,
            row.disposition,
            row.disposition_label,
            row.reason,
            row.talk_seconds,
            row.script,
            row.script_version,
            row.last_step_id,
            _local(row.callback_at, zone),
            row.notes,
        )


def _local(instant: dt.datetime | None, zone: ZoneInfo) -> dt.datetime | None:
    if instant is None:
        return None
    return instant.astimezone(zone).replace(tzinfo=None)
