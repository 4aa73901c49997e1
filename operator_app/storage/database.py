"""Engine and session factory for the embedded SQLite file or a shared PostgreSQL server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

from operator_app.appdirs import app_data_dir
from operator_app.storage import audit as _audit  # noqa: F401 - registers the lead-state audit hook
from operator_app.storage import client_zones as _client_zones  # noqa: F401 - registers its hook

DB_ENV_VAR = "OPERATOR_APP_DB"
SQLITE_FILE_NAME = "operator_app.sqlite3"


def default_database_url() -> str:
    return "sqlite:///" + (app_data_dir() / SQLITE_FILE_NAME).as_posix()


def resolve_database_url(explicit: str | None = None, saved: str | None = None) -> str:
    """--db beats OPERATOR_APP_DB beats the URL saved in settings beats the embedded default."""
    for candidate in (explicit, os.environ.get(DB_ENV_VAR), saved):
        if candidate:
            return candidate
    return default_database_url()


def describe_url(url: str) -> str:
    """The URL without its password, for messages and the status bar."""
    return make_url(url).render_as_string(hide_password=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Writers that must not be overtaken (claims, bookings) ask for an IMMEDIATE lock.
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    if "options" not in parsed.query:
        # Plan every statement for its actual values. The driver prepares statements it runs
        # often, and the server may then switch to one generic plan; without the moment and
        # the open zones it cannot tell that a few due tasks mean a few leads, and the queue's
        # statements took hundreds of milliseconds instead of one. Planning the app's small
        # statements afresh costs well under a millisecond.
        connect_args = kwargs.setdefault("connect_args", {})
        connect_args.setdefault("options", "-c plan_cache_mode=force_custom_plan")
    return create_engine(url, **kwargs)


class Database:
    """One database the app talks to: its engine and a factory of sessions."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = create_db_engine(url, **engine_kwargs)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        with self.sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
