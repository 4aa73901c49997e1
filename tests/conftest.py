"""Shared fixtures: offscreen Qt, an isolated app home, and fresh databases on SQLite and PostgreSQL."""

from __future__ import annotations

import gc
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool

from operator_app.gui.garbage import UiThreadGarbageCollector, collect_due_generations
from operator_app.storage.database import Database
from operator_app.storage.migrate import upgrade
from tests.support.pg_server import PostgresForTests, ThrowawayPostgres

BACKENDS = ["sqlite", "postgresql"]


GC_THRESHOLDS = gc.get_threshold()


@pytest.fixture(scope="session", autouse=True)
def _no_garbage_collection_in_worker_threads() -> Iterator[None]:
    """As the app does (gui/garbage.py): the automatic collector could run in a background
    task's thread and destroy Qt objects there; collection happens on the main thread."""
    gc.disable()
    yield
    gc.enable()


@pytest.fixture(autouse=True)
def _collect_garbage_on_the_main_thread() -> Iterator[None]:
    yield
    # Widgets a test closed are deleted first: a Python wrapper collected while its C++
    # object still waits for deletion would come back without its attributes when a late
    # event reaches it.
    application = QCoreApplication.instance()
    if application is not None:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    collect_due_generations(GC_THRESHOLDS)
    # A collector left running (or automatic collection switched back on) would clear the
    # attributes of wrappers whose widgets still wait for deletion, in the middle of a later
    # test — failures that come and go with the timing.
    assert not gc.isenabled(), "a test switched automatic garbage collection back on"
    if application is not None:
        assert not application.findChildren(UiThreadGarbageCollector), (
            "a test left the app's garbage collector running"
        )


@pytest.fixture(autouse=True)
def _app_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own app home: no test reads or writes the real user folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("OPERATOR_APP_HOME", str(home))
    monkeypatch.delenv("OPERATOR_APP_DB", raising=False)
    return home


def dispose_after_background_work(database: Database) -> None:
    """Let the reads a test's pages started finish, then close every connection.

    A read still running would hand its connection back to the pool after `dispose()` has
    emptied it; nobody would close that connection and psycopg would complain (an error under
    this suite's warning filter) in whichever later test the garbage collector frees it.
    """
    QThreadPool.globalInstance().waitForDone(30_000)
    database.dispose()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresForTests]:
    """The real PostgreSQL server; if it cannot start, the PostgreSQL tests fail (never skip)."""
    server = PostgresForTests()
    yield server
    server.close()


@pytest.fixture(scope="session")
def pg_template(pg_server: PostgresForTests) -> str:
    name = pg_server.create_database(prefix="template")
    database = Database(pg_server.database_url(name))
    upgrade(database.engine)
    database.dispose()
    return name


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    database = Database("sqlite:///" + path.as_posix())
    upgrade(database.engine)
    with database.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    return path


def sqlite_database(template: Path, directory: Path) -> Database:
    path = directory / "operator_app.sqlite3"
    shutil.copyfile(template, path)
    return Database("sqlite:///" + path.as_posix())


@pytest.fixture
def sqlite_db(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    """A fresh, migrated embedded database."""
    database = sqlite_database(sqlite_template, tmp_path)
    yield database
    dispose_after_background_work(database)


@pytest.fixture
def pg_db(request: pytest.FixtureRequest, pg_server: PostgresForTests) -> Iterator[Database]:
    """A fresh, migrated database on the real PostgreSQL server."""
    template = request.getfixturevalue("pg_template")
    name = pg_server.create_database(template=template)
    database = Database(pg_server.database_url(name))
    yield database
    dispose_after_background_work(database)
    pg_server.drop_database(name)


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest) -> Database:
    """The same test on the embedded SQLite file and on real PostgreSQL."""
    fixture = "sqlite_db" if request.param == "sqlite" else "pg_db"
    return request.getfixturevalue(fixture)  # type: ignore[no-any-return]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        params = getattr(item, "callspec", None)
        uses_pg = "pg_db" in item.fixturenames or "pg_server" in item.fixturenames
        if uses_pg or (params is not None and params.params.get("db") == "postgresql"):
            item.add_marker(pytest.mark.pg)


@dataclass
class RestartableDatabase:
    """A migrated database on a PostgreSQL server the test may stop and start."""

    server: ThrowawayPostgres
    database: Database
    running: bool = True

    def stop(self) -> None:
        self.server.stop()
        self.running = False

    def start(self) -> None:
        self.server.start()
        self.running = True


@pytest.fixture
def restartable_pg(pg_server: PostgresForTests) -> Iterator[RestartableDatabase]:
    """The suite's throwaway server (or a private one when an external URL is used)."""
    own = None if pg_server.server is not None else ThrowawayPostgres()
    if own is not None:
        own.init()
        own.start()
    server = pg_server.server or own
    assert server is not None
    if own is None:
        name = pg_server.create_database()
        url = pg_server.database_url(name)
    else:
        name, url = "postgres", own.url
    database = Database(url)
    upgrade(database.engine)
    handle = RestartableDatabase(server, database)
    yield handle
    dispose_after_background_work(database)
    if not handle.running:
        handle.start()
    if own is not None:
        own.remove()
        return
    for attempt in range(2):  # the suite's admin connection died with the restart
        try:
            pg_server.drop_database(name)
            break
        except Exception:
            if attempt:
                raise
