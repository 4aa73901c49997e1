"""`operator-app db upgrade` on both backends, and the refusal of a schema newer than the app."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from operator_app.cli import main
from operator_app.storage.database import Database
from operator_app.storage.migrate import SchemaState, schema_status
from tests.support.pg_server import PostgresForTests


def test_db_upgrade_creates_the_embedded_database_in_the_app_home(
    _app_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "upgrade"]) == 0
    assert "schema is up to date" in capsys.readouterr().out
    database = Database("sqlite:///" + (_app_home / "operator_app.sqlite3").as_posix())
    assert schema_status(database.engine).state is SchemaState.CURRENT
    database.dispose()


def test_db_upgrade_on_a_fresh_postgresql_database(
    pg_server: PostgresForTests, capsys: pytest.CaptureFixture[str]
) -> None:
    name = pg_server.create_database(prefix="cli")
    url = pg_server.database_url(name)
    assert main(["db", "upgrade", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "schema is up to date" in out
    database = Database(url)
    assert schema_status(database.engine).state is SchemaState.CURRENT
    database.dispose()
    pg_server.drop_database(name)


def test_the_environment_variable_selects_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "sqlite:///" + (tmp_path / "from-env.sqlite3").as_posix()
    monkeypatch.setenv("OPERATOR_APP_DB", url)
    assert main(["db", "upgrade"]) == 0
    assert (tmp_path / "from-env.sqlite3").exists()


def test_a_newer_schema_is_refused_with_one_clear_line(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    db.dispose()
    url = db.engine.url.render_as_string(hide_password=False)
    assert main(["db", "upgrade", "--db", url]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "newer than this version of operator_app" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("url", "exit_code", "says"),
    [
        ("nonsense://x", 2, "--db:"),
        ("postgresql+psycopg://nobody@127.0.0.1:1/none", 1, "cannot open the database"),
    ],
)
def test_an_unusable_database_url_is_one_line_not_a_traceback(
    url: str, exit_code: int, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for command in (["db", "upgrade"], ["demo"]):
        assert main([*command, "--db", url]) == exit_code
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1
        assert says in err
