"""Publishing an edited script on both backends: a new version each time, past versions and
the calls made with them untouched, conflicts and invalid scripts refused, an audit row."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from sqlalchemy import func, select

from operator_app.core.errors import PermissionDenied
from operator_app.core.roles import Actor, Role
from operator_app.core.script_validation import ProblemKind, ScriptInvalid
from operator_app.core.scripts import (
    ScriptChangedMeanwhile,
    import_script,
    latest_scripts,
    latest_version,
    publish_script,
)
from operator_app.core.scripts_format import (
    Answer,
    ScriptDocument,
    Stage,
    StageKind,
    Step,
    from_document,
    load_script,
)
from operator_app.resources import resource_path
from operator_app.storage.database import Database
from operator_app.storage.models import AuditEntry, CallAttempt, Script, ScriptVersion
from tests.support.handoff_data import NOW, make_campaign, make_lead, make_user

BROKER = resource_path("scripts", "credit_broker_visit.ru.yaml").read_text(encoding="utf-8")


@pytest.fixture
def supervisor(db: Database) -> Actor:
    return make_user(db, "Роман", Role.SUPERVISOR)


def stored_documents(database: Database, name: str) -> dict[int, ScriptDocument]:
    with database.session() as session:
        rows = session.execute(
            select(ScriptVersion.version, ScriptVersion.document)
            .join(Script, Script.id == ScriptVersion.script_id)
            .where(Script.name == name)
        ).all()
    return {version: from_document(document) for version, document in rows}


def version_id(database: Database, name: str, version: int) -> int:
    with database.session() as session:
        found = session.scalar(
            select(ScriptVersion.id)
            .join(Script, Script.id == ScriptVersion.script_id)
            .where(Script.name == name, ScriptVersion.version == version)
        )
    assert found is not None
    return found


def edited(doc: ScriptDocument) -> ScriptDocument:
    """The greeting says something else; the small talk step gets a way out."""
    contact = doc.stages[0]
    greeting, *rest = contact.steps
    steps = [dataclasses.replace(greeting, text="Добрый день, {client_name}!"), *rest]
    small_talk = next(i for i, s in enumerate(steps) if s.id == "small_talk")
    steps[small_talk] = dataclasses.replace(
        steps[small_talk],
        answers=(*steps[small_talk].answers, Answer("Некогда", "farewell_refused")),
    )
    return dataclasses.replace(
        doc, stages=(dataclasses.replace(contact, steps=tuple(steps)), *doc.stages[1:])
    )


def test_publishing_adds_a_version_and_leaves_the_old_one_and_its_calls_alone(
    db: Database, supervisor: Actor
) -> None:
    name, _ = import_script(db, supervisor, BROKER)
    first = version_id(db, name, 1)
    operator = make_user(db, "Оля", Role.OPERATOR)
    lead = make_lead(db, make_campaign(db, "Брокер"))
    with db.session() as session:
        call = CallAttempt(
            client_uuid=str(uuid.uuid4()),
            lead_id=lead,
            operator_id=operator.user_id,
            script_version_id=first,
            started_at=NOW,
        )
        session.add(call)
        session.flush()
        call_id = call.id
    original = load_script(BROKER)

    # The document's own number does not matter: the next version is the highest + 1.
    change = dataclasses.replace(edited(original), version=9)
    assert publish_script(db, supervisor, change, based_on=1) == 2

    documents = stored_documents(db, name)
    assert documents[1] == original
    assert documents[2] == dataclasses.replace(edited(original), version=2)
    newest = latest_version(db, name)
    assert newest is not None and newest.version == 2
    assert newest.document.step("greeting").text == "Добрый день, {client_name}!"
    with db.session() as session:
        assert session.get_one(CallAttempt, call_id).script_version_id == first
        audit = session.scalars(select(AuditEntry).where(AuditEntry.entity == "script")).one()
        assert (audit.user_id, audit.action, audit.before, audit.after) == (
            supervisor.user_id,
            "publish",
            {"version": 1},
            {"version": 2},
        )

    assert publish_script(db, supervisor, change) == 3  # no based_on: no conflict check


def test_a_new_script_starts_at_version_one(db: Database, supervisor: Actor) -> None:
    doc = ScriptDocument(
        name="Новый скрипт",
        version=1,
        language="ru",
        stages=(
            Stage(
                StageKind.CONTACT,
                (Step("hello", "  Здравствуйте! ", None, (Answer("Да", "bye"),)),),
            ),
            Stage(StageKind.CLOSING, (Step("bye", "До свидания"),)),
        ),
    )
    assert publish_script(db, supervisor, doc, based_on=0) == 1
    (stored,) = latest_scripts(db)
    assert (stored.name, stored.version) == ("Новый скрипт", 1)
    assert stored.document.step("hello").text == "Здравствуйте!"  # stripped as a file's would be

    with pytest.raises(ScriptChangedMeanwhile) as raised:
        publish_script(db, supervisor, doc, based_on=0)  # "new", but the name is taken
    assert (raised.value.expected, raised.value.latest) == (0, 1)


def test_a_version_published_meanwhile_is_not_overwritten(db: Database, supervisor: Actor) -> None:
    name, _ = import_script(db, supervisor, BROKER)
    colleague = make_user(db, "Вера", Role.ADMIN)
    publish_script(db, colleague, edited(load_script(BROKER)), based_on=1)

    with pytest.raises(ScriptChangedMeanwhile) as raised:
        publish_script(db, supervisor, load_script(BROKER), based_on=1)
    assert (raised.value.name, raised.value.expected, raised.value.latest) == (name, 1, 2)
    assert sorted(stored_documents(db, name)) == [1, 2]


def test_an_invalid_script_or_a_role_without_the_right_writes_nothing(
    db: Database, supervisor: Actor
) -> None:
    name, _ = import_script(db, supervisor, BROKER)
    original = load_script(BROKER)
    closing = original.stages[-1]
    broken = dataclasses.replace(
        original,
        stages=(
            *original.stages[:-1],
            dataclasses.replace(closing, steps=(*closing.steps, Step("orphan", "Текст"))),
        ),
    )
    with pytest.raises(ScriptInvalid) as raised:
        publish_script(db, supervisor, broken)
    assert [(p.kind, p.item_id) for p in raised.value.problems] == [
        (ProblemKind.UNREACHABLE, "orphan")
    ]
    assert "step 'orphan' in the closing stage: unreachable" in str(raised.value)

    operator = make_user(db, "Оля", Role.OPERATOR)
    with pytest.raises(PermissionDenied):
        publish_script(db, operator, original)

    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(ScriptVersion)) == 1
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0
    assert sorted(stored_documents(db, name)) == [1]
