"""Benchmarks of the visit calendar (issue 5, section 7). Run on demand, not by pytest:

    .venv/bin/python tests/bench/bench_calendar.py [--runs 15] [--no-postgres]

The data set is built once and cached under <temp>/operator_app_bench_calendar/ (SQLite); the
PostgreSQL parts run on a throwaway server (tests/support/pg_server.py) started and removed by
the run.

Week view (SQLite): office 1, 50 resources working 09:00-21:00 every day in 30-minute slots,
5,000 visits in one week in every status. One measured run is what the calendar page does for
the person to see a week, in order: the read (`CalendarViewService.week`) and the layout
(`layout_grid`, which the page runs in its worker thread with the read), then on the UI
thread `CalendarGrid.set_view` with that layout and the paint of the visible sheet: the
page's scroll area (1400×760, the viewport of a 1440×900 window) rendered into a QImage,
which paints the grid for the exposed viewport (about 24 of the 50 rows, every day). Median
of `--runs` after a warm-up. The paint of the whole sheet (all 50 rows) is reported too.

Slot search: office 2, 50 resources (40 sellers with 1 seat, 10 group rooms with 4), 5,000
booked visits in the next two weeks with their seats counted in `slots`: every seat inside
the client's preferred hours is taken for the next three days, the rest spread at random.
The client (Yekaterinburg time, two hours ahead of the office) prefers weekdays 18:00-21:00
and Saturdays 10:00-13:00. `BookingService.suggest(lead, office_id=2, limit=10)`: median of
`--runs` after a warm-up, on SQLite and on PostgreSQL.

Concurrency (PostgreSQL): 200 bookings by 20 threads (each its own connection) into 20 slots
of a group room with 3 seats, 10 bookings aimed at each slot, the ten released together.
`overbooked` = slots whose visits holding a seat (booked or confirmed) outnumber its
capacity; `booked` = bookings that succeeded (60 expected), `refused_taken` = SlotTaken.

The last line is JSON: `week_view_ms` (target <= 200), `slot_search_ms` (the slower backend;
target <= 50), `overbooked` (must be 0), and the parts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from PySide6.QtCore import QSize, QSizeF  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from sqlalchemy import and_, func, insert, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from operator_app.core.calendar.booking import BookingService, SlotTaken  # noqa: E402
from operator_app.core.calendar.views import CalendarViewService  # noqa: E402
from operator_app.core.roles import Actor, Role  # noqa: E402
from operator_app.gui.calendar.geometry import ViewMode, layout_grid  # noqa: E402
from operator_app.gui.calendar.grid import CalendarGrid, GridScrollArea  # noqa: E402
from operator_app.storage.database import Database  # noqa: E402
from operator_app.storage.migrate import upgrade  # noqa: E402
from operator_app.storage.models import (  # noqa: E402
    Campaign,
    ClientPreferences,
    Contact,
    Lead,
    Office,
    Phone,
    Resource,
    Slot,
    User,
    Visit,
    WorkingHours,
)
from tests.support.pg_server import ThrowawayPostgres  # noqa: E402

WEEK_START = dt.date(2026, 11, 23)  # a Monday
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)  # Wednesday noon in Moscow
OFFICE_ZONE = "Europe/Moscow"  # UTC+3 all year
OFFICE_OFFSET = dt.timedelta(hours=3)
RESOURCES = 50
VISITS = 5_000
SLOT_MINUTES = 30
OPEN_HOURS = (9, 21)
STATUSES = ["booked"] * 4 + ["confirmed"] * 4 + ["held", "no_show", "rescheduled", "cancelled"]
VIEWPORT = QSize(1440 - 40, 900 - 140)  # the window minus the page's bars and margins
CACHE = Path(tempfile.gettempdir()) / "operator_app_bench_calendar"

# The slot search: office 2, resources 51-100, leads 5001-10000, the searching client 10001.
SEARCH_OFFICE = 2
SEARCH_FIRST_RESOURCE = RESOURCES + 1
GROUP_ROOMS = 10  # the last ten of them, 4 seats each
GROUP_SEATS = 4
SEARCH_DAYS = 14
FULL_DAYS = 3  # every seat inside the client's hours is taken this far ahead
SEARCH_LEAD = 2 * VISITS + 1
CLIENT_ZONE = "Asia/Yekaterinburg"  # UTC+5
CLIENT_WINDOWS: list[dict[str, Any]] = [
    {"weekday": day, "starts": "18:00", "ends": "21:00"} for day in range(5)
] + [{"weekday": 5, "starts": "10:00", "ends": "13:00"}]

# The concurrency run (PostgreSQL): office 3, a group room with 3 seats, 200 leads.
RUSH_OFFICE = 3
RUSH_RESOURCE = 2 * RESOURCES + 1
RUSH_SEATS = 3
RUSH_SLOTS = 20
RUSH_BOOKINGS = 200
RUSH_THREADS = 20
RUSH_FIRST_LEAD = 20_001
RUSH_DAY = dt.date(2026, 11, 26)


# --- the data set --------------------------------------------------------------------------


def _wall_to_utc(day: dt.date, minute: int) -> dt.datetime:
    wall = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)
    return (wall - OFFICE_OFFSET).replace(tzinfo=dt.UTC)


def _day_slot_minutes() -> range:
    return range(OPEN_HOURS[0] * 60, OPEN_HOURS[1] * 60, SLOT_MINUTES)


def _people(session: Session, first: int, count: int, campaign_id: int = 1) -> None:
    ids = range(first, first + count)
    session.execute(
        insert(Contact), [{"id": n, "full_name": f"Клиент {n}", "custom_fields": {}} for n in ids]
    )
    session.execute(
        insert(Phone), [{"contact_id": n, "e164": f"+7916{n:07d}", "kind": "mobile"} for n in ids]
    )
    session.execute(
        insert(Lead),
        [
            {"id": n, "contact_id": n, "campaign_id": campaign_id, "state": "visit_booked"}
            for n in ids
        ],
    )


def _resources(session: Session, office_id: int, ids: range, capacity_of: Any) -> None:
    session.execute(
        insert(Resource),
        [
            {
                "id": n,
                "office_id": office_id,
                "name": f"Ресурс {n:03d}",
                "kind": "group" if capacity_of(n) > 1 else "seller",
                "capacity": capacity_of(n),
                "slot_minutes": SLOT_MINUTES,
            }
            for n in ids
        ],
    )
    session.execute(
        insert(WorkingHours),
        [
            {
                "resource_id": n,
                "weekday": weekday,
                "starts": dt.time(OPEN_HOURS[0]),
                "ends": dt.time(OPEN_HOURS[1]),
            }
            for n in ids
            for weekday in range(7)
        ],
    )


def _week_visit_rows() -> list[dict[str, Any]]:
    rng = random.Random(11)
    minutes = list(_day_slot_minutes())
    per_resource = VISITS // RESOURCES
    rows = []
    lead_id = 0
    for resource_id in range(1, RESOURCES + 1):
        chosen = rng.sample(range(7 * len(minutes)), per_resource)
        for index in sorted(chosen):
            day, slot = divmod(index, len(minutes))
            starts = _wall_to_utc(WEEK_START + dt.timedelta(days=day), minutes[slot])
            lead_id += 1
            rows.append(
                {
                    "lead_id": lead_id,
                    "resource_id": resource_id,
                    "starts_at": starts,
                    "ends_at": starts + dt.timedelta(minutes=SLOT_MINUTES),
                    "status": rng.choice(STATUSES),
                    "confirmation_channel": rng.choice(["sms", "email", None]),
                    "details": {},
                    "booked_at": NOW - dt.timedelta(days=3),
                }
            )
    return rows


def _search_capacity(resource_id: int) -> int:
    last = SEARCH_FIRST_RESOURCE + RESOURCES - 1
    return GROUP_SEATS if resource_id > last - GROUP_ROOMS else 1


def _in_client_windows(starts: dt.datetime) -> bool:
    local = starts.astimezone(ZoneInfo(CLIENT_ZONE))
    ends = local + dt.timedelta(minutes=SLOT_MINUTES)
    return any(
        w["weekday"] == local.weekday()
        and dt.time.fromisoformat(w["starts"]) <= local.time()
        and ends.time() <= dt.time.fromisoformat(w["ends"])
        and ends.date() == local.date()
        for w in CLIENT_WINDOWS
    )


def _search_seats() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Visits and slot rows of office 2: the client's hours full for FULL_DAYS, the rest of
    the 5,000 seats taken at random over SEARCH_DAYS."""
    rng = random.Random(12)
    first_day = NOW.astimezone(ZoneInfo(OFFICE_ZONE)).date()
    full_until = NOW + dt.timedelta(days=FULL_DAYS)
    must: list[tuple[int, dt.datetime]] = []
    pool: list[tuple[int, dt.datetime]] = []
    for offset in range(SEARCH_DAYS):
        for minute in _day_slot_minutes():
            starts = _wall_to_utc(first_day + dt.timedelta(days=offset), minute)
            if starts <= NOW:
                continue
            inside = starts < full_until and _in_client_windows(starts)
            for resource_id in range(SEARCH_FIRST_RESOURCE, SEARCH_FIRST_RESOURCE + RESOURCES):
                seats = [(resource_id, starts)] * _search_capacity(resource_id)
                (must if inside else pool).extend(seats)
    taken = must + rng.sample(pool, VISITS - len(must))
    visits = [
        {
            "lead_id": VISITS + index + 1,
            "resource_id": resource_id,
            "starts_at": starts,
            "ends_at": starts + dt.timedelta(minutes=SLOT_MINUTES),
            "status": rng.choice(["booked", "confirmed"]),
            "details": {},
            "booked_at": NOW - dt.timedelta(days=1),
        }
        for index, (resource_id, starts) in enumerate(taken)
    ]
    slots = [
        {
            "resource_id": resource_id,
            "starts_at": starts,
            "capacity": _search_capacity(resource_id),
            "booked": booked,
        }
        for (resource_id, starts), booked in Counter(taken).items()
    ]
    return visits, slots


def populate(database: Database, *, week: bool, rush: bool) -> None:
    """The offices of the parts asked for (the week view's, the slot search's always, the
    concurrency run's), with explicit ids."""
    upgrade(database.engine)
    with database.session() as session:
        session.add(
            User(id=1, login="bench", display_name="Bench", role="operator", password_hash="x")
        )
        session.add(Campaign(id=1, name="Bench campaign", time_zone=OFFICE_ZONE))
        session.flush()
        if week:
            session.add(Office(id=1, name="Bench office", address="", time_zone=OFFICE_ZONE))
            session.flush()
            _resources(session, 1, range(1, RESOURCES + 1), lambda _n: 1)
            _people(session, 1, VISITS)
            session.execute(insert(Visit), _week_visit_rows())
        session.add(Office(id=SEARCH_OFFICE, name="Busy office", address="", time_zone=OFFICE_ZONE))
        session.flush()
        _resources(
            session,
            SEARCH_OFFICE,
            range(SEARCH_FIRST_RESOURCE, SEARCH_FIRST_RESOURCE + RESOURCES),
            _search_capacity,
        )
        _people(session, VISITS + 1, VISITS + 1)  # the visits' clients and the searching one
        visits, slots = _search_seats()
        session.execute(insert(Visit), visits)
        session.execute(insert(Slot), slots)
        session.execute(
            insert(ClientPreferences),
            [{"contact_id": SEARCH_LEAD, "windows": CLIENT_WINDOWS, "time_zone": CLIENT_ZONE}],
        )
        if rush:
            session.add(
                Office(id=RUSH_OFFICE, name="Group room", address="", time_zone=OFFICE_ZONE)
            )
            session.flush()
            _resources(
                session, RUSH_OFFICE, range(RUSH_RESOURCE, RUSH_RESOURCE + 1), lambda _n: RUSH_SEATS
            )
            _people(session, RUSH_FIRST_LEAD, RUSH_BOOKINGS)
    if database.backend == "postgresql":
        with database.session() as session:  # explicit ids leave the sequences behind
            for table in ("users", "campaigns", "offices", "resources", "contacts", "leads"):
                session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )


def cached_database() -> Database:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"calendar-v2-{RESOURCES}x{VISITS}.sqlite3"
    if path.exists():
        database = Database("sqlite:///" + path.as_posix())
        upgrade(database.engine)  # a cached data set from an older schema
        return database
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    building = Database("sqlite:///" + partial.as_posix())
    populate(building, week=True, rush=False)
    building.dispose()
    partial.replace(path)
    return Database("sqlite:///" + path.as_posix())


# --- the week view -------------------------------------------------------------------------


def _week_once(
    service: CalendarViewService, area: GridScrollArea, grid: CalendarGrid
) -> tuple[float, float, float]:
    started = time.perf_counter()
    view = service.week(1, WEEK_START, now=NOW)
    read = time.perf_counter()
    available = area.viewport().size()
    geometry = layout_grid(view, ViewMode.WEEK, QSizeF(available))  # in the page's worker
    laid_out = time.perf_counter()
    grid.set_view(view, ViewMode.WEEK, available, geometry=geometry)
    image = QImage(area.size(), QImage.Format.Format_ARGB32_Premultiplied)
    area.render(image)  # the viewport's part of the sheet, as on screen
    painted = time.perf_counter()
    assert len(view.blocks) == VISITS, len(view.blocks)
    assert grid.geometry_ is geometry  # the worker's layout was used, not redone
    return (read - started) * 1000, (laid_out - read) * 1000, (painted - laid_out) * 1000


def measure_week_view(database: Database, runs: int, parts: dict[str, float]) -> float:
    """Median milliseconds of read + layout + paint of the visible week of every resource;
    `parts` receives the medians of each step and of painting the whole sheet."""
    QApplication.instance() or QApplication([])
    service = CalendarViewService(database)
    grid = CalendarGrid()
    area = GridScrollArea(grid)
    area.resize(VIEWPORT)
    area.show()
    QApplication.processEvents()
    _week_once(service, area, grid)  # warm-up: connections, fonts, caches
    QApplication.processEvents()  # the scroll bar the full sheet needs: the viewport settles
    samples = [_week_once(service, area, grid) for _ in range(runs)]
    parts["week_read_ms"] = statistics.median(s[0] for s in samples)
    parts["week_layout_ms"] = statistics.median(s[1] for s in samples)
    parts["week_paint_ms"] = statistics.median(s[2] for s in samples)
    whole = []
    for _ in range(runs):
        started = time.perf_counter()
        image = QImage(grid.size(), QImage.Format.Format_ARGB32_Premultiplied)
        grid.render(image)
        whole.append((time.perf_counter() - started) * 1000)
    parts["week_paint_whole_sheet_ms"] = statistics.median(whole)
    area.close()
    return statistics.median(sum(s) for s in samples)


# --- the slot search -----------------------------------------------------------------------


def measure_slot_search(database: Database, runs: int) -> tuple[float, dt.datetime]:
    """Median milliseconds of ten suggestions for the client; and the first one's start."""
    service = BookingService(database)
    options = service.suggest(SEARCH_LEAD, office_id=SEARCH_OFFICE, limit=10, now=NOW)
    assert len(options) == 10, options
    assert all(_in_client_windows(option.starts_at) for option in options)
    assert all(option.starts_at >= NOW + dt.timedelta(days=FULL_DAYS) for option in options)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        service.suggest(SEARCH_LEAD, office_id=SEARCH_OFFICE, limit=10, now=NOW)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), options[0].starts_at


# --- the concurrency run -------------------------------------------------------------------


def _rush_starts() -> list[dt.datetime]:
    return [_wall_to_utc(RUSH_DAY, 9 * 60 + n * SLOT_MINUTES) for n in range(RUSH_SLOTS)]


def run_concurrency(url: str) -> dict[str, Any]:
    """RUSH_THREADS threads book RUSH_BOOKINGS leads; in each round all threads start together,
    half of them at one slot and half at the next."""
    starts = _rush_starts()
    per_slot = RUSH_BOOKINGS // RUSH_SLOTS
    jobs = [(RUSH_FIRST_LEAD + n, starts[n // per_slot]) for n in range(RUSH_BOOKINGS)]
    rounds = RUSH_BOOKINGS // RUSH_THREADS
    barrier = threading.Barrier(RUSH_THREADS)
    outcomes: Counter[str] = Counter()
    errors: list[str] = []
    lock = threading.Lock()
    actor = Actor(1, "bench", "Bench", Role.OPERATOR)

    def worker(index: int) -> None:
        database = Database(url)
        service = BookingService(database)
        try:
            for round_ in range(rounds):
                lead_id, wanted = jobs[round_ * RUSH_THREADS + index]
                barrier.wait()
                try:
                    service.book(
                        actor,
                        lead_id,
                        RUSH_RESOURCE,
                        wanted,
                        confirmation_channel="sms",
                        confirmation_note=None,
                        now=NOW,
                    )
                    outcome = "booked"
                except SlotTaken:
                    outcome = "refused_taken"
                except Exception as error:  # counted and shown, not hidden
                    outcome = "errors"
                    with lock:
                        errors.append(repr(error))
                with lock:
                    outcomes[outcome] += 1
        finally:
            database.dispose()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(RUSH_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    database = Database(url)
    holding = (
        select(Slot.id, Slot.capacity, Slot.booked, func.count(Visit.id))
        .outerjoin(
            Visit,
            and_(
                Visit.resource_id == Slot.resource_id,
                Visit.starts_at == Slot.starts_at,
                Visit.status.in_(["booked", "confirmed"]),
            ),
        )
        .where(Slot.resource_id == RUSH_RESOURCE)
        .group_by(Slot.id, Slot.capacity, Slot.booked)
    )
    with database.session() as session:
        slots = session.execute(holding).all()
    database.dispose()
    return {
        "overbooked": sum(1 for _id, capacity, _booked, held in slots if held > capacity),
        "seat_count_mismatches": sum(1 for _id, _cap, booked, held in slots if booked != held),
        "booked": outcomes["booked"],
        "refused_taken": outcomes["refused_taken"],
        "errors": outcomes["errors"],
        "first_error": errors[0] if errors else None,
        "slots": len(slots),
        "seats": RUSH_SLOTS * RUSH_SEATS,
        "rush_seconds": round(elapsed, 2),
    }


def run_postgres(runs: int) -> dict[str, Any]:
    server = ThrowawayPostgres()
    try:
        server.init()
        server.start()
        database = Database(server.url)
        populate(database, week=False, rush=True)
        search_ms, _first = measure_slot_search(database, runs)
        database.dispose()
        return {"pg_slot_search_ms": search_ms, **run_concurrency(server.url)}
    finally:
        server.remove()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--no-postgres", action="store_true", help="skip the PostgreSQL parts (no overbooked)"
    )
    args = parser.parse_args()
    database = cached_database()
    parts: dict[str, float] = {}
    week_view_ms = measure_week_view(database, args.runs, parts)
    sqlite_search_ms, first_free = measure_slot_search(database, args.runs)
    database.dispose()
    print(
        "week view of {} resources with {} visits: {:.1f} ms (read {:.1f}, layout {:.1f}, "
        "paint of the visible sheet {:.1f}; whole sheet {:.1f})".format(
            RESOURCES,
            VISITS,
            week_view_ms,
            parts["week_read_ms"],
            parts["week_layout_ms"],
            parts["week_paint_ms"],
            parts["week_paint_whole_sheet_ms"],
        ),
        flush=True,
    )
    print(
        f"slot search on SQLite: {sqlite_search_ms:.1f} ms (first free: {first_free.isoformat()})",
        flush=True,
    )
    result: dict[str, Any] = {
        "week_view_ms": round(week_view_ms, 1),
        **{key: round(value, 1) for key, value in parts.items()},
        "sqlite_slot_search_ms": round(sqlite_search_ms, 1),
    }
    if args.no_postgres:
        result["slot_search_ms"] = result["sqlite_slot_search_ms"]
        result["overbooked"] = None
    else:
        pg = run_postgres(args.runs)
        result["pg_slot_search_ms"] = round(pg.pop("pg_slot_search_ms"), 1)
        result["slot_search_ms"] = max(result["sqlite_slot_search_ms"], result["pg_slot_search_ms"])
        result.update(pg)
        print(
            "PostgreSQL: slot search {pg_slot_search_ms} ms; {booked} of {attempts} concurrent "
            "bookings into {seats} seats booked, {refused_taken} refused as taken, {errors} "
            "errors; overbooked slots: {overbooked}".format(attempts=RUSH_BOOKINGS, **result),
            flush=True,
        )
    result.update(resources=RESOURCES, visits=VISITS)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
