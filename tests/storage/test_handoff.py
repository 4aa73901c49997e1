"""Hand-offs on both backends: who may be handed what, the seller choice, decisions made once,
arbitration, audit rows, acceptance rates, and two sellers accepting at once."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from operator_app.core.errors import NotFound, PermissionDenied, ValidationFailed
from operator_app.core.handoff import (
    HandoffAlreadyDecided,
    HandoffRefusal,
    HandoffRefused,
    HandoffService,
    HandoffState,
)
from operator_app.core.roles import Actor, Role
from operator_app.storage.database import Database
from operator_app.storage.models import AuditEntry, Contact, Handoff
from tests.support.handoff_data import (
    NOW,
    book_visit,
    make_campaign,
    make_company,
    make_lead,
    make_office,
    make_resource,
    make_user,
    record_call,
    verify,
)

TOMORROW_10 = NOW + dt.timedelta(days=1, hours=1)


@dataclass(frozen=True)
class Floor:
    operator: Actor
    supervisor: Actor
    campaign: int
    office: int
    room: int  # a resource without a seller: presentations booked "in the hall"


def floor(db: Database) -> Floor:
    office = make_office(db)
    return Floor(
        operator=make_user(db, "Ольга", Role.OPERATOR),
        supervisor=make_user(db, "Роман", Role.SUPERVISOR),
        campaign=make_campaign(db, "Застройщик"),
        office=office,
        room=make_resource(db, office, None, "Переговорная"),
    )


def seller(db: Database, f: Floor, name: str, *, active: bool = True) -> tuple[Actor, int]:
    actor = make_user(db, name, Role.SELLER, active=active)
    return actor, make_resource(db, f.office, actor.user_id, name)


def ready_lead(
    db: Database, f: Floor, starts_at: dt.datetime = TOMORROW_10, *, resource: int | None = None
) -> int:
    """A target lead with a booked presentation."""
    lead = make_lead(db, f.campaign)
    verify(db, lead, "target")
    book_visit(db, lead, resource or f.room, starts_at)
    return lead


def refusal(call: object) -> HandoffRefusal:
    assert callable(call)
    with pytest.raises(HandoffRefused) as caught:
        call()
    return caught.value.reason


def audit_actions(db: Database, handoff_id: int) -> list[tuple[str, int | None, object]]:
    with db.session() as session:
        rows = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "handoff", AuditEntry.entity_id == handoff_id)
            .order_by(AuditEntry.id)
        ).all()
        return [(row.action, row.user_id, (row.before or {}).get("state")) for row in rows]


# --- who may be handed off -------------------------------------------------------------------


def test_one_step_campaign_refuses_the_hand_off(db: Database) -> None:
    f = floor(db)
    seller(db, f, "Сергей")
    lead = make_lead(db, make_campaign(db, "Кредиты", model="one-step"))
    verify(db, lead, "target")
    book_visit(db, lead, f.room, TOMORROW_10)
    service = HandoffService(db)
    with pytest.raises(HandoffRefused, match="one-step: the operator is the seller"):
        service.hand_off(f.operator, lead, now=NOW)
    assert refusal(lambda: service.hand_off(f.operator, lead, now=NOW)) is (
        HandoffRefusal.ONE_STEP_CAMPAIGN
    )


def test_only_a_target_lead_with_a_booked_visit_is_handed_off(db: Database) -> None:
    f = floor(db)
    seller(db, f, "Сергей")
    service = HandoffService(db)

    unverified = make_lead(db, f.campaign)
    book_visit(db, unverified, f.room, TOMORROW_10)
    assert refusal(lambda: service.hand_off(f.operator, unverified, now=NOW)) is (
        HandoffRefusal.NOT_TARGET
    )

    changed_mind = make_lead(db, f.campaign)
    verify(db, changed_mind, "target", at=NOW - dt.timedelta(hours=2))
    verify(db, changed_mind, "non_target", at=NOW - dt.timedelta(hours=1))
    book_visit(db, changed_mind, f.room, TOMORROW_10)
    assert refusal(lambda: service.hand_off(f.operator, changed_mind, now=NOW)) is (
        HandoffRefusal.NOT_TARGET
    )

    no_visit = make_lead(db, f.campaign)
    verify(db, no_visit, "target")
    book_visit(db, no_visit, f.room, TOMORROW_10, status="cancelled")
    book_visit(db, no_visit, f.room, NOW - dt.timedelta(days=1))  # already past
    assert refusal(lambda: service.hand_off(f.operator, no_visit, now=NOW)) is (
        HandoffRefusal.NO_BOOKED_VISIT
    )
    other_lead_visit = book_visit(db, unverified, f.room, TOMORROW_10)
    assert refusal(
        lambda: service.hand_off(f.operator, no_visit, visit_id=other_lead_visit, now=NOW)
    ) is (HandoffRefusal.NO_BOOKED_VISIT)

    with pytest.raises(NotFound):
        service.hand_off(f.operator, 999_999, now=NOW)


def test_a_lead_has_one_open_hand_off(db: Database) -> None:
    f = floor(db)
    seller(db, f, "Сергей")
    lead = ready_lead(db, f)
    service = HandoffService(db)
    first = service.hand_off(f.operator, lead, now=NOW)
    assert first.state is HandoffState.OFFERED
    assert refusal(lambda: service.hand_off(f.operator, lead, now=NOW)) is (
        HandoffRefusal.ALREADY_HANDED_OFF
    )


# --- choosing the seller ---------------------------------------------------------------------


def test_least_loaded_free_seller_is_chosen(db: Database) -> None:
    f = floor(db)
    service = HandoffService(db)
    loaded, loaded_desk = seller(db, f, "Анна")  # one offered hand-off
    busy, busy_desk = seller(db, f, "Борис")  # nothing, but has a visit at that time
    away, _ = seller(db, f, "Вера", active=False)
    done, _ = seller(db, f, "Глеб")  # one accepted hand-off whose visit is over: free
    spare, _ = seller(db, f, "Дина")  # nothing at all, but a higher id than Глеб

    elsewhere = ready_lead(db, f, TOMORROW_10 + dt.timedelta(days=1))
    service.hand_off(f.operator, elsewhere, seller_id=loaded.user_id, now=NOW)
    past_lead = make_lead(db, f.campaign)
    verify(db, past_lead, "target")
    past_visit = book_visit(db, past_lead, f.room, NOW - dt.timedelta(days=3))
    past = service.hand_off(
        f.operator, past_lead, seller_id=done.user_id, visit_id=past_visit, now=NOW
    )
    service.accept(done, past.handoff_id)
    # Борис's own presentation overlaps 10:00-11:00 by half an hour.
    book_visit(db, make_lead(db, f.campaign), busy_desk, TOMORROW_10 - dt.timedelta(minutes=30))
    # A visit that ends exactly when ours starts does not make Анна busy.
    book_visit(db, make_lead(db, f.campaign), loaded_desk, TOMORROW_10 - dt.timedelta(hours=1))

    chosen = service.hand_off(f.operator, ready_lead(db, f), now=NOW)
    assert (chosen.seller_id, chosen.seller_name) == (done.user_id, "Глеб")

    # Now Глеб has one open hand-off: Дина (zero) is next.
    assert service.hand_off(f.operator, ready_lead(db, f), now=NOW).seller_id == spare.user_id
    # In the afternoon Борис is free, with nothing open.
    afternoon = TOMORROW_10 + dt.timedelta(hours=4)
    assert service.hand_off(f.operator, ready_lead(db, f, afternoon), now=NOW).seller_id == (
        busy.user_id
    )
    # Later still all four tie at one open hand-off: the lowest id, Анна, wins.
    evening = TOMORROW_10 + dt.timedelta(hours=6)
    assert service.hand_off(f.operator, ready_lead(db, f, evening), now=NOW).seller_id == (
        loaded.user_id
    )
    with db.session() as session:
        picked = set(session.scalars(select(Handoff.to_user_id)))
    assert away.user_id not in picked


def test_a_seller_handed_a_visit_is_busy_at_its_time(db: Database) -> None:
    f = floor(db)
    anna, _ = seller(db, f, "Анна")
    boris, _ = seller(db, f, "Борис")
    service = HandoffService(db)
    other_day = ready_lead(db, f, NOW + dt.timedelta(days=3))
    service.hand_off(f.operator, other_day, seller_id=boris.user_id, now=NOW)
    first = service.hand_off(f.operator, ready_lead(db, f), now=NOW)
    assert first.seller_id == anna.user_id  # Анна had nothing open
    # Both now have one open hand-off and Анна has the lower id, but she is taken at 10:00.
    second = service.hand_off(f.operator, ready_lead(db, f), now=NOW)
    assert second.seller_id == boris.user_id
    assert refusal(
        lambda: service.hand_off(f.operator, ready_lead(db, f), seller_id=anna.user_id, now=NOW)
    ) is (HandoffRefusal.SELLER_BUSY)
    # A returned hand-off frees the seller again.
    service.return_lead(anna, first.handoff_id, "Не целевой")
    third = service.hand_off(f.operator, ready_lead(db, f), seller_id=anna.user_id, now=NOW)
    assert third.seller_id == anna.user_id


def test_no_free_seller_is_a_clear_refusal(db: Database) -> None:
    f = floor(db)
    only, desk = seller(db, f, "Сергей")
    book_visit(db, make_lead(db, f.campaign), desk, TOMORROW_10)
    service = HandoffService(db)
    assert refusal(lambda: service.hand_off(f.operator, ready_lead(db, f), now=NOW)) is (
        HandoffRefusal.NO_FREE_SELLER
    )
    later = ready_lead(db, f, NOW + dt.timedelta(days=2))
    assert service.hand_off(f.operator, later, now=NOW).seller_id == only.user_id


def test_a_chosen_seller_must_be_an_active_seller_free_at_that_time(db: Database) -> None:
    f = floor(db)
    service = HandoffService(db)
    busy, desk = seller(db, f, "Сергей")
    away, _ = seller(db, f, "Вера", active=False)
    free, _ = seller(db, f, "Дина")
    book_visit(db, make_lead(db, f.campaign), desk, TOMORROW_10 + dt.timedelta(minutes=59))
    lead = ready_lead(db, f)
    assert refusal(lambda: service.hand_off(f.operator, lead, seller_id=busy.user_id, now=NOW)) is (
        HandoffRefusal.SELLER_BUSY
    )
    for not_seller in (away.user_id, f.supervisor.user_id, 999_999):
        with pytest.raises(HandoffRefused) as caught:
            service.hand_off(f.operator, lead, seller_id=not_seller, now=NOW)
        assert caught.value.reason is HandoffRefusal.NOT_A_SELLER
    assert service.hand_off(f.operator, lead, seller_id=free.user_id, now=NOW).seller_id == (
        free.user_id
    )


def test_a_visit_booked_with_the_seller_does_not_make_them_busy(db: Database) -> None:
    f = floor(db)
    sergey, desk = seller(db, f, "Сергей")
    lead = ready_lead(db, f, resource=desk)
    handed = HandoffService(db).hand_off(f.operator, lead, now=NOW)
    assert handed.seller_id == sergey.user_id


# --- the seller's list -----------------------------------------------------------------------


def test_incoming_carries_everything_the_operator_captured(db: Database) -> None:
    f = floor(db)
    sergey, _ = seller(db, f, "Сергей")
    other, _ = seller(db, f, "Дина")
    company = make_company(db, "ПАО Сбербанк", "7707083893")
    lead = make_lead(db, f.campaign, "Игорь", company_id=company, role="decision_maker")
    make_lead(db, f.campaign, "Мария", company_id=company, role="secretary")
    record_call(db, lead, f.operator.user_id, notes=None, at=NOW - dt.timedelta(days=2))
    record_call(
        db,
        lead,
        f.operator.user_id,
        notes="Просил перезвонить после обеда",
        answers=(("budget", "до 10 млн"), ("down_payment", "есть")),
        at=NOW - dt.timedelta(days=1),
    )
    verify(db, lead, "target", answers={"credit_history": "good"}, by=f.operator.user_id)
    visit = book_visit(db, lead, f.room, TOMORROW_10)
    service = HandoffService(db)
    handed = service.hand_off(f.operator, lead, seller_id=sergey.user_id, now=NOW)

    assert service.incoming(other) == []
    [detail] = service.incoming(sergey)
    assert detail.handoff == handed
    assert detail.handoff.lead_generator_name == "Ольга"
    assert detail.client.full_name == "Игорь"
    assert detail.company is not None and detail.company.inn == "7707083893"
    assert [c.full_name for c in detail.company_contacts] == ["Мария"]
    assert [(a.step_id, a.answer) for a in detail.answers] == [
        ("budget", "до 10 млн"),
        ("down_payment", "есть"),
    ]
    assert [n.notes for n in detail.notes] == ["Просил перезвонить после обеда"]
    assert detail.notes[0].operator_name == "Ольга"
    assert detail.verification is not None
    assert detail.verification.verdict == "target"
    assert detail.verification.answers == {"credit_history": "good"}
    assert detail.verification.verified_by_name == "Ольга"
    assert detail.visit is not None
    assert (detail.visit.visit_id, detail.visit.starts_at) == (visit, TOMORROW_10)
    assert detail.visit.office_address == "Тверская, 1"
    assert service.detail(sergey, handed.handoff_id) == detail
    assert service.detail(f.supervisor, handed.handoff_id) == detail
    with pytest.raises(PermissionDenied):
        service.detail(other, handed.handoff_id)
    with db.session() as session:  # the hand-off left the lead's contact alone
        assert session.scalar(select(Contact.full_name).where(Contact.company_id == company))


# --- decisions -------------------------------------------------------------------------------


def test_accept_once_by_the_seller_it_was_offered_to(db: Database) -> None:
    f = floor(db)
    sergey, _ = seller(db, f, "Сергей")
    dina, _ = seller(db, f, "Дина")
    service = HandoffService(db)
    handed = service.hand_off(f.operator, ready_lead(db, f), seller_id=sergey.user_id, now=NOW)

    with pytest.raises(PermissionDenied):
        service.accept(dina, handed.handoff_id)
    with pytest.raises(PermissionDenied):
        service.accept(f.operator, handed.handoff_id)
    with pytest.raises(NotFound):
        service.accept(sergey, 999_999)

    accepted = service.accept(sergey, handed.handoff_id)
    assert accepted.state is HandoffState.ACCEPTED
    assert accepted.decided_at is not None
    with pytest.raises(HandoffAlreadyDecided, match="already decided: it is accepted"):
        service.accept(sergey, handed.handoff_id)
    with pytest.raises(HandoffAlreadyDecided):
        service.return_lead(sergey, handed.handoff_id, "передумал")
    assert service.incoming(sergey) == []
    assert [
        d.handoff.handoff_id for d in service.incoming(sergey, states=(HandoffState.ACCEPTED,))
    ] == [handed.handoff_id]
    assert audit_actions(db, handed.handoff_id) == [
        ("offered", f.operator.user_id, None),
        ("accepted", sergey.user_id, "offered"),
    ]


def test_return_arbitration_uphold_and_overrule(db: Database) -> None:
    f = floor(db)
    sergey, _ = seller(db, f, "Сергей")
    service = HandoffService(db)
    first = service.hand_off(f.operator, ready_lead(db, f), seller_id=sergey.user_id, now=NOW)
    later = ready_lead(db, f, TOMORROW_10 + dt.timedelta(hours=2))
    second = service.hand_off(f.operator, later, seller_id=sergey.user_id, now=NOW)

    with pytest.raises(ValidationFailed) as caught:
        service.return_lead(sergey, first.handoff_id, "  ")
    assert caught.value.field == "reason"
    returned = service.return_lead(sergey, first.handoff_id, " Нет первоначального взноса ")
    assert (returned.state, returned.return_reason) == (
        HandoffState.RETURNED,
        "Нет первоначального взноса",
    )
    service.return_lead(sergey, second.handoff_id, "Не ЛПР")

    with pytest.raises(PermissionDenied):
        service.arbitration(sergey)
    waiting = service.arbitration(f.supervisor)
    assert [d.handoff.handoff_id for d in waiting] == [first.handoff_id, second.handoff_id]
    assert waiting[0].handoff.return_reason == "Нет первоначального взноса"

    with pytest.raises(PermissionDenied):
        service.uphold(sergey, first.handoff_id, "ok")
    with pytest.raises(ValidationFailed):
        service.uphold(f.supervisor, first.handoff_id, "")
    upheld = service.uphold(f.supervisor, first.handoff_id, "Взнос действительно не обсуждали")
    assert upheld.state is HandoffState.UPHELD
    assert upheld.arbitrated_by_name == "Роман"
    assert upheld.arbitration_comment == "Взнос действительно не обсуждали"
    overruled = service.overrule(f.supervisor, second.handoff_id, "ЛПР подтверждён в записи")
    assert overruled.state is HandoffState.OVERRULED
    with pytest.raises(HandoffAlreadyDecided):
        service.overrule(f.supervisor, first.handoff_id, "передумал")
    assert service.arbitration(f.supervisor) == []

    assert audit_actions(db, first.handoff_id) == [
        ("offered", f.operator.user_id, None),
        ("returned", sergey.user_id, "offered"),
        ("upheld", f.supervisor.user_id, "returned"),
    ]
    assert [a for a, _, _ in audit_actions(db, second.handoff_id)] == [
        "offered",
        "returned",
        "overruled",
    ]
    # Once the return is upheld the lead may be handed to someone else.
    again = service.hand_off(f.operator, first.lead_id, now=NOW)
    assert again.state is HandoffState.OFFERED


# --- acceptance rates ------------------------------------------------------------------------


def test_acceptance_rates_per_lead_generator(db: Database) -> None:
    f = floor(db)
    pavel = make_user(db, "Павел", Role.OPERATOR)
    sergey, _ = seller(db, f, "Сергей")
    other_campaign = make_campaign(db, "Автосалон")
    service = HandoffService(db)
    hours = iter(range(100))

    def hand(operator: Actor, campaign: int | None = None, at: dt.datetime = NOW) -> int:
        lead = make_lead(db, campaign or f.campaign)
        verify(db, lead, "target")
        book_visit(db, lead, f.room, TOMORROW_10 + dt.timedelta(hours=next(hours)))
        return service.hand_off(operator, lead, seller_id=sergey.user_id, now=at).handoff_id

    # Ольга: 2 accepted, 1 upheld, 1 overruled, 1 still returned, 1 still offered
    for _ in range(2):
        service.accept(sergey, hand(f.operator))
    for decide in (service.uphold, service.overrule):
        handoff = hand(f.operator)
        service.return_lead(sergey, handoff, "Не целевой")
        decide(f.supervisor, handoff, "решение")
    service.return_lead(sergey, hand(f.operator), "Не целевой")
    hand(f.operator)
    # Павел: 1 upheld in this campaign, 1 accepted in another campaign a week earlier
    handoff = hand(pavel)
    service.return_lead(sergey, handoff, "Не целевой")
    service.uphold(f.supervisor, handoff, "верно")
    service.accept(sergey, hand(pavel, other_campaign, at=NOW - dt.timedelta(days=7)))

    rates = {r.lead_generator_name: r for r in service.acceptance_rates(f.supervisor)}
    olga, pasha = rates["Ольга"], rates["Павел"]
    assert (olga.offered, olga.accepted, olga.returned, olga.upheld, olga.overruled) == (
        6,
        2,
        1,
        1,
        1,
    )
    assert olga.decided == 4
    assert olga.rate == pytest.approx(3 / 4)
    assert (pasha.offered, pasha.accepted, pasha.upheld, pasha.decided) == (2, 1, 1, 2)
    assert pasha.rate == pytest.approx(1 / 2)

    in_campaign = {
        r.lead_generator_name: r for r in service.acceptance_rates(f.supervisor, f.campaign)
    }
    assert in_campaign["Павел"].rate == 0.0
    assert in_campaign["Ольга"].offered == 6

    recent = service.acceptance_rates(f.supervisor, since=NOW - dt.timedelta(days=1))
    assert {r.lead_generator_name: r.offered for r in recent} == {"Ольга": 6, "Павел": 1}
    older = service.acceptance_rates(f.supervisor, until=NOW - dt.timedelta(days=1))
    assert [(r.lead_generator_name, r.rate) for r in older] == [("Павел", 1.0)]

    assert [r.lead_generator_name for r in service.acceptance_rates(pavel)] == ["Павел"]
    nothing_decided = make_user(db, "Яна", Role.OPERATOR)
    hand(nothing_decided)
    [yana] = service.acceptance_rates(nothing_decided)
    assert (yana.offered, yana.decided, yana.rate) == (1, 0, None)


# --- two sellers at once ---------------------------------------------------------------------


Attempt = Callable[[HandoffService], object]


def race(url: str, attempts: list[Attempt]) -> list[str]:
    """Run the attempts at the same moment, each on its own Database (its own connection)."""
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(len(attempts))
    databases = [Database(url) for _ in attempts]

    def run(database: Database, attempt: Attempt) -> None:
        service = HandoffService(database)
        start.wait()
        try:
            attempt(service)
            outcome = "won"
        except HandoffAlreadyDecided:
            outcome = "already decided"
        except HandoffRefused as refused:
            outcome = f"refused: {refused.reason}"
        except Exception as error:  # any other failure shows up in the compared outcomes
            outcome = f"error: {error!r}"
        with lock:
            outcomes.append(outcome)

    threads = [
        threading.Thread(target=run, args=(database, attempt))
        for database, attempt in zip(databases, attempts, strict=True)
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for database in databases:
            database.dispose()
    return sorted(outcomes)


def race_one_hand_off(
    db: Database, f: Floor, sergey: Actor, starts: dt.datetime, accept_twice: bool
) -> None:
    service = HandoffService(db)
    lead = ready_lead(db, f, starts)
    handoff = service.hand_off(f.operator, lead, seller_id=sergey.user_id, now=NOW).handoff_id
    # The seller on two workstations (or a double click): accept twice, or accept and return.
    second: Attempt = (
        (lambda s: s.accept(sergey, handoff))
        if accept_twice
        else (lambda s: s.return_lead(sergey, handoff, "Не целевой"))
    )
    outcomes = race(db.url, [lambda s: s.accept(sergey, handoff), second])
    assert outcomes == ["already decided", "won"]
    actions = [a for a, _, _ in audit_actions(db, handoff)]
    assert actions[0] == "offered"
    assert actions[1:] in (["accepted"], ["returned"])
    state = service.detail(sergey, handoff).handoff.state
    assert state.value == actions[1]
    if state is HandoffState.RETURNED:
        # Two supervisors arbitrate the same return at once.
        outcomes = race(
            db.url,
            [
                lambda s: s.uphold(f.supervisor, handoff, "верно"),
                lambda s: s.overrule(f.supervisor, handoff, "неверно"),
            ],
        )
        assert outcomes == ["already decided", "won"]
        assert len(audit_actions(db, handoff)) == 3


def check_exactly_one_wins(db: Database) -> None:
    f = floor(db)
    sergey, _ = seller(db, f, "Сергей")
    for round_ in range(8):
        starts = TOMORROW_10 + dt.timedelta(hours=round_)
        race_one_hand_off(db, f, sergey, starts, accept_twice=round_ % 2 == 0)


def check_one_hand_off_per_lead(db: Database) -> None:
    f = floor(db)
    seller(db, f, "Сергей")
    seller(db, f, "Дина")
    pavel = make_user(db, "Павел", Role.OPERATOR)
    for round_ in range(5):
        lead = ready_lead(db, f, TOMORROW_10 + dt.timedelta(hours=round_))
        assert race(db.url, hand_off_by_both(lead, f.operator, pavel)) == [
            "refused: already_handed_off",
            "won",
        ]


def hand_off_by_both(lead: int, one: Actor, other: Actor) -> list[Attempt]:
    return [
        lambda s: s.hand_off(one, lead, now=NOW),
        lambda s: s.hand_off(other, lead, now=NOW),
    ]


def test_two_operators_handing_off_one_lead_at_once_on_postgresql(pg_db: Database) -> None:
    check_one_hand_off_per_lead(pg_db)


def test_two_operators_handing_off_one_lead_at_once_on_sqlite(sqlite_db: Database) -> None:
    check_one_hand_off_per_lead(sqlite_db)


def test_two_accepts_at_once_on_postgresql_exactly_one_wins(pg_db: Database) -> None:
    check_exactly_one_wins(pg_db)


def test_two_accepts_at_once_on_sqlite_exactly_one_wins(sqlite_db: Database) -> None:
    check_exactly_one_wins(sqlite_db)
