"""Call scripts in the database: versioned documents imported from and exported to YAML."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from operator_app.core.errors import OperatorAppError
from operator_app.core.roles import Actor, Permission, require
from operator_app.core.script_validation import (
    ScriptInvalid,
    blocking_problems,
    validate_script,
)
from operator_app.core.scripts_format import (
    ScriptDocument,
    dump_script,
    from_document,
    load_script,
    to_document,
)
from operator_app.storage.database import Database
from operator_app.storage.models import AuditEntry
from operator_app.storage.repositories import script_queries

__all__ = [
    "ScriptChangedMeanwhile",
    "StoredScript",
    "export_scripts",
    "import_script",
    "latest_scripts",
    "latest_version",
    "publish_script",
    "script_file_name",
]

AUDIT_ENTITY = "script"


@dataclass(frozen=True, slots=True)
class StoredScript:
    name: str
    version: int
    document: ScriptDocument  # its `version` is the stored version


def import_script(database: Database, actor: Actor, yaml_text: str) -> tuple[str, int]:
    """Store the script file's text as a new version; returns (script name, stored version).

    The stored version is the file's own `version` when it is newer than every stored version
    of that script (a new script keeps its file's number); otherwise it is the highest stored
    version + 1, so re-importing an edited file whose number was not raised still adds a
    version and never overwrites one. Raises ScriptFormatError (line, reason) for a malformed
    file and PermissionDenied without Permission.EDIT_SCRIPTS; nothing is written then.
    """
    require(actor, Permission.EDIT_SCRIPTS)
    doc = load_script(yaml_text)
    try:
        return doc.name, _store(database, actor, doc)
    except IntegrityError:
        # Another import created the same new script at the same moment; the script row
        # exists now, so a second attempt locks it and numbers this version after that one.
        return doc.name, _store(database, actor, doc)


def _store(database: Database, actor: Actor, doc: ScriptDocument) -> int:
    with database.session() as session:
        script_id, highest = script_queries.lock_script(session, doc.name, doc.language)
        version = doc.version if doc.version > highest else highest + 1
        stored = dataclasses.replace(doc, version=version)
        script_queries.add_version(
            session, script_id, version, doc.language, to_document(stored), actor.user_id
        )
    return version


class ScriptChangedMeanwhile(OperatorAppError):
    """The script's newest version is not the one the edit started from.

    `expected` is the version the editor opened (0: a new script), `latest` the newest stored.
    """

    def __init__(self, name: str, expected: int, latest: int) -> None:
        self.name = name
        self.expected = expected
        self.latest = latest
        if expected == 0:
            message = f"a script named «{name}» already exists (version {latest})"
        else:
            message = (
                f"version {latest} of «{name}» was published after version {expected} was opened"
            )
        super().__init__(message)


def publish_script(
    database: Database,
    actor: Actor,
    document: ScriptDocument,
    *,
    based_on: int | None = None,
) -> int:
    """Store an edited script as its next version (1 for a new name); returns the version.

    The stored version is always the highest stored version + 1 (the document's own `version`
    is ignored), so past calls keep the version they were made with. `based_on` is the
    version the edit started from (0 for a new script): when another version was published
    meanwhile, ScriptChangedMeanwhile is raised instead of silently replacing it; None skips
    that check. Raises ScriptInvalid when validate_script finds errors (warnings do not
    block) and PermissionDenied without Permission.EDIT_SCRIPTS; nothing is written then.
    Each publication writes an audit row (entity "script").
    """
    require(actor, Permission.EDIT_SCRIPTS)
    problems = blocking_problems(validate_script(document))
    if problems:
        raise ScriptInvalid(problems)
    # The format's own reader has the last word, and strips texts as a file's would be.
    checked = from_document(to_document(dataclasses.replace(document, version=1)))
    try:
        return _publish(database, actor, checked, based_on)
    except IntegrityError:
        # A new script of the same name was created at the same moment (see import_script).
        return _publish(database, actor, checked, based_on)


def _publish(database: Database, actor: Actor, doc: ScriptDocument, based_on: int | None) -> int:
    with database.session() as session:
        script_id, highest = script_queries.lock_script(session, doc.name, doc.language)
        if based_on is not None and highest != based_on:
            raise ScriptChangedMeanwhile(doc.name, based_on, highest)
        version = highest + 1
        stored = dataclasses.replace(doc, version=version)
        script_queries.add_version(
            session, script_id, version, doc.language, to_document(stored), actor.user_id
        )
        session.add(
            AuditEntry(
                user_id=actor.user_id,
                entity=AUDIT_ENTITY,
                entity_id=script_id,
                action="publish",
                before=None if highest == 0 else {"version": highest},
                after={"version": version},
            )
        )
    return version


def latest_scripts(database: Database) -> list[StoredScript]:
    """The newest stored version of every script, by name."""
    with database.session() as session:
        rows = script_queries.latest_versions(session)
    return [_stored(row) for row in rows]


def latest_version(database: Database, script_name: str) -> StoredScript | None:
    """The newest stored version of the script with this name, or None when there is none."""
    with database.session() as session:
        row = script_queries.latest_version_of(session, script_name)
    return None if row is None else _stored(row)


def export_scripts(database: Database, directory: Path) -> list[Path]:
    """Write the newest version of every script to `directory` (created when missing).

    One file per script, named after its name (see script_file_name); returns the paths
    in the order of the script names.
    """
    with database.session() as session:
        rows = script_queries.latest_versions(session)
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    taken: set[str] = set()
    for row in rows:
        stored = _stored(row)
        path = directory / script_file_name(stored.name, taken)
        path.write_text(dump_script(stored.document), encoding="utf-8")
        written.append(path)
    return written


def _stored(row: script_queries.StoredVersionRow) -> StoredScript:
    name, version, document = row
    doc = dataclasses.replace(from_document(document), version=version)
    return StoredScript(name=name, version=version, document=doc)


_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "i",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "_",
            "y",
            "_",
            "e",
            "iu",
            "ia",
        ],
        strict=True,
    )
)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def script_file_name(name: str, taken: set[str] | None = None) -> str:
    """A portable file name for a script: its name transliterated, e.g. "kreditnyi-broker.yaml".

    Names already in `taken` get "-2", "-3", …; the chosen name is added to `taken`.
    """
    latin = "".join(_TRANSLIT.get(char, char) for char in name.casefold()).replace("_", "")
    slug = _NOT_SLUG.sub("-", latin).strip("-")[:80].strip("-") or "script"
    taken = set() if taken is None else taken
    candidate, number = slug, 1
    while f"{candidate}.yaml" in taken:
        number += 1
        candidate = f"{slug}-{number}"
    taken.add(f"{candidate}.yaml")
    return f"{candidate}.yaml"
