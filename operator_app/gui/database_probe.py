"""Trying a database URL before it is saved: does it connect, and is it ours?"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import make_url, text
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from operator_app.storage.database import Database
from operator_app.storage.migrate import SchemaState, schema_status

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 5


class ProbeProblem(StrEnum):
    BAD_URL = "bad_url"
    UNREACHABLE = "unreachable"
    TOO_NEW = "too_new"
    FOREIGN = "foreign"


@dataclass(frozen=True, slots=True)
class ProbeResult:
    problem: ProbeProblem | None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.problem is None


def database_engine_options(url: str) -> dict[str, object]:
    """Engine options so an unreachable server fails within seconds instead of hanging."""
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        return {}
    if backend == "postgresql":
        return {"connect_args": {"connect_timeout": CONNECT_TIMEOUT_SECONDS}}
    return {}


def probe_database(url: str) -> ProbeResult:
    try:
        database = Database(url, **database_engine_options(url))
    except (ArgumentError, SQLAlchemyError, ImportError, ValueError) as error:
        return ProbeResult(ProbeProblem.BAD_URL, str(error))
    try:
        with database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        state = schema_status(database.engine).state
    except SQLAlchemyError as error:
        log.info("database probe failed: %s", error)
        return ProbeResult(
            ProbeProblem.UNREACHABLE, str(getattr(error, "orig", None) or error).strip()
        )
    finally:
        database.dispose()
    if state is SchemaState.TOO_NEW:
        return ProbeResult(ProbeProblem.TOO_NEW)
    if state is SchemaState.FOREIGN:
        return ProbeResult(ProbeProblem.FOREIGN)
    return ProbeResult(None)
