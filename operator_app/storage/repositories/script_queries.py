"""The queries behind versioned scripts: `scripts` rows and their immutable `script_versions`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operator_app.storage.models import Script, ScriptVersion, User

__all__ = [
    "StoredVersionRow",
    "add_version",
    "latest_version_of",
    "latest_versions",
    "lock_script",
]

StoredVersionRow = tuple[str, int, dict[str, Any]]
"""(script name, version, document) of one stored version."""


def lock_script(session: Session, name: str, language: str) -> tuple[int, int]:
    """(script id, highest stored version or 0), creating the script row when it is new.

    On PostgreSQL the script row is locked, so two imports of one script number their
    versions one after the other instead of colliding on (script_id, version).
    Call it first in the session: on SQLite it starts the write transaction at once, for
    the same reason.
    """
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
    script_id = session.scalar(select(Script.id).where(Script.name == name).with_for_update())
    if script_id is None:
        script = Script(name=name, language=language)
        session.add(script)
        session.flush()
        return script.id, 0
    highest = session.scalar(
        select(func.max(ScriptVersion.version)).where(ScriptVersion.script_id == script_id)
    )
    return script_id, highest or 0


def add_version(
    session: Session,
    script_id: int,
    version: int,
    language: str,
    document: dict[str, Any],
    created_by_id: int | None,
) -> None:
    session.add(
        ScriptVersion(
            script_id=script_id,
            version=version,
            document=document,
            published=True,
            # created_by may only point at a real user; the command line acts as nobody
            # on a database without an administrator.
            created_by_id=None
            if created_by_id is None or session.get(User, created_by_id) is None
            else created_by_id,
        )
    )
    script = session.get(Script, script_id)
    if script is not None:
        script.language = language


def _latest() -> Any:
    newest = (
        select(ScriptVersion.script_id, func.max(ScriptVersion.version).label("version"))
        .group_by(ScriptVersion.script_id)
        .subquery()
    )
    return (
        select(Script.name, ScriptVersion.version, ScriptVersion.document)
        .join(ScriptVersion, ScriptVersion.script_id == Script.id)
        .join(
            newest,
            (newest.c.script_id == ScriptVersion.script_id)
            & (newest.c.version == ScriptVersion.version),
        )
        .order_by(Script.name)
    )


def latest_versions(session: Session) -> list[StoredVersionRow]:
    """The newest version of every script, by script name."""
    return [(row[0], row[1], row[2]) for row in session.execute(_latest())]


def latest_version_of(session: Session, name: str) -> StoredVersionRow | None:
    row = session.execute(_latest().where(Script.name == name)).first()
    return None if row is None else (row[0], row[1], row[2])
