"""Criteria versions and verifications on both backends: versioning, override rules, permissions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pytest
from sqlalchemy import func, select

from operator_app.core.errors import NotFound, PermissionDenied, ValidationFailed
from operator_app.core.roles import Actor, Role
from operator_app.core.users import UserService
from operator_app.core.verification.criteria import (
    NonTargetReason,
    criteria_from_data,
)
from operator_app.core.verification.service import CriteriaService, VerificationService
from operator_app.core.verification.verdict import AnswerInvalid, Verdict
from operator_app.storage.database import Database
from operator_app.storage.models import (
    CallAttempt,
    Campaign,
    Contact,
    CriteriaSet,
    Lead,
    Verification,
)

CRITERIA = criteria_from_data(
    [
        {"id": "history", "question": "Кредитная история?", "type": "choice",
         "choices": ["Хорошая", "Испорчена безнадёжно"],
         "disqualify_if": {"equals": "Испорчена безнадёжно"}},
        {"id": "age", "question": "Возраст?", "type": "number", "disqualify_if": {"less_than": 21}},
        {"id": "deal", "question": "Когда сделка?", "type": "date", "required": False},
    ]
)  # fmt: skip
REASONS = (
    NonTargetReason("bad_history", "Испорченная кредитная история"),
    NonTargetReason("other", "Другое"),
)


@dataclass(frozen=True)
class Space:
    supervisor: Actor
    operator: Actor
    campaign_id: int
    lead_id: int
    call_id: int


def actor(users: UserService, admin: Actor, login: str, role: Role) -> Actor:
    info = users.create_user(admin, login, login.title(), role, "secret1")
    return Actor(info.id, info.login, info.display_name, info.role)


@pytest.fixture
def space(db: Database) -> Space:
    users = UserService(db)
    admin = users.create_first_admin("admin", "Admin", "secret1")
    supervisor = actor(users, admin, "marina", Role.SUPERVISOR)
    operator = actor(users, admin, "olga", Role.OPERATOR)
    with db.session() as session:
        campaign = Campaign(name="Кредиты")
        contact = Contact(full_name="Иван Петров")
        session.add_all([campaign, contact])
        session.flush()
        lead = Lead(contact_id=contact.id, campaign_id=campaign.id, state="lead")
        session.add(lead)
        session.flush()
        now = dt.datetime.now(dt.UTC)
        call = CallAttempt(
            client_uuid="c0ffee00-0000-0000-0000-000000000001",
            lead_id=lead.id,
            operator_id=operator.user_id,
            started_at=now,
            ended_at=now,
        )
        session.add(call)
        session.flush()
        ids = campaign.id, lead.id, call.id
    CriteriaService(db).save(supervisor, ids[0], CRITERIA, REASONS)
    return Space(supervisor, operator, *ids)


def test_saving_unchanged_criteria_keeps_the_version_and_a_change_adds_one(
    db: Database, space: Space
) -> None:
    service = CriteriaService(db)
    first = service.current(space.campaign_id)
    assert first is not None and first.version == 1
    assert first.criteria == CRITERIA and first.reasons == REASONS
    again = service.save(space.supervisor, space.campaign_id, CRITERIA, REASONS)
    assert again.id == first.id
    changed = (replace(CRITERIA[0], question="Какая кредитная история?"), *CRITERIA[1:])
    second = service.save(space.supervisor, space.campaign_id, changed, REASONS)
    assert second.version == 2 and service.current(space.campaign_id) == second
    third = service.save(space.supervisor, space.campaign_id, changed, REASONS[:1])
    assert third.version == 3
    assert service.current(12345) is None


def test_past_verifications_keep_their_criteria_version(db: Database, space: Space) -> None:
    verifications = VerificationService(db)
    old = verifications.save(
        space.operator, space.lead_id, space.call_id, {"history": "Хорошая", "age": "30"}
    )
    changed = (*CRITERIA, *criteria_from_data([{"id": "x", "question": "?", "type": "text"}]))
    CriteriaService(db).save(space.supervisor, space.campaign_id, changed, REASONS)
    assert verifications.latest(space.lead_id) == old
    assert old.criteria_version == 1
    with pytest.raises(ValidationFailed):  # the new version asks "x"
        verifications.save(space.operator, space.lead_id, None, {"history": "Хорошая", "age": "30"})
    new = verifications.save(
        space.operator, space.lead_id, None, {"history": "Хорошая", "age": "30", "x": "да"}
    )
    assert new.criteria_version == 2 and verifications.latest(space.lead_id) == new


def test_an_operator_cannot_edit_criteria(db: Database, space: Space) -> None:
    with pytest.raises(PermissionDenied):
        CriteriaService(db).save(space.operator, space.campaign_id, CRITERIA[:1], REASONS)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(CriteriaSet)) == 1


def test_invalid_criteria_are_refused_with_the_field(db: Database, space: Space) -> None:
    duplicated = (CRITERIA[0], CRITERIA[0])
    with pytest.raises(ValidationFailed) as caught:
        CriteriaService(db).save(space.supervisor, space.campaign_id, duplicated, REASONS)
    assert caught.value.field == "criteria" and "duplicate id 'history'" in str(caught.value)
    with pytest.raises(NotFound):
        CriteriaService(db).save(space.supervisor, 9999, CRITERIA, REASONS)


def test_a_target_verification_stores_parsed_answers(db: Database, space: Space) -> None:
    view = VerificationService(db).save(
        space.operator,
        space.lead_id,
        space.call_id,
        {"history": "хорошая", "age": "35", "deal": "01.03.2027"},
        reason="other",  # a target keeps no reason
    )
    assert (view.computed_verdict, view.verdict, view.overridden) == (
        Verdict.TARGET,
        Verdict.TARGET,
        False,
    )
    assert view.answers == {"history": "Хорошая", "age": 35, "deal": dt.date(2027, 3, 1)}
    assert view.reason is None and view.call_id == space.call_id
    assert view.verified_by_id == space.operator.user_id and view.verified_by_name == "Olga"
    assert view.contact_name == "Иван Петров" and view.campaign_name == "Кредиты"
    with db.session() as session:
        row = session.scalars(select(Verification)).one()
        assert row.answers == {"history": "Хорошая", "age": 35, "deal": "2027-03-01"}


def test_a_non_target_needs_a_configured_reason(db: Database, space: Space) -> None:
    service = VerificationService(db)
    answers = {"history": "Испорчена безнадёжно"}  # decided although age is missing
    with pytest.raises(ValidationFailed) as caught:
        service.save(space.operator, space.lead_id, None, answers)
    assert caught.value.field == "reason"
    with pytest.raises(ValidationFailed) as caught:
        service.save(space.operator, space.lead_id, None, answers, reason="no_money")
    assert caught.value.problem == "unknown_reason"
    view = service.save(space.operator, space.lead_id, None, answers, reason="bad_history")
    assert view.verdict is Verdict.NON_TARGET and view.reason == "bad_history"
    assert view.reason_label == "Испорченная кредитная история"


def test_overrides_need_a_comment_and_supervisors_see_them(db: Database, space: Space) -> None:
    service = VerificationService(db)
    answers = {"history": "Хорошая", "age": "19"}
    with pytest.raises(ValidationFailed) as caught:
        service.save(space.operator, space.lead_id, None, answers, override_verdict="target")
    assert caught.value.field == "override_comment"
    service.save(space.operator, space.lead_id, None, {"history": "Хорошая", "age": 40})
    view = service.save(
        space.operator,
        space.lead_id,
        space.call_id,
        answers,
        override_verdict="target",
        override_comment="Через месяц 21, сделка позже",
    )
    assert (view.computed_verdict, view.verdict, view.overridden) == (
        Verdict.NON_TARGET,
        Verdict.TARGET,
        True,
    )
    review = service.overrides_for_review(space.supervisor)
    assert review == [view]
    assert service.overrides_for_review(space.supervisor, space.campaign_id) == [view]
    assert service.overrides_for_review(space.supervisor, space.campaign_id + 1) == []
    with pytest.raises(PermissionDenied):
        service.overrides_for_review(space.operator)


def test_bad_answers_and_missing_things_write_nothing(db: Database, space: Space) -> None:
    service = VerificationService(db)
    with pytest.raises(AnswerInvalid) as bad_answer:
        service.save(space.operator, space.lead_id, None, {"history": "Хорошая", "age": "old"})
    assert bad_answer.value.field == "age"
    with pytest.raises(ValidationFailed) as caught:
        service.save(space.operator, space.lead_id, None, {"history": "Хорошая"})
    assert (caught.value.field, caught.value.problem) == ("verdict", "incomplete")
    with pytest.raises(NotFound):
        service.save(space.operator, 424242, None, {})
    with pytest.raises(NotFound):
        service.save(space.operator, space.lead_id, space.call_id + 1, {})
    with db.session() as session:
        other = Campaign(name="Без критериев")
        contact = Contact(full_name="Пётр")
        session.add_all([other, contact])
        session.flush()
        lead = Lead(contact_id=contact.id, campaign_id=other.id, state="lead")
        session.add(lead)
        session.flush()
        bare_lead = lead.id
    with pytest.raises(ValidationFailed) as caught:
        service.save(space.operator, bare_lead, None, {})
    assert caught.value.field == "campaign"
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Verification)) == 0
    assert service.latest(space.lead_id) is None
