"""The queries of reminders and attendance: a visit with what its plan needs, the calendar's
tasks (confirmation calls, feedback calls, earlier-slot offers), status changes, results and
reviews.

Functions take the Session of the caller's transaction (`write_session` for writes). Status
changes are conditional UPDATEs (`WHERE status IN (...)`), so two people deciding the same
visit at once leave one winner.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, aliased

from operator_app.storage.models import (
    AuditEntry,
    CallingHours,
    Campaign,
    ClientPreferences,
    Contact,
    Lead,
    Office,
    OutgoingMessage,
    Resource,
    Task,
    Visit,
    VisitResult,
)

__all__ = [
    "EarlierCandidate",
    "TaskRow",
    "VisitForReminders",
    "add_audit",
    "calling_hours",
    "cancel_open_tasks",
    "earlier_candidates",
    "finish_task",
    "has_open_task",
    "insert_task",
    "lock_task",
    "open_tasks",
    "result_row",
    "save_result",
    "set_review",
    "set_visit_status",
    "task_visit_id",
    "visit_for_reminders",
    "withdraw_queued_messages",
]

OPEN = "open"
DONE = "done"
CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class VisitForReminders:
    visit_id: int
    lead_id: int
    contact_id: int
    resource_id: int
    status: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    booked_at: dt.datetime
    booked_by_id: int | None
    confirmation_channel: str | None
    campaign_id: int | None
    campaign_settings: dict[str, Any]
    cyclic: bool
    client_zone: str
    """The client's stated zone, else the lead's, else the campaign's, else the office's."""


@dataclass(frozen=True, slots=True)
class TaskRow:
    task_id: int
    lead_id: int | None
    visit_id: int | None
    kind: str
    state: str
    due_at: dt.datetime
    note: str | None


@dataclass(frozen=True, slots=True)
class EarlierCandidate:
    """A later visit whose client waits for an earlier time."""

    visit_id: int
    lead_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    booked_at: dt.datetime
    windows: list[Any]
    client_zone: str


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; everything stored is UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def visit_for_reminders(
    session: Session, visit_id: int, *, lock: bool = False
) -> VisitForReminders | None:
    """The visit and what its reminder plan needs; `lock` holds the row until commit (on
    PostgreSQL; SQLite's write lock is already held by write_session)."""
    query = (
        select(
            Visit.id,
            Visit.lead_id,
            Lead.contact_id,
            Visit.resource_id,
            Visit.status,
            Visit.starts_at,
            Visit.ends_at,
            Visit.booked_at,
            Visit.booked_by_id,
            Visit.confirmation_channel,
            Lead.campaign_id,
            Campaign.settings,
            Campaign.is_cyclic,
            ClientPreferences.time_zone,
            Lead.client_zone,
            Campaign.time_zone,
            Office.time_zone,
        )
        .join(Lead, Lead.id == Visit.lead_id)
        .join(Resource, Resource.id == Visit.resource_id)
        .join(Office, Office.id == Resource.office_id)
        .outerjoin(Campaign, Campaign.id == Lead.campaign_id)
        .outerjoin(ClientPreferences, ClientPreferences.contact_id == Lead.contact_id)
        .where(Visit.id == visit_id)
    )
    if lock:
        query = query.with_for_update(of=Visit)
    row = session.execute(query).first()
    if row is None:
        return None
    zone = row[13] or row[14] or row[15] or row[16]
    return VisitForReminders(
        visit_id=row[0],
        lead_id=row[1],
        contact_id=row[2],
        resource_id=row[3],
        status=row[4],
        starts_at=_aware(row[5]),
        ends_at=_aware(row[6]),
        booked_at=_aware(row[7]),
        booked_by_id=row[8],
        confirmation_channel=row[9],
        campaign_id=row[10],
        campaign_settings=dict(row[11] or {}),
        cyclic=bool(row[12]),
        client_zone=zone,
    )


def calling_hours(session: Session, campaign_id: int | None) -> list[tuple[int, dt.time, dt.time]]:
    """The campaign's calling windows (weekday, starts, ends); none without a campaign."""
    if campaign_id is None:
        return []
    rows = session.execute(
        select(CallingHours.weekday, CallingHours.starts, CallingHours.ends).where(
            CallingHours.campaign_id == campaign_id
        )
    )
    return [(row[0], row[1], row[2]) for row in rows]


def set_visit_status(
    session: Session,
    visit_id: int,
    *,
    from_statuses: Collection[str],
    to_status: str,
    **values: Any,
) -> bool:
    """Move the visit to `to_status` if it is in one of `from_statuses`; False if it was not."""
    result = session.execute(
        update(Visit)
        .where(Visit.id == visit_id, Visit.status.in_(list(from_statuses)))
        .values(status=to_status, **values)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


# --- tasks --------------------------------------------------------------------------------


def insert_task(
    session: Session,
    *,
    lead_id: int,
    visit_id: int | None,
    kind: str,
    due_at: dt.datetime,
    now: dt.datetime,
    note: str | None = None,
    assigned_to_id: int | None = None,
) -> int:
    task = Task(
        lead_id=lead_id,
        visit_id=visit_id,
        kind=kind,
        due_at=due_at,
        assigned_to_id=assigned_to_id,
        state=OPEN,
        note=note,
        created_at=now,
    )
    session.add(task)
    session.flush()
    return task.id


def _task_row(task: Task) -> TaskRow:
    return TaskRow(
        task_id=task.id,
        lead_id=task.lead_id,
        visit_id=task.visit_id,
        kind=task.kind,
        state=task.state,
        due_at=_aware(task.due_at),
        note=task.note,
    )


def lock_task(session: Session, task_id: int) -> TaskRow | None:
    """The task as committed by anyone before us, locked until the transaction ends."""
    task = session.execute(
        select(Task)
        .where(Task.id == task_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    return None if task is None else _task_row(task)


def task_visit_id(session: Session, task_id: int) -> tuple[bool, int | None]:
    """(whether the task exists, its visit) read without a lock: the visit is locked first."""
    row = session.execute(select(Task.visit_id).where(Task.id == task_id)).first()
    return (False, None) if row is None else (True, row[0])


def open_tasks(session: Session, visit_id: int) -> list[TaskRow]:
    tasks = session.scalars(
        select(Task).where(Task.visit_id == visit_id, Task.state == OPEN).order_by(Task.due_at)
    )
    return [_task_row(task) for task in tasks]


def finish_task(
    session: Session, task_id: int, *, state: str, now: dt.datetime, note: str | None = None
) -> bool:
    """Close an open task as done or cancelled; False if it was no longer open."""
    values: dict[str, Any] = {"state": state, "done_at": now}
    if note is not None:
        values["note"] = note
    result = session.execute(
        update(Task)
        .where(Task.id == task_id, Task.state == OPEN)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def cancel_open_tasks(
    session: Session, visit_id: int, now: dt.datetime, kinds: Collection[str] | None = None
) -> list[int]:
    """Cancel the visit's open tasks (of `kinds`, or all); their ids."""
    query = select(Task.id).where(Task.visit_id == visit_id, Task.state == OPEN)
    if kinds is not None:
        query = query.where(Task.kind.in_(list(kinds)))
    ids = list(session.scalars(query.order_by(Task.id)))
    if ids:
        session.execute(
            update(Task)
            .where(Task.id.in_(ids), Task.state == OPEN)
            .values(state=CANCELLED, done_at=now)
            .execution_options(synchronize_session=False)
        )
    return ids


def has_open_task(session: Session, visit_id: int, kind: str) -> bool:
    found = session.scalar(
        select(Task.id).where(Task.visit_id == visit_id, Task.kind == kind, Task.state == OPEN)
    )
    return found is not None


# --- results, reviews, freed seats ----------------------------------------------------------


def result_row(session: Session, visit_id: int) -> VisitResult | None:
    return session.scalars(
        select(VisitResult).where(VisitResult.visit_id == visit_id).with_for_update()
    ).first()


def save_result(
    session: Session,
    *,
    visit_id: int,
    sale: bool,
    amount: Decimal | None,
    comment: str | None,
    recorded_by_id: int | None,
    now: dt.datetime,
) -> tuple[int, dict[str, Any] | None]:
    """Insert or correct the visit's result; its id and the values it replaced (None: new)."""
    result = result_row(session, visit_id)
    before = None
    if result is None:
        result = VisitResult(visit_id=visit_id)
        session.add(result)
    else:
        before = {
            "sale": result.sale,
            "amount": None if result.amount is None else str(result.amount),
            "comment": result.comment,
        }
    result.sale = sale
    result.amount = amount
    result.comment = comment
    result.recorded_by_id = recorded_by_id
    result.recorded_at = now
    session.flush()
    return result.id, before


def set_review(session: Session, visit_id: int, score: int) -> int | None:
    """Record the review score; the score it replaced."""
    before = session.scalar(select(Visit.review_score).where(Visit.id == visit_id))
    session.execute(
        update(Visit)
        .where(Visit.id == visit_id)
        .values(review_score=score)
        .execution_options(synchronize_session=False)
    )
    return before


def earlier_candidates(
    session: Session,
    resource_id: int,
    starts_at: dt.datetime,
    statuses: Sequence[str],
    task_kind: str,
) -> list[EarlierCandidate]:
    """Active visits of the resource after `starts_at` whose client wants an earlier time
    (said at booking or in the preferences) and has no open `task_kind` task yet, soonest
    booked first."""
    already_offered = (
        select(Task.id)
        .where(Task.visit_id == Visit.id, Task.kind == task_kind, Task.state == OPEN)
        .exists()
    )
    earlier = aliased(Visit)
    moved_from_this_slot = (
        select(earlier.id)
        .where(
            earlier.id == Visit.rescheduled_from_id,
            earlier.resource_id == resource_id,
            earlier.starts_at == starts_at,
        )
        .exists()
    )
    rows = session.execute(
        select(
            Visit.id,
            Visit.lead_id,
            Visit.starts_at,
            Visit.ends_at,
            Visit.booked_at,
            ClientPreferences.windows,
            ClientPreferences.time_zone,
            Lead.client_zone,
            Campaign.time_zone,
            Office.time_zone,
        )
        .join(Lead, Lead.id == Visit.lead_id)
        .join(Contact, Contact.id == Lead.contact_id)
        .join(Resource, Resource.id == Visit.resource_id)
        .join(Office, Office.id == Resource.office_id)
        .outerjoin(Campaign, Campaign.id == Lead.campaign_id)
        .outerjoin(ClientPreferences, ClientPreferences.contact_id == Contact.id)
        .where(
            Visit.resource_id == resource_id,
            Visit.starts_at > starts_at,
            Visit.status.in_(list(statuses)),
            Visit.wants_earlier.is_(True) | ClientPreferences.wants_earlier.is_(True),
            ~already_offered,
            ~moved_from_this_slot,  # the client who just moved out of it
        )
        .order_by(Visit.booked_at, Visit.id)
    )
    return [
        EarlierCandidate(
            visit_id=row[0],
            lead_id=row[1],
            starts_at=_aware(row[2]),
            ends_at=_aware(row[3]),
            booked_at=_aware(row[4]),
            windows=list(row[5] or []),
            client_zone=row[6] or row[7] or row[8] or row[9],
        )
        for row in rows
    ]


def withdraw_queued_messages(session: Session, visit_id: int, codes: Collection[str]) -> int:
    """Delete the visit's unsent messages of these templates (e.g. a review request once the
    review is in); the count."""
    result = session.execute(
        delete(OutgoingMessage).where(
            OutgoingMessage.visit_id == visit_id,
            OutgoingMessage.state == "queued",
            OutgoingMessage.template_code.in_(list(codes)),
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def add_audit(
    session: Session,
    *,
    user_id: int | None,
    entity: str,
    entity_id: int,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    at: dt.datetime,
) -> None:
    session.add(
        AuditEntry(
            at=at,
            user_id=user_id,
            entity=entity,
            entity_id=entity_id,
            action=action,
            before=before,
            after=after,
        )
    )
