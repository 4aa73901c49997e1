"""Benchmark of the supervisor's dashboard (issue 6, section 6). Run on demand, not by pytest:

    .venv/bin/python tests/bench/bench_reports.py [--calls 1000000] [--runs 5] [--no-postgres]

The data set is built once and cached under <temp>/operator_app_bench_reports_v2/<calls>/
(an SQLite file, and a PostgreSQL data folder run by tests/support/pg_server.py's throwaway
server, kept between runs): 50 operators, 2 campaigns with their dispositions, 20 lists,
`calls` / 3 leads, `calls` finished calls spread over six months (1 June - 30 November 2026,
Moscow time; 1M calls is about 50 operators making 110 calls a day) with realistic outcomes
(40 % no answer … 6 % leads, 4 % visits booked), a script in two versions and each call's
last step, one captured answer per call (an objection in one of ten), a visit for each
positive lead (held, no-show, confirmed, rescheduled), a result for each held visit (a third
of them sales), a hand-off for each visit, and a non-target verdict for one lead in twenty.

One measured run is what the dashboard page loads first for a supervisor looking at a month
(November: about 165,000 of the calls): `load_dashboard_with_breakdowns(..., (OPERATOR,))` —
figures, funnel, trend, reasons, drop-off, objections and the per-operator table, its
queries run side by side. Median of `--runs` after a warm-up. `*_page_s` times the same with
all four breakdowns (operators, lists, script versions, campaigns; the page reads the last
three in a second step). `--whole-history` also times the first over all six months.
The last line is JSON: `sqlite_dashboard_s`, `pg_dashboard_s` (target <= 1 each), `calls`,
the machine's load average before and after, and the figures read (a sanity check).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from operator_app.core.reports.dashboard import (  # noqa: E402
    Breakdown,
    load_dashboard_with_breakdowns,
)
from operator_app.core.reports.filters import ReportFilter  # noqa: E402
from operator_app.core.reports.period import ReportPeriod  # noqa: E402
from operator_app.core.roles import Actor, Role  # noqa: E402
from operator_app.storage.database import Database  # noqa: E402
from operator_app.storage.migrate import SchemaState, schema_status, upgrade  # noqa: E402
from tests.support.pg_server import ThrowawayPostgres  # noqa: E402

MOSCOW = ZoneInfo("Europe/Moscow")
# The history the calls are spread over (about 50 operators × 150 calls a day for 1M), and
# the month the dashboard shows: its last 30 days.
HISTORY_FIRST_DAY = dt.date(2026, 6, 1)
HISTORY_DAYS = 183
FIRST_DAY = dt.date(2026, 11, 1)
DAYS = 30
OPERATORS = 50
LISTS = 20
SUPERVISOR_ID = OPERATORS + 1
SELLER_ID = OPERATORS + 2
CACHE = Path(tempfile.gettempdir()) / "operator_app_bench_reports_v2"
# (code, reached, positive, weight in % of calls)
OUTCOMES = [
    ("no_answer", False, False, 40),
    ("busy", False, False, 8),
    ("voicemail", False, False, 8),
    ("callback", True, False, 10),
    ("refused", True, False, 14),
    ("not_target", True, False, 6),
    ("do_not_call", True, False, 2),
    ("lead", True, True, 6),
    ("visit_booked", True, True, 4),
    ("visit_confirmed", True, False, 2),
]
STEPS = [
    ("greet", "contact"),
    ("qualify", "diagnostics"),
    ("teaser", "teaser"),
    ("close", "closing"),
]
OBJECTIONS = ["expensive", "no_time", "think", "spouse"]
REASONS = ["no income", "too old", "other region", "already a client"]
VISIT_STATUSES = ["held"] * 5 + ["no_show"] * 2 + ["confirmed", "rescheduled"]

COLUMNS = {
    "contacts": "id, full_name, created_at, custom_fields",
    "leads": "id, contact_id, campaign_id, list_id, state, source, created_at, updated_at",
    "call_attempts": "id, client_uuid, lead_id, operator_id, script_version_id, started_at,"
    " ended_at, talk_seconds, disposition, reason, last_step_id",
    "script_answers": "id, call_id, step_id, stage, answer, objection_id, answered_at",
    "visits": "id, lead_id, resource_id, starts_at, ends_at, status, cancel_reason, details,"
    " booked_by_id, booked_at",
    "visit_results": "id, visit_id, sale, amount, recorded_at",
    "handoffs": "id, lead_id, visit_id, from_user_id, to_user_id, state, created_at, decided_at",
    "verifications": "id, lead_id, call_id, criteria_set_id, answers, computed_verdict, verdict,"
    " reason, verified_by_id, verified_at",
}


def script_document(version: int) -> dict[str, Any]:
    return {
        "name": "Bench script",
        "version": version,
        "language": "ru",
        "stages": [{"kind": kind, "steps": [{"id": step, "text": step}]} for step, kind in STEPS],
    }


# --- the data set --------------------------------------------------------------------------


def generated_rows(calls: int) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    """Rows per table (datetimes aware UTC), in an order foreign keys accept."""
    rng = random.Random(6)
    start = dt.datetime.combine(HISTORY_FIRST_DAY, dt.time(9), MOSCOW).astimezone(dt.UTC)
    created = start - dt.timedelta(days=5)
    leads = max(1, calls // 3)
    yield "contacts", [(n, f"Client {n}", created, "{}") for n in range(1, leads + 1)]
    yield (
        "leads",
        [
            (n, n, 1 + n % 2, 1 + n % LISTS, "in_work", "list", created, created)
            for n in range(1, leads + 1)
        ],
    )
    codes = [code for code, _, _, weight in OUTCOMES for _ in range(weight)]
    call_rows = []
    answers = []
    positive: dict[int, tuple[int, dt.datetime, int]] = {}
    for n in range(1, calls + 1):
        lead = rng.randint(1, leads)
        operator = 1 + lead % OPERATORS
        started = start + dt.timedelta(
            days=rng.randrange(HISTORY_DAYS), seconds=rng.randrange(11 * 3600)
        )
        code = rng.choice(codes)
        talk = 0 if code in ("no_answer", "busy", "voicemail") else rng.randint(20, 900)
        step, stage = rng.choice(STEPS)
        reason = rng.choice(REASONS) if code == "not_target" else None
        call_rows.append(
            (n, str(uuid.UUID(int=n)), lead, operator, 1 + n % 2, started,
             started + dt.timedelta(seconds=talk + 15), talk, code, reason, step)
        )  # fmt: skip
        objection = rng.choice(OBJECTIONS) if n % 10 == 0 else None
        answers.append((n, n, step, stage, None if objection else "ok", objection, started))
        if code in ("lead", "visit_booked"):
            positive.setdefault(lead, (operator, started, n))
    yield "call_attempts", call_rows
    yield "script_answers", answers
    visits, results, handoffs, verdicts = [], [], [], []
    for visit_id, (lead, (operator, booked, _call)) in enumerate(sorted(positive.items()), 1):
        starts = booked + dt.timedelta(days=rng.randint(1, 5))
        status = rng.choice(VISIT_STATUSES)
        reason = "forgot" if status == "no_show" and rng.random() < 0.5 else None
        visits.append(
            (visit_id, lead, 1, starts, starts + dt.timedelta(hours=1), status, reason, "{}",
             operator, booked)
        )  # fmt: skip
        if status == "held":
            sale = rng.random() < 1 / 3
            amount = rng.randint(50, 500) * 1000 if sale else None
            results.append((visit_id, visit_id, sale, amount, starts))
        state = rng.choice(["accepted", "accepted", "accepted", "overruled", "upheld"])
        handoffs.append(
            (visit_id, lead, visit_id, operator, SELLER_ID, state, booked,
             booked + dt.timedelta(hours=2))
        )  # fmt: skip
    for number, lead in enumerate(range(1, leads + 1, 20), 1):
        at = start + dt.timedelta(days=rng.randrange(HISTORY_DAYS))
        verdicts.append(
            (number, lead, None, 1 + lead % 2, "{}", "non_target", "non_target",
             rng.choice(REASONS), 1 + lead % OPERATORS, at)
        )  # fmt: skip
    yield "visits", visits
    yield "visit_results", results
    yield "handoffs", handoffs
    yield "verifications", verdicts


def seed_configuration(database: Database) -> None:
    now = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    with database.engine.begin() as connection:
        run = connection.exec_driver_sql
        marks = "?" if database.backend == "sqlite" else "%s"

        def insert(table: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
            values = ", ".join(marks for _ in columns.split(","))
            for row in rows:
                run(f"INSERT INTO {table} ({columns}) VALUES ({values})", row)

        users = [
            (n, f"op{n}", f"Operator {n:02d}", "operator", "x", "offline", now)
            for n in range(1, OPERATORS + 1)
        ]
        users += [
            (SUPERVISOR_ID, "supervisor", "Supervisor", "supervisor", "x", "offline", now),
            (SELLER_ID, "seller", "Seller", "seller", "x", "offline", now),
        ]
        insert("users", "id, login, display_name, role, password_hash, status, created_at", users)
        insert(
            "campaigns",
            "id, name, time_zone, created_at, retry_backoff_minutes, settings",
            [(n, f"Campaign {n}", "Europe/Moscow", now, "[30]", "{}") for n in (1, 2)],
        )
        insert(
            "dispositions",
            "campaign_id, code, label, reached, positive, final, needs_callback_time,"
            " needs_reason, sort_order",
            [
                (campaign, code, code, reached, positive, False, False, False, 0)
                for campaign in (1, 2)
                for code, reached, positive, _ in OUTCOMES
                if code != "visit_confirmed"
            ],
        )
        insert(
            "lead_lists",
            "id, name, hypothesis, abc_class, priority, campaign_id, created_at",
            [
                (n, f"List {n}", f"Hypothesis {n}", "B", 50, 1 + n % 2, now)
                for n in range(1, LISTS + 1)
            ],
        )
        insert("scripts", "id, name, language, created_at", [(1, "Bench script", "ru", now)])
        insert(
            "script_versions",
            "id, script_id, version, document, published, created_at",
            [(v, 1, v, json.dumps(script_document(v)), True, now) for v in (1, 2)],
        )
        insert(
            "criteria_sets",
            "id, campaign_id, version, criteria, reasons, created_at",
            [(n, n, 1, "[]", "[]", now) for n in (1, 2)],
        )
        insert(
            "offices",
            "id, name, address, time_zone, active",
            [(1, "Office", "", "Europe/Moscow", True)],
        )
        insert(
            "resources",
            "id, office_id, name, kind, capacity, slot_minutes, buffer_minutes, active, user_id",
            [(1, 1, "Seller", "seller", 1, 60, 0, True, SELLER_ID)],
        )


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return (
            value.astimezone(dt.UTC)
            .replace(tzinfo=None)
            .isoformat(sep=" ", timespec="microseconds")
        )
    return value


def build_sqlite(path: Path, calls: int) -> None:
    database = Database("sqlite:///" + path.as_posix())
    upgrade(database.engine)
    seed_configuration(database)
    database.dispose()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous=OFF")
    with connection:
        for table, rows in generated_rows(calls):
            columns = COLUMNS[table]
            marks = ", ".join("?" for _ in columns.split(","))
            connection.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                ([_sqlite_value(value) for value in row] for row in rows),
            )
    connection.execute("ANALYZE")
    connection.close()


def build_postgres(url: str, calls: int) -> None:
    import psycopg

    database = Database(url)
    upgrade(database.engine)
    seed_configuration(database)
    database.dispose()
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as connection, connection.cursor() as cursor:
        for table, rows in generated_rows(calls):
            with cursor.copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def cached_postgres(folder: Path, calls: int) -> tuple[ThrowawayPostgres, str]:
    server = ThrowawayPostgres()
    server.root.rmdir()
    server.root = folder / "pg"
    server.data_dir = server.root / "data"
    fresh = not (folder / "pg.ready").exists()
    if fresh:
        shutil.rmtree(server.root, ignore_errors=True)
        server.root.mkdir(parents=True)
        if server._user:
            shutil.chown(server.root, user=server._user)
        server.init()
    server.start()
    if fresh:
        started = time.monotonic()
        build_postgres(server.url, calls)
        print(f"built the PostgreSQL data set in {time.monotonic() - started:.0f} s", flush=True)
        (folder / "pg.ready").touch()
    return server, server.url


# --- the measurement -----------------------------------------------------------------------


ALL_BREAKDOWNS = (Breakdown.OPERATOR, Breakdown.LIST, Breakdown.SCRIPT_VERSION, Breakdown.CAMPAIGN)


def dashboard_seconds(
    database: Database,
    runs: int,
    period: ReportPeriod,
    breakdowns: tuple[Breakdown, ...] = (Breakdown.OPERATOR,),
) -> tuple[float, dict[str, Any]]:
    supervisor = Actor(SUPERVISOR_ID, "supervisor", "Supervisor", Role.SUPERVISOR)
    report_filter = ReportFilter(period)

    def once() -> Any:
        dashboard, _rows = load_dashboard_with_breakdowns(
            database, supervisor, report_filter, breakdowns
        )
        return dashboard

    dashboard = once()  # warm-up: caches, the connection, statement compilation
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        once()
        timings.append(time.perf_counter() - started)
    totals = dashboard.totals
    shape = {
        "calls": totals.calls,
        "taken": totals.taken_into_work,
        "leads": totals.leads,
        "held": totals.visits_held,
    }
    return statistics.median(timings), shape


def measure(
    results: dict[str, Any], backend: str, database: Database, args: argparse.Namespace
) -> None:
    month = ReportPeriod(FIRST_DAY, FIRST_DAY + dt.timedelta(days=DAYS - 1))
    seconds, shape = dashboard_seconds(database, args.runs, month)
    results[f"{backend}_dashboard_s"] = round(seconds, 3)
    results[f"{backend}_month_figures"] = shape
    # The whole page: the dashboard with all four breakdowns it shows in its tabs.
    seconds, _shape = dashboard_seconds(database, args.runs, month, ALL_BREAKDOWNS)
    results[f"{backend}_page_s"] = round(seconds, 3)
    if args.whole_history:
        history = ReportPeriod(
            HISTORY_FIRST_DAY, HISTORY_FIRST_DAY + dt.timedelta(days=HISTORY_DAYS - 1)
        )
        seconds, shape = dashboard_seconds(database, max(1, args.runs // 3), history)
        results[f"{backend}_whole_history_s"] = round(seconds, 3)
        results[f"{backend}_history_figures"] = shape


def migrate_cached(database: Database) -> None:
    """A cached data set built before a newer migration gets it here, then the statistics
    and (PostgreSQL) the visibility map autovacuum would renew a few minutes later: a
    migration that rewrites many rows leaves index-only scans visiting the table until then."""
    if schema_status(database.engine).state is SchemaState.CURRENT:
        return
    started = time.monotonic()
    upgrade(database.engine)
    with database.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.exec_driver_sql("ANALYZE" if database.backend == "sqlite" else "VACUUM ANALYZE")
    print(f"migrated the cached {database.backend} data set in {time.monotonic() - started:.0f} s")


def timed(label: str, action: Callable[[], None]) -> None:
    started = time.monotonic()
    action()
    print(f"built the {label} data set in {time.monotonic() - started:.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument(
        "--whole-history",
        action="store_true",
        help="also time the dashboard over all 183 days (every call): the worst case",
    )
    args = parser.parse_args()
    folder = CACHE / str(args.calls)
    folder.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"calls": args.calls, "load_average": os.getloadavg()[0]}

    sqlite_path = folder / "reports.sqlite3"
    if not (folder / "sqlite.ready").exists():
        sqlite_path.unlink(missing_ok=True)
        timed("SQLite", lambda: build_sqlite(sqlite_path, args.calls))
        (folder / "sqlite.ready").touch()
    database = Database("sqlite:///" + sqlite_path.as_posix())
    migrate_cached(database)
    measure(results, "sqlite", database, args)
    database.dispose()
    print(json.dumps(results), flush=True)

    if not args.no_postgres:
        server, url = cached_postgres(folder, args.calls)
        try:
            database = Database(url)
            migrate_cached(database)
            measure(results, "pg", database, args)
            database.dispose()
        finally:
            server.stop()
    results["load_average_after"] = os.getloadavg()[0]
    print(json.dumps(results))


if __name__ == "__main__":
    main()
