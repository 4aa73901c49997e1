"""The queue on both backends: bucket order, calling hours, claims, grace, status, DNC."""

from __future__ import annotations

import datetime as dt
import gc
from typing import Any

import pytest
from sqlalchemy import event, update

from operator_app.core.errors import PermissionDenied, ValidationFailed
from operator_app.core.queue.buckets import Bucket
from operator_app.core.queue.service import ClaimLost, QueueService
from operator_app.core.queue.status import OperatorStatus, StatusService
from operator_app.core.roles import Role
from operator_app.storage.database import Database
from operator_app.storage.models import Lead, Task
from tests.storage.test_queue_seed import (
    MONDAY_0910_MSK,
    add_lead,
    add_task,
    block_number,
    bulk_leads,
    contact_of,
    make_campaign,
    make_list,
    make_user,
    next_e164,
)

NOW = MONDAY_0910_MSK
MINUTE = dt.timedelta(minutes=1)


def claim_all(service: QueueService, actor, now: dt.datetime = NOW) -> list[int]:  # type: ignore[no-untyped-def]
    claimed: list[int] = []
    while (lead := service.claim_next(actor, now=now)) is not None:
        assert len(claimed) < 50, "the queue keeps offering the same leads"
        claimed.append(lead.lead_id)
        service.release(actor, lead.lead_id, now=now)
        with_state_done(service, lead.lead_id)
    return claimed


def with_state_done(service: QueueService, lead_id: int) -> None:
    with service._db.session() as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None
        lead.state = "lost"
        session.execute(update(Task).where(Task.lead_id == lead_id).values(state="done"))


def test_buckets_are_offered_in_order_with_reasons(db: Database) -> None:
    campaign = make_campaign(db)
    low = make_list(db, "low", campaign, priority=10, abc_class="A")
    high_b = make_list(db, "high B", campaign, priority=90, abc_class="B")
    high_a = make_list(db, "high A", campaign, priority=90, abc_class="A")
    me = make_user(db, "anna")
    colleague = make_user(db, "boris", status="offline")

    fresh_low = add_lead(db, campaign, list_id=low)
    fresh_high_b = add_lead(db, campaign, list_id=high_b)
    fresh_high_a_2 = add_lead(db, campaign, list_id=high_a)
    retry = add_lead(db, campaign, list_id=low, state="retry", next_action_at=NOW - MINUTE)
    add_lead(db, campaign, list_id=low, state="retry", next_action_at=NOW + MINUTE)
    reminder_lead = add_lead(db, campaign, state="visit_booked")
    add_task(db, reminder_lead, "confirm_call", NOW - 5 * MINUTE)
    colleagues_cb = add_lead(db, campaign, state="callback")
    add_task(db, colleagues_cb, "callback", NOW - 2 * MINUTE, assigned_to=colleague.user_id)
    own_cb = add_lead(db, campaign, state="callback")
    add_task(db, own_cb, "callback", NOW - MINUTE, assigned_to=me.user_id)
    later_cb = add_lead(db, campaign, state="callback")
    add_task(db, later_cb, "callback", NOW + MINUTE, assigned_to=me.user_id)
    missed = add_lead(db, campaign, source="missed", created_at=NOW - 3 * MINUTE)
    inbound = add_lead(db, campaign, source="inbound", created_at=NOW - 10 * MINUTE)
    fresh_high_a_1 = fresh_high_a_2  # one lead per list keeps the id order trivial

    service = QueueService(db)
    first = service.claim_next(me, now=NOW)
    assert first is not None
    assert (first.lead_id, first.bucket, first.reason) == (
        inbound,
        Bucket.INBOUND,
        "new inbound lead",
    )
    assert first.due_at is not None and (NOW - first.due_at) == 10 * MINUTE
    assert first.claimed_until == NOW + 30 * MINUTE
    service.release(me, first.lead_id, now=NOW)
    with_state_done(service, first.lead_id)

    order = claim_all(service, me)
    assert order == [
        missed,
        own_cb,
        reminder_lead,
        retry,
        fresh_high_a_1,
        fresh_high_b,
        fresh_low,
    ]
    # The colleague's callback is within its 15-minute grace, later_cb is not due yet.
    assert colleagues_cb not in order and later_cb not in order


def test_bucket_counts_and_waiting_describe_the_queue(db: Database) -> None:
    campaign = make_campaign(db)
    lead_list = make_list(db, "Autumn", campaign, priority=70)
    me = make_user(db, "anna")
    add_lead(db, campaign, name="Ivan", list_id=lead_list, contact_zone="Asia/Yekaterinburg")
    add_lead(db, campaign, name="Olga", list_id=lead_list)
    add_lead(db, campaign, name="Late", source="inbound", created_at=NOW - 7 * MINUTE)

    service = QueueService(db)
    counts = {c.bucket: c.count for c in service.bucket_counts(me, now=NOW)}
    assert counts == {
        Bucket.INBOUND: 1,
        Bucket.CALLBACK: 0,
        Bucket.REMINDER: 0,
        Bucket.RETRY: 0,
        Bucket.FRESH: 2,
    }
    items = service.waiting(me, Bucket.FRESH, now=NOW)
    assert [i.client_name for i in items] == ["Ivan", "Olga"]
    ivan = items[0]
    assert (ivan.list_name, ivan.zone, ivan.priority) == ("Autumn", "Asia/Yekaterinburg", 70)
    assert ivan.local_time.hour == 11 and ivan.local_time.minute == 10
    assert items[1].zone == "Europe/Moscow"  # no zone on contact or phone: the campaign's
    inbound = service.waiting(me, Bucket.INBOUND, now=NOW)
    assert inbound[0].due_at == NOW - 7 * MINUTE and inbound[0].reason == "new inbound lead"
    assert service.waiting(me, Bucket.FRESH, now=NOW, list_id=999) == []


def test_big_buckets_are_counted_up_to_a_cap_and_listed_list_by_list(db: Database) -> None:
    campaign = make_campaign(db)
    low = make_list(db, "Low", campaign, priority=10)
    high = make_list(db, "High", campaign, priority=90)
    me = make_user(db, "anna")
    for name in ("L1", "L2"):
        add_lead(db, campaign, name=name, list_id=low)
    for name in ("H1", "H2", "H3"):
        add_lead(db, campaign, name=name, list_id=high)

    service = QueueService(db)
    fresh = {c.bucket: c for c in service.bucket_counts(me, now=NOW, cap=4)}[Bucket.FRESH]
    assert (fresh.count, fresh.capped) == (4, True)
    exact = {c.bucket: c for c in service.bucket_counts(me, now=NOW, cap=5)}[Bucket.FRESH]
    assert (exact.count, exact.capped) == (5, False)
    names = [item.client_name for item in service.waiting(me, Bucket.FRESH, limit=4, now=NOW)]
    assert names == ["H1", "H2", "H3", "L1"]  # the higher-priority list first, then in order
    only_low = service.waiting(me, Bucket.FRESH, now=NOW, list_id=low)
    assert [item.client_name for item in only_low] == ["L1", "L2"]


def test_only_clients_inside_their_local_calling_hours_are_offered(db: Database) -> None:
    campaign = make_campaign(db)
    me = make_user(db, "anna")
    zones = make_list(db, "Zones", campaign)
    kaliningrad = add_lead(
        db, campaign, list_id=zones, contact_zone="Europe/Kaliningrad"
    )  # 08:10 there
    moscow = add_lead(db, campaign, list_id=zones, contact_zone="Europe/Moscow")  # 09:10
    # No zone on the contact: the phone's zone counts (Yekaterinburg, 11:10).
    ekb_by_phone = add_lead(db, campaign, list_id=zones, phone_zone="Asia/Yekaterinburg")

    service = QueueService(db)
    assert sorted(claim_all(service, me)) == sorted([moscow, ekb_by_phone])
    assert kaliningrad not in claim_all(service, me)

    # 08:30 in Yekaterinburg is 06:30 in Moscow: nobody is called yet.
    early = dt.datetime(2026, 11, 23, 3, 30, tzinfo=dt.UTC)
    ekb = add_lead(db, campaign, list_id=zones, contact_zone="Asia/Yekaterinburg")
    assert service.claim_next(me, now=early) is None
    # 21:30 in Yekaterinburg is 19:30 in Moscow: Kaliningrad and Moscow yes, Yekaterinburg no.
    evening = dt.datetime(2026, 11, 23, 16, 30, tzinfo=dt.UTC)
    assert claim_all(service, me, evening) == [kaliningrad]
    # Saturday 11:00 in Moscow is 13:00 in Yekaterinburg (10–16 on Saturdays); Sunday: closed.
    saturday = dt.datetime(2026, 11, 28, 8, 0, tzinfo=dt.UTC)
    sunday = saturday + dt.timedelta(days=1)
    assert service.claim_next(me, now=sunday) is None
    assert claim_all(service, me, saturday) == [ekb]


def test_do_not_call_numbers_and_blocked_leads_are_never_offered(db: Database) -> None:
    campaign = make_campaign(db)
    me = make_user(db, "anna")
    blocked_number = next_e164()
    add_lead(db, campaign, phones=[next_e164(), blocked_number], source="inbound")
    add_lead(db, campaign, state="do_not_call", source="inbound")
    add_lead(db, campaign, state="blocked", list_id=make_list(db, "L", campaign))
    block_number(db, blocked_number)
    service = QueueService(db)
    assert service.claim_next(me, now=NOW) is None
    assert all(c.count == 0 for c in service.bucket_counts(me, now=NOW))


def test_claims_expire_and_can_be_extended_and_released(db: Database) -> None:
    campaign = make_campaign(db, claim_timeout_minutes=10)
    anna = make_user(db, "anna")
    boris = make_user(db, "boris")
    lead = add_lead(db, campaign, source="inbound")
    service = QueueService(db)

    claimed = service.claim_next(anna, now=NOW)
    assert claimed is not None and claimed.claimed_until == NOW + 10 * MINUTE
    assert service.claim_next(boris, now=NOW + 5 * MINUTE) is None
    assert service.extend_claim(anna, lead, now=NOW + 5 * MINUTE) == NOW + 15 * MINUTE
    assert service.claim_next(boris, now=NOW + 14 * MINUTE) is None

    abandoned = service.claim_next(boris, now=NOW + 16 * MINUTE)
    assert abandoned is not None and abandoned.lead_id == lead
    with pytest.raises(ClaimLost):
        service.extend_claim(anna, lead, now=NOW + 17 * MINUTE)
    assert service.release(anna, lead) is False
    assert service.release(boris, lead) is True
    again = service.claim_next(anna, now=NOW + 18 * MINUTE)
    assert again is not None and again.lead_id == lead


def claimed_by(service: QueueService, actor, now: dt.datetime = NOW) -> int | None:  # type: ignore[no-untyped-def]
    lead = service.claim_next(actor, now=now)
    return None if lead is None else lead.lead_id


def test_a_desktop_goes_on_past_its_last_fresh_lead_and_nothing_is_left_behind(
    db: Database,
) -> None:
    # On PostgreSQL a desktop looks past the fresh lead it claimed last (core/queue/
    # recent.py); a lead given back behind it must still come back.
    postgres = db.backend == "postgresql"
    campaign = make_campaign(db)
    fresh = make_list(db, "Fresh", campaign, priority=50)
    anna = make_user(db, "anna")
    boris = make_user(db, "boris")
    first, second, third, fourth = (add_lead(db, campaign, name=n, list_id=fresh) for n in "ABCD")
    desk, other_desk = QueueService(db), QueueService(db)
    later = NOW + dt.timedelta(seconds=61)

    assert [claimed_by(other_desk, boris), claimed_by(desk, anna)] == [first, second]
    assert other_desk.release(boris, first, now=NOW)
    # Given back elsewhere, behind this desktop's mark: on PostgreSQL this desktop goes on
    # to the next untouched lead, and sees the one behind within a minute.
    assert claimed_by(desk, anna) == (third if postgres else first)
    assert claimed_by(desk, anna, later) == (first if postgres else third)
    # Given back here: this desktop looks from the head again at once.
    assert desk.release(anna, first, now=later)
    assert claimed_by(desk, anna, later) == first
    assert claimed_by(desk, boris, later) == fourth
    # Nothing left past the mark: the desktop looks from the head of the list.
    assert other_desk.release(anna, third, now=later)
    assert claimed_by(desk, boris, later) == third
    assert claimed_by(desk, boris, later) is None


def test_due_tasks_with_no_one_to_call_are_looked_at_again_after_a_few_seconds(
    db: Database,
) -> None:
    # A desktop remembers for config_ttl_seconds that a task bucket held no one it may call
    # (core/queue/recent.py), and forgets it when it gives a lead back itself.
    campaign = make_campaign(db)
    anna = make_user(db, "anna")
    boris = make_user(db, "boris")
    lead = add_lead(db, campaign, state="callback")
    add_task(db, lead, "callback", NOW)
    desk, other_desk = QueueService(db), QueueService(db)

    assert claimed_by(other_desk, boris) == lead
    assert claimed_by(desk, anna) is None  # the only callback is held by a colleague
    assert other_desk.release(boris, lead, now=NOW)
    assert claimed_by(desk, anna, NOW + dt.timedelta(seconds=4)) is None
    assert claimed_by(desk, anna, NOW + dt.timedelta(seconds=5)) == lead
    assert desk.release(anna, lead, now=NOW + dt.timedelta(seconds=5))
    assert claimed_by(other_desk, boris, NOW + dt.timedelta(seconds=5)) == lead
    assert claimed_by(desk, anna, NOW + dt.timedelta(seconds=5)) is None
    assert other_desk.release(boris, lead, now=NOW + dt.timedelta(seconds=5))
    desk.release(anna, lead, now=NOW + dt.timedelta(seconds=5))  # not anna's: still forgets
    assert claimed_by(desk, anna, NOW + dt.timedelta(seconds=5)) == lead


def test_a_personal_callback_opens_to_everyone_after_the_grace(db: Database) -> None:
    campaign = make_campaign(db, callback_grace_minutes=15)
    anna = make_user(db, "anna", status="offline")
    boris = make_user(db, "boris")
    lead = add_lead(db, campaign, state="callback")
    add_task(db, lead, "callback", NOW, assigned_to=anna.user_id)
    service = QueueService(db)

    assert service.claim_next(boris, now=NOW + 14 * MINUTE) is None
    taken = service.claim_next(boris, now=NOW + 15 * MINUTE)
    assert taken is not None and taken.lead_id == lead and taken.bucket is Bucket.CALLBACK
    assert taken.reason == "a colleague's callback was not taken in time"
    assert taken.task_id is not None


def test_own_callbacks_come_first_then_the_others_by_due_time(db: Database) -> None:
    campaign = make_campaign(db, callback_grace_minutes=15)
    anna = make_user(db, "anna")
    boris = make_user(db, "boris", status="offline")
    shared = add_lead(db, campaign, state="callback")
    add_task(db, shared, "callback", NOW - 30 * MINUTE)
    borises_overdue = add_lead(db, campaign, state="callback")
    add_task(db, borises_overdue, "callback", NOW - 20 * MINUTE, assigned_to=boris.user_id)
    borises_in_grace = add_lead(db, campaign, state="callback")
    add_task(db, borises_in_grace, "callback", NOW - 5 * MINUTE, assigned_to=boris.user_id)
    annas = add_lead(db, campaign, state="callback")
    add_task(db, annas, "callback", NOW - MINUTE, assigned_to=anna.user_id)
    # Anna's earliest callback is to Kaliningrad, where it is 08:10: it waits for 09:00.
    annas_too_early = add_lead(db, campaign, state="callback", contact_zone="Europe/Kaliningrad")
    add_task(db, annas_too_early, "callback", NOW - 40 * MINUTE, assigned_to=anna.user_id)
    service = QueueService(db)

    shown = service.waiting(anna, Bucket.CALLBACK, now=NOW)
    assert [(item.lead_id, item.reason) for item in shown] == [
        (annas, "your callback is due"),
        (shared, "callback is due"),
        (borises_overdue, "a colleague's callback was not taken in time"),
    ]
    assert claim_all(service, anna) == [annas, shared, borises_overdue]


def test_the_same_client_is_never_worked_by_two_operators(db: Database) -> None:
    first_campaign = make_campaign(db, "First")
    second_campaign = make_campaign(db, "Second")
    anna = make_user(db, "anna")
    boris = make_user(db, "boris")
    shared = next_e164()
    lead_one = add_lead(db, first_campaign, phones=[shared], source="inbound")
    lead_same_contact = add_lead(
        db, second_campaign, contact_id=contact_of(db, lead_one), source="inbound"
    )
    lead_shared_phone = add_lead(
        db, second_campaign, phones=[next_e164(), shared], source="inbound"
    )
    service = QueueService(db)

    claimed = service.claim_next(anna, now=NOW)
    assert claimed is not None and claimed.lead_id == lead_one
    assert service.claim_next(boris, now=NOW) is None
    service.release(anna, lead_one, now=NOW)
    with_state_done(service, lead_one)
    second = service.claim_next(boris, now=NOW)
    assert second is not None and second.lead_id in {lead_same_contact, lead_shared_phone}
    # Boris now holds the client: the other lead reaching them is not offered to Anna.
    assert service.claim_next(anna, now=NOW) is None


def test_nothing_is_offered_unless_ready_and_a_break_needs_a_reason(db: Database) -> None:
    campaign = make_campaign(db)
    anna = make_user(db, "anna")
    add_lead(db, campaign, source="inbound")
    service = QueueService(db)
    status = StatusService(db)

    with pytest.raises(ValidationFailed):
        status.set_status(anna, OperatorStatus.BREAK, "  ", now=NOW)
    status.set_status(anna, OperatorStatus.BREAK, "lunch", now=NOW)
    assert status.status_of(anna.user_id) is OperatorStatus.BREAK
    assert service.claim_next(anna, now=NOW) is None
    status.set_status(anna, OperatorStatus.AFTER_CALL, now=NOW)
    assert service.claim_next(anna, now=NOW) is None
    status.set_status(anna, OperatorStatus.READY, now=NOW)
    assert service.claim_next(anna, now=NOW) is not None


def test_time_in_each_status_is_recorded(db: Database) -> None:
    anna = make_user(db, "anna", status="offline")
    status = StatusService(db)
    start = NOW
    status.set_status(anna, OperatorStatus.READY, now=start)
    status.set_status(anna, OperatorStatus.IN_CALL, now=start + 2 * MINUTE)
    status.set_status(anna, OperatorStatus.AFTER_CALL, now=start + 5 * MINUTE)
    status.set_status(anna, OperatorStatus.BREAK, "coffee", now=start + 6 * MINUTE)
    status.set_status(anna, OperatorStatus.READY, now=start + 16 * MINUTE)
    status.set_status(anna, OperatorStatus.OFFLINE, now=start + 20 * MINUTE)
    times = status.time_in_status(anna.user_id, start.date(), now=start + 60 * MINUTE)
    assert times == {
        OperatorStatus.READY: 6 * 60.0,
        OperatorStatus.IN_CALL: 3 * 60.0,
        OperatorStatus.AFTER_CALL: 60.0,
        OperatorStatus.BREAK: 10 * 60.0,
    }
    assert status.time_in_status(anna.user_id, start.date() + dt.timedelta(days=1)) == {}


def test_claiming_needs_the_work_queue_permission(db: Database) -> None:
    admin = make_user(db, "root", role=Role.ADMIN)
    with pytest.raises(PermissionDenied):
        QueueService(db).claim_next(admin, now=NOW)


def test_queue_version_changes_with_claims_and_tasks(db: Database) -> None:
    campaign = make_campaign(db)
    anna = make_user(db, "anna")
    lead = add_lead(db, campaign, source="inbound")
    service = QueueService(db)
    before = service.queue_version()
    assert service.queue_version() == before
    assert service.claim_next(anna, now=NOW + MINUTE) is not None
    after_claim = service.queue_version()
    assert after_claim != before
    add_task(db, lead, "callback", NOW)
    assert service.queue_version() != after_claim


def test_a_claim_is_notified_to_listeners_on_postgresql(pg_db: Database) -> None:
    from operator_app.storage.repositories.queue_queries import QueueListener

    campaign = make_campaign(pg_db)
    anna = make_user(pg_db, "anna")
    lead = add_lead(pg_db, campaign, source="missed")
    service = QueueService(pg_db)
    with QueueListener(pg_db.url) as listener:
        assert listener.wait(0.05) == []
        claimed = service.claim_next(anna, now=NOW)
        assert claimed is not None
        assert listener.wait(5) == [f"claim:{lead}"]
        service.release(anna, lead)
        assert listener.wait(5) == [f"release:{lead}"]


def test_a_listen_the_server_refuses_closes_its_connection(
    pg_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As when the server shuts down between the connect and the LISTEN: a connection left
    # open there is only found by the garbage collector, with a ResourceWarning (an error here).
    import psycopg

    from operator_app.storage.repositories import queue_queries

    monkeypatch.setattr(queue_queries, "NOTIFY_CHANNEL", "no such channel")
    with pytest.raises(psycopg.errors.SyntaxError):
        queue_queries.QueueListener(pg_db.url)
    gc.collect()


def test_postgresql_plans_every_statement_for_its_values(pg_db: Database) -> None:
    # A generic plan of the queue's statements can scan every lead (see storage/database.py).
    with pg_db.engine.connect() as connection:
        assert connection.exec_driver_sql("SHOW plan_cache_mode").scalar() == "force_custom_plan"


def plan_nodes(plan: dict) -> list[dict]:  # type: ignore[type-arg]
    return [plan, *(node for child in plan.get("Plans", []) for node in plan_nodes(child))]


@pytest.mark.parametrize("kind", ["callback", "confirm_call"])
def test_postgresql_claims_a_due_task_by_reading_tasks_in_order_until_the_first_callable(
    pg_db: Database, kind: str
) -> None:
    # Joining and sorting every due task on every claim was the slowest part of "next
    # client" once fifty desktops turned to callbacks together (docs/BENCHMARKS.md).
    campaign = make_campaign(pg_db)
    anna = make_user(pg_db, "anna")
    for minutes in range(60, 0, -1):
        lead = add_lead(pg_db, campaign, state="callback")
        add_task(pg_db, lead, kind, NOW - minutes * MINUTE)
    # Enough leads after them for the planner to prefer joining the due tasks in bulk.
    bulk_leads(pg_db, campaign, make_list(pg_db, "Cold", campaign), 5000)
    with pg_db.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    sent: list[tuple[str, Any]] = []

    def remember(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        if "FOR UPDATE OF tasks" in statement:
            sent.append((statement, parameters))

    service = QueueService(pg_db)
    event.listen(pg_db.engine, "before_cursor_execute", remember)
    try:
        claimed = service.claim_next(anna, now=NOW)
    finally:
        event.remove(pg_db.engine, "before_cursor_execute", remember)
    assert claimed is not None and claimed.due_at == NOW - 60 * MINUTE
    assert service.release(anna, claimed.lead_id, now=NOW)

    statement, parameters = sent[-1]
    with pg_db.engine.connect() as connection:
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters)
        nodes = plan_nodes(cursor.fetchone()[0][0]["Plan"])
        connection.rollback()
    assert not [node for node in nodes if "Sort" in node["Node Type"]]
    tasks_read = [node for node in nodes if node.get("Relation Name") == "tasks"]
    assert [node["Actual Rows"] for node in tasks_read] == [1]


def test_warming_up_runs_every_statement_a_claim_reads_with_and_finds_nothing(
    db: Database,
) -> None:
    campaign = make_campaign(db)
    anna = make_user(db, "anna")
    boris = make_user(db, "boris", status="offline")
    cold = make_list(db, "Cold", campaign)
    fresh = add_lead(db, campaign, list_id=cold)
    retry = add_lead(db, campaign, list_id=cold, state="retry", next_action_at=NOW - MINUTE)
    reminder = add_lead(db, campaign, state="visit_booked")
    add_task(db, reminder, "confirm_call", NOW - MINUTE)
    annas = add_lead(db, campaign, state="callback")
    add_task(db, annas, "callback", NOW - MINUTE, assigned_to=anna.user_id)
    borises = add_lead(db, campaign, state="callback")
    add_task(db, borises, "callback", NOW - 20 * MINUTE, assigned_to=boris.user_id)
    inbound = add_lead(db, campaign, source="inbound")
    service = QueueService(db)
    before = service.queue_version()
    reads: list[str] = []

    def remember(_conn, _cursor, statement, _parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            reads.append(statement)

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        service.warm_up(anna, now=NOW)
        warmed, reads[:] = set(reads), []
        assert service.queue_version() == before  # nothing claimed, nothing written
        order = claim_all(service, anna)
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    assert order == [inbound, annas, borises, reminder, retry, fresh]
    claims_read = {statement for statement in reads if "ORDER BY" in statement}
    assert claims_read and claims_read <= warmed
