"""Many desktops booking and moving visits at once: overbooking is impossible.

Every thread has its own connection; a barrier releases them together.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest
from sqlalchemy import func, select

from operator_app.core.calendar.booking import (
    BookedVisit,
    BookingRefusal,
    BookingRefused,
    BookingService,
    SlotTaken,
)
from operator_app.storage.database import Database
from operator_app.storage.models import Visit
from tests.support.calendar_data import (
    MONDAY,
    NOW,
    make_campaign,
    make_lead,
    make_office,
    make_resource,
    make_user,
    moscow,
    seats_taken,
)

Result = TypeVar("Result")
BOOKERS = 20
CAPACITY = 3
WANTED = moscow(MONDAY, 10)


@pytest.fixture
def wide(db: Database) -> Iterator[Database]:
    """The test database with a pool big enough for one connection per thread."""
    database = Database(db.url, pool_size=BOOKERS + 2, max_overflow=4)
    yield database
    database.dispose()


def race(jobs: list[Callable[[], Result]]) -> list[Result | BaseException]:
    """Run the jobs in threads released together; each job's result or error, in order."""
    results: list[Result | BaseException] = [RuntimeError("not run")] * len(jobs)
    start = threading.Barrier(len(jobs))

    def run(index: int, job: Callable[[], Result]) -> None:
        start.wait()
        try:
            results[index] = job()
        except BaseException as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def visits_in(database: Database, resource_id: int, starts_at: dt.datetime) -> int:
    with database.session() as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(Visit)
                .where(
                    Visit.resource_id == resource_id,
                    Visit.starts_at == starts_at,
                    Visit.status == "booked",
                )
            )
            or 0
        )


def assert_exactly_capacity_booked(database: Database, results: list[object], group: int) -> None:
    booked = [r for r in results if isinstance(r, BookedVisit)]
    taken = [r for r in results if isinstance(r, SlotTaken)]
    assert len(booked) == CAPACITY, [
        r for r in results if not isinstance(r, BookedVisit | SlotTaken)
    ]
    assert len(taken) == BOOKERS - CAPACITY
    for error in taken:
        suggestion = error.suggestion
        assert suggestion is not None
        assert (suggestion.resource_id, suggestion.starts_at) != (group, WANTED)
        assert suggestion.free_seats > 0
        assert suggestion.starts_at > NOW
    assert seats_taken(database, group, WANTED) == CAPACITY
    assert visits_in(database, group, WANTED) == CAPACITY


def twenty_bookings(database: Database) -> tuple[list[object], int]:
    office = make_office(database)
    group = make_resource(database, office, name="Презентация", capacity=CAPACITY)
    actor = make_user(database)
    campaign = make_campaign(database)
    leads = [make_lead(database, campaign)[0] for _ in range(BOOKERS)]
    service = BookingService(database)

    def booking(lead: int) -> Callable[[], BookedVisit]:
        return lambda: service.book(
            actor, lead, group, WANTED, confirmation_channel="sms", confirmation_note=None, now=NOW
        )

    return list(race([booking(lead) for lead in leads])), group


def test_twenty_bookings_into_three_seats_on_postgresql(pg_db: Database) -> None:
    database = Database(pg_db.url, pool_size=BOOKERS + 2, max_overflow=4)
    try:
        results, group = twenty_bookings(database)
        assert_exactly_capacity_booked(database, results, group)
    finally:
        database.dispose()


def test_twenty_bookings_into_three_seats_on_sqlite(sqlite_db: Database) -> None:
    database = Database(sqlite_db.url, pool_size=BOOKERS + 2, max_overflow=4)
    try:
        results, group = twenty_bookings(database)
        assert_exactly_capacity_booked(database, results, group)
    finally:
        database.dispose()


def test_one_visit_moved_by_many_at_once_moves_once(wide: Database) -> None:
    office = make_office(wide)
    desk = make_resource(wide, office)
    actor = make_user(wide)
    lead, _ = make_lead(wide, make_campaign(wide))
    service = BookingService(wide)
    visit = service.book(
        actor,
        lead,
        desk,
        moscow(MONDAY, 9),
        confirmation_channel=None,
        confirmation_note=None,
        now=NOW,
    ).visit_id
    targets = [moscow(MONDAY, hour) for hour in (10, 11, 12, 14, 15, 16, 17)]

    def moving(when: dt.datetime) -> Callable[[], BookedVisit]:
        return lambda: service.reschedule(actor, visit, desk, when, now=NOW)

    results = race([moving(when) for when in targets])
    moved = [r for r in results if isinstance(r, BookedVisit)]
    refused = [r for r in results if isinstance(r, BookingRefused)]
    assert len(moved) == 1 and len(refused) == len(targets) - 1, results
    assert {r.reason for r in refused} == {BookingRefusal.VISIT_NOT_ACTIVE}
    assert seats_taken(wide, desk, moscow(MONDAY, 9)) == 0
    assert [seats_taken(wide, desk, when) for when in targets].count(1) == 1
    assert sum(seats_taken(wide, desk, when) for when in targets) == 1
    with wide.session() as session:
        statuses = sorted(v.status for v in session.scalars(select(Visit)))
    assert statuses == ["booked", "rescheduled"]


def test_many_visits_moved_into_three_seats(wide: Database) -> None:
    office = make_office(wide)
    desks = [make_resource(wide, office, name=f"Стол {i}") for i in range(10)]
    group = make_resource(wide, office, name="Презентация", capacity=CAPACITY)
    actor = make_user(wide)
    campaign = make_campaign(wide)
    service = BookingService(wide)
    visits = [
        service.book(
            actor,
            make_lead(wide, campaign)[0],
            desk,
            moscow(MONDAY, 9),
            confirmation_channel=None,
            confirmation_note=None,
            now=NOW,
        ).visit_id
        for desk in desks
    ]

    def moving(visit: int) -> Callable[[], BookedVisit]:
        return lambda: service.reschedule(actor, visit, group, WANTED, now=NOW)

    results = race([moving(visit) for visit in visits])
    assert sum(isinstance(r, BookedVisit) for r in results) == CAPACITY, results
    assert sum(isinstance(r, SlotTaken) for r in results) == len(visits) - CAPACITY
    assert seats_taken(wide, group, WANTED) == CAPACITY
    still = [seats_taken(wide, desk, moscow(MONDAY, 9)) for desk in desks]
    assert still.count(0) == CAPACITY and still.count(1) == len(desks) - CAPACITY


def test_two_visits_swapping_slots_do_not_deadlock(wide: Database) -> None:
    office = make_office(wide)
    desk = make_resource(wide, office, capacity=2)
    actor = make_user(wide)
    campaign = make_campaign(wide)
    service = BookingService(wide)
    first, second = moscow(MONDAY, 10), moscow(MONDAY, 11)

    def book(when: dt.datetime) -> int:
        lead = make_lead(wide, campaign)[0]
        return service.book(
            actor, lead, desk, when, confirmation_channel=None, confirmation_note=None, now=NOW
        ).visit_id

    def moving(visit: int, when: dt.datetime) -> Callable[[], BookedVisit]:
        return lambda: service.reschedule(actor, visit, desk, when, now=NOW)

    for _ in range(5):
        a, b = book(first), book(second)
        results = race([moving(a, second), moving(b, first)])
        assert all(isinstance(r, BookedVisit) for r in results), results
        assert seats_taken(wide, desk, first) == seats_taken(wide, desk, second) == 1
        # Move them out of the way for the next round.
        for result in results:
            assert isinstance(result, BookedVisit)
            service.cancel(actor, result.visit_id, by="us", reason="next round", now=NOW)
