"""`operator-app report kpi` end to end, in-process, against an SQLite file.

The figures are those worked out by hand in tests/storage/test_report_dashboard.py.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from operator_app.cli import main, open_database
from operator_app.cli_report import run_report_kpi
from operator_app.storage.database import Database
from tests.support.report_data import ReportWorld, build_report_world


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return "sqlite:///" + (tmp_path / "report.sqlite3").as_posix()


@pytest.fixture
def world(db_url: str, capsys: pytest.CaptureFixture[str]) -> Iterator[ReportWorld]:
    assert main(["db", "upgrade", "--db", db_url]) == 0
    capsys.readouterr()
    database = Database(db_url)
    yield build_report_world(database)
    database.dispose()


def last_json(output: str) -> dict[str, Any]:
    return json.loads(output.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_the_json_figures_for_everyone_and_per_operator(
    world: ReportWorld, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["report", "kpi", "--from", "2026-11-23", "--to", "2026-11-25", "--json", "--db", db_url]
    )
    output = capsys.readouterr().out
    assert code == 0
    figures = last_json(output)
    assert figures["from"] == "2026-11-23"
    assert figures["to"] == "2026-11-25"
    assert figures["campaign"] is None
    assert figures["calls"] == 9
    assert figures["reach_rate"] == round(6 / 9, 4)
    assert figures["talk_minutes"] == 20
    assert figures["leads"] == 3
    assert figures["held_visits"] == 2
    assert figures["conversions"] == {"to_lead": 0.5, "to_held": 0.6667, "to_sale": 0.5}
    anna, boris = figures["operators"]
    assert (anna["login"], anna["name"]) == (world.operator_a.login, "Anna Operator")
    assert (anna["calls"], anna["talk_minutes"], anna["leads"], anna["held_visits"]) == (
        4,
        7.5,
        2,
        2,
    )
    assert anna["reach_rate"] == 0.75
    assert (boris["login"], boris["calls"], boris["held_visits"]) == (world.operator_b.login, 5, 0)
    assert boris["conversions"]["to_held"] == 0.0
    assert boris["conversions"]["to_sale"] is None  # nothing held: no rate
    # The readable table comes first: a header, one line per operator and the total.
    table = output.splitlines()
    assert table[0] == "KPIs from 2026-11-23 to 2026-11-25 (Moscow time)"
    assert table[1].split()[:3] == ["Operator", "Calls", "Reach"]
    assert table[2].startswith("Anna Operator") and table[2].split()[2] == "4"
    assert table[4].split()[:2] == ["All", "9"]


def test_one_campaign(world: ReportWorld, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["report", "kpi", "--from", "2026-11-23", "--to", "2026-11-25", "--json"]
    code = main([*argv, "--campaign", world.campaign_1_name, "--db", db_url])
    figures = last_json(capsys.readouterr().out)
    assert code == 0
    assert figures["campaign"] == world.campaign_1_name
    assert (figures["calls"], figures["leads"], figures["held_visits"]) == (4, 2, 2)
    assert [row["login"] for row in figures["operators"]] == [world.operator_a.login]


def test_through_the_handler_directly(
    world: ReportWorld, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = argparse.Namespace(
        date_from="2026-11-25", date_to="2026-11-25", campaign=None, json=True, db=db_url
    )
    with ExitStack() as args.resources:
        assert run_report_kpi(args, open_database) == 0
    figures = last_json(capsys.readouterr().out)
    assert (figures["calls"], figures["leads"]) == (3, 1)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--campaign", "No such campaign"], "--campaign: no campaign named 'No such campaign'"),
        (["--from", "23.11.2026"], "is not a date in the form YYYY-MM-DD"),
        (["--from", "2026-11-26"], "is after --to"),
    ],
)
def test_unusable_arguments_exit_with_2(
    world: ReportWorld,
    db_url: str,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    argv = ["report", "kpi", "--from", "2026-11-23", "--to", "2026-11-25", "--db", db_url]
    code = main([*argv, *extra])
    captured = capsys.readouterr()
    assert code == 2
    assert message in captured.err
    assert captured.out == ""
