"""Benchmark of "next client" (issue 3, section 6). Run on demand, not by pytest:

    .venv/bin/python tests/bench/bench_queue.py [--leads 1000000] [--claims 2000] [--seconds 20]

Builds (once, cached under /tmp/operator_app_bench_queue/<leads>/) a database with `leads`
leads on SQLite and on a PostgreSQL server whose data folder lives in the same cache folder
(tests/support/pg_server.py's throwaway server, kept between runs). Then, in one run:

- SQLite: one operator presses "next client" `claims` times, finishing each call (a call
  attempt row, the lead's state changed, the claim released); p99 of the claim;
- PostgreSQL: 50 simulated operators (processes, each its own connection) claim and finish
  calls concurrently for `seconds`, twice: paced (about a second of "talk" between claim
  and outcome) for the claim latency an operator sees (pg_next_p99_ms), and back to back
  for throughput (finished calls/s) and the latency under saturation (pg_saturated_*);
- the bare loop: the same 50 processes claiming back to back with a plain `FOR UPDATE SKIP
  LOCKED` on a plain table and finishing, for the same time; pg_ratio_vs_raw = our
  back-to-back throughput / bare.

Double claims (a lead handed to two operators) and lost outcomes (a finished call with no
call attempt row or an unchanged lead) are counted. What the server itself spent per
finished call, CPU (Linux) and buffer accesses, is given for our back-to-back run and for
the bare loop, with the share of this machine's CPU the host took away meanwhile (steal):
those figures hold when the host is busy, the wall-clock ones do not. The last line is JSON.
Targets: sqlite_next_p99_ms <= 10; pg_next_p99_ms <= 50; pg_ratio_vs_raw >= 0.4.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import random
import sqlite3
import sys
import time
import uuid
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from sqlalchemy import text

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from operator_app.core.queue.service import QueueService  # noqa: E402
from operator_app.core.roles import Actor, Role  # noqa: E402
from operator_app.storage.database import Database  # noqa: E402
from operator_app.storage.migrate import upgrade  # noqa: E402
from tests.support.pg_server import ThrowawayPostgres  # noqa: E402

# Monday 23 November 2026, 12:30 in Moscow: Kamchatka (21:30) is already outside hours.
NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)
ZONES = [
    ("Europe/Moscow", 50),
    ("Europe/Samara", 10),
    ("Asia/Yekaterinburg", 15),
    ("Asia/Novosibirsk", 10),
    ("Europe/Kaliningrad", 5),
    ("Asia/Vladivostok", 5),
    ("Asia/Kamchatka", 5),
]
LISTS = 20
OPERATORS = 50
TALK_SECONDS = 1.0  # the paced run's mean call, a real one compressed about a hundredfold
SPECIAL = 200  # inbound leads, due callbacks, due reminders and due retries each


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


# --- building the data set --------------------------------------------------------------


def generated_rows(leads: int) -> dict[str, list[tuple[Any, ...]]]:
    rng = random.Random(3)
    zone_names = [name for name, weight in ZONES for _ in range(weight)]
    created = NOW - dt.timedelta(days=3)
    naive = created.replace(tzinfo=None).isoformat(sep=" ")
    contacts, phones, lead_rows = [], [], []
    for i in range(1, leads + 1):
        zone = rng.choice(zone_names)
        where = rng.random()
        contacts.append((i, f"Client {i}", zone if where < 0.7 else None, naive, "{}"))
        phones.append((i, i, f"+79{i:09d}", "mobile", zone if 0.7 <= where < 0.9 else None))
        if i <= SPECIAL:
            source, state, next_at = "inbound", "new", None
        elif i <= 2 * SPECIAL:
            source, state, next_at = "list", "retry", naive
        elif i <= 4 * SPECIAL:
            source, state, next_at = "list", "callback", None
        else:
            source, state, next_at = "list", "new", None
        list_id = 1 + i % LISTS
        client_zone = zone if where < 0.9 else None  # storage/client_zones.py's rule
        lead_rows.append((i, i, 1, list_id, state, source, next_at, client_zone, naive, naive))
    tasks = [
        (n, 2 * SPECIAL + n, "callback" if n <= SPECIAL else "confirm_call", naive, naive)
        for n in range(1, 2 * SPECIAL + 1)
    ]
    return {"contacts": contacts, "phones": phones, "leads": lead_rows, "tasks": tasks}


def seed_configuration(database: Database) -> list[Actor]:
    with database.engine.begin() as connection:
        connection.execute(
            text("INSERT INTO campaigns (id, name, time_zone, created_at, retry_backoff_minutes,"
                 " settings) VALUES (1, 'Bench', 'Europe/Moscow', :at, '[30]', '{}')"),
            {"at": NOW},
        )  # fmt: skip
        for weekday in range(7):
            connection.execute(
                text("INSERT INTO calling_hours (campaign_id, weekday, starts, ends)"
                     " VALUES (1, :d, '09:00:00', '21:00:00')"),
                {"d": weekday},
            )  # fmt: skip
        rng = random.Random(5)
        for list_id in range(1, LISTS + 1):
            connection.execute(
                text("INSERT INTO lead_lists (id, name, abc_class, priority, campaign_id,"
                     " created_at) VALUES (:id, :name, :abc, :priority, 1, :at)"),
                {"id": list_id, "name": f"List {list_id}", "abc": rng.choice("ABC"),
                 "priority": rng.randint(1, 99), "at": NOW},
            )  # fmt: skip
        actors = []
        for n in range(1, OPERATORS + 1):
            connection.execute(
                text("INSERT INTO users (id, login, display_name, role, password_hash, status,"
                     " created_at) VALUES (:id, :login, :login, 'operator', 'x', 'ready', :at)"),
                {"id": n, "login": f"op{n}", "at": NOW},
            )  # fmt: skip
            actors.append(Actor(n, f"op{n}", f"op{n}", Role.OPERATOR))
    return actors


COLUMNS = {
    "contacts": "id, full_name, time_zone, created_at, custom_fields",
    "phones": "id, contact_id, e164, kind, time_zone",
    "leads": "id, contact_id, campaign_id, list_id, state, source, next_action_at, client_zone,"
    " created_at, updated_at",
    "tasks": "id, lead_id, kind, due_at, created_at",
}


def build_sqlite(path: Path, leads: int) -> None:
    database = Database("sqlite:///" + path.as_posix())
    upgrade(database.engine)
    seed_configuration(database)
    database.dispose()
    rows = generated_rows(leads)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    with connection:
        for table, columns in COLUMNS.items():
            marks = ", ".join("?" for _ in columns.split(","))
            connection.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows[table])
    connection.execute("ANALYZE")
    connection.close()


def build_postgres(url: str, leads: int) -> None:
    import psycopg

    database = Database(url)
    upgrade(database.engine)
    seed_configuration(database)
    database.dispose()
    rows = generated_rows(leads)
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as connection, connection.cursor() as cursor:
        for table, columns in COLUMNS.items():
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows[table]:
                    copy.write_row(row)
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        cursor.execute(
            "CREATE TABLE bench_raw (id bigserial PRIMARY KEY, state text NOT NULL, claimed_by int)"
        )
        cursor.execute(
            "INSERT INTO bench_raw (state) SELECT 'new' FROM generate_series(1, %s)", (leads,)
        )
        cursor.execute("CREATE INDEX ix_bench_raw_state ON bench_raw (state, id)")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


# --- one finished call ------------------------------------------------------------------

FINISH = text(
    "UPDATE leads SET state = 'lost', claimed_by_id = NULL, claimed_until = NULL,"
    " attempts = attempts + 1, last_disposition = 'refused', updated_at = :now"
    " WHERE id = :lead AND claimed_by_id = :uid"
)
RECORD = text(
    "INSERT INTO call_attempts (client_uuid, lead_id, operator_id, started_at, ended_at,"
    " talk_seconds, disposition) VALUES (:uuid, :lead, :uid, :now, :now, 30, 'refused')"
)


def finish_call(database: Database, lead_id: int, user_id: int, task_id: int | None) -> bool:
    """The outcome in one transaction: the attempt, the lead's new state, the task closed."""
    params = {"uuid": str(uuid.uuid4()), "lead": lead_id, "uid": user_id, "now": NOW}
    with database.engine.begin() as connection:
        connection.execute(RECORD, params)
        if task_id is not None:
            connection.execute(
                text("UPDATE tasks SET state = 'done' WHERE id = :id"), {"id": task_id}
            )
        finished = connection.execute(FINISH, params).rowcount == 1
        if database.backend == "postgresql":
            connection.execute(text("SELECT pg_notify('operator_app_queue', 'done')"))
        return finished


def outcome_check(database: Database, claimed: list[int]) -> tuple[int, int]:
    """(double claims, lost outcomes) among the claimed leads."""
    doubles = sum(1 for _lead, times in Counter(claimed).items() if times > 1)
    with database.engine.connect() as connection:
        recorded = connection.execute(
            text("SELECT count(*) FROM call_attempts WHERE started_at = :now"), {"now": NOW}
        ).scalar_one()
        finished_leads = connection.execute(
            text("SELECT count(*) FROM leads WHERE state = 'lost' AND last_disposition = 'refused'")
        ).scalar_one()
    lost = abs(len(claimed) - recorded) + abs(len(set(claimed)) - finished_leads)
    return doubles, lost


def reset_outcomes(database: Database) -> None:
    with database.engine.begin() as connection:
        connection.execute(text("DELETE FROM call_attempts"))
        connection.execute(
            text("UPDATE leads SET state = CASE WHEN id <= :a THEN 'new' WHEN id <= :b THEN"
                 " 'retry' WHEN id <= :c THEN 'callback' ELSE 'new' END, attempts = 0,"
                 " last_disposition = NULL, claimed_by_id = NULL, claimed_until = NULL"
                 " WHERE last_disposition IS NOT NULL OR claimed_by_id IS NOT NULL"),
            {"a": SPECIAL, "b": 2 * SPECIAL, "c": 4 * SPECIAL},
        )  # fmt: skip
        connection.execute(text("UPDATE tasks SET state = 'open'"))


# --- the runs ---------------------------------------------------------------------------


def run_sqlite(path: Path, claims: int) -> dict[str, Any]:
    database = Database("sqlite:///" + path.as_posix())
    upgrade(database.engine)  # a cached data set from an older schema
    reset_outcomes(database)
    service = QueueService(database)
    actor = Actor(1, "op1", "op1", Role.OPERATOR)
    timings, claimed = [], []
    service.warm_up(actor, now=NOW)  # as the workspace does when the operator gets ready
    for _ in range(claims):
        started = time.perf_counter()
        lead = service.claim_next(actor, now=NOW)
        timings.append(time.perf_counter() - started)
        assert lead is not None
        claimed.append(lead.lead_id)
        finish_call(database, lead.lead_id, actor.user_id, lead.task_id)
    doubles, lost = outcome_check(database, claimed)
    database.dispose()
    return {
        "sqlite_next_p50_ms": round(percentile(timings, 0.5) * 1000, 2),
        "sqlite_next_p99_ms": round(percentile(timings, 0.99) * 1000, 2),
        "sqlite_claims": len(claimed),
        "sqlite_double_claims": doubles,
        "sqlite_lost_outcomes": lost,
    }


# --- PostgreSQL: 50 operators, each its own process and connection, as on a real floor ----
#
# Processes, not threads: 50 threads in one interpreter would measure Python's global lock
# (every round trip gives it up and waits to get it back) rather than the database.

RAW_CLAIM = text(
    "UPDATE bench_raw SET claimed_by = :uid WHERE id = (SELECT id FROM bench_raw"
    " WHERE state = 'new' AND claimed_by IS NULL ORDER BY id LIMIT 1"
    " FOR UPDATE SKIP LOCKED) RETURNING id"
)
RAW_FINISH = text("UPDATE bench_raw SET state = 'done', claimed_by = NULL WHERE id = :id")


def operator_process(
    url: str, index: int, seconds: float, start: Any, talk: float = 0.0
) -> dict[str, Any]:
    """One operator: claim, (talk,) finish, repeat until the time is up.

    `talk` is the mean time between the claim and the outcome, in seconds: 0 hammers the
    queue back to back (throughput), a second is a call compressed about a hundredfold
    (the latency an operator sees while the colleagues work).
    """
    pace = random.Random(index)
    database = Database(url, pool_size=1, max_overflow=0)
    service = QueueService(database)
    actor = Actor(index + 1, f"op{index + 1}", f"op{index + 1}", Role.OPERATOR)
    service.warm_up(actor, now=NOW)  # connects; as the workspace does at "ready"
    timings: list[float] = []
    claimed: list[int] = []
    errors = 0
    start.wait()
    stop = time.monotonic() + seconds
    if talk:
        # Operators on a floor are not in step: each is somewhere in a call at the start.
        time.sleep(pace.uniform(0, talk))
    while time.monotonic() < stop:
        started = time.perf_counter()
        try:
            lead = service.claim_next(actor, now=NOW)
        except Exception:
            errors += 1
            continue
        timings.append(time.perf_counter() - started)
        if lead is None:
            break
        claimed.append(lead.lead_id)
        if talk:
            time.sleep(pace.uniform(0.5 * talk, 1.5 * talk))
        finish_call(database, lead.lead_id, actor.user_id, lead.task_id)
    database.dispose()
    return {"timings": timings, "claimed": claimed, "errors": errors}


def bare_process(url: str, index: int, seconds: float, start: Any) -> dict[str, Any]:
    """The same operator with a bare SKIP LOCKED claim on a plain table."""
    database = Database(url, pool_size=1, max_overflow=0)
    with database.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    timings: list[float] = []
    start.wait()
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        started = time.perf_counter()
        with database.engine.begin() as connection:
            row_id = connection.execute(RAW_CLAIM, {"uid": index}).scalar_one_or_none()
        timings.append(time.perf_counter() - started)
        if row_id is None:
            break
        with database.engine.begin() as connection:
            connection.execute(RAW_FINISH, {"id": row_id})
    database.dispose()
    return {"timings": timings}


def run_processes(
    work: Any, url: str, seconds: float, *extra: Any
) -> tuple[list[dict[str, Any]], float]:
    """Run `work` in OPERATORS processes started together; (their results, elapsed)."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    start = context.Manager().Barrier(OPERATORS + 1)
    with ProcessPoolExecutor(OPERATORS, mp_context=context) as pool:
        futures = [pool.submit(work, url, i, seconds, start, *extra) for i in range(OPERATORS)]
        start.wait()
        started = time.monotonic()
        results = [future.result() for future in futures]
        elapsed = time.monotonic() - started
    return results, elapsed


# --- what the server itself spent, apart from the operators' processes ---------------------
#
# On this machine the 50 operator processes run on the same cores as the server, and the
# host lends those cores to other machines too, so wall-clock figures move with the host.
# The server's own CPU time and buffer accesses per finished call do not, and they are what
# a team's shared server pays; the operators' Python runs on their own desktops.


def host_cpu_ticks() -> tuple[int, int]:
    """(all ticks, ticks stolen by the host) of this machine so far; zeros where unknown."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return 0, 0
    ticks = [int(value) for value in fields]
    return sum(ticks[:8]), ticks[7] if len(ticks) > 7 else 0


def server_cpu_seconds(postmaster: int | None) -> float:
    """CPU seconds the server's processes used so far: the postmaster with the backends it
    has reaped, and the live ones (Linux /proc; 0 elsewhere)."""
    if postmaster is None:
        return 0.0
    ticks = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # ended meanwhile
        fields = stat[stat.rindex(")") + 2 :].split()
        pid, parent = int(entry.name), int(fields[1])
        if pid == postmaster:
            ticks += sum(int(value) for value in fields[11:15])  # own and reaped children's
        elif parent == postmaster:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def buffers_accessed(url: str) -> int:
    database = Database(url)
    try:
        with database.engine.connect() as connection:
            return int(
                connection.execute(
                    text("SELECT sum(blks_hit + blks_read) FROM pg_stat_database")
                ).scalar_one()
            )
    finally:
        database.dispose()


class ServerUsage:
    """The server's CPU and buffer accesses over one phase, and the host's steal."""

    def __init__(self, url: str, postmaster: int | None) -> None:
        self._url, self._postmaster = url, postmaster
        self._cpu = server_cpu_seconds(postmaster)
        self._buffers = buffers_accessed(url)
        self._ticks = host_cpu_ticks()

    def per_call(self, calls: int) -> dict[str, float]:
        time.sleep(1.0)  # the backends have ended: let the postmaster reap them, stats flush
        cpu = server_cpu_seconds(self._postmaster) - self._cpu
        buffers = buffers_accessed(self._url) - self._buffers
        total, stolen = (
            now - before for now, before in zip(host_cpu_ticks(), self._ticks, strict=True)
        )
        return {
            "cpu_ms": round(cpu * 1000 / max(calls, 1), 2),
            "buffers": round(buffers / max(calls, 1), 1),
            "steal_pct": round(100 * stolen / total, 1) if total else 0.0,
        }


def postmaster_pid(data_dir: Path) -> int | None:
    try:
        return int((data_dir / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def run_postgres(url: str, seconds: float, postmaster: int | None = None) -> dict[str, Any]:
    database = Database(url)
    upgrade(database.engine)  # a cached data set from an older schema
    reset_outcomes(database)
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE bench_raw SET state = 'new', claimed_by = NULL"))
    database.dispose()

    # Latency: operators who talk about a second between claim and outcome.
    usage = ServerUsage(url, postmaster)
    paced, _elapsed = run_processes(operator_process, url, seconds, TALK_SECONDS)
    calm = usage.per_call(sum(len(result["claimed"]) for result in paced))
    paced_timings = [t for result in paced for t in result["timings"]]
    # Throughput: the same operators back to back.
    usage = ServerUsage(url, postmaster)
    results, elapsed = run_processes(operator_process, url, seconds)
    timings = [t for result in results for t in result["timings"]]
    ours = usage.per_call(sum(len(result["claimed"]) for result in results))
    claimed = [lead for result in paced + results for lead in result["claimed"]]
    errors = sum(result["errors"] for result in paced + results)
    database = Database(url)
    doubles, lost = outcome_check(database, claimed)
    database.dispose()

    usage = ServerUsage(url, postmaster)
    raw_results, raw_elapsed = run_processes(bare_process, url, seconds)
    raw_timings = [t for result in raw_results for t in result["timings"]]
    bare = usage.per_call(len(raw_timings))
    throughput = len(claimed) / elapsed
    raw_throughput = len(raw_timings) / raw_elapsed
    return {
        "pg_next_p50_ms": round(percentile(paced_timings, 0.5) * 1000, 2),
        "pg_next_p99_ms": round(percentile(paced_timings, 0.99) * 1000, 2),
        "pg_paced_claims": len(paced_timings),
        "pg_saturated_p50_ms": round(percentile(timings, 0.5) * 1000, 2),
        "pg_saturated_p99_ms": round(percentile(timings, 0.99) * 1000, 2),
        "pg_raw_claim_p50_ms": round(percentile(raw_timings, 0.5) * 1000, 2),
        "pg_raw_claim_p99_ms": round(percentile(raw_timings, 0.99) * 1000, 2),
        "pg_calls_per_s": round(throughput, 1),
        "pg_raw_calls_per_s": round(raw_throughput, 1),
        "pg_ratio_vs_raw": round(throughput / raw_throughput, 3),
        "pg_server_cpu_ms_per_call": ours["cpu_ms"],
        "pg_raw_server_cpu_ms_per_call": bare["cpu_ms"],
        "pg_buffers_per_call": ours["buffers"],
        "pg_raw_buffers_per_call": bare["buffers"],
        "host_paced_steal_pct": calm["steal_pct"],
        "host_steal_pct": ours["steal_pct"],
        "host_raw_steal_pct": bare["steal_pct"],
        "pg_claims": len(timings),
        "pg_errors": errors,
        "pg_double_claims": doubles,
        "pg_lost_outcomes": lost,
    }


def cached_postgres(folder: Path, leads: int) -> tuple[ThrowawayPostgres, str]:
    server = ThrowawayPostgres()
    server.root.rmdir()
    server.root = folder / "pg"
    server.data_dir = server.root / "data"
    fresh = not (folder / "pg.ready").exists()
    if fresh:
        import shutil

        shutil.rmtree(server.root, ignore_errors=True)
        server.root.mkdir(parents=True)
        if server._user:
            shutil.chown(server.root, user=server._user)
        server.init()
    server.start()
    url = server.url
    if fresh:
        started = time.monotonic()
        build_postgres(url, leads)
        print(f"built PostgreSQL data set in {time.monotonic() - started:.0f} s", flush=True)
        (folder / "pg.ready").touch()
    return server, url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--claims", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    cache = os.environ.get("OPERATOR_APP_BENCH_DIR", "/tmp/operator_app_bench_queue")
    folder = Path(cache) / str(args.leads)
    folder.mkdir(parents=True, exist_ok=True)

    sqlite_path = folder / "queue.sqlite3"
    if not (folder / "sqlite.ready").exists():
        sqlite_path.unlink(missing_ok=True)
        started = time.monotonic()
        build_sqlite(sqlite_path, args.leads)
        print(f"built SQLite data set in {time.monotonic() - started:.0f} s", flush=True)
        (folder / "sqlite.ready").touch()
    results: dict[str, Any] = {"leads": args.leads}
    results.update(run_sqlite(sqlite_path, args.claims))
    print(json.dumps(results), flush=True)

    server, url = cached_postgres(folder, args.leads)
    try:
        results.update(run_postgres(url, args.seconds, postmaster_pid(server.data_dir)))
    finally:
        server.stop()
    results["double_claims"] = results["sqlite_double_claims"] + results["pg_double_claims"]
    results["lost_outcomes"] = results["sqlite_lost_outcomes"] + results["pg_lost_outcomes"]
    print(json.dumps(results))


if __name__ == "__main__":
    main()
