"""Migrations produce exactly the models' schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

import operator_app.storage.models  # noqa: F401
from operator_app.storage.base import Base
from operator_app.storage.database import Database
from operator_app.storage.migrate import (
    ForeignDatabaseError,
    SchemaState,
    SchemaTooNewError,
    schema_status,
    upgrade,
)


def test_migrated_schema_matches_models(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_every_table_is_created(db: Database) -> None:
    from sqlalchemy import inspect

    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_status_is_current_after_upgrade_and_upgrade_is_idempotent(db: Database) -> None:
    assert schema_status(db.engine).state is SchemaState.CURRENT
    assert upgrade(db.engine).state is SchemaState.CURRENT


def test_a_schema_newer_than_the_app_is_refused(db: Database) -> None:
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'ffff_from_the_future'"))
    assert schema_status(db.engine).state is SchemaState.TOO_NEW
    with pytest.raises(SchemaTooNewError, match="newer than this version"):
        upgrade(db.engine)


def test_an_empty_database_is_migrated(tmp_path) -> None:  # type: ignore[no-untyped-def]
    database = Database("sqlite:///" + (tmp_path / "new.sqlite3").as_posix())
    assert schema_status(database.engine).state is SchemaState.EMPTY
    assert upgrade(database.engine).state is SchemaState.CURRENT
    database.dispose()


def test_a_foreign_database_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    database = Database("sqlite:///" + (tmp_path / "other.sqlite3").as_posix())
    with database.engine.begin() as connection:
        connection.execute(text("CREATE TABLE invoices (id INTEGER PRIMARY KEY)"))
    with pytest.raises(ForeignDatabaseError):
        upgrade(database.engine)
    database.dispose()


def test_the_app_knows_every_revision_alembic_has_in_order() -> None:
    # migrate.REVISIONS lets start-up check the schema without importing Alembic.
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine

    from operator_app.storage.migrate import REVISIONS, _config

    script = ScriptDirectory.from_config(_config(create_engine("sqlite://")))
    newest_first = [revision.revision for revision in script.walk_revisions()]
    assert tuple(reversed(newest_first)) == REVISIONS
