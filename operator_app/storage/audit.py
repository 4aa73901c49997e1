"""Every change of a lead's state writes an audit row, whoever made it and however.

The ORM hook covers changes made through sessions; bulk writers (the importer) add their
rows with `audit_rows` in the same transaction. The acting user travels in
`session.info["actor_id"]` (see `act_as`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from operator_app.storage.base import utcnow
from operator_app.storage.models import AuditEntry, Lead

ACTOR_KEY = "actor_id"


def act_as(session: Session, user_id: int | None) -> Session:
    session.info[ACTOR_KEY] = user_id
    return session


def audit_rows(
    lead_ids_and_states: list[tuple[int, str]], action: str, user_id: int | None
) -> list[dict[str, Any]]:
    """Rows for a bulk insert into audit_log: one per (lead id, new state)."""
    now = utcnow()
    return [
        {
            "at": now,
            "user_id": user_id,
            "entity": "lead",
            "entity_id": lead_id,
            "action": action,
            "before": None,
            "after": {"state": state},
        }
        for lead_id, state in lead_ids_and_states
    ]


@event.listens_for(Session, "after_flush")
def _audit_lead_states(session: Session, _flush_context: Any) -> None:
    actor = session.info.get(ACTOR_KEY)
    entries: list[AuditEntry] = []
    for obj in list(session.new) + list(session.dirty):
        if not isinstance(obj, Lead):
            continue
        history = inspect(obj).attrs.state.history
        if not history.has_changes():
            continue
        before = history.deleted[0] if history.deleted else None
        entries.append(
            AuditEntry(
                user_id=actor,
                entity="lead",
                entity_id=obj.id,
                action="created" if obj in session.new else "state_changed",
                before=None if before is None else {"state": before},
                after={"state": obj.state},
            )
        )
    if entries:
        # Added during after_flush they are written by a follow-up flush in the same commit.
        session.add_all(entries)
