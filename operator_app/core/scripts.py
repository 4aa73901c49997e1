"""Call scripts in the database: versioned documents imported from and exported to YAML."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from operator_app.core.roles import Actor, Permission, require
from operator_app.core.scripts_format import (
    ScriptDocument,
    dump_script,
    from_document,
    load_script,
    to_document,
)
from operator_app.storage.database import Database
from operator_app.storage.repositories import script_queries

__all__ = [
    "StoredScript",
    "export_scripts",
    "import_script",
    "latest_version",
    "script_file_name",
]


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
