"""Call review on both backends: the call list and its filters, one call as it was captured,
scoring with the checklist, the operator's feedback, and who may see what.

Calls are recorded the way the call card records them: a DialogueSession walks the shipped
credit-broker script and core.calls.record_call saves what it captured.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select

from operator_app.core.errors import NotFound, PermissionDenied, ValidationFailed
from operator_app.core.reports.period import ReportPeriod
from operator_app.core.review.checklist import Checklist, ChecklistItem, Mark
from operator_app.core.review.service import (
    call_detail,
    list_calls,
    my_feedback,
    open_feedback,
    review_choices,
    score_call,
    unread_feedback_count,
)
from operator_app.core.review.views import CallFilter
from operator_app.core.roles import Actor
from operator_app.core.verification.service import VerificationService
from operator_app.storage.database import Database
from operator_app.storage.models import (
    AuditEntry,
    CallAttempt,
    CallReview,
)
from tests.support.review_data import (
    DAY,
    MORNING,
    Floor,
    add_lead,
    another_campaign,
    booked_dialogue,
    make_call,
    make_floor,
    marks,
    short_dialogue,
)

YES, NO, NA = Mark.YES, Mark.NO, Mark.NOT_APPLICABLE


@pytest.fixture
def floor(db: Database) -> Floor:
    return make_floor(db)


def ids(floor: Floor, call_filter: CallFilter) -> list[int]:
    return [c.call_id for c in list_calls(floor.database, floor.supervisor, call_filter).calls]


# --- the call list ----------------------------------------------------------------------------


def test_the_list_filters_calls_and_shows_the_newest_first(floor: Floor, db: Database) -> None:
    hour = dt.timedelta(hours=1)
    booked = make_call(floor, floor.olga, "Иван Петров", dialogue=booked_dialogue(MORNING))
    short = make_call(
        floor,
        floor.olga,
        "Мария Соколова",
        started_at=MORNING + hour,
        talk_seconds=15,
        disposition="callback",
        callback_at=MORNING + 26 * hour,
        dialogue=short_dialogue(MORNING + hour),
    )
    pavels = make_call(
        floor,
        floor.pavel,
        "Пётр Сидоров",
        started_at=MORNING + 2 * hour,
        talk_seconds=90,
        disposition="refused",
        reason="Дорого",
    )
    yesterday = make_call(
        floor, floor.pavel, "Анна Кузнецова", started_at=MORNING - 24 * hour, talk_seconds=300
    )
    other = another_campaign(floor, "Автосалон")
    elsewhere = make_call(other, other.olga, "Олег Орлов", started_at=MORNING + 3 * hour)
    with db.session() as session:  # a call still in progress has no outcome yet
        lead_id, _phone = add_lead(floor, "Звонок идёт")
        session.add(CallAttempt(client_uuid=str(uuid.uuid4()), lead_id=lead_id, started_at=MORNING))

    today = ReportPeriod.single_day(DAY)
    assert ids(floor, CallFilter()) == [elsewhere, pavels, short, booked, yesterday]
    assert ids(floor, CallFilter(period=today)) == [elsewhere, pavels, short, booked]
    assert ids(floor, CallFilter(period=today, campaign_id=floor.campaign_id)) == [
        pavels,
        short,
        booked,
    ]
    assert ids(floor, CallFilter(operator_id=floor.pavel.user_id)) == [pavels, yesterday]
    assert ids(floor, CallFilter(disposition="refused")) == [pavels]
    assert ids(floor, CallFilter(min_talk_seconds=90, campaign_id=floor.campaign_id)) == [
        pavels,
        booked,
        yesterday,
    ]

    score_call(db, floor.supervisor, short, marks(YES, NA, NA, NA))
    assert ids(floor, CallFilter(reviewed=True)) == [short]
    assert short not in ids(floor, CallFilter(reviewed=False))

    first = list_calls(db, floor.supervisor, CallFilter(limit=2))
    second = list_calls(db, floor.supervisor, CallFilter(limit=2, offset=2))
    last = list_calls(db, floor.supervisor, CallFilter(limit=2, offset=4))
    assert [c.call_id for c in first.calls + second.calls + last.calls] == [
        elsewhere,
        pavels,
        short,
        booked,
        yesterday,
    ]
    assert first.has_more and second.has_more and not last.has_more

    row = list_calls(db, floor.supervisor, CallFilter(disposition="refused")).calls[0]
    assert (row.operator_name, row.client_name, row.campaign_name) == (
        "Павел Звонков",
        "Пётр Сидоров",
        "Кредиты",
    )
    assert (row.disposition, row.disposition_label) == ("refused", "Отказ")
    assert (row.talk_seconds, row.duration_seconds) == (90, 110)
    assert row.script_label == "Credit broker — office visit v1"
    assert not row.reviewed and row.score is None


def test_the_list_refuses_bad_pages(floor: Floor) -> None:
    with pytest.raises(ValidationFailed):
        list_calls(floor.database, floor.supervisor, CallFilter(limit=0))
    with pytest.raises(ValidationFailed):
        list_calls(floor.database, floor.supervisor, CallFilter(offset=-1))


def test_filter_choices_offer_campaigns_callers_and_outcomes(floor: Floor) -> None:
    make_call(floor, floor.olga, "Иван Петров")
    choices = review_choices(floor.database, floor.supervisor)
    assert [c.label for c in choices.campaigns] == ["Кредиты"]
    assert [c.label for c in choices.operators] == ["Ольга Операторова"]
    assert ("visit_booked", "Записан на визит") in [(c.key, c.label) for c in choices.dispositions]


# --- one call ---------------------------------------------------------------------------------


def test_a_call_shows_what_was_captured_step_by_step(floor: Floor, db: Database) -> None:
    call_id = make_call(
        floor,
        floor.olga,
        "Иван Петров",
        dialogue=booked_dialogue(MORNING),
        notes="Перезвонить жене после 18:00",
    )
    lead_id = call_detail(db, floor.supervisor, call_id).lead_id
    VerificationService(db).save(floor.olga, lead_id, call_id, {"credit_ok": "yes"})

    detail = call_detail(db, floor.supervisor, call_id)

    assert detail.summary.client_name == "Иван Петров"
    assert detail.summary.disposition_label == "Записан на визит"
    assert (detail.summary.talk_seconds, detail.summary.duration_seconds) == (240, 260)
    assert detail.notes == "Перезвонить жене после 18:00"
    assert detail.last_step_id == "farewell_booked"
    assert detail.script_version_id == floor.script_version_id
    steps = [(s.stage, s.step_id, s.spin, s.answer) for s in detail.answers]
    assert steps[:3] == [
        ("contact", "greeting", None, "Yes, go ahead"),
        ("contact", "small_talk", None, "All right"),
        ("diagnostics", "q_purchase", None, "A car"),
    ]
    assert ("diagnostics", "s_income", "S", "Official, more than six months") in steps
    assert ("diagnostics", "p_main_difficulty", "P", "Afraid of being refused") in steps
    assert steps[-1] == ("closing", "remind_call", None, "Agreed on the reminder")
    assert [s.answered_at for s in detail.steps] == sorted(s.answered_at for s in detail.steps)
    assert detail.answers[2].free_text == "Kia Rio, about 1.5 million"
    assert detail.answers[0].step_text is not None
    assert detail.answers[0].step_text.startswith("Hello, {client_name}!")
    [objection] = detail.objections
    assert (objection.step_id, objection.objection_id) == ("q_broker_fee", "expensive")
    assert objection.objection_title == "Too expensive / I don't want to pay a broker"
    [unmatched] = detail.no_suitable_answers
    assert (unmatched.step_id, unmatched.free_text) == (
        "i_many_applications",
        "My wife decides such things",
    )
    assert detail.verification is not None
    assert detail.verification.verdict == "target"
    assert detail.verification.answers == (("Is the credit history clean?", True),)
    assert detail.verification.verified_by_name == "Ольга Операторова"
    hints = {hint.item: hint for hint in detail.hints}
    assert hints[ChecklistItem.SPIN_S_P].spin_kinds == ("S", "P", "I", "N")
    assert [hint.suggested for hint in detail.hints] == [YES, YES, YES, YES]
    assert detail.review is None


def test_hints_of_a_short_call_leave_the_later_stages_not_applicable(floor: Floor) -> None:
    call_id = make_call(
        floor,
        floor.olga,
        "Мария Соколова",
        disposition="callback",
        callback_at=MORNING + dt.timedelta(days=1),
        dialogue=short_dialogue(MORNING),
    )
    detail = call_detail(floor.database, floor.supervisor, call_id)
    assert detail.callback_at == MORNING + dt.timedelta(days=1)
    assert [hint.suggested for hint in detail.hints] == [YES, NA, NA, NA]


def test_an_unknown_call_is_not_found(floor: Floor) -> None:
    with pytest.raises(NotFound):
        call_detail(floor.database, floor.supervisor, 987654)
    with pytest.raises(NotFound):
        score_call(floor.database, floor.supervisor, 987654, marks(YES, YES, YES, YES))


# --- scoring ----------------------------------------------------------------------------------


def test_scoring_stores_the_checklist_score_and_comment(floor: Floor, db: Database) -> None:
    call_id = make_call(floor, floor.olga, "Иван Петров", dialogue=booked_dialogue(MORNING))
    at = MORNING + dt.timedelta(hours=3)

    detail = score_call(
        db, floor.supervisor, call_id, marks(YES, YES, NO, YES), "  Тизер без призыва  ", now=at
    )

    review = detail.review
    assert review is not None
    assert review.score == Decimal("75.00")
    assert review.comment == "Тизер без призыва"
    assert review.reviewer_name == "Роман Супервайзеров"
    assert review.reviewed_at == at and not review.seen
    assert review.checklist.mark(ChecklistItem.TEASER_CTA) is NO
    with db.session() as session:
        stored = session.scalars(select(CallReview)).one()
        assert stored.checklist == {
            "items": {
                "greeting_notice": "yes",
                "spin_s_p": "yes",
                "teaser_cta": "no",
                "closing_reminder": "yes",
            }
        }
        assert stored.score == Decimal("75.00")
        audit = session.scalars(select(AuditEntry).where(AuditEntry.entity == "call_review")).one()
        assert (audit.action, audit.entity_id, audit.user_id) == (
            "scored",
            stored.id,
            floor.supervisor.user_id,
        )
        assert audit.after is not None and audit.after["score"] == "75.00"
    listed = list_calls(db, floor.supervisor, CallFilter()).calls[0]
    assert listed.reviewed and listed.score == Decimal("75.00")


def test_scoring_again_replaces_the_review_and_the_operator_sees_it_anew(
    floor: Floor, db: Database
) -> None:
    call_id = make_call(floor, floor.olga, "Иван Петров", dialogue=booked_dialogue(MORNING))
    first = score_call(db, floor.supervisor, call_id, marks(YES, NO, NO, NO), "Слабо")
    assert first.review is not None
    open_feedback(db, floor.olga, first.review.review_id)
    assert unread_feedback_count(db, floor.olga) == 0

    second = score_call(db, floor.admin, call_id, marks(YES, YES, NA, NA), None)

    assert second.review is not None
    assert second.review.review_id == first.review.review_id
    assert second.review.score == Decimal("100.00")
    assert second.review.comment is None and not second.review.seen
    assert second.review.reviewer_name == "Анна Админова"
    assert unread_feedback_count(db, floor.olga) == 1
    with db.session() as session:
        assert len(session.scalars(select(CallReview)).all()) == 1
        actions = session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.entity == "call_review")
            .order_by(AuditEntry.id)
        ).all()
        assert actions == ["scored", "seen", "rescored"]


def test_everything_not_applicable_has_no_score(floor: Floor) -> None:
    call_id = make_call(floor, floor.olga, "Иван Петров", disposition="no_answer")
    detail = score_call(floor.database, floor.supervisor, call_id, Checklist.all_not_applicable())
    assert detail.review is not None and detail.review.score is None


def test_a_comment_has_a_length_limit(floor: Floor) -> None:
    call_id = make_call(floor, floor.olga, "Иван Петров")
    with pytest.raises(ValidationFailed) as caught:
        score_call(floor.database, floor.supervisor, call_id, marks(YES, NA, NA, NA), "я" * 4001)
    assert caught.value.field == "comment"


def test_two_reviewers_at_once_leave_one_review(floor: Floor, db: Database) -> None:
    call_id = make_call(floor, floor.olga, "Иван Петров")
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def review(actor: Actor) -> None:
        try:
            start.wait()
            score_call(db, actor, call_id, marks(YES, NA, NA, NA), actor.login)
        except BaseException as error:  # reported below, on the test's thread
            errors.append(error)

    threads = [threading.Thread(target=review, args=(a,)) for a in (floor.supervisor, floor.admin)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.session() as session:
        [stored] = session.scalars(select(CallReview)).all()
        assert stored.comment in ("roman", "boss")


# --- feedback and access ----------------------------------------------------------------------


def test_the_operator_sees_feedback_on_their_own_calls_unread_first(
    floor: Floor, db: Database
) -> None:
    early = make_call(floor, floor.olga, "Иван Петров", started_at=MORNING)
    late = make_call(floor, floor.olga, "Мария Соколова", started_at=MORNING.replace(hour=8))
    unreviewed = make_call(floor, floor.olga, "Пётр Сидоров")
    pavels = make_call(floor, floor.pavel, "Анна Кузнецова")
    t = MORNING + dt.timedelta(hours=5)
    score_call(db, floor.supervisor, early, marks(YES, YES, YES, YES), "Отлично", now=t)
    score_call(db, floor.supervisor, late, marks(YES, NO, NA, NA), "Нет вопросов P", now=t)
    score_call(db, floor.supervisor, pavels, marks(NO, NO, NO, NO), "Павлу", now=t)

    feedback = my_feedback(db, floor.olga)
    assert [f.call.call_id for f in feedback] == [late, early]
    assert unreviewed not in [f.call.call_id for f in feedback]
    assert [f.review.comment for f in feedback] == ["Нет вопросов P", "Отлично"]
    assert unread_feedback_count(db, floor.olga) == 2

    opened = open_feedback(db, floor.olga, feedback[1].review.review_id, now=t)
    assert opened.summary.call_id == early
    assert opened.review is not None and opened.review.seen_by_operator_at == t
    assert [f.call.call_id for f in my_feedback(db, floor.olga)] == [late, early]
    first_unread = my_feedback(db, floor.olga)[0]
    assert not first_unread.review.seen
    assert unread_feedback_count(db, floor.olga) == 1
    # Opening it again changes nothing.
    again = open_feedback(db, floor.olga, feedback[1].review.review_id, now=t + t.resolution)
    assert again.review is not None and again.review.seen_by_operator_at == t

    assert [f.review.comment for f in my_feedback(db, floor.pavel)] == ["Павлу"]


def test_operators_never_see_other_peoples_calls_or_reviews(floor: Floor, db: Database) -> None:
    olgas = make_call(floor, floor.olga, "Иван Петров", dialogue=booked_dialogue(MORNING))
    detail = score_call(db, floor.supervisor, olgas, marks(YES, YES, YES, NO), "Для Ольги")
    assert detail.review is not None
    review_id = detail.review.review_id

    with pytest.raises(PermissionDenied):
        list_calls(db, floor.pavel, CallFilter())
    with pytest.raises(PermissionDenied):
        review_choices(db, floor.pavel)
    with pytest.raises(PermissionDenied):
        call_detail(db, floor.pavel, olgas)
    with pytest.raises(PermissionDenied):  # not even whether a call exists
        call_detail(db, floor.pavel, 987654)
    with pytest.raises(PermissionDenied):
        open_feedback(db, floor.pavel, review_id)
    with pytest.raises(PermissionDenied):
        score_call(db, floor.pavel, olgas, marks(YES, YES, YES, YES))
    with pytest.raises(PermissionDenied):
        score_call(db, floor.olga, olgas, marks(YES, YES, YES, YES))
    assert my_feedback(db, floor.pavel) == ()
    assert unread_feedback_count(db, floor.pavel) == 0

    # Olga may open her own call; a reviewer reading her feedback does not mark it seen.
    assert call_detail(db, floor.olga, olgas).review is not None
    open_feedback(db, floor.supervisor, review_id)
    assert unread_feedback_count(db, floor.olga) == 1
    with pytest.raises(NotFound):
        open_feedback(db, floor.olga, 987654)
