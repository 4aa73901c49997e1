"""Schema migrations through Alembic, shipped with the app and run on start-up or on demand."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Final

from sqlalchemy import Engine, inspect, text

import operator_app

if TYPE_CHECKING:
    from alembic.config import Config

# The revisions in db/versions/, oldest first (a test checks them against Alembic's own
# list). Knowing them here lets the app check a database's schema at start-up without
# importing Alembic, a quarter of a second; Alembic is loaded only to migrate.
REVISIONS: Final = ("0001", "0002", "0003", "0004", "0005", "0006", "0007")
HEAD: Final = REVISIONS[-1]


def migrations_dir() -> Path:
    """db/ of a source checkout, or its copy inside the installed wheel."""
    package_dir = Path(operator_app.__file__).resolve().parent
    for candidate in (package_dir.parent / "db", package_dir / "_bundled" / "db"):
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError("the migrations folder (db/) is missing from this installation")


class SchemaState(StrEnum):
    EMPTY = "empty"
    OUTDATED = "outdated"
    CURRENT = "current"
    TOO_NEW = "too_new"
    FOREIGN = "foreign"  # tables exist but none of ours: not an operator_app database


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    state: SchemaState
    database_revision: str | None
    app_revision: str


class SchemaTooNewError(RuntimeError):
    def __init__(self, status: SchemaStatus) -> None:
        self.status = status
        super().__init__(
            f"the database schema (revision {status.database_revision}) is newer than this "
            f"version of operator_app knows (revision {status.app_revision}): "
            "update the app before using this database"
        )


class ForeignDatabaseError(RuntimeError):
    pass


def _config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["engine"] = engine
    return config


def schema_status(engine: Engine) -> SchemaStatus:
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        current = (
            connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            if "alembic_version" in tables
            else None
        )
    if current is None:
        state = SchemaState.FOREIGN if tables else SchemaState.EMPTY
    elif current == HEAD:
        state = SchemaState.CURRENT
    else:
        state = SchemaState.OUTDATED if current in REVISIONS else SchemaState.TOO_NEW
    return SchemaStatus(state, current, HEAD)


def upgrade(engine: Engine) -> SchemaStatus:
    """Bring the schema to this app's head; refuse a newer or a foreign database."""
    status = schema_status(engine)
    if status.state is SchemaState.TOO_NEW:
        raise SchemaTooNewError(status)
    if status.state is SchemaState.FOREIGN:
        raise ForeignDatabaseError(
            "the database has tables but is not an operator_app database; choose an empty one"
        )
    if status.state is not SchemaState.CURRENT:
        from alembic import command

        command.upgrade(_config(engine), "head")
    return schema_status(engine)
