"""What each outcome does to a lead: back-off, maximum attempts, callbacks, closing states."""

from __future__ import annotations

import datetime as dt

import pytest

from operator_app.core.outcomes import (
    DEFAULT_DISPOSITIONS,
    MAX_ATTEMPTS_REASON,
    DispositionInfo,
    LeadChange,
    OutcomeCode,
    decide_lead_change,
    retry_delay,
)

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
BY_CODE = {spec.code: spec for spec in DEFAULT_DISPOSITIONS}


def info(code: str, **flags: bool) -> DispositionInfo:
    spec = BY_CODE.get(code)
    values = {
        "reached": spec.reached if spec else False,
        "positive": spec.positive if spec else False,
        "final": spec.final if spec else False,
        "needs_callback_time": spec.needs_callback_time if spec else False,
        "needs_reason": spec.needs_reason if spec else False,
    }
    values.update(flags)
    return DispositionInfo(None, code, spec.label if spec else code, sort_order=0, **values)


def decide(
    code: str, attempts: int = 1, *, other_phone_left: bool = False, **flags: bool
) -> LeadChange:
    return decide_lead_change(
        info(code, **flags),
        attempts=attempts,
        max_attempts=3,
        backoff_minutes=[15, 90],
        now=NOW,
        callback_at=NOW + dt.timedelta(days=1),
        reason="дорого",
        other_phone_left=other_phone_left,
    )


def test_the_defaults_are_the_ten_outcomes_of_the_issue() -> None:
    assert [spec.code for spec in DEFAULT_DISPOSITIONS] == [code.value for code in OutcomeCode]
    assert {spec.code for spec in DEFAULT_DISPOSITIONS if spec.needs_reason} == {
        "not_target",
        "refused",
    }
    assert [spec.code for spec in DEFAULT_DISPOSITIONS if spec.needs_callback_time] == ["callback"]
    assert {spec.code for spec in DEFAULT_DISPOSITIONS if spec.positive} == {"lead", "visit_booked"}


@pytest.mark.parametrize(("attempts", "minutes"), [(1, 15), (2, 90), (3, 90), (7, 90), (0, 15)])
def test_the_nth_attempt_waits_the_nth_backoff_and_the_last_repeats(
    attempts: int, minutes: int
) -> None:
    assert retry_delay(attempts, [15, 90]) == dt.timedelta(minutes=minutes)


def test_an_empty_backoff_still_waits() -> None:
    assert retry_delay(1, []) > dt.timedelta(0)


@pytest.mark.parametrize("code", ["no_answer", "busy", "voicemail"])
def test_unanswered_calls_retry_until_the_maximum(code: str) -> None:
    assert decide(code, 1) == LeadChange("retry", NOW + dt.timedelta(minutes=15))
    assert decide(code, 2) == LeadChange("retry", NOW + dt.timedelta(minutes=90))
    assert decide(code, 3) == LeadChange("lost", None, closed_reason=MAX_ATTEMPTS_REASON)


def test_callback_schedules_the_lead_and_a_task() -> None:
    change = decide("callback")
    assert change == LeadChange("callback", NOW + dt.timedelta(days=1), callback_task=True)


def test_wrong_number_moves_on_to_another_phone_or_closes() -> None:
    assert decide("wrong_number", other_phone_left=True) == LeadChange(
        "retry", NOW, mark_phone_wrong=True
    )
    closed = decide("wrong_number")
    assert (closed.state, closed.closed_reason) == ("lost", "wrong number")


@pytest.mark.parametrize(
    ("code", "state"),
    [
        ("not_target", "not_target"),
        ("refused", "refused"),
        ("do_not_call", "do_not_call"),
        ("lead", "lead"),
        ("visit_booked", "visit_booked"),
    ],
)
def test_final_outcomes_close_the_lead(code: str, state: str) -> None:
    change = decide(code, 3)  # the attempt limit does not apply to a reached client
    assert (change.state, change.next_action_at) == (state, None)
    assert change.block_number == (code == "do_not_call")


def test_a_campaign_s_own_outcomes_act_by_their_flags() -> None:
    assert decide("line_dropped", 1).state == "retry"
    assert decide("line_dropped", 3).closed_reason == MAX_ATTEMPTS_REASON
    assert decide("sent_offer", final=True, positive=True, reached=True).state == "lead"
    closed = decide("competitor", final=True, reached=True)
    assert (closed.state, closed.closed_reason) == ("lost", "дорого")
    assert decide("call_me_later", needs_callback_time=True).callback_task
