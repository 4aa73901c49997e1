"""Benchmark of the lead-list import (issue 2, section 5). Run on demand, not by pytest:

    .venv/bin/python tests/bench/bench_import.py [--rows 100000] [--existing 1000000] [--pg]

It writes a messy 100,000-row CSV (cp1251, ';', phones typed the way people type them,
~10 % duplicates, ~2 % bad rows) and the same rows as XLSX, builds a database already holding
1,000,000 leads (cached between runs under the user cache folder, keyed by size and schema),
then times in the same run:

- the baseline: phonenumbers.parse + is_valid_number of every phone cell, single process;
- the import of the CSV and of the XLSX, each into a fresh copy of that database, each in its
  own child process (so the peak memory figure is the import's: the child's ru_maxrss).

Targets: csv_import_s <= 2.5 x phone_parse_s; peak_mb < 400; xlsx_import_s < 2 x csv_import_s.
The last output line is JSON with the figures.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import phonenumbers
import xlsxwriter  # type: ignore[import-untyped]
from sqlalchemy import Table, insert
from stdnum.ru import inn as stdnum_inn

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from operator_app.storage.base import utcnow  # noqa: E402
from operator_app.storage.database import Database  # noqa: E402
from operator_app.storage.migrate import migrations_dir, upgrade  # noqa: E402
from operator_app.storage.models import Contact, DoNotCall, Lead, LeadList, Phone  # noqa: E402
from operator_app.storage.repositories.import_queries import insert_rows  # noqa: E402

HEADERS = [
    "ФИО",
    "Телефон",
    "Доп. телефон",
    "Компания",
    "ИНН",
    "Город",
    "E-mail",
    "Должность",
    "Комментарий",
    "Источник",
]
CITIES = ["Москва", "Екатеринбург", "Новосибирск", "Казань", "Самара", "Владивосток", "Омск"]
FIRST = ["Иван", "Пётр", "Мария", "Ольга", "Сергей", "Анна", "Дмитрий", "Елена"]
LAST = ["Иванов", "Петров", "Сидорова", "Кузнецова", "Смирнов", "Попова", "Волков"]
POSITIONS = ["директор", "главный бухгалтер", "менеджер", "", "", "ИП"]
SEED = 20240502
# Existing numbers are index i in [0, existing); new ones come after: bijective on 10**9.
SPREAD = 7919
DNC_EVERY = 200  # every 200th new number is on the do-not-call list: ~0.5 % blocked rows


def mobile(index: int) -> str:
    """The national 10 digits of the index-th benchmark mobile number (9xx xxx xx xx)."""
    return str(9_000_000_000 + (index * SPREAD) % 1_000_000_000)


def messy(national: str, rng: random.Random) -> str:
    """A number as people type it into a spreadsheet."""
    a, b, c, d = national[:3], national[3:6], national[6:8], national[8:]
    form = rng.randrange(20)
    if form < 4:
        return f"8 ({a}) {b}-{c}-{d}"
    if form < 8:
        return f"+7 {a} {b} {c} {d}"
    if form < 11:
        return f"8{national}"
    if form < 13:
        return f"+7({a}){b}-{c}-{d}"
    if form < 15:
        return f"8-{a}-{b}-{c}-{d}"
    if form < 16:
        return f"7{national}"
    if form < 17:
        return f"тел. 8-{a}-{b}-{c}-{d}, после 18:00"
    if form < 18:
        return f"моб. +7 {a} {b}-{c}-{d} (звонить утром)"
    if form < 19:
        return f"+7 ({a}) {b}{c}{d}"
    return f"{national}"


def company_inn(rng: random.Random) -> str:
    digits = f"{rng.randrange(10**8, 10**9):09d}"
    return digits + stdnum_inn.calc_company_check_digit(digits)


def generate_rows(rows: int, existing: int) -> Iterator[list[str]]:
    rng = random.Random(SEED)
    used: list[str] = []
    inns: list[tuple[str, str]] = []
    next_new = existing
    for number in range(rows):
        roll = rng.random()
        inn = ""
        company = ""
        if roll < 0.05 and existing:  # duplicate of a lead in the database
            phone = messy(mobile(rng.randrange(existing)), rng)
        elif roll < 0.10 and used:  # duplicate of an earlier row
            phone = messy(rng.choice(used), rng)
        elif roll < 0.11:  # truncated number: rejected
            phone = messy(mobile(next_new), rng)[:-3]
            next_new += 1
        elif roll < 0.115:  # no number at all: rejected
            phone = rng.choice(["", "нет", "уточнить"])
        else:
            national = mobile(next_new)
            if rng.random() < 0.08:  # a landline of a city
                national = rng.choice(["495", "343", "383", "812"]) + national[3:]
            next_new += 1
            used.append(national)
            phone = messy(national, rng)
        if rng.random() < 0.30:
            if inns and rng.random() < 0.5:
                company, inn = rng.choice(inns)
            else:
                company, inn = f'ООО "Ромашка-{number}"', company_inn(rng)
                inns.append((company, inn))
        if 0.115 <= roll < 0.12:  # a bad INN: rejected
            inn = inn[:-1] + str((int(inn[-1]) + 1) % 10) if inn else "7707083894"
            company = company or "ООО Ошибка"
        extra = ""
        if rng.random() < 0.2:
            national = mobile(next_new)
            next_new += 1
            used.append(national)
            extra = messy(national, rng)
        yield [
            f"{rng.choice(LAST)} {rng.choice(FIRST)}",
            phone,
            extra,
            company,
            inn,
            rng.choice(CITIES) if rng.random() < 0.7 else "",
            f"client{number}@example.ru" if rng.random() < 0.5 else "",
            rng.choice(POSITIONS),
            "перезвонить после обеда" if rng.random() < 0.1 else "",
            "выставка 2024",
        ]


def write_files(folder: Path, rows: int, existing: int) -> tuple[Path, Path, list[str]]:
    csv_path = folder / "leads.csv"
    xlsx_path = folder / "leads.xlsx"
    phone_cells: list[str] = []
    workbook = xlsxwriter.Workbook(str(xlsx_path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Лиды")
    sheet.write_row(0, 0, HEADERS)
    with csv_path.open("w", encoding="cp1251", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(HEADERS)
        for number, cells in enumerate(generate_rows(rows, existing), start=1):
            writer.writerow(cells)
            sheet.write_row(number, 0, cells)
            phone_cells.extend(cell for cell in cells[1:3] if cell)
    workbook.close()
    return csv_path, xlsx_path, phone_cells


def time_phone_parsing(cells: list[str]) -> tuple[float, float]:
    """The baseline: parse and validate every phone cell with phonenumbers alone.

    Returns (wall seconds, CPU seconds)."""
    started, started_cpu = time.perf_counter(), time.process_time()
    valid = 0
    for cell in cells:
        try:
            number = phonenumbers.parse(cell, "RU")
        except phonenumbers.NumberParseException:
            continue
        valid += phonenumbers.is_valid_number(number)
    return time.perf_counter() - started, time.process_time() - started_cpu


# --- the database holding the existing leads ----------------------------------------------------


def _table(model: Any) -> Table:
    return model.__table__  # type: ignore[no-any-return]


def fill_existing(database: Database, existing: int, new_numbers: range) -> None:
    """Bulk inserts of `existing` contacts with one phone and one lead each, through the
    importer's own bulk insert (executemany on SQLite, COPY on PostgreSQL)."""
    chunk = 50_000
    now = utcnow()
    with database.engine.begin() as connection:
        list_id = connection.scalar(
            insert(LeadList).values(name="bench: existing", created_at=now).returning(LeadList.id)
        )
        for start in range(0, existing, chunk):
            ids = range(start + 1, min(start + chunk, existing) + 1)
            insert_rows(
                connection,
                _table(Contact),
                ("id", "full_name", "custom_fields"),
                [(i, f"Клиент {i}", {}) for i in ids],
                {"created_at": now},
            )
            insert_rows(
                connection,
                _table(Phone),
                ("contact_id", "e164"),
                [(i, "+7" + mobile(i - 1)) for i in ids],
                {"kind": "mobile"},
            )
            insert_rows(
                connection,
                _table(Lead),
                ("id", "contact_id"),
                [(i, i) for i in ids],
                {"list_id": list_id, "state": "new", "created_at": now, "updated_at": now},
            )
        insert_rows(
            connection,
            _table(DoNotCall),
            ("e164",),
            [("+7" + mobile(index),) for index in new_numbers if index % DNC_EVERY == 0],
            {"added_at": now},
        )
        if database.backend == "postgresql":
            for name in ("contacts", "leads"):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), {existing + 1}, false)"
                )


def schema_revision() -> str:
    versions = sorted(p.name for p in (migrations_dir() / "versions").glob("*.py"))
    return versions[-1].removesuffix(".py") if versions else "none"


def cached_sqlite(existing: int, rows: int) -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"), "operator_app", "bench")
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"existing-{existing}-rows-{rows}-{schema_revision()}.sqlite3"
    if path.exists():
        print(f"using the cached database {path}", file=sys.stderr)
        return path
    print(f"building a database with {existing:,} leads in {path}", file=sys.stderr)
    started = time.perf_counter()
    building = path.with_suffix(".building")
    building.unlink(missing_ok=True)
    database = Database("sqlite:///" + building.as_posix())
    upgrade(database.engine)
    fill_existing(database, existing, range(existing, existing + 2 * rows))
    with database.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    for leftover in building.parent.glob(building.name + "-*"):
        leftover.unlink()
    building.rename(path)
    print(f"built in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return path


# --- one import, in a child process ----------------------------------------------------------


def child_import(path: Path, url: str) -> None:
    from operator_app.core.column_mapping import suggest_mapping
    from operator_app.core.importing.service import import_list
    from operator_app.core.importing.types import ImportOptions
    from operator_app.core.roles import Actor, Role
    from operator_app.core.tabular import open_table

    database = Database(url)
    actor = Actor(user_id=0, login="bench", display_name="Benchmark", role=Role.ADMIN)
    started, started_cpu = time.perf_counter(), time.process_time()
    table = open_table(path)
    mapping = suggest_mapping(table.info.headers)
    report = import_list(
        database, actor, table, mapping, ImportOptions(list_name=f"bench {path.suffix}")
    )
    elapsed, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    database.dispose()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {"seconds": elapsed, "cpu_seconds": cpu, "peak_mb": peak_kb / 1024, **report.counts()}
        )
    )


def run_child(path: Path, url: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, __file__, "--child", str(path), url],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"the import of {path.name} failed:\n{result.stderr}")
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"{path.name}: {figures}", file=sys.stderr)
    return figures


def sqlite_imports(work: Path, csv_path: Path, xlsx_path: Path, base: Path) -> list[dict[str, Any]]:
    results = []
    for source in (csv_path, xlsx_path):
        copy = work / f"import-{source.suffix[1:]}.sqlite3"
        shutil.copyfile(base, copy)
        results.append(run_child(source, "sqlite:///" + copy.as_posix()))
        for leftover in (copy, *work.glob(copy.name + "-*")):  # with any -wal / -shm
            leftover.unlink()
    return results


def pg_imports(csv_path: Path, xlsx_path: Path, existing: int, rows: int) -> list[dict[str, Any]]:
    from tests.support.pg_server import PostgresForTests

    server = PostgresForTests()
    try:
        base = server.create_database(prefix="bench")
        database = Database(server.database_url(base))
        print(f"building a PostgreSQL database with {existing:,} leads", file=sys.stderr)
        started = time.perf_counter()
        upgrade(database.engine)
        fill_existing(database, existing, range(existing, existing + 2 * rows))
        with database.engine.connect().execution_options(
            isolation_level="AUTOCOMMIT"
        ) as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
        database.dispose()
        print(f"built in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        results = []
        for source in (csv_path, xlsx_path):
            name = server.create_database(template=base)
            results.append(run_child(source, server.database_url(name)))
            server.drop_database(name)
        return results
    finally:
        server.close()


def figures(
    backend: str,
    rows: int,
    existing: int,
    baseline: tuple[float, float],
    results: list[dict[str, Any]],
) -> dict[str, Any]:
    parse_s, parse_cpu_s = baseline
    csv_run, xlsx_run = results
    return {
        "rows": rows,
        "existing_leads": existing,
        "phone_parse_s": round(parse_s, 2),
        "csv_import_s": round(csv_run["seconds"], 2),
        "ratio_vs_parse": round(csv_run["seconds"] / parse_s, 2),
        "xlsx_import_s": round(xlsx_run["seconds"], 2),
        "xlsx_vs_csv": round(xlsx_run["seconds"] / csv_run["seconds"], 2),
        "peak_mb": round(max(csv_run["peak_mb"], xlsx_run["peak_mb"]), 1),
        "peak_measure": "ru_maxrss of the importing child process",
        # CPU seconds tell the same story on a machine busy with other work.
        "phone_parse_cpu_s": round(parse_cpu_s, 2),
        "csv_import_cpu_s": round(csv_run["cpu_seconds"], 2),
        "ratio_vs_parse_cpu": round(csv_run["cpu_seconds"] / parse_cpu_s, 2),
        "xlsx_import_cpu_s": round(xlsx_run["cpu_seconds"], 2),
        "counts": {
            key: csv_run[key] for key in ("read", "imported", "duplicates", "rejected", "blocked")
        },
        "backend": backend,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--existing", type=int, default=1_000_000)
    parser.add_argument("--pg", action="store_true", help="also run on a PostgreSQL server")
    parser.add_argument("--child", nargs=2, metavar=("FILE", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_import(Path(args.child[0]), args.child[1])
        return

    with tempfile.TemporaryDirectory(prefix="operator-app-bench-") as folder:
        work = Path(folder)
        csv_path, xlsx_path, phone_cells = write_files(work, args.rows, args.existing)
        baseline = time_phone_parsing(phone_cells)
        print(
            f"baseline: {len(phone_cells):,} phone cells parsed in {baseline[0]:.2f} s",
            file=sys.stderr,
        )
        base = cached_sqlite(args.existing, args.rows)
        report = [
            figures(
                "sqlite",
                args.rows,
                args.existing,
                baseline,
                sqlite_imports(work, csv_path, xlsx_path, base),
            )
        ]
        if args.pg:
            results = pg_imports(csv_path, xlsx_path, args.existing, args.rows)
            report.append(figures("postgresql", args.rows, args.existing, baseline, results))
    last = report[0]
    if len(report) > 1:
        last["postgresql"] = report[1]
    print(json.dumps(last, ensure_ascii=False))


if __name__ == "__main__":
    main()
