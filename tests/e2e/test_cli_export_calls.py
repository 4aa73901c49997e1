"""`operator-app export calls`: run through its argparse namespace on SQLite and PostgreSQL."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
import pytest

from operator_app.cli import CommandError, open_database
from operator_app.cli_export import run_export_calls
from operator_app.core.roles import Role
from operator_app.storage.database import Database
from tests.support.handoff_data import NOW, make_campaign, make_lead, make_user, record_call


@pytest.fixture
def resources() -> Iterator[ExitStack]:
    with ExitStack() as stack:
        yield stack


def run(
    db: Database, resources: ExitStack, out: Path, day_from: str, day_to: str, file_format: str
) -> int:
    args = argparse.Namespace(
        date_from=day_from,
        date_to=day_to,
        file_format=file_format,
        out=str(out),
        db=db.url,
        resources=resources,
    )
    return run_export_calls(args, open_database)


def calls_of(db: Database) -> list[int]:
    make_user(db, "Admin", Role.ADMIN)
    operator = make_user(db, "Оля", Role.OPERATOR)
    lead = make_lead(db, make_campaign(db, "Брокер"), "=1+1")
    return [
        record_call(db, lead, operator.user_id, notes="@note", at=NOW),  # 23 Nov, 12:00 Moscow
        record_call(db, lead, operator.user_id, notes=None, at=NOW + dt.timedelta(days=1)),
        record_call(db, lead, operator.user_id, notes=None, at=NOW + dt.timedelta(days=3)),
    ]


def test_csv_of_the_period(
    db: Database, resources: ExitStack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second, _later = calls_of(db)
    out = tmp_path / "calls.csv"
    assert run(db, resources, out, "2026-11-23", "2026-11-24", "csv") == 0
    assert capsys.readouterr().out == (
        f"Exported 2 call(s) from 2026-11-23 to 2026-11-24 to {out}\n"
    )
    text = out.read_bytes().decode("utf-8-sig")
    header, *rows = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    assert header[:3] == ["Call ID", "Started (Europe/Moscow)", "Ended (Europe/Moscow)"]
    assert [(row[0], row[1]) for row in rows] == [
        (str(first), "2026-11-23 12:00:00"),
        (str(second), "2026-11-24 12:00:00"),
    ]
    assert rows[0][header.index("Client")] == "'=1+1"
    assert rows[0][header.index("Notes")] == "'@note"
    assert rows[0][header.index("Operator")] == "Оля"
    assert not list(tmp_path.glob("*.tmp"))


def test_xlsx_of_the_period(db: Database, resources: ExitStack, tmp_path: Path) -> None:
    first, *_ = calls_of(db)
    out = tmp_path / "calls.xlsx"
    assert run(db, resources, out, "2026-11-23", "2026-11-23", "xlsx") == 0
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    header, *rows = ([cell.value for cell in line] for line in sheet.iter_rows())
    assert [row[0] for row in rows] == [first]
    assert rows[0][1] == dt.datetime(2026, 11, 23, 12, 0)
    assert rows[0][header.index("Disposition")] == "interested"


def test_an_empty_period_is_a_header_only(
    sqlite_db: Database, resources: ExitStack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    calls_of(sqlite_db)
    out = tmp_path / "calls.csv"
    assert run(sqlite_db, resources, out, "2001-01-01", "2001-01-31", "csv") == 0
    assert "Exported 0 call(s)" in capsys.readouterr().out
    assert len(out.read_bytes().decode("utf-8-sig").splitlines()) == 1


@pytest.mark.parametrize(
    ("day_from", "day_to", "message"),
    [
        ("2026-13-01", "2026-12-31", "--from: '2026-13-01' is not a date in the form YYYY-MM-DD"),
        ("2026-11-01", "20261130", "--to: '20261130' is not a date in the form YYYY-MM-DD"),
        ("2026-12-01", "2026-11-30", "--from: 2026-12-01 is after --to 2026-11-30"),
    ],
)
def test_bad_dates_are_one_line_naming_the_flag_and_exit_2(
    sqlite_db: Database,
    resources: ExitStack,
    tmp_path: Path,
    day_from: str,
    day_to: str,
    message: str,
) -> None:
    out = tmp_path / "calls.csv"
    with pytest.raises(CommandError) as error:
        run(sqlite_db, resources, out, day_from, day_to, "csv")
    assert (str(error.value), error.value.exit_code) == (message, 2)
    assert not out.exists()


def test_an_out_that_is_a_folder_or_in_no_folder_exits_2(
    sqlite_db: Database, resources: ExitStack, tmp_path: Path
) -> None:
    with pytest.raises(CommandError) as folder:
        run(sqlite_db, resources, tmp_path, "2026-11-23", "2026-11-23", "xlsx")
    assert (str(folder.value), folder.value.exit_code) == (
        f"--out: {tmp_path} is a folder, not a file",
        2,
    )
    nowhere = tmp_path / "missing" / "calls.csv"
    with pytest.raises(CommandError) as missing:
        run(sqlite_db, resources, nowhere, "2026-11-23", "2026-11-23", "csv")
    assert missing.value.exit_code == 2
    assert str(missing.value) == (
        f"--out: {nowhere}: cannot write the file: the folder does not exist"
    )
