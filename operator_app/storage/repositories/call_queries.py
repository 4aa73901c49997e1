"""The queries of recording a finished call: its outcome, the lead's next step, do-not-call.

Functions take the Session of the caller's transaction; `write_session` opens that
transaction so concurrent writers of the same lead queue up instead of overwriting each other.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from operator_app.storage.database import Database
from operator_app.storage.models import (
    CallAttempt,
    Campaign,
    Disposition,
    DoNotCall,
    Lead,
    Phone,
    ScriptAnswer,
    Task,
)

__all__ = [
    "add_disposition",
    "add_task",
    "block_number",
    "call_by_uuid",
    "campaign",
    "campaign_dispositions",
    "campaign_exists",
    "close_open_tasks",
    "contact_phone_numbers",
    "count_answers",
    "insert_answers",
    "insert_call",
    "is_connection_error",
    "latest_open_task_id",
    "lead_for_update",
    "leads_with_number",
    "phone",
    "usable_phone_left",
    "write_session",
    "wrong_phone_ids",
]

WRONG_NUMBER_CODE = "wrong_number"


@contextmanager
def write_session(database: Database) -> Iterator[Session]:
    """One write transaction; on SQLite it takes the write lock at BEGIN (no upgrade deadlock)."""
    with database.sessions() as session, session.begin():
        if database.backend == "sqlite":
            session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        yield session


def is_connection_error(error: BaseException) -> bool:
    """True when the database could not be reached or the connection broke mid-way."""
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, OperationalError):
        return True
    # psycopg is loaded only by a PostgreSQL connection: without it no error can be one of its
    # own, and an SQLite desktop starts without importing it.
    psycopg = sys.modules.get("psycopg")
    if psycopg is None:
        return False
    original = getattr(error, "orig", None)
    return isinstance(error, psycopg.OperationalError) or isinstance(
        original, psycopg.OperationalError
    )


def campaign_exists(session: Session, campaign_id: int) -> bool:
    return session.get(Campaign, campaign_id) is not None


def campaign(session: Session, campaign_id: int) -> Campaign | None:
    return session.get(Campaign, campaign_id)


def campaign_dispositions(session: Session, campaign_id: int) -> Sequence[Disposition]:
    query = (
        select(Disposition)
        .where(Disposition.campaign_id == campaign_id)
        .order_by(Disposition.sort_order, Disposition.id)
    )
    return session.scalars(query).all()


def add_disposition(session: Session, **values: Any) -> None:
    session.add(Disposition(**values))
    session.flush()


def call_by_uuid(session: Session, client_uuid: str) -> CallAttempt | None:
    return session.scalars(
        select(CallAttempt).where(CallAttempt.client_uuid == client_uuid)
    ).first()


def count_answers(session: Session, call_id: int) -> int:
    return len(
        session.scalars(select(ScriptAnswer.id).where(ScriptAnswer.call_id == call_id)).all()
    )


def lead_for_update(session: Session, lead_id: int) -> Lead | None:
    """The lead, row-locked on PostgreSQL (SQLite's IMMEDIATE transaction already serialises)."""
    return session.scalars(select(Lead).where(Lead.id == lead_id).with_for_update()).first()


def phone(session: Session, phone_id: int) -> Phone | None:
    return session.get(Phone, phone_id)


def insert_call(session: Session, **values: Any) -> CallAttempt:
    call = CallAttempt(**values)
    session.add(call)
    session.flush()  # a second save of the same call fails here, on the unique client_uuid
    return call


def insert_answers(session: Session, call_id: int, answers: Sequence[dict[str, Any]]) -> None:
    session.add_all(ScriptAnswer(call_id=call_id, **answer) for answer in answers)
    session.flush()


def usable_phone_left(session: Session, contact_id: int, excluding_phone_id: int) -> bool:
    """Whether the contact has another phone no call has found to be a wrong number."""
    found_wrong = exists().where(
        CallAttempt.phone_id == Phone.id, CallAttempt.disposition == WRONG_NUMBER_CODE
    )
    query = select(Phone.id).where(
        Phone.contact_id == contact_id, Phone.id != excluding_phone_id, ~found_wrong
    )
    return session.scalars(query.limit(1)).first() is not None


def wrong_phone_ids(session: Session, phone_ids: Sequence[int]) -> set[int]:
    """Those of the phones that a call has found to be a wrong number."""
    if not phone_ids:
        return set()
    query = select(CallAttempt.phone_id).where(
        CallAttempt.phone_id.in_(phone_ids), CallAttempt.disposition == WRONG_NUMBER_CODE
    )
    return {phone_id for phone_id in session.scalars(query) if phone_id is not None}


def contact_phone_numbers(session: Session, contact_id: int) -> list[str]:
    return list(session.scalars(select(Phone.e164).where(Phone.contact_id == contact_id)).all())


def block_number(session: Session, e164: str, reason: str | None, user_id: int | None) -> None:
    """Puts the number on the do-not-call list unless it is already there."""
    if session.scalars(select(DoNotCall.id).where(DoNotCall.e164 == e164)).first() is None:
        session.add(DoNotCall(e164=e164, reason=reason, added_by_id=user_id))
        session.flush()


def leads_with_number(session: Session, e164: str) -> Sequence[Lead]:
    """Every lead, in any list or campaign, of a contact who has this number."""
    has_number = exists().where(Phone.contact_id == Lead.contact_id, Phone.e164 == e164)
    return session.scalars(select(Lead).where(has_number).order_by(Lead.id)).all()


def add_task(session: Session, **values: Any) -> Task:
    task = Task(**values)
    session.add(task)
    session.flush()
    return task


def close_open_tasks(
    session: Session, lead_id: int, kinds: Sequence[str], now: dt.datetime
) -> None:
    session.execute(
        update(Task)
        .where(Task.lead_id == lead_id, Task.state == "open", Task.kind.in_(kinds))
        .values(state="done", done_at=now)
    )


def latest_open_task_id(session: Session, lead_id: int, kind: str) -> int | None:
    query = (
        select(Task.id)
        .where(Task.lead_id == lead_id, Task.kind == kind, Task.state == "open")
        .order_by(Task.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()
