"""When to remind a client of a visit: a pure plan computed from the campaign's settings.

Every moment is chosen on the client's own wall clock (zoneinfo) and returned in UTC, so a
reminder "the day before at noon" stays at noon across a DST change. Calls must fall inside
the campaign's calling hours in the client's zone; messages are planned at a daytime hour and
the outbox shifts them out of the channel's quiet hours.

The plan is split by when it can be known:
- `plan_after_booking`: written confirmation, the control touch, the confirmation call;
- `plan_second_call`: after the confirmation call did not reach the client;
- `plan_after_visit`: cyclic campaigns, once the visit is held — the review request and the
  next-visit reminder. They are not queued at booking: a review request must never go out
  for a visit that did not happen.

A call that has no acceptable moment is still returned, with channel `SKIPPED` and the
reason, so the caller can say why there is no call instead of silently having none.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from enum import StrEnum
from typing import Any, Final

from dateutil.rrule import rrule, rrulestr

from operator_app.core.errors import ValidationFailed
from operator_app.core.queue.calling_hours import CallingHours

__all__ = [
    "BOOKING_CONFIRMATION",
    "CALL",
    "CONFIRM_CALL",
    "CONTROL_TOUCH",
    "EARLIER_SLOT",
    "FEEDBACK_CALL",
    "INT_RANGES",
    "MESSAGE",
    "NEXT_VISIT_REMINDER",
    "NO_SHOW_FEEDBACK",
    "REVIEW_REQUEST",
    "SECOND_CALL",
    "SKIPPED",
    "PlannedItem",
    "ReminderSettings",
    "SkipReason",
    "next_visit_at",
    "plan_after_booking",
    "plan_after_visit",
    "plan_feedback_call",
    "plan_second_call",
]

# PlannedItem.channel: a call becomes a task, a message goes to the outbox.
CALL: Final = "call"
MESSAGE: Final = "message"
SKIPPED: Final = "skipped"

# PlannedItem.kind: the task kind for calls, the template code for messages.
BOOKING_CONFIRMATION: Final = "booking_confirmation"
CONTROL_TOUCH: Final = "control_touch"
CONFIRM_CALL: Final = "confirm_call"
SECOND_CALL: Final = "second_call"
FEEDBACK_CALL: Final = "feedback_call"
NO_SHOW_FEEDBACK: Final = "no_show_feedback"
EARLIER_SLOT: Final = "earlier_slot"  # a call offering a freed seat (attendance.py)
REVIEW_REQUEST: Final = "review_request"
NEXT_VISIT_REMINDER: Final = "next_visit_reminder"

DAYTIME: Final = dt.time(12, 0)
"""When a day-level touch is aimed at, in the client's time: nobody minds a call at noon."""
CALL_MARGIN: Final = dt.timedelta(minutes=30)
"""A call moved to the end of a window is due this long before it closes, so it can be made."""
MIN_CALL_LEAD: Final = dt.timedelta(hours=1)
"""A confirmation call later than this before the visit is useless: the client is on the way."""
EARLIER_LIMIT: Final = dt.timedelta(hours=24)
"""Moved earlier by more than this, a confirmation call is a second control touch; a call
later (still MIN_CALL_LEAD before the visit) is preferred then."""
FEEDBACK_DELAY: Final = dt.timedelta(minutes=30)
"""A no-show is asked what went wrong soon, not while they may still be on the way."""
SEARCH_DAYS: Final = 8


class SkipReason(StrEnum):
    """Why a planned call has no moment (stable codes for the UI)."""

    BOOKED_TOO_CLOSE = "booked_too_close"
    """Booked so close to the visit that the call would be before the booking itself."""
    NO_CALLING_HOURS = "no_calling_hours"
    """No calling window between the booking (or the failed call) and the visit."""
    SAME_DAY_AS_CONFIRM_CALL = "same_day_as_confirm_call"
    """The control call would be on the confirmation call's day: one call is enough."""


@dataclass(frozen=True, slots=True)
class PlannedItem:
    kind: str
    due_at: dt.datetime  # UTC; for a skipped call, the moment it was aimed at
    channel: str  # CALL | MESSAGE | SKIPPED
    skip_reason: str | None = None

    @property
    def is_call(self) -> bool:
        return self.channel == CALL

    @property
    def is_message(self) -> bool:
        return self.channel == MESSAGE


_KINDS = ("message", "call")
# Inclusive bounds of the whole-number settings; editors offer only these.
INT_RANGES: Final[Mapping[str, tuple[int, int]]] = {
    "control_touch_min_days": (1, 60),
    "confirm_call_hours_before": (1, 72),
    "second_call_after_minutes": (5, 24 * 60),
    "review_request_hours_after": (0, 24 * 14),
    "next_visit_remind_days_before": (0, 365),
}
_BOOLS: Final = ("confirmation_message", "cancel_after_second_call")
_CHOICES: Final[Mapping[str, tuple[str, ...]]] = {
    "control_touch_kind": _KINDS,
    "next_visit_remind_kind": _KINDS,
}


@dataclass(frozen=True, slots=True)
class ReminderSettings:
    """A campaign's reminder plan: `campaigns.settings["reminders"]`, defaults from DOMAIN.md."""

    confirmation_message: bool = True
    control_touch_min_days: int = 2
    """A touch the day before when the visit is this many calendar days away or more."""
    control_touch_kind: str = "message"  # message | call
    confirm_call_hours_before: int = 3
    second_call_after_minutes: int = 60
    cancel_after_second_call: bool = True
    review_request_hours_after: int = 2
    """Cyclic campaigns: after the visit's end."""
    next_visit_rule: str | None = None
    """RFC 5545 RRULE from the visit's start, e.g. "FREQ=MONTHLY;INTERVAL=3"."""
    next_visit_remind_days_before: int = 7
    next_visit_remind_kind: str = "message"  # message | call

    @classmethod
    def from_json(cls, raw: Mapping[str, Any] | None) -> ReminderSettings:
        """The settings from JSON; a missing key takes its default, a bad value raises
        ValidationFailed naming the key."""
        if raw is None:
            return cls()
        if not isinstance(raw, Mapping):
            raise ValidationFailed(
                "reminders", "not_an_object", "the reminder plan must be a mapping"
            )
        known = {f.name for f in fields(cls)}
        for key in raw:
            if key not in known:
                raise ValidationFailed(
                    str(key), "unknown_field", f"unknown reminder setting {key!r}"
                )
        values: dict[str, Any] = {}
        for key, value in raw.items():
            values[key] = _checked(key, value)
        return cls(**values)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _checked(key: str, value: Any) -> Any:
    if key in _BOOLS:
        if not isinstance(value, bool):
            raise ValidationFailed(key, "not_a_boolean", f"{key} must be true or false")
        return value
    if key in INT_RANGES:
        low, high = INT_RANGES[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationFailed(key, "not_an_integer", f"{key} must be a whole number")
        if not low <= value <= high:
            raise ValidationFailed(
                key, "out_of_range", f"{key} must be between {low} and {high}, not {value}"
            )
        return value
    if key in _CHOICES:
        if value not in _CHOICES[key]:
            choices = " or ".join(_CHOICES[key])
            raise ValidationFailed(key, "unknown_choice", f"{key} must be {choices}, not {value!r}")
        return value
    # next_visit_rule
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed(key, "invalid_rule", f"{key} must be an RRULE text or null")
    start = dt.datetime(2030, 1, 1, 12, 0)
    if _parse_rule(value.strip(), start).after(start) is None:
        raise ValidationFailed(key, "invalid_rule", f"{key} never repeats after the visit")
    return value.strip()


def _parse_rule(text: str, start: dt.datetime) -> rrule:
    field = "next_visit_rule"
    if "DTSTART" in text.upper() or "\n" in text:
        raise ValidationFailed(
            field, "invalid_rule", f"{field}: one RRULE line; it starts at the visit"
        )
    try:
        parsed = rrulestr(text, dtstart=start)
    except (ValueError, TypeError) as error:
        raise ValidationFailed(
            field, "invalid_rule", f"{field} is not a valid RRULE: {error}"
        ) from error
    if not isinstance(parsed, rrule):
        raise ValidationFailed(field, "invalid_rule", f"{field}: one RRULE line")
    return parsed


# --- the plans --------------------------------------------------------------------------


def plan_after_booking(
    settings: ReminderSettings,
    *,
    booked_at: dt.datetime,
    visit_starts: dt.datetime,
    client_zone: str,
    calling_hours: CallingHours,
) -> list[PlannedItem]:
    """Written confirmation now, a control touch the day before (visits days away) and the
    confirmation call a few hours before; soonest first."""
    tz = zoneinfo.ZoneInfo(client_zone)
    items: list[PlannedItem] = []
    if settings.confirmation_message:
        items.append(PlannedItem(BOOKING_CONFIRMATION, booked_at, MESSAGE))
    confirm = _confirmation_call(settings, booked_at, visit_starts, client_zone, calling_hours)
    days_away = (visit_starts.astimezone(tz).date() - booked_at.astimezone(tz).date()).days
    if days_away >= settings.control_touch_min_days:
        items.append(_control_touch(settings, booked_at, visit_starts, confirm, tz, calling_hours))
    items.append(confirm)
    return sorted(items, key=lambda item: item.due_at)


def plan_second_call(
    settings: ReminderSettings,
    *,
    failed_at: dt.datetime,
    visit_starts: dt.datetime,
    client_zone: str,
    calling_hours: CallingHours,
) -> PlannedItem:
    """The second call after the confirmation call did not reach the client: the interval
    later inside calling hours; if that is too close to the visit, the latest calling moment
    before it (a quarter of an hour after the failed call at the soonest); else skipped."""
    aimed = failed_at + dt.timedelta(minutes=settings.second_call_after_minutes)
    latest = visit_starts - MIN_CALL_LEAD
    due = calling_hours.next_allowed(aimed, client_zone)
    if due is None or due > latest:
        due = _latest_call_moment(
            calling_hours,
            client_zone,
            not_before=failed_at + dt.timedelta(minutes=15),
            not_after=min(aimed, latest),
        )
    if due is None:
        return PlannedItem(SECOND_CALL, aimed, SKIPPED, SkipReason.NO_CALLING_HOURS)
    return PlannedItem(SECOND_CALL, due, CALL)


def plan_after_visit(
    settings: ReminderSettings,
    *,
    visit_starts: dt.datetime,
    visit_ends: dt.datetime,
    held_at: dt.datetime,
    client_zone: str,
    calling_hours: CallingHours,
) -> list[PlannedItem]:
    """Cyclic campaigns, once the visit is held: ask for a review some hours after it, and
    remind of the next visit the rule expects. Nothing is planned in the past."""
    review_at = visit_ends + dt.timedelta(hours=settings.review_request_hours_after)
    items = [PlannedItem(REVIEW_REQUEST, max(review_at, held_at), MESSAGE)]
    if settings.next_visit_rule is not None:
        upcoming = next_visit_at(settings.next_visit_rule, visit_starts, client_zone)
        if upcoming is not None:
            items.append(
                _next_visit_reminder(settings, upcoming, held_at, client_zone, calling_hours)
            )
    return sorted(items, key=lambda item: item.due_at)


def plan_feedback_call(
    *, no_show_at: dt.datetime, client_zone: str, calling_hours: CallingHours
) -> PlannedItem:
    """A no-show is called ("what went wrong?") at the first calling moment half an hour
    later; a campaign without calling hours in the coming week writes instead."""
    due = calling_hours.next_allowed(no_show_at + FEEDBACK_DELAY, client_zone)
    if due is None:
        return PlannedItem(NO_SHOW_FEEDBACK, no_show_at, MESSAGE)
    return PlannedItem(FEEDBACK_CALL, due, CALL)


def next_visit_at(rule: str, visit_starts: dt.datetime, client_zone: str) -> dt.datetime | None:
    """The rule's first occurrence after the visit, stepping the client's wall clock (a visit
    at 10:00 recurs at 10:00 whatever the DST offset); None when the rule has ended."""
    tz = zoneinfo.ZoneInfo(client_zone)
    start = visit_starts.astimezone(tz).replace(tzinfo=None)
    upcoming = _parse_rule(rule, start).after(start)
    if upcoming is None:
        return None
    return _utc(upcoming.date(), upcoming.time(), tz)


# --- the pieces ---------------------------------------------------------------------------


def _confirmation_call(
    settings: ReminderSettings,
    booked_at: dt.datetime,
    visit_starts: dt.datetime,
    zone: str,
    hours: CallingHours,
) -> PlannedItem:
    aimed = visit_starts - dt.timedelta(hours=settings.confirm_call_hours_before)
    if aimed <= booked_at:
        return PlannedItem(CONFIRM_CALL, aimed, SKIPPED, SkipReason.BOOKED_TOO_CLOSE)
    if hours.allows(aimed, zone):
        return PlannedItem(CONFIRM_CALL, aimed, CALL)
    earlier = _latest_call_moment(hours, zone, not_before=booked_at, not_after=aimed)
    later = hours.next_allowed(aimed, zone)
    if later is not None and later > visit_starts - MIN_CALL_LEAD:
        later = None
    if earlier is not None and (aimed - earlier <= EARLIER_LIMIT or later is None):
        return PlannedItem(CONFIRM_CALL, earlier, CALL)
    if later is not None:
        return PlannedItem(CONFIRM_CALL, later, CALL)
    return PlannedItem(CONFIRM_CALL, aimed, SKIPPED, SkipReason.NO_CALLING_HOURS)


def _control_touch(
    settings: ReminderSettings,
    booked_at: dt.datetime,
    visit_starts: dt.datetime,
    confirm: PlannedItem,
    tz: zoneinfo.ZoneInfo,
    hours: CallingHours,
) -> PlannedItem:
    day_before = visit_starts.astimezone(tz).date() - dt.timedelta(days=1)
    if settings.control_touch_kind == "message":
        return PlannedItem(CONTROL_TOUCH, _utc(day_before, DAYTIME, tz), MESSAGE)
    booking_day = booked_at.astimezone(tz).date()
    day = day_before
    while day > booking_day:
        due = _call_near(hours, tz, day, DAYTIME)
        if due is not None and due > booked_at:
            if confirm.is_call and confirm.due_at.astimezone(tz).date() == day:
                return PlannedItem(CONTROL_TOUCH, due, SKIPPED, SkipReason.SAME_DAY_AS_CONFIRM_CALL)
            return PlannedItem(CONTROL_TOUCH, due, CALL)
        day -= dt.timedelta(days=1)
    aimed = _utc(day_before, DAYTIME, tz)
    return PlannedItem(CONTROL_TOUCH, aimed, SKIPPED, SkipReason.NO_CALLING_HOURS)


def _next_visit_reminder(
    settings: ReminderSettings,
    upcoming: dt.datetime,
    held_at: dt.datetime,
    zone: str,
    hours: CallingHours,
) -> PlannedItem:
    tz = zoneinfo.ZoneInfo(zone)
    day = upcoming.astimezone(tz).date() - dt.timedelta(days=settings.next_visit_remind_days_before)
    aimed = max(_utc(day, DAYTIME, tz), held_at)
    if settings.next_visit_remind_kind == "message":
        return PlannedItem(NEXT_VISIT_REMINDER, aimed, MESSAGE)
    due = hours.next_allowed(aimed, zone)
    if due is None or due >= upcoming:
        return PlannedItem(NEXT_VISIT_REMINDER, aimed, SKIPPED, SkipReason.NO_CALLING_HOURS)
    return PlannedItem(NEXT_VISIT_REMINDER, due, CALL)


def _utc(day: dt.date, clock: dt.time, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """A wall-clock moment in UTC; a time inside a DST gap moves forward by the gap."""
    return dt.datetime.combine(day, clock, tzinfo=tz).astimezone(dt.UTC)


def _windows_on(
    hours: CallingHours, tz: zoneinfo.ZoneInfo, day: dt.date
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The day's calling windows as UTC [start, end) pairs, in order."""
    return [
        (_utc(day, window.starts, tz), _utc(day, window.ends, tz))
        for window in hours.windows
        if window.weekday == day.weekday() and window.starts < window.ends
    ]


def _latest_moment_in(start: dt.datetime, end: dt.datetime, not_after: dt.datetime) -> dt.datetime:
    """The latest moment of [start, end) at or before `not_after` that leaves time to call."""
    return max(start, min(not_after, end - CALL_MARGIN))


def _latest_call_moment(
    hours: CallingHours, zone: str, *, not_before: dt.datetime, not_after: dt.datetime
) -> dt.datetime | None:
    """The latest calling moment in (not_before, not_after], or None."""
    tz = zoneinfo.ZoneInfo(zone)
    last_day = not_after.astimezone(tz).date()
    first_day = max(not_before.astimezone(tz).date(), last_day - dt.timedelta(days=SEARCH_DAYS))
    day = last_day
    while day >= first_day:
        for start, end in reversed(_windows_on(hours, tz, day)):
            if start > not_after:
                continue
            moment = _latest_moment_in(start, end, not_after)
            if moment <= not_before:
                return None
            if hours.allows(moment, zone):
                return moment
        day -= dt.timedelta(days=1)
    return None


def _call_near(
    hours: CallingHours, tz: zoneinfo.ZoneInfo, day: dt.date, clock: dt.time
) -> dt.datetime | None:
    """The calling moment of `day` closest to `clock` there, or None when the day has none."""
    target = _utc(day, clock, tz)
    best: dt.datetime | None = None
    for start, end in _windows_on(hours, tz, day):
        if start <= target < end:
            return target
        moment = start if start > target else _latest_moment_in(start, end, target)
        if best is None or abs(moment - target) < abs(best - target):
            best = moment
    return best
