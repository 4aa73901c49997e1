"""A campaign with criteria linked to a small script, a lead, users and sellers, for the
verification, company, contact and hand-off widget tests (and the end-to-end flow)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from operator_app.core.roles import Actor, Role
from operator_app.core.scripts import import_script
from operator_app.core.scripts_format import ScriptDocument, load_script
from operator_app.core.users import UserService
from operator_app.core.verification.criteria import (
    NonTargetReason,
    criteria_from_data,
)
from operator_app.core.verification.service import CriteriaService
from operator_app.storage.database import Database
from operator_app.storage.models import Campaign, Contact, Lead, Office, Resource, Script, Visit
from tests.gui.helpers import PASSWORD

SCRIPT_TEXT = """
name: Кредиты — визит
version: 1
language: ru
stages:
  - kind: contact
    steps:
      - id: greeting
        text: Здравствуйте!
        answers:
          - {label: Удобно, next: q_history}
  - kind: diagnostics
    steps:
      - id: q_history
        text: Какая у вас кредитная история?
        answers:
          - {label: Хорошая, next: q_visit}
          - {label: Испорчена безнадёжно, next: q_visit}
      - id: q_visit
        text: Готовы приехать в офис?
        answers:
          - {label: "Да, приеду", next: q_age}
          - {label: Нет, next: q_age}
      - id: q_age
        text: Сколько вам лет?
  - kind: objections
    objections:
      - {id: expensive, title: Дорого, responses: [Понимаю]}
"""

CRITERIA_DATA = [
    {"id": "history", "question": "Credit history?", "type": "choice",
     "choices": ["Хорошая", "Испорчена безнадёжно"],
     "disqualify_if": {"equals": "Испорчена безнадёжно"}, "script_step": "q_history"},
    {"id": "visit", "question": "Will come to the office?", "type": "yes_no",
     "disqualify_if": {"equals": False}, "script_step": "q_visit"},
    {"id": "age", "question": "Age?", "type": "number", "disqualify_if": {"less_than": 21},
     "script_step": "q_age"},
    {"id": "deal", "question": "Deal date?", "type": "date", "required": False},
    {"id": "note", "question": "Anything else?", "type": "text", "required": False},
]  # fmt: skip
CRITERIA = criteria_from_data(CRITERIA_DATA)
REASONS = (
    NonTargetReason("bad_history", "Bad credit history"),
    NonTargetReason("other", "Other"),
)

# A visit far ahead, so "the lead's next booked visit from now" always finds it.
VISIT_AT = dt.datetime(2030, 3, 4, 10, 0, tzinfo=dt.UTC)


def script() -> ScriptDocument:
    return load_script(SCRIPT_TEXT)


@dataclass(frozen=True)
class Space:
    admin: Actor
    supervisor: Actor
    operator: Actor
    campaign_id: int
    lead_id: int
    contact_id: int


def _user(users: UserService, admin: Actor, login: str, name: str, role: Role) -> Actor:
    info = users.create_user(admin, login, name, role, PASSWORD)
    return Actor(info.id, info.login, info.display_name, info.role)


def build_space(
    db: Database,
    admin: Actor,
    *,
    model: str = "two-step",
    b2b: bool = False,
    operator_login: str = "olga",
) -> Space:
    users = UserService(db)
    supervisor = _user(users, admin, "marina", "Marina", Role.SUPERVISOR)
    operator = _user(users, admin, operator_login, "Olga", Role.OPERATOR)
    script_name, _version = import_script(db, supervisor, SCRIPT_TEXT)
    with db.session() as session:
        script_id = session.scalar(select(Script.id).where(Script.name == script_name))
        campaign = Campaign(name="Credits", model=model, is_b2b=b2b, script_id=script_id)
        contact = Contact(full_name="Иван Петров", custom_fields={})
        session.add_all([campaign, contact])
        session.flush()
        lead = Lead(contact_id=contact.id, campaign_id=campaign.id, state="lead")
        session.add(lead)
        session.flush()
        campaign_id, lead_id, contact_id = campaign.id, lead.id, contact.id
    CriteriaService(db).save(supervisor, campaign_id, CRITERIA, REASONS)
    return Space(admin, supervisor, operator, campaign_id, lead_id, contact_id)


def add_seller(db: Database, admin: Actor, login: str, name: str) -> tuple[Actor, int]:
    """A seller with a desk in an office: (the seller, the desk's resource id)."""
    seller = _user(UserService(db), admin, login, name, Role.SELLER)
    with db.session() as session:
        office = Office(name=f"Office {login}", address="Тверская, 1")
        session.add(office)
        session.flush()
        resource = Resource(office_id=office.id, name=f"Desk {name}", user_id=seller.user_id)
        session.add(resource)
        session.flush()
        return seller, resource.id


def book_visit(db: Database, lead_id: int, resource_id: int, starts_at: dt.datetime) -> int:
    with db.session() as session:
        visit = Visit(
            lead_id=lead_id,
            resource_id=resource_id,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=1),
            status="booked",
            details={},
        )
        session.add(visit)
        session.flush()
        return visit.id
