"""Versioned scripts in the database on both backends: import, numbering, export, round trip."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from threading import Barrier

import pytest
from sqlalchemy import func, select

from operator_app.core.errors import PermissionDenied
from operator_app.core.roles import Actor, Role
from operator_app.core.scripts import (
    export_scripts,
    import_script,
    latest_version,
    script_file_name,
)
from operator_app.core.scripts_format import ScriptFormatError, load_script
from operator_app.resources import resource_path
from operator_app.storage.database import Database
from operator_app.storage.models import Script, ScriptVersion, User

SHIPPED = sorted(resource_path("scripts").glob("*.yaml"))


def make_user(database: Database, role: Role, login: str) -> Actor:
    with database.session() as session:
        user = User(login=login, display_name=login.title(), role=role.value, password_hash="-")
        session.add(user)
        session.flush()
        return Actor(user.id, user.login, user.display_name, role)


@pytest.fixture
def supervisor(db: Database) -> Actor:
    return make_user(db, Role.SUPERVISOR, "rop")


def with_version(text: str, version: int) -> str:
    return text.replace("\nversion: 1\n", f"\nversion: {version}\n", 1)


def shipped_text(name: str = "credit_broker_visit.ru.yaml") -> str:
    return resource_path("scripts", name).read_text(encoding="utf-8")


def version_count(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(ScriptVersion)) or 0


def test_import_then_export_gives_back_the_same_stages(
    db: Database, supervisor: Actor, tmp_path: Path
) -> None:
    originals = {}
    for path in SHIPPED:
        doc = load_script(path.read_text(encoding="utf-8"))
        assert import_script(db, supervisor, path.read_text(encoding="utf-8")) == (doc.name, 1)
        originals[doc.name] = doc
    written = export_scripts(db, tmp_path / "out")
    assert len(written) == len(SHIPPED) == len(originals)
    for path in written:
        exported = load_script(path.read_text(encoding="utf-8"))
        assert exported == originals[exported.name]
        assert path.name == script_file_name(exported.name)


def test_versions_are_numbered_and_the_newest_is_the_latest(
    db: Database, supervisor: Actor
) -> None:
    text = shipped_text()
    name = load_script(text).name
    assert latest_version(db, name) is None
    assert import_script(db, supervisor, text) == (name, 1)
    assert import_script(db, supervisor, text) == (name, 2)  # not newer than stored: max + 1
    assert import_script(db, supervisor, with_version(text, 7)) == (name, 7)  # newer: kept
    assert import_script(db, supervisor, with_version(text, 5)) == (name, 8)
    latest = latest_version(db, name)
    assert latest is not None
    assert (latest.name, latest.version, latest.document.version) == (name, 8, 8)
    with db.session() as session:
        versions = session.scalars(select(ScriptVersion.version).order_by("version")).all()
        creators = set(session.scalars(select(ScriptVersion.created_by_id)))
        assert session.scalar(select(func.count()).select_from(Script)) == 1
    assert versions == [1, 2, 7, 8]
    assert creators == {supervisor.user_id}


def test_concurrent_imports_of_one_script_get_distinct_versions(
    db: Database, supervisor: Actor
) -> None:
    text = shipped_text()
    workers = 6
    start = Barrier(workers)

    def run_one(_: int) -> int:
        start.wait()
        return import_script(db, supervisor, text)[1]

    with ThreadPoolExecutor(workers) as pool:
        versions = sorted(pool.map(run_one, range(workers)))
    assert versions == list(range(1, workers + 1))
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Script)) == 1


def test_an_edited_version_is_exported_not_the_old_one(
    db: Database, supervisor: Actor, tmp_path: Path
) -> None:
    text = shipped_text()
    import_script(db, supervisor, text)
    edited = text.replace("Вам удобно сейчас говорить пару минут?", "Удобно говорить?")
    import_script(db, supervisor, edited)
    [path] = export_scripts(db, tmp_path)
    exported = load_script(path.read_text(encoding="utf-8"))
    assert exported.version == 2
    assert exported.step("greeting").text.endswith("Удобно говорить?")


def test_an_operator_may_not_import_and_nothing_is_written(db: Database) -> None:
    operator = make_user(db, Role.OPERATOR, "op")
    with pytest.raises(PermissionDenied):
        import_script(db, operator, shipped_text())
    assert version_count(db) == 0


def test_a_malformed_file_is_refused_with_its_line_and_nothing_is_written(
    db: Database, supervisor: Actor
) -> None:
    broken = shipped_text().replace("kind: teaser", "kind: pitch")
    with pytest.raises(ScriptFormatError, match="unknown stage kind 'pitch'") as caught:
        import_script(db, supervisor, broken)
    assert caught.value.line == broken.splitlines().index("  - kind: pitch") + 1
    assert version_count(db) == 0


def test_a_system_actor_without_a_user_records_no_creator(db: Database) -> None:
    nobody = Actor(user_id=0, login="cli", display_name="Command line", role=Role.ADMIN)
    import_script(db, nobody, shipped_text())
    with db.session() as session:
        assert session.scalar(select(ScriptVersion.created_by_id)) is None


def test_file_names_are_latin_slugs_and_never_collide() -> None:
    taken: set[str] = set()
    assert script_file_name("Кредитный брокер — визит в офис", taken) == (
        "kreditnyi-broker-vizit-v-ofis.yaml"
    )
    assert script_file_name("Кредитный брокер: визит в офис!", taken) == (
        "kreditnyi-broker-vizit-v-ofis-2.yaml"
    )
    assert script_file_name("Объявление ёлки", taken) == "obiavlenie-elki.yaml"
    assert script_file_name("«»", taken) == "script.yaml"
