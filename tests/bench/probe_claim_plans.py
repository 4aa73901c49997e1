"""Where one PostgreSQL claim's time goes, statement by statement. Run on demand:

    .venv/bin/python tests/bench/probe_claim_plans.py

It starts bench_queue's cached 1,000,000-lead PostgreSQL data set (building it when missing),
claims three clients with QueueService, prints each claim's wall time, then replays the read
statements of the last claims under EXPLAIN (ANALYZE, BUFFERS, SUMMARY) and prints their
planning and execution times and buffers. Nothing is kept: the claims are rolled back by the
next bench run's reset.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from sqlalchemy import event  # noqa: E402

from operator_app.core.queue.service import QueueService  # noqa: E402
from operator_app.core.roles import Actor, Role  # noqa: E402
from operator_app.storage.database import Database  # noqa: E402
from tests.bench.bench_queue import NOW, cached_postgres, reset_outcomes  # noqa: E402

FOLDER = Path("/tmp/operator_app_bench_queue/1000000")
SUMMARY_LINES = ("Buffers: shared", "Planning Time", "Execution Time")


def main() -> None:
    server, url = cached_postgres(FOLDER, 1_000_000)
    try:
        database = Database(url)
        reset_outcomes(database)
        sent: list[tuple[str, Any]] = []

        @event.listens_for(database.engine, "before_cursor_execute")
        def remember(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
            sent.append((statement, parameters))

        queue = QueueService(database)
        actor = Actor(1, "op1", "op1", Role.OPERATOR)
        queue.claim_next(actor, now=NOW)  # warms the caches
        sent.clear()
        for _ in range(3):
            started = time.perf_counter()
            queue.claim_next(actor, now=NOW)
            print(f"claim_next: {(time.perf_counter() - started) * 1000:.2f} ms")
        reads = [
            (statement, parameters)
            for statement, parameters in sent
            if statement.lstrip().upper().startswith(("SELECT", "WITH"))
            and "pg_try_advisory" not in statement
        ]
        with database.engine.connect() as connection:
            raw = connection.connection.driver_connection
            assert raw is not None
            for statement, parameters in reads:
                cursor = raw.cursor()
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, SUMMARY) " + statement, parameters)
                lines = [str(row[0]).strip() for row in cursor.fetchall()]
                raw.rollback()
                summary = [
                    next((line for line in lines if line.startswith(key)), "")
                    for key in SUMMARY_LINES
                ]
                head = " ".join(statement.split())[:80]
                print(f"{head} | {' ; '.join(part for part in summary if part)}")
        database.dispose()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
