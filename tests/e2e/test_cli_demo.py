"""`operator-app demo`: creates the demo workspace once, and refuses a second time in one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from operator_app.cli import main
from operator_app.storage.database import Database
from operator_app.storage.models import Lead, User


def test_demo_creates_the_workspace_and_prints_the_summary(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--db", db.url]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "Demo workspace created" in captured.out
    for login in ("operator", "seller", "supervisor", "admin"):
        assert login in captured.out
    assert '"demo"' in captured.out
    for campaign in (
        "Кредитный брокер — визит в офис",
        "Стоматология — плановый осмотр",
        "Топливные карты — B2B",
    ):
        assert campaign in captured.out
    with db.session() as session:
        # One per role, and the two operators of the history's calling team.
        assert session.scalar(select(func.count()).select_from(User)) == 6
        assert (session.scalar(select(func.count()).select_from(Lead)) or 0) >= 180


def test_a_second_demo_fails_with_one_line_on_stderr(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--db", db.url]) == 0
    capsys.readouterr()
    assert main(["demo", "--db", db.url]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err == "operator-app: the demo workspace already exists in this database\n"


def test_demo_on_a_new_embedded_database_migrates_it_first(
    _app_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo"]) == 0
    assert "Demo workspace created" in capsys.readouterr().out
    assert (_app_home / "operator_app.sqlite3").is_file()
