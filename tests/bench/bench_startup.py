"""Benchmark of the operator workspace's start-up (issue 3, section 6). Run on demand:

    .venv/bin/python tests/bench/bench_startup.py [--leads 1000000] [--runs 7]

"The operator workspace opens in <= 1.5 s from process start on that database": the SQLite
database tests/bench/bench_queue.py builds and caches under
/tmp/operator_app_bench_queue/<leads>/ (its builder is reused here). Untimed, the bench takes a private snapshot of it (SQLite's
online backup: a bench_queue run may be writing the cache meanwhile) and runs
`operator-app db upgrade --db URL` on it to bring it to the current schema. Then each
run starts a fresh `python -m operator_app` process (QT_QPA_PLATFORM=offscreen) with its own
OPERATOR_APP_HOME whose settings remember the operator op1 (the app's "remember me" on the
embedded database: no password dialog) and waits for the app's start-up mark
(OPERATOR_APP_STARTUP_MARK, operator_app/gui/startup_mark.py). Times are counted from just
before the process is spawned to
- `window_shown_s`: the event loop has shown the main window with the operator workspace;
- `startup_s`: its first queue counts are on screen (read in the background) — the figure
  the target is about.
One unmeasured start warms the file cache first; p50 (`startup_s`) and max over the runs.

PostgreSQL is not measured: a shared database has no "remember me" (it always asks for the
password), so it would need a sign-in bypass just for the bench. The last line is JSON with at
least `startup_s` and `leads`.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.bench.bench_queue import build_sqlite  # noqa: E402

TARGET_SECONDS = 1.5
OPERATOR_LOGIN = "op1"  # one of bench_queue's 50 operators
MARK_TIMEOUT_SECONDS = 120.0


def cached_sqlite(leads: int) -> Path:
    """bench_queue's SQLite data set, built once (the same folder and ready marker)."""
    folder = Path("/tmp/operator_app_bench_queue") / str(leads)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "queue.sqlite3"
    if not (folder / "sqlite.ready").exists():
        path.unlink(missing_ok=True)
        started = time.monotonic()
        build_sqlite(path, leads)
        print(f"built SQLite data set in {time.monotonic() - started:.0f} s", flush=True)
        (folder / "sqlite.ready").touch()
    return path


def private_copy(source: Path, folder: Path) -> Path:
    """A consistent snapshot (SQLite's online backup) of the cached database, so that the
    app's own writes at sign-in and a bench_queue run at the same time cannot lock each other
    out or change each other's data."""
    target = folder / source.name
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    origin.close()
    copy.close()
    return target


def app_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "operator_app", *args]


def upgrade_schema(url: str) -> None:
    """Untimed: the cached database may predate the newest migration."""
    started = time.monotonic()
    subprocess.run(app_command("db", "upgrade", "--db", url), check=True, cwd=REPO)
    print(f"schema upgraded in {time.monotonic() - started:.1f} s", flush=True)


def one_start(url: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="operator_app_startup_") as folder:
        home = Path(folder)
        settings = {"language": "ru", "database_url": url, "remembered_login": OPERATOR_LOGIN}
        (home / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
        mark = home / "startup-mark.jsonl"
        env = dict(
            os.environ,
            OPERATOR_APP_HOME=str(home),
            OPERATOR_APP_STARTUP_MARK=str(mark),
            QT_QPA_PLATFORM="offscreen",
        )
        env.pop("OPERATOR_APP_DB", None)  # the settings name the database
        # An installed app starts from compiled bytecode (pip writes it on install); a shell
        # that forbids writing it would time compiling every module on every start instead.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        spawned_at = time.time()
        process = subprocess.Popen(app_command(), env=env, cwd=REPO)
        try:
            deadline = time.monotonic() + MARK_TIMEOUT_SECONDS
            while not (mark.exists() and mark.read_text(encoding="utf-8").endswith("\n")):
                if process.poll() is not None:
                    raise RuntimeError(f"the app exited with {process.returncode} before its mark")
                if time.monotonic() > deadline:
                    raise RuntimeError("the app did not show the workspace in time")
                time.sleep(0.005)
        finally:
            process.kill()  # the bench only needs the start; nothing is left half-written
            process.wait()
        shown = json.loads(mark.read_text(encoding="utf-8").splitlines()[0])
    if shown.get("page") != "queueAndCallPage" or not shown.get("visible"):
        raise RuntimeError(f"the app did not open the operator workspace: {shown}")
    if not shown.get("queue_total"):
        raise RuntimeError(f"the workspace showed no queue counts: {shown}")
    return {
        "seconds": shown["counts_at"] - spawned_at,
        "shown_seconds": shown["shown_at"] - spawned_at,
        "queue_total": shown["queue_total"],
    }


def measure(url: str, runs: int) -> dict[str, Any]:
    one_start(url)  # warm the OS file cache and Python's bytecode cache; not counted
    timings, shown = [], []
    total = 0
    for n in range(runs):
        result = one_start(url)
        timings.append(result["seconds"])
        shown.append(result["shown_seconds"])
        total = result["queue_total"]
        print(
            f"run {n + 1}: window shown {result['shown_seconds']:.3f} s, queue counts shown"
            f" {result['seconds']:.3f} s ({total} clients)",
            flush=True,
        )
    return {
        "startup_s": round(statistics.median(timings), 3),
        "startup_max_s": round(max(timings), 3),
        "startup_min_s": round(min(timings), 3),
        "window_shown_s": round(statistics.median(shown), 3),
        "window_shown_max_s": round(max(shown), 3),
        "runs": runs,
        "queue_total": total,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="operator_app_startup_db_") as folder:
        started = time.monotonic()
        database = private_copy(cached_sqlite(args.leads), Path(folder))
        print(f"copied the cached database in {time.monotonic() - started:.1f} s", flush=True)
        url = "sqlite:///" + database.as_posix()
        upgrade_schema(url)
        results: dict[str, Any] = {"leads": args.leads, "backend": "sqlite"}
        results.update(measure(url, args.runs))
        if hasattr(os, "getloadavg"):  # other work on the machine skews the figures
            results["load_average_1min"] = round(os.getloadavg()[0], 2)
    results["target_s"] = TARGET_SECONDS
    results["within_target"] = results["startup_max_s"] <= TARGET_SECONDS
    print(json.dumps(results))


if __name__ == "__main__":
    main()
