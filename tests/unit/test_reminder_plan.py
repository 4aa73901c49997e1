"""The reminder plan with fixed clocks: what is planned, when, in the client's own time."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from operator_app.core.calendar.reminder_plan import (
    BOOKING_CONFIRMATION,
    CALL,
    CONFIRM_CALL,
    CONTROL_TOUCH,
    FEEDBACK_CALL,
    INT_RANGES,
    MESSAGE,
    MIN_CALL_LEAD,
    NEXT_VISIT_REMINDER,
    NO_SHOW_FEEDBACK,
    REVIEW_REQUEST,
    SECOND_CALL,
    SKIPPED,
    PlannedItem,
    ReminderSettings,
    SkipReason,
    next_visit_at,
    plan_after_booking,
    plan_after_visit,
    plan_feedback_call,
    plan_second_call,
)
from operator_app.core.errors import ValidationFailed
from operator_app.core.queue.calling_hours import CallingHours, HoursWindow

MSK = "Europe/Moscow"  # UTC+3 all year
BERLIN = "Europe/Berlin"  # CET/CEST; summer time starts on Sunday 31 March 2030
WEEKDAYS_9_TO_21 = [HoursWindow(day, dt.time(9), dt.time(21)) for day in range(5)]
HOURS = CallingHours.of([*WEEKDAYS_9_TO_21, HoursWindow(5, dt.time(10), dt.time(16))])
DEFAULTS = ReminderSettings()


def at(zone: str, year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A wall-clock moment in `zone`, as UTC. 4 March 2030 is a Monday."""
    local = dt.datetime(year, month, day, hour, minute, tzinfo=zoneinfo.ZoneInfo(zone))
    return local.astimezone(dt.UTC)


def plan(
    booked_at: dt.datetime,
    visit_starts: dt.datetime,
    *,
    zone: str = MSK,
    hours: CallingHours = HOURS,
    reminders: ReminderSettings = DEFAULTS,
) -> list[PlannedItem]:
    return plan_after_booking(
        reminders,
        booked_at=booked_at,
        visit_starts=visit_starts,
        client_zone=zone,
        calling_hours=hours,
    )


def item(items: list[PlannedItem], kind: str) -> PlannedItem:
    (found,) = [i for i in items if i.kind == kind]
    return found


# --- after booking ------------------------------------------------------------------------


def test_a_visit_days_away_gets_confirmation_control_touch_and_call_soonest_first() -> None:
    booked = at(MSK, 2030, 3, 4, 10)  # Monday
    visit = at(MSK, 2030, 3, 7, 15)  # Thursday
    assert plan(booked, visit) == [
        PlannedItem(BOOKING_CONFIRMATION, booked, MESSAGE),
        PlannedItem(CONTROL_TOUCH, at(MSK, 2030, 3, 6, 12), MESSAGE),  # Wednesday noon
        PlannedItem(CONFIRM_CALL, at(MSK, 2030, 3, 7, 12), CALL),  # three hours before
    ]


def test_a_visit_tomorrow_has_no_control_touch() -> None:
    kinds = [i.kind for i in plan(at(MSK, 2030, 3, 4, 10), at(MSK, 2030, 3, 5, 15))]
    assert kinds == [BOOKING_CONFIRMATION, CONFIRM_CALL]


def test_control_touch_counts_calendar_days_in_the_clients_zone() -> None:
    # Booked late Monday for early Wednesday: 34 hours, but two calendar days away.
    items = plan(at(MSK, 2030, 3, 4, 22), at(MSK, 2030, 3, 6, 10))
    assert item(items, CONTROL_TOUCH).due_at == at(MSK, 2030, 3, 5, 12)


def test_the_threshold_and_the_written_confirmation_are_configurable() -> None:
    reminders = ReminderSettings(confirmation_message=False, control_touch_min_days=4)
    kinds = [
        i.kind for i in plan(at(MSK, 2030, 3, 4, 10), at(MSK, 2030, 3, 7, 15), reminders=reminders)
    ]
    assert kinds == [CONFIRM_CALL]
    reminders = ReminderSettings(confirm_call_hours_before=5)
    items = plan(at(MSK, 2030, 3, 4, 10), at(MSK, 2030, 3, 5, 15), reminders=reminders)
    assert item(items, CONFIRM_CALL).due_at == at(MSK, 2030, 3, 5, 10)


def test_a_confirmation_call_before_calling_hours_moves_to_the_evening_before() -> None:
    # Tuesday 10:00 minus three hours is 07:00: too early; Monday 20:30 leaves time to call.
    items = plan(at(MSK, 2030, 3, 4, 10), at(MSK, 2030, 3, 5, 10))
    assert item(items, CONFIRM_CALL) == PlannedItem(CONFIRM_CALL, at(MSK, 2030, 3, 4, 20, 30), CALL)


def test_a_confirmation_call_is_not_moved_back_over_a_weekend_when_the_morning_works() -> None:
    # Monday 10:00: the last calling moment before 07:00 is Saturday 15:30 (40 hours back);
    # Monday 09:00 is still an hour before the visit, so the call is made then.
    items = plan(at(MSK, 2030, 3, 7, 10), at(MSK, 2030, 3, 11, 10))
    assert item(items, CONFIRM_CALL).due_at == at(MSK, 2030, 3, 11, 9)


def test_when_the_morning_is_too_late_the_call_goes_back_to_the_last_calling_hours() -> None:
    # Monday 09:30: 09:00 is less than an hour before, so Saturday 15:30.
    items = plan(at(MSK, 2030, 3, 7, 10), at(MSK, 2030, 3, 11, 9, 30))
    assert item(items, CONFIRM_CALL).due_at == at(MSK, 2030, 3, 9, 15, 30)


def test_no_calling_window_between_booking_and_visit_means_no_call_and_says_so() -> None:
    # Booked on Sunday (no hours) for Monday 09:30.
    items = plan(at(MSK, 2030, 3, 10, 11), at(MSK, 2030, 3, 11, 9, 30))
    call = item(items, CONFIRM_CALL)
    assert call.channel == SKIPPED and call.skip_reason == SkipReason.NO_CALLING_HOURS
    assert not call.is_call


def test_a_visit_booked_within_the_call_interval_gets_no_call() -> None:
    items = plan(at(MSK, 2030, 3, 4, 13), at(MSK, 2030, 3, 4, 15))
    call = item(items, CONFIRM_CALL)
    assert call.channel == SKIPPED and call.skip_reason == SkipReason.BOOKED_TOO_CLOSE


def test_the_clients_zone_decides_the_calling_hours() -> None:
    visit = dt.datetime(2030, 3, 5, 6, 0, tzinfo=dt.UTC)  # 09:00 Moscow, 11:00 Yekaterinburg
    booked = dt.datetime(2030, 3, 4, 6, 0, tzinfo=dt.UTC)
    moscow = item(plan(booked, visit, zone=MSK), CONFIRM_CALL).due_at
    yekaterinburg = item(plan(booked, visit, zone="Asia/Yekaterinburg"), CONFIRM_CALL).due_at
    assert moscow == at(MSK, 2030, 3, 4, 20, 30)
    assert yekaterinburg == at("Asia/Yekaterinburg", 2030, 3, 4, 20, 30)


def test_the_plan_keeps_the_clients_wall_clock_across_a_dst_change() -> None:
    booked = at(BERLIN, 2030, 3, 29, 10)  # Friday, CET (UTC+1)
    visit = at(BERLIN, 2030, 4, 1, 10)  # Monday, CEST (UTC+2)
    items = plan(booked, visit, zone=BERLIN)
    touch = item(items, CONTROL_TOUCH).due_at  # Sunday 31 March, the day the clocks change
    assert touch == dt.datetime(2030, 3, 31, 10, 0, tzinfo=dt.UTC)  # 12:00 CEST
    assert item(items, CONFIRM_CALL).due_at == dt.datetime(2030, 4, 1, 7, 0, tzinfo=dt.UTC)


def test_a_control_call_is_made_at_noon_the_day_before_inside_calling_hours() -> None:
    reminders = ReminderSettings(control_touch_kind="call")
    items = plan(at(MSK, 2030, 3, 4, 10), at(MSK, 2030, 3, 7, 15), reminders=reminders)
    assert item(items, CONTROL_TOUCH) == PlannedItem(CONTROL_TOUCH, at(MSK, 2030, 3, 6, 12), CALL)
    afternoons = CallingHours.of(HoursWindow(day, dt.time(14), dt.time(20)) for day in range(7))
    items = plan(
        at(MSK, 2030, 3, 4, 10), at(MSK, 2030, 3, 7, 15), hours=afternoons, reminders=reminders
    )
    assert item(items, CONTROL_TOUCH).due_at == at(MSK, 2030, 3, 6, 14)


def test_a_control_call_skips_back_over_a_day_without_calling_hours() -> None:
    reminders = ReminderSettings(control_touch_kind="call")
    items = plan(at(MSK, 2030, 3, 6, 10), at(MSK, 2030, 3, 11, 15), reminders=reminders)
    assert item(items, CONTROL_TOUCH).due_at == at(MSK, 2030, 3, 9, 12)  # Saturday, not Sunday


def test_a_control_call_on_the_confirmation_calls_day_is_skipped() -> None:
    # The confirmation call moves to Monday evening, the control call would be Monday noon.
    reminders = ReminderSettings(control_touch_kind="call")
    items = plan(at(MSK, 2030, 3, 7, 10), at(MSK, 2030, 3, 12, 9, 30), reminders=reminders)
    assert item(items, CONFIRM_CALL).due_at == at(MSK, 2030, 3, 11, 20, 30)
    touch = item(items, CONTROL_TOUCH)
    assert touch.channel == SKIPPED and touch.skip_reason == SkipReason.SAME_DAY_AS_CONFIRM_CALL


# --- the second call --------------------------------------------------------------------


def second(failed: dt.datetime, visit: dt.datetime, minutes: int = 60) -> PlannedItem:
    return plan_second_call(
        ReminderSettings(second_call_after_minutes=minutes),
        failed_at=failed,
        visit_starts=visit,
        client_zone=MSK,
        calling_hours=HOURS,
    )


def test_the_second_call_comes_after_the_interval() -> None:
    assert second(at(MSK, 2030, 3, 7, 12), at(MSK, 2030, 3, 7, 15)) == PlannedItem(
        SECOND_CALL, at(MSK, 2030, 3, 7, 13), CALL
    )
    assert second(at(MSK, 2030, 3, 7, 12), at(MSK, 2030, 3, 7, 15), 90).due_at == at(
        MSK, 2030, 3, 7, 13, 30
    )


def test_a_second_call_after_hours_waits_for_the_morning() -> None:
    assert second(at(MSK, 2030, 3, 7, 20, 40), at(MSK, 2030, 3, 8, 10)).due_at == at(
        MSK, 2030, 3, 8, 9
    )


def test_a_second_call_too_close_to_the_visit_is_made_sooner() -> None:
    assert second(at(MSK, 2030, 3, 7, 12, 30), at(MSK, 2030, 3, 7, 14)).due_at == at(
        MSK, 2030, 3, 7, 13
    )


def test_no_time_for_a_second_call_is_said() -> None:
    call = second(at(MSK, 2030, 3, 7, 13, 30), at(MSK, 2030, 3, 7, 14))
    assert call.channel == SKIPPED and call.skip_reason == SkipReason.NO_CALLING_HOURS


# --- after the visit (cyclic campaigns) --------------------------------------------------


def after_visit(
    reminders: ReminderSettings, starts: dt.datetime, held_at: dt.datetime, zone: str = MSK
) -> list[PlannedItem]:
    return plan_after_visit(
        reminders,
        visit_starts=starts,
        visit_ends=starts + dt.timedelta(hours=1),
        held_at=held_at,
        client_zone=zone,
        calling_hours=HOURS,
    )


def test_a_review_is_asked_some_hours_after_the_visit_but_never_in_the_past() -> None:
    starts = at(MSK, 2030, 3, 4, 10)
    assert after_visit(DEFAULTS, starts, starts) == [
        PlannedItem(REVIEW_REQUEST, at(MSK, 2030, 3, 4, 13), MESSAGE)
    ]
    late = at(MSK, 2030, 3, 4, 18)
    assert after_visit(DEFAULTS, starts, late)[0].due_at == late


def test_the_next_visit_reminder_follows_the_rule_on_the_clients_wall_clock() -> None:
    reminders = ReminderSettings(next_visit_rule="FREQ=MONTHLY;INTERVAL=3")
    starts = at(BERLIN, 2030, 1, 15, 10)  # CET
    assert next_visit_at("FREQ=MONTHLY;INTERVAL=3", starts, BERLIN) == at(BERLIN, 2030, 4, 15, 10)
    items = after_visit(reminders, starts, starts, BERLIN)
    assert item(items, NEXT_VISIT_REMINDER) == PlannedItem(
        NEXT_VISIT_REMINDER, dt.datetime(2030, 4, 8, 10, 0, tzinfo=dt.UTC), MESSAGE
    )
    by_phone = ReminderSettings(
        next_visit_rule="FREQ=WEEKLY;INTERVAL=2",
        next_visit_remind_days_before=2,
        next_visit_remind_kind="call",
    )
    # Two weeks after Monday 4 March is Monday 18 March; two days before is a Saturday.
    items = after_visit(by_phone, at(MSK, 2030, 3, 4, 10), at(MSK, 2030, 3, 4, 11))
    assert item(items, NEXT_VISIT_REMINDER) == PlannedItem(
        NEXT_VISIT_REMINDER, at(MSK, 2030, 3, 16, 12), CALL
    )


def test_a_rule_that_has_ended_plans_no_reminder() -> None:
    reminders = ReminderSettings(next_visit_rule="FREQ=MONTHLY;UNTIL=20300401T000000")
    items = after_visit(reminders, at(MSK, 2030, 3, 4, 10), at(MSK, 2030, 3, 4, 10))
    assert [i.kind for i in items] == [REVIEW_REQUEST]


def test_a_no_show_is_called_soon_inside_calling_hours_or_written_to() -> None:
    def feedback(moment: dt.datetime, hours: CallingHours = HOURS) -> PlannedItem:
        return plan_feedback_call(no_show_at=moment, client_zone=MSK, calling_hours=hours)

    assert feedback(at(MSK, 2030, 3, 4, 11, 15)) == PlannedItem(
        FEEDBACK_CALL, at(MSK, 2030, 3, 4, 11, 45), CALL
    )
    assert feedback(at(MSK, 2030, 3, 8, 20, 45)).due_at == at(MSK, 2030, 3, 9, 10)  # Saturday
    no_calls = CallingHours.of([])
    assert feedback(at(MSK, 2030, 3, 4, 11), no_calls) == PlannedItem(
        NO_SHOW_FEEDBACK, at(MSK, 2030, 3, 4, 11), MESSAGE
    )


# --- settings -----------------------------------------------------------------------------


def test_settings_default_from_the_domain_notes_and_round_trip() -> None:
    assert ReminderSettings.from_json(None) == DEFAULTS
    assert ReminderSettings.from_json({}) == DEFAULTS
    assert DEFAULTS.confirm_call_hours_before == 3 and DEFAULTS.control_touch_min_days == 2
    custom = ReminderSettings.from_json(
        {"confirm_call_hours_before": 4, "next_visit_rule": " FREQ=MONTHLY;INTERVAL=3 "}
    )
    assert custom.confirm_call_hours_before == 4
    assert custom.next_visit_rule == "FREQ=MONTHLY;INTERVAL=3"
    assert custom.second_call_after_minutes == 60
    assert ReminderSettings.from_json(custom.to_json()) == custom


@pytest.mark.parametrize(
    ("raw", "field", "problem"),
    [
        ({"confirm_call_hours_before": 0}, "confirm_call_hours_before", "out_of_range"),
        ({"confirm_call_hours_before": "3"}, "confirm_call_hours_before", "not_an_integer"),
        ({"second_call_after_minutes": True}, "second_call_after_minutes", "not_an_integer"),
        ({"control_touch_min_days": 2.5}, "control_touch_min_days", "not_an_integer"),
        ({"confirmation_message": 1}, "confirmation_message", "not_a_boolean"),
        ({"control_touch_kind": "sms"}, "control_touch_kind", "unknown_choice"),
        ({"next_visit_rule": "FREQ=SOMETIMES"}, "next_visit_rule", "invalid_rule"),
        ({"next_visit_rule": "every three months"}, "next_visit_rule", "invalid_rule"),
        ({"next_visit_rule": "FREQ=DAILY;COUNT=1"}, "next_visit_rule", "invalid_rule"),
        ({"next_visit_rule": 3}, "next_visit_rule", "invalid_rule"),
        (
            {"next_visit_rule": "DTSTART:20300101T000000\nRRULE:FREQ=DAILY"},
            "next_visit_rule",
            "invalid_rule",
        ),
        ({"confirm_call_hours": 3}, "confirm_call_hours", "unknown_field"),
        (["confirm_call_hours_before"], "reminders", "not_an_object"),
    ],
)
def test_bad_settings_name_the_field_and_the_problem(raw: Any, field: str, problem: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        ReminderSettings.from_json(raw)
    assert (caught.value.field, caught.value.problem) == (field, problem)
    assert field in str(caught.value) or field == "reminders"


# --- properties ---------------------------------------------------------------------------

ZONES = [MSK, BERLIN, "Asia/Vladivostok", "America/New_York", "Europe/Kaliningrad"]
START = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


@settings(max_examples=300, deadline=None)
@given(
    booked_minutes=st.integers(0, 60 * 24 * 365),
    ahead_minutes=st.integers(30, 60 * 24 * 14),
    zone=st.sampled_from(ZONES),
    hours_before=st.integers(1, 30),
    touch_kind=st.sampled_from(["message", "call"]),
)
def test_every_planned_call_is_inside_calling_hours_after_booking_and_before_the_visit(
    booked_minutes: int, ahead_minutes: int, zone: str, hours_before: int, touch_kind: str
) -> None:
    booked = START + dt.timedelta(minutes=booked_minutes)
    visit = booked + dt.timedelta(minutes=ahead_minutes)
    reminders = ReminderSettings(
        confirm_call_hours_before=hours_before, control_touch_kind=touch_kind
    )
    items = plan(booked, visit, zone=zone, reminders=reminders)
    assert [i.due_at for i in items] == sorted(i.due_at for i in items)
    for planned in items:
        assert planned.due_at.tzinfo is not None and planned.due_at.utcoffset() == dt.timedelta(0)
        if planned.is_call:
            assert HOURS.allows(planned.due_at, zone)
            assert booked < planned.due_at <= visit - MIN_CALL_LEAD
        elif planned.is_message:
            assert booked <= planned.due_at < visit
    assert item(items, CONFIRM_CALL).channel in {CALL, SKIPPED}


@pytest.mark.parametrize("field", sorted(INT_RANGES))
def test_whole_number_settings_accept_their_range_and_nothing_outside(field: str) -> None:
    low, high = INT_RANGES[field]
    assert getattr(ReminderSettings.from_json({field: low}), field) == low
    assert getattr(ReminderSettings.from_json({field: high}), field) == high
    for outside in (low - 1, high + 1):
        with pytest.raises(ValidationFailed) as refused:
            ReminderSettings.from_json({field: outside})
        assert refused.value.field == field
