"""When the lead's previous finished call started, on every finished call: kept by the
database's own triggers whatever writes the calls, in whatever order, and set on existing
calls by the migration that introduced it."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

from alembic import command
from sqlalchemy import bindparam, delete, select, text, update

from operator_app.storage.base import UtcDateTime
from operator_app.storage.database import Database
from operator_app.storage.migrate import _config
from operator_app.storage.models import CallAttempt
from tests.storage.test_queue_seed import add_lead, make_campaign

DAY = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def at(hours: float) -> dt.datetime:
    return DAY + dt.timedelta(hours=hours)


def add_call(
    db: Database, lead_id: int, hours: float, disposition: str | None = "no_answer"
) -> int:
    with db.session() as session:
        call = CallAttempt(
            client_uuid=str(uuid.uuid4()),
            lead_id=lead_id,
            started_at=at(hours),
            disposition=disposition,
        )
        session.add(call)
        session.flush()
        return call.id


def chain(db: Database, lead_id: int) -> list[tuple[int, dt.datetime | None]]:
    """(call, its previous call's start) for every call of the lead, oldest call first."""
    with db.session() as session:
        rows = session.execute(
            select(CallAttempt.id, CallAttempt.previous_call_at)
            .where(CallAttempt.lead_id == lead_id)
            .order_by(CallAttempt.started_at, CallAttempt.id)
        )
        return [(call, previous) for call, previous in rows]


def two_leads(db: Database) -> tuple[int, int]:
    campaign = make_campaign(db)
    return add_lead(db, campaign, name="First"), add_lead(db, campaign, name="Second")


def test_each_call_points_at_the_one_before_whatever_the_order_of_inserts(db: Database) -> None:
    lead, other = two_leads(db)
    late = add_call(db, lead, 5)
    assert chain(db, lead) == [(late, None)]
    early = add_call(db, lead, 1)  # a call saved after a later one (restored from a draft)
    assert chain(db, lead) == [(early, None), (late, at(1))]
    middle = add_call(db, lead, 3)
    assert chain(db, lead) == [(early, None), (middle, at(1)), (late, at(3))]
    other_call = add_call(db, other, 4)
    assert chain(db, other) == [(other_call, None)]  # another lead's calls are not linked
    assert chain(db, lead)[-1] == (late, at(3))


def test_unfinished_calls_are_not_links(db: Database) -> None:
    lead, _ = two_leads(db)
    first = add_call(db, lead, 1)
    unfinished = add_call(db, lead, 2, disposition=None)
    last = add_call(db, lead, 3)
    assert chain(db, lead) == [(first, None), (unfinished, None), (last, at(1))]
    with db.session() as session:
        session.execute(
            update(CallAttempt).where(CallAttempt.id == unfinished).values(disposition="busy")
        )
    assert chain(db, lead) == [(first, None), (unfinished, at(1)), (last, at(2))]


def test_same_start_goes_by_id(db: Database) -> None:
    lead, _ = two_leads(db)
    first = add_call(db, lead, 2)
    second = add_call(db, lead, 2)
    assert chain(db, lead) == [(first, None), (second, at(2))]


def test_deleting_moving_or_rescheduling_a_call_relinks_the_rest(db: Database) -> None:
    lead, other = two_leads(db)
    first = add_call(db, lead, 1)
    second = add_call(db, lead, 2)
    third = add_call(db, lead, 3)
    other_call = add_call(db, other, 5)
    with db.session() as session:
        session.execute(delete(CallAttempt).where(CallAttempt.id == second))
    assert chain(db, lead) == [(first, None), (third, at(1))]
    with db.session() as session:  # filed under the wrong lead, then moved
        session.execute(update(CallAttempt).where(CallAttempt.id == first).values(lead_id=other))
    assert chain(db, lead) == [(third, None)]
    assert chain(db, other) == [(first, None), (other_call, at(1))]
    with db.session() as session:
        session.execute(update(CallAttempt).where(CallAttempt.id == first).values(started_at=at(9)))
    assert chain(db, other) == [(other_call, None), (first, at(5))]


def test_the_migration_links_the_calls_already_made(db: Database) -> None:
    lead, other = two_leads(db)
    late = add_call(db, lead, 4)
    early = add_call(db, lead, 1)
    unfinished = add_call(db, other, 0, disposition=None)
    only = add_call(db, other, 2)
    config = _config(db.engine)
    command.downgrade(config, "0005")
    with db.engine.begin() as connection:  # as an earlier version of the app wrote calls
        connection.execute(
            text(
                "INSERT INTO call_attempts (client_uuid, lead_id, started_at, disposition)"
                " VALUES (:uuid, :lead, :at, 'busy')"
            ).bindparams(bindparam("at", type_=UtcDateTime())),
            {"uuid": str(uuid.uuid4()), "lead": other, "at": at(-24)},
        )
    command.upgrade(config, "head")
    assert chain(db, lead) == [(early, None), (late, at(1))]
    oldest, *rest = chain(db, other)
    assert oldest[1] is None and oldest[0] not in (unfinished, only)
    assert rest == [(unfinished, None), (only, at(-24))]


def test_two_calls_of_one_lead_saved_at_once_see_each_other(pg_db: Database) -> None:
    # Each trigger locks the lead first: the second save waits for the first and sees it.
    lead, _ = two_leads(pg_db)
    session = pg_db.sessions()
    session.begin()
    session.add(
        CallAttempt(
            client_uuid=str(uuid.uuid4()), lead_id=lead, started_at=at(0), disposition="busy"
        )
    )
    session.flush()  # linked, inside a transaction not yet committed
    saved: list[int] = []
    racer = threading.Thread(
        target=lambda: saved.append(add_call(pg_db, lead, 1)), name="second-save", daemon=True
    )
    racer.start()
    racer.join(0.5)
    assert racer.is_alive()  # waiting for the lead
    session.commit()
    session.close()
    racer.join(10)
    assert not racer.is_alive() and len(saved) == 1
    (_first, no_previous), (second, previous) = chain(pg_db, lead)
    assert no_previous is None and (second, previous) == (saved[0], at(0))
