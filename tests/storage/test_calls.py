"""Recording a finished call on both backends: outcome rules, required fields, do-not-call,
idempotent saves, and nothing lost when the PostgreSQL server goes away mid-call."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from sqlalchemy import ColumnElement, func, select

from operator_app.core.calls import (
    CallResult,
    CapturedAnswer,
    FinishedCall,
    record_call,
    wrong_phone_ids,
)
from operator_app.core.drafts import CallDraft, DraftStore, PendingSaves
from operator_app.core.errors import NotFound, PermissionDenied, ValidationFailed
from operator_app.core.outcomes import (
    DEFAULT_DISPOSITIONS,
    dispositions_for,
    ensure_default_dispositions,
)
from operator_app.core.roles import Actor, Role
from operator_app.core.users import UserService
from operator_app.storage.base import Base
from operator_app.storage.database import Database
from operator_app.storage.models import (
    AuditEntry,
    CallAttempt,
    Campaign,
    Contact,
    DoNotCall,
    Lead,
    LeadList,
    Phone,
    ScriptAnswer,
    Task,
)
from tests.conftest import RestartableDatabase

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass(frozen=True)
class Workspace:
    admin: Actor
    operator: Actor
    campaign_id: int
    list_id: int


@pytest.fixture
def workspace(db: Database) -> Workspace:
    return make_workspace(db)


def make_workspace(
    db: Database, name: str = "Кредиты", backoff: list[int] | None = None
) -> Workspace:
    users = UserService(db)
    admin = (
        users.create_first_admin("admin", "Admin", "secret1")
        if not users.has_users()
        else users.authenticate("admin", "secret1")
    )
    login = f"op{uuid.uuid4().hex[:8]}"
    info = users.create_user(admin, login, "Ольга", Role.OPERATOR, "secret1")
    operator = Actor(info.id, info.login, info.display_name, info.role)
    with db.session() as session:
        campaign = Campaign(name=name, max_attempts=4, retry_backoff_minutes=backoff or [10, 60])
        session.add(campaign)
        session.flush()
        lead_list = LeadList(name=f"{name} — список", campaign_id=campaign.id)
        session.add(lead_list)
        session.flush()
        campaign_id, list_id = campaign.id, lead_list.id
    assert ensure_default_dispositions(db, admin, campaign_id) == len(DEFAULT_DISPOSITIONS)
    return Workspace(admin, operator, campaign_id, list_id)


def add_lead(
    db: Database, space: Workspace, *numbers: str, claimed_by: int | None = None
) -> tuple[int, list[int]]:
    with db.session() as session:
        contact = Contact(full_name="Иван Петров")
        session.add(contact)
        session.flush()
        phones = [Phone(contact_id=contact.id, e164=e164, kind="mobile") for e164 in numbers]
        session.add_all(phones)
        lead = Lead(
            contact_id=contact.id,
            campaign_id=space.campaign_id,
            list_id=space.list_id,
            state="new",
            claimed_by_id=claimed_by,
            claimed_until=NOW + dt.timedelta(minutes=30) if claimed_by else None,
        )
        session.add(lead)
        session.flush()
        return lead.id, [phone.id for phone in phones]


def finished(
    lead_id: int, phone_id: int | None, disposition: str, **changes: object
) -> FinishedCall:
    call = FinishedCall(
        client_uuid=str(uuid.uuid4()),
        lead_id=lead_id,
        phone_id=phone_id,
        script_version_id=None,
        started_at=NOW - dt.timedelta(minutes=3),
        ended_at=NOW - dt.timedelta(seconds=5),
        talk_seconds=170,
        disposition=disposition,
        notes="перезвонить после обеда",
        last_step_id="greeting",
        answers=(
            CapturedAnswer("greeting", "contact", NOW - dt.timedelta(minutes=2), answer="Да"),
            CapturedAnswer(
                "situation", "diagnostics", NOW - dt.timedelta(minutes=1), spin="S", free_text="…"
            ),
            CapturedAnswer(
                "situation", "objections", NOW - dt.timedelta(seconds=50), objection_id="expensive"
            ),
        ),
    )
    return replace(call, **changes)  # type: ignore[arg-type]


def lead_row(db: Database, lead_id: int) -> Lead:
    with db.session() as session:
        return session.get_one(Lead, lead_id)


def count(db: Database, model: type[Base], *where: ColumnElement[bool]) -> int:
    with db.session() as session:
        total = session.scalar(select(func.count()).select_from(model).where(*where))
        return int(total or 0)


def test_default_dispositions_are_added_once_in_order(db: Database, workspace: Workspace) -> None:
    assert ensure_default_dispositions(db, workspace.admin, workspace.campaign_id) == 0
    offered = dispositions_for(db, workspace.campaign_id)
    assert [item.code for item in offered] == [spec.code for spec in DEFAULT_DISPOSITIONS]
    callback = next(item for item in offered if item.code == "callback")
    assert callback.needs_callback_time and callback.reached and not callback.final
    assert [item.code for item in offered if item.needs_reason] == ["not_target", "refused"]
    assert [item.code for item in dispositions_for(db, None)] == [
        spec.code for spec in DEFAULT_DISPOSITIONS
    ]
    with pytest.raises(PermissionDenied):
        ensure_default_dispositions(db, workspace.operator, workspace.campaign_id)
    with pytest.raises(NotFound):
        ensure_default_dispositions(db, workspace.admin, 999_999)


def test_unanswered_calls_follow_the_backoff_until_max_attempts(
    db: Database, workspace: Workspace
) -> None:
    lead_id, (phone_id,) = add_lead(
        db, workspace, "+79161234567", claimed_by=workspace.operator.user_id
    )
    expected_waits = {"no_answer": 10, "busy": 60, "voicemail": 60}  # the last value repeats
    for attempt, code in enumerate(["no_answer", "busy", "voicemail"], start=1):
        result = record_call(db, workspace.operator, finished(lead_id, phone_id, code), now=NOW)
        assert (result.lead_state, result.attempts) == ("retry", attempt)
        assert result.next_action_at == NOW + dt.timedelta(minutes=expected_waits[code])
        lead = lead_row(db, lead_id)
        assert lead.last_disposition == code
        assert (lead.claimed_by_id, lead.claimed_until) == (None, None)
        assert lead.next_action_at == result.next_action_at

    last = record_call(db, workspace.operator, finished(lead_id, phone_id, "no_answer"), now=NOW)
    assert (last.lead_state, last.attempts, last.closed_reason) == ("lost", 4, "max attempts")
    lead = lead_row(db, lead_id)
    assert (lead.state, lead.next_action_at, lead.attempts) == ("lost", None, 4)
    with db.session() as session:
        closing = session.get_one(CallAttempt, last.call_id)
        assert closing.reason == "max attempts"
        states = session.scalars(
            select(AuditEntry.after).where(AuditEntry.entity_id == lead_id).order_by(AuditEntry.id)
        ).all()
    assert states[-1] == {"state": "lost"}
    assert count(db, CallAttempt, CallAttempt.lead_id == lead_id) == 4


def test_callback_needs_a_future_time_and_creates_a_task(
    db: Database, workspace: Workspace
) -> None:
    lead_id, (phone_id,) = add_lead(db, workspace, "+79161234567")
    with pytest.raises(ValidationFailed, match="needs a callback time") as missing:
        record_call(db, workspace.operator, finished(lead_id, phone_id, "callback"), now=NOW)
    assert missing.value.field == "callback_at"
    past = finished(lead_id, phone_id, "callback", callback_at=NOW - dt.timedelta(minutes=1))
    with pytest.raises(ValidationFailed, match="must be in the future") as in_past:
        record_call(db, workspace.operator, past, now=NOW)
    assert in_past.value.field == "callback_at"
    assert count(db, CallAttempt) == 0  # a refused save writes nothing

    due = NOW + dt.timedelta(days=1, hours=2)
    result = record_call(
        db, workspace.operator, finished(lead_id, phone_id, "callback", callback_at=due), now=NOW
    )
    assert (result.lead_state, result.next_action_at) == ("callback", due)
    with db.session() as session:
        task = session.get_one(Task, result.callback_task_id)
        assert (task.kind, task.lead_id, task.due_at, task.state) == (
            "callback",
            lead_id,
            due,
            "open",
        )
        assert task.assigned_to_id == workspace.operator.user_id

    # The callback is made: the task is settled by the next recorded call.
    record_call(db, workspace.operator, finished(lead_id, phone_id, "lead"), now=NOW)
    with db.session() as session:
        assert session.get_one(Task, result.callback_task_id).state == "done"


@pytest.mark.parametrize(("code", "label"), [("not_target", "Нецелевой"), ("refused", "Отказ")])
def test_final_outcomes_need_a_reason(
    db: Database, workspace: Workspace, code: str, label: str
) -> None:
    lead_id, (phone_id,) = add_lead(db, workspace, "+79161234567")
    with pytest.raises(ValidationFailed, match=f"the outcome '{label}' needs a reason") as error:
        record_call(db, workspace.operator, finished(lead_id, phone_id, code, reason="  "), now=NOW)
    assert error.value.field == "reason"
    result = record_call(
        db, workspace.operator, finished(lead_id, phone_id, code, reason="нет бюджета"), now=NOW
    )
    assert (result.lead_state, result.closed_reason) == (code, "нет бюджета")
    assert lead_row(db, lead_id).next_action_at is None


def test_unknown_outcome_and_foreign_phone_are_refused(db: Database, workspace: Workspace) -> None:
    lead_id, (phone_id,) = add_lead(db, workspace, "+79161234567")
    _other_lead, (other_phone,) = add_lead(db, workspace, "+79161234568")
    with pytest.raises(ValidationFailed, match="'sold' is not an outcome") as unknown:
        record_call(db, workspace.operator, finished(lead_id, phone_id, "sold"), now=NOW)
    assert unknown.value.field == "disposition"
    with pytest.raises(ValidationFailed) as foreign:
        record_call(db, workspace.operator, finished(lead_id, other_phone, "busy"), now=NOW)
    assert foreign.value.field == "phone_id"
    with pytest.raises(NotFound):
        record_call(db, workspace.operator, finished(999_999, None, "busy"), now=NOW)
    with pytest.raises(PermissionDenied):
        record_call(db, workspace.admin, finished(lead_id, phone_id, "busy"), now=NOW)
    assert count(db, CallAttempt) == 0


@pytest.mark.parametrize("code", ["lead", "visit_booked"])
def test_positive_outcomes_leave_the_calling_queue(
    db: Database, workspace: Workspace, code: str
) -> None:
    lead_id, (phone_id,) = add_lead(db, workspace, "+79161234567")
    result = record_call(db, workspace.operator, finished(lead_id, phone_id, code), now=NOW)
    lead = lead_row(db, lead_id)
    assert (result.lead_state, lead.state, lead.next_action_at) == (code, code, None)


def test_wrong_number_tries_the_next_phone_then_closes(db: Database, workspace: Workspace) -> None:
    lead_id, (first, second) = add_lead(db, workspace, "+79161234567", "+74951234567")
    result = record_call(db, workspace.operator, finished(lead_id, first, "wrong_number"), now=NOW)
    assert wrong_phone_ids(db, [first, second]) == {first}
    assert (result.lead_state, result.next_action_at) == ("retry", NOW)
    result = record_call(db, workspace.operator, finished(lead_id, second, "wrong_number"), now=NOW)
    assert (result.lead_state, result.closed_reason) == ("lost", "wrong number")
    assert wrong_phone_ids(db, [first, second]) == {first, second}


def test_do_not_call_blocks_the_number_in_every_list(db: Database) -> None:
    broker = make_workspace(db, "Кредиты")
    clinic = make_workspace(db, "Клиника")
    number = "+79161234567"
    lead_id, (phone_id,) = add_lead(db, broker, number)
    twin_in_other_list, _ = add_lead(db, clinic, "+74950000000", number)
    unrelated, _ = add_lead(db, clinic, "+79169999999")

    result = record_call(
        db,
        broker.operator,
        finished(lead_id, phone_id, "do_not_call", reason="просил не звонить"),
        now=NOW,
    )
    assert result.lead_state == "do_not_call"
    assert result.blocked_leads == 1
    assert lead_row(db, twin_in_other_list).state == "do_not_call"
    assert lead_row(db, unrelated).state == "new"
    with db.session() as session:
        blocked = session.scalars(select(DoNotCall)).one()
        assert (blocked.e164, blocked.reason, blocked.added_by_id) == (
            number,
            "просил не звонить",
            broker.operator.user_id,
        )
        audit_actor = session.scalar(
            select(AuditEntry.user_id).where(
                AuditEntry.entity_id == twin_in_other_list, AuditEntry.action == "state_changed"
            )
        )
    assert audit_actor == broker.operator.user_id

    # A call on the other list that was open meanwhile does not bring the lead back.
    after = record_call(
        db, clinic.operator, finished(twin_in_other_list, None, "no_answer"), now=NOW
    )
    assert after.lead_state == "do_not_call"


def test_a_late_save_leaves_a_colleague_s_claim_alone(db: Database, workspace: Workspace) -> None:
    colleague = make_workspace(db, "Клиника").operator
    lead_id, (phone_id,) = add_lead(db, workspace, "+79161234567", claimed_by=colleague.user_id)
    record_call(db, workspace.operator, finished(lead_id, phone_id, "busy"), now=NOW)
    assert lead_row(db, lead_id).claimed_by_id == colleague.user_id


def test_saving_the_same_call_twice_records_it_once(db: Database, workspace: Workspace) -> None:
    lead_id, (phone_id,) = add_lead(db, workspace, "+79161234567")
    call = finished(lead_id, phone_id, "busy")
    first = record_call(db, workspace.operator, call, now=NOW)
    # The first commit succeeded but the reply was lost: the desktop sends it again.
    again = record_call(db, workspace.operator, call, now=NOW + dt.timedelta(hours=1))
    assert not first.already_recorded and again.already_recorded
    assert (again.call_id, again.attempts, again.answers_saved) == (first.call_id, 1, 3)
    assert count(db, CallAttempt) == 1
    assert count(db, ScriptAnswer) == 3
    assert lead_row(db, lead_id).attempts == 1


def test_two_simultaneous_saves_of_one_call_record_it_once(
    db: Database, workspace: Workspace
) -> None:
    lead_id, (phone_id,) = add_lead(db, workspace, "+79161234567")
    call = finished(lead_id, phone_id, "no_answer")
    start = threading.Barrier(2)
    results: list[CallResult] = []

    def send() -> None:
        start.wait()
        results.append(record_call(db, workspace.operator, call, now=NOW))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 2
    assert {result.call_id for result in results} == {results[0].call_id}
    assert sorted(result.already_recorded for result in results) == [False, True]
    assert count(db, CallAttempt) == 1
    assert count(db, ScriptAnswer) == 3
    assert lead_row(db, lead_id).attempts == 1


def test_a_pending_callback_is_checked_against_the_first_save_attempt(
    db: Database, workspace: Workspace
) -> None:
    lead_id, (phone_id,) = add_lead(db, workspace, "+79161234567")
    first_attempt = NOW - dt.timedelta(hours=2)
    due = NOW - dt.timedelta(hours=1)  # in the future when the operator saved, past by now
    call = finished(lead_id, phone_id, "callback", callback_at=due)
    result = record_call(db, workspace.operator, call, now=first_attempt)
    assert (result.lead_state, result.next_action_at) == ("callback", due)


# --- the connection drops mid-call (real PostgreSQL, stopped and started) -----------------


@pytest.mark.pg
def test_a_call_survives_the_database_going_away(
    restartable_pg: RestartableDatabase, tmp_path: Path
) -> None:
    db = restartable_pg.database
    space = make_workspace(db)
    lead_id, (phone_id,) = add_lead(db, space, "+79161234567", claimed_by=space.operator.user_id)
    call = finished(lead_id, phone_id, "callback", callback_at=NOW + dt.timedelta(days=1))
    store = DraftStore(tmp_path / "drafts")
    saves = PendingSaves(store)
    draft = CallDraft(
        client_uuid=call.client_uuid,
        lead_id=lead_id,
        started_at=call.started_at,
        updated_at=NOW,
        operator_id=space.operator.user_id,
        phone_id=phone_id,
        ended_at=call.ended_at,
        talk_seconds=call.talk_seconds,
        notes=call.notes or "",
        disposition="callback",
        callback_at=call.callback_at,
        last_step_id=call.last_step_id,
        dialogue_state={"stage": "closing", "history": ["greeting", "situation"]},
        answers=call.answers,
    )
    store.save(draft)

    restartable_pg.stop()
    outcome = saves.save(db, space.operator, draft)
    assert not outcome.saved and outcome.error
    kept = store.load_all()
    assert [item.client_uuid for item in kept] == [draft.client_uuid]
    assert kept[0].pending and kept[0].answers == draft.answers
    assert kept[0].dialogue_state == draft.dialogue_state
    report = saves.retry_pending(db, space.operator)  # still down: stays pending
    assert report.saved == [] and report.still_pending == [draft.client_uuid]

    restartable_pg.start()
    report = saves.retry_pending(db, space.operator)
    assert report.all_sent and len(report.saved) == 1
    assert store.load_all() == []
    assert count(db, CallAttempt, CallAttempt.client_uuid == draft.client_uuid) == 1
    with db.session() as session:
        answers = session.scalars(select(ScriptAnswer).order_by(ScriptAnswer.answered_at)).all()
        assert [(a.step_id, a.stage, a.objection_id) for a in answers] == [
            ("greeting", "contact", None),
            ("situation", "diagnostics", None),
            ("situation", "objections", "expensive"),
        ]
    assert lead_row(db, lead_id).state == "callback"

    # The reply to a save that did commit was lost: sending it again changes nothing.
    repeated = saves.save(db, space.operator, draft)
    assert repeated.result is not None and repeated.result.already_recorded
    assert count(db, CallAttempt) == 1
    assert count(db, ScriptAnswer) == 3
    assert count(db, Task, Task.kind == "callback") == 1
    assert lead_row(db, lead_id).attempts == 1
