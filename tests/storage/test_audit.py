"""Every change of a lead's state leaves an audit row: who, when, before and after."""

from __future__ import annotations

from sqlalchemy import select

from operator_app.core.roles import Actor
from operator_app.core.users import UserService
from operator_app.storage.audit import act_as
from operator_app.storage.database import Database
from operator_app.storage.models import AuditEntry, Contact, Lead


def test_lead_state_changes_are_audited(db: Database) -> None:
    admin: Actor = UserService(db).create_first_admin("admin", "Admin", "secret1")
    with db.session() as session:
        act_as(session, admin.user_id)
        contact = Contact(full_name="Иван Петров")
        session.add(contact)
        session.flush()
        lead = Lead(contact_id=contact.id, state="new")
        session.add(lead)
        session.flush()
        lead_id = lead.id
    with db.session() as session:
        act_as(session, admin.user_id)
        lead = session.get_one(Lead, lead_id)
        lead.state = "in_work"
    with db.session() as session:
        lead = session.get_one(Lead, lead_id)
        lead.attempts = 3  # not a state change: no audit row
    with db.session() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == lead_id).order_by(AuditEntry.id)
        ).all()
        rows = [(e.action, e.before, e.after, e.user_id) for e in entries]
    assert rows == [
        ("created", None, {"state": "new"}, admin.user_id),
        ("state_changed", {"state": "new"}, {"state": "in_work"}, admin.user_id),
    ]
    assert all(e.at.tzinfo is not None for e in entries)
