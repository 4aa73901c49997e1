"""A small call floor for review tests: two operators and a supervisor on one campaign with
the shipped credit-broker script, and calls recorded the way the call card records them (a
DialogueSession walks the script and core.calls.record_call saves what it captured)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, replace

from sqlalchemy import select

from operator_app.core.calls import FinishedCall, record_call
from operator_app.core.outcomes import ensure_default_dispositions
from operator_app.core.review.checklist import Checklist, ChecklistItem, Mark
from operator_app.core.roles import Actor, Role
from operator_app.core.script_engine import DialogueSession
from operator_app.core.scripts import import_script
from operator_app.core.scripts_format import load_script
from operator_app.core.users import UserService
from operator_app.core.verification.criteria import AnswerType, Criterion, NonTargetReason
from operator_app.core.verification.service import CriteriaService
from operator_app.resources import resource_path
from operator_app.storage.database import Database
from operator_app.storage.models import (
    Campaign,
    Contact,
    Lead,
    LeadList,
    Phone,
    Script,
    ScriptVersion,
)

# Tuesday 10 November 2026, 10:00 Moscow time.
DAY = dt.date(2026, 11, 10)
MORNING = dt.datetime(2026, 11, 10, 7, 0, tzinfo=dt.UTC)
PASSWORD = "secret1"  # the same as tests.gui.helpers: people can sign in through the window
SCRIPT_FILE = ("scripts", "credit_broker_visit.en.yaml")
CRITERIA = (Criterion("credit_ok", "Is the credit history clean?", AnswerType.YES_NO),)
REASONS = (NonTargetReason("bad_credit", "Bad credit history"),)


@dataclass(frozen=True)
class Floor:
    """Two operators and a supervisor working one campaign with the credit-broker script."""

    database: Database
    admin: Actor
    supervisor: Actor
    olga: Actor
    pavel: Actor
    campaign_id: int
    list_id: int
    script_version_id: int


def _person(users: UserService, admin: Actor, login: str, name: str, role: Role) -> Actor:
    info = users.create_user(admin, login, name, role, PASSWORD)
    return Actor(info.id, info.login, info.display_name, info.role)


def make_floor(db: Database, admin: Actor | None = None, campaign: str = "Кредиты") -> Floor:
    users = UserService(db)
    if admin is None:
        admin = users.create_first_admin("boss", "Анна Админова", PASSWORD)
    supervisor = _person(users, admin, "roman", "Роман Супервайзеров", Role.SUPERVISOR)
    olga = _person(users, admin, "olga", "Ольга Операторова", Role.OPERATOR)
    pavel = _person(users, admin, "pavel", "Павел Звонков", Role.OPERATOR)
    name, _version = import_script(
        db, supervisor, resource_path(*SCRIPT_FILE).read_text(encoding="utf-8")
    )
    with db.session() as session:
        version_id = session.scalar(
            select(ScriptVersion.id).join(Script).where(Script.name == name)
        )
    assert version_id is not None
    floor = Floor(db, admin, supervisor, olga, pavel, 0, 0, version_id)
    return another_campaign(floor, campaign)


def another_campaign(floor: Floor, name: str) -> Floor:
    """The same people and script in a campaign of its own."""
    with floor.database.session() as session:
        record = Campaign(name=name)
        session.add(record)
        session.flush()
        lead_list = LeadList(name=f"{name} — сайт партнёра", campaign_id=record.id)
        session.add(lead_list)
        session.flush()
        campaign_id, list_id = record.id, lead_list.id
    ensure_default_dispositions(floor.database, floor.admin, campaign_id)
    CriteriaService(floor.database).save(floor.supervisor, campaign_id, CRITERIA, REASONS)
    return replace(floor, campaign_id=campaign_id, list_id=list_id)


def add_lead(floor: Floor, client: str) -> tuple[int, int]:
    with floor.database.session() as session:
        contact = Contact(full_name=client)
        session.add(contact)
        session.flush()
        phone = Phone(
            contact_id=contact.id, e164=f"+7916{uuid.uuid4().int % 10**7:07d}", kind="mobile"
        )
        session.add(phone)
        lead = Lead(contact_id=contact.id, campaign_id=floor.campaign_id, list_id=floor.list_id)
        session.add(lead)
        session.flush()
        return lead.id, phone.id


def booked_dialogue(start: dt.datetime) -> DialogueSession:
    """A full call: greeting, S and P questions, an objection, a reply the script lacks,
    the teaser accepted, the reminder agreed."""
    script = load_script(resource_path(*SCRIPT_FILE).read_text(encoding="utf-8"))
    dialogue = DialogueSession(script)
    moments = (start + dt.timedelta(seconds=10 * n) for n in range(1, 40))
    dialogue.answer("Yes, go ahead", at=next(moments))
    dialogue.answer("All right", at=next(moments))
    dialogue.answer("A car", free_text="Kia Rio, about 1.5 million", at=next(moments))
    dialogue.answer("Good, no late payments", at=next(moments))
    dialogue.raise_objection("expensive", at=next(moments))
    dialogue.answer("It works if the terms are good", at=next(moments))
    dialogue.answer("Official, more than six months", at=next(moments))
    dialogue.answer("Has a down payment", at=next(moments))
    dialogue.answer("Haven't applied anywhere yet", at=next(moments))
    dialogue.answer("Afraid of being refused", at=next(moments))
    dialogue.no_suitable_answer("My wife decides such things", at=next(moments))
    dialogue.answer("Yes, it could drag on", at=next(moments))
    dialogue.answer("That would be useful", at=next(moments))
    dialogue.answer("Agrees, weekdays", at=next(moments))
    dialogue.answer("Chose a day and time", at=next(moments))
    dialogue.answer("The client confirmed the booking", at=next(moments))
    dialogue.answer("Messenger", at=next(moments))
    dialogue.answer("Agreed on the reminder", at=next(moments))
    return dialogue


def short_dialogue(start: dt.datetime) -> DialogueSession:
    """The client has no time: only the greeting."""
    script = load_script(resource_path(*SCRIPT_FILE).read_text(encoding="utf-8"))
    dialogue = DialogueSession(script)
    dialogue.answer("Not now, call back later", at=start + dt.timedelta(seconds=5))
    return dialogue


def make_call(
    floor: Floor,
    operator: Actor,
    client: str,
    *,
    started_at: dt.datetime = MORNING,
    talk_seconds: int = 240,
    disposition: str = "visit_booked",
    dialogue: DialogueSession | None = None,
    notes: str | None = None,
    reason: str | None = None,
    callback_at: dt.datetime | None = None,
) -> int:
    lead_id, phone_id = add_lead(floor, client)
    captured = () if dialogue is None else tuple(dialogue.captured())
    result = record_call(
        floor.database,
        operator,
        FinishedCall(
            client_uuid=str(uuid.uuid4()),
            lead_id=lead_id,
            phone_id=phone_id,
            script_version_id=floor.script_version_id,
            started_at=started_at,
            ended_at=started_at + dt.timedelta(seconds=talk_seconds + 20),
            talk_seconds=talk_seconds,
            disposition=disposition,
            reason=reason,
            callback_at=callback_at,
            notes=notes,
            last_step_id=None if dialogue is None else dialogue.path[-1],
            answers=captured,
        ),
        now=started_at + dt.timedelta(seconds=talk_seconds + 30),
    )
    return result.call_id


def marks(greeting: Mark, spin: Mark, teaser: Mark, closing: Mark) -> Checklist:
    return Checklist.of(
        {
            ChecklistItem.GREETING_NOTICE: greeting,
            ChecklistItem.SPIN_S_P: spin,
            ChecklistItem.TEASER_CTA: teaser,
            ChecklistItem.CLOSING_REMINDER: closing,
        }
    )
