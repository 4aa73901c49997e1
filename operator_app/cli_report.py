"""`operator-app report kpi --from DATE --to DATE [--campaign NAME] [--json] [--db URL]`.

The dashboard's headline figures for whole days in Moscow time (both dates included), for
everyone and per operator, as a table; with --json the last line holds them as one object.
Acts as the command line's system actor (an administrator: everyone's figures).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

from sqlalchemy.exc import DBAPIError

from operator_app.cli import EXIT_OK, EXIT_UNUSABLE_INPUT, CommandError, database_failed
from operator_app.cli_files import OpenDatabase
from operator_app.cli_import import system_actor
from operator_app.core.reports.dashboard import (
    Breakdown,
    BreakdownRow,
    Figures,
    find_campaign,
    load_breakdown,
    load_dashboard,
)
from operator_app.core.reports.filters import ReportFilter
from operator_app.core.reports.period import ReportPeriod

__all__ = ["kpi_json", "run_report_kpi"]

_COLUMNS = ("Calls", "Reach %", "Talk min", "Leads", "Held", "Lead %", "Held %", "Sale %")


def run_report_kpi(args: argparse.Namespace, open_database: OpenDatabase) -> int:
    day_from = _date("--from", args.date_from)
    day_to = _date("--to", args.date_to)
    if day_from > day_to:
        raise CommandError(f"--from: {day_from} is after --to {day_to}", EXIT_UNUSABLE_INPUT)
    database = open_database(args)
    try:
        campaign_id = None
        if args.campaign is not None:
            campaign_id = find_campaign(database, args.campaign)
            if campaign_id is None:
                raise CommandError(
                    f"--campaign: no campaign named {args.campaign!r}", EXIT_UNUSABLE_INPUT
                )
        actor = system_actor(database)
        report_filter = ReportFilter(ReportPeriod(day_from, day_to), campaign_id=campaign_id)
        totals = load_dashboard(database, actor, report_filter).totals
        operators = load_breakdown(database, actor, report_filter, Breakdown.OPERATOR)
    except DBAPIError as error:
        raise database_failed(database, error) from error
    scope = f" in campaign {args.campaign}" if args.campaign is not None else ""
    print(f"KPIs from {day_from} to {day_to}{scope} (Moscow time)")
    print(_table(totals, operators))
    if args.json:
        print(json.dumps(kpi_json(day_from, day_to, args.campaign, totals, operators)))
    return EXIT_OK


def kpi_json(
    day_from: dt.date,
    day_to: dt.date,
    campaign: str | None,
    totals: Figures,
    operators: tuple[BreakdownRow, ...],
) -> dict[str, Any]:
    return {
        "from": day_from.isoformat(),
        "to": day_to.isoformat(),
        "campaign": campaign,
        **_figures_json(totals),
        "operators": [
            {"login": row.login, "name": row.label or None, **_figures_json(row.figures)}
            for row in operators
        ],
    }


def _figures_json(figures: Figures) -> dict[str, Any]:
    return {
        "calls": figures.calls,
        "reached": figures.reached,
        "reach_rate": _rounded(figures.reach_rate),
        "talk_minutes": round(figures.talk_minutes, 2),
        "talk_minutes_per_day": _rounded(figures.talk_minutes_per_day, 2),
        "leads": figures.leads,
        "visits_booked": figures.visits_booked,
        "held_visits": figures.visits_held,
        "sales": figures.sales,
        "revenue": str(figures.revenue),
        "conversions": {
            "to_lead": _rounded(figures.conversion_to_lead),
            "to_held": _rounded(figures.conversion_to_held),
            "to_sale": _rounded(figures.conversion_to_sale),
        },
    }


def _rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}"


def _cells(figures: Figures) -> list[str]:
    return [
        str(figures.calls),
        _percent(figures.reach_rate),
        f"{figures.talk_minutes:.1f}",
        str(figures.leads),
        str(figures.visits_held),
        _percent(figures.conversion_to_lead),
        _percent(figures.conversion_to_held),
        _percent(figures.conversion_to_sale),
    ]


def _table(totals: Figures, operators: tuple[BreakdownRow, ...]) -> str:
    rows = [["Operator", *_COLUMNS]]
    rows += [[row.label or "(deleted user)", *_cells(row.figures)] for row in operators]
    rows.append(["All", *_cells(totals)])
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            cell.ljust(width) if column == 0 else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    )


def _date(flag: str, text: str) -> dt.date:
    try:
        if len(text) != 10:  # the calendar form only, not "20261122" or week dates
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(
            f"{flag}: {text!r} is not a date in the form YYYY-MM-DD", EXIT_UNUSABLE_INPUT
        ) from error
