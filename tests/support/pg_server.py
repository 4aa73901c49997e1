"""A real, throwaway PostgreSQL server for the test suite and the benchmarks.

OPERATOR_APP_TEST_PG_URL points at an existing server when set (a superuser URL).
Otherwise a private cluster is created with the PostgreSQL binaries found on this
machine (Debian's postgresql package puts them in /usr/lib/postgresql/N/bin), on a
free loopback port, and removed at the end. PostgreSQL refuses to run as root, so
under root the cluster belongs to the 'postgres' system user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

URL_ENV_VAR = "OPERATOR_APP_TEST_PG_URL"


class PostgresUnavailable(RuntimeError):
    pass


def _find_bin_dir() -> Path:
    candidates: list[str] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        candidates.append(out.stdout.strip())
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(str(Path(initdb).resolve().parent))
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    raise PostgresUnavailable(
        "no PostgreSQL server binaries (initdb, pg_ctl) found: install Debian's 'postgresql' "
        f"package (make test does) or set {URL_ENV_VAR}"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ThrowawayPostgres:
    def __init__(self) -> None:
        self.bin_dir = _find_bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix="operator-app-pg-"))
        self.data_dir = self.root / "data"
        self.port = _free_port()
        self._user = "postgres" if os.geteuid() == 0 else None
        if self._user:
            shutil.chown(self.root, user=self._user)

    def _run(self, *args: str) -> None:
        result = subprocess.run(
            [str(self.bin_dir / args[0]), *args[1:]],
            capture_output=True,
            text=True,
            check=False,
            user=self._user,
            cwd=self.root,
        )
        if result.returncode != 0:
            raise PostgresUnavailable(f"{args[0]} failed: {result.stdout}{result.stderr}")

    def init(self) -> None:
        self._run(
            "initdb", "-D", str(self.data_dir), "-U", "postgres", "--auth=trust",
            "-E", "UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            "pg_ctl", "-D", str(self.data_dir), "-o", options,
            "-l", str(self.root / "server.log"), "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(PostgresUnavailable):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"


class PostgresForTests:
    """The server the suite uses, external or throwaway, and fresh databases on it."""

    def __init__(self) -> None:
        self._server: ThrowawayPostgres | None = None
        external = os.environ.get(URL_ENV_VAR)
        if external:
            self.admin_url = external
        else:
            self._server = ThrowawayPostgres()
            self._server.init()
            self._server.start()
            self.admin_url = self._server.url
        self._admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        self._counter = 0

    @property
    def server(self) -> ThrowawayPostgres | None:
        """The throwaway server (None when an external one is used): tests may stop/start it."""
        return self._server

    def database_url(self, name: str) -> str:
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def create_database(self, template: str | None = None, prefix: str = "t") -> str:
        self._counter += 1
        name = f"operator_app_{prefix}_{os.getpid()}_{self._counter}"
        with self._admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            clause = f' TEMPLATE "{template}"' if template else ""
            connection.execute(text(f'CREATE DATABASE "{name}"{clause}'))
        return name

    def drop_database(self, name: str) -> None:
        with self._admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        self._admin.dispose()
        if self._server:
            self._server.remove()
