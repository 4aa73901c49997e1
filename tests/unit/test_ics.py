"""Visits as an iCalendar file, read back with icalendar itself."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar

from operator_app.core.calendar.ics import PRODUCT_ID, VisitForExport, build_calendar

NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)
MOSCOW_TEN = dt.datetime(2026, 11, 24, 7, 0, tzinfo=dt.UTC)  # 10:00 in Moscow


def visit(visit_id: int = 7, status: str = "booked", **changes: object) -> VisitForExport:
    fields: dict[str, object] = {
        "visit_id": visit_id,
        "starts_at": MOSCOW_TEN,
        "ends_at": MOSCOW_TEN + dt.timedelta(hours=1),
        "status": status,
        "client_name": "Ирина Сергеевна Павлова",
        "resource_name": "Кресло 1 — гигиенист",
        "office_name": "Клиника на Садовой",
        "office_address": "Москва, ул. Садовая-Кудринская, д. 9",
        "office_time_zone": "Europe/Moscow",
        "phone": "+79161234567",
        "campaign": "Стоматология — плановый осмотр",
        "confirmation_channel": "messenger",
        "confirmation_note": "Напомнить накануне вечером",
    }
    fields.update(changes)
    return VisitForExport(**fields)  # type: ignore[arg-type]


def test_the_calendar_header_and_one_event_with_every_field() -> None:
    content = build_calendar([visit()], now=NOW)
    calendar = Calendar.from_ical(content)
    assert str(calendar["PRODID"]) == PRODUCT_ID
    assert str(calendar["VERSION"]) == "2.0"
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == "visit-7@operator-app"
    assert event.decoded("DTSTAMP") == NOW
    assert event.decoded("DTSTART") == MOSCOW_TEN
    assert event.decoded("DTSTART").utcoffset() == dt.timedelta(0)
    assert event.decoded("DTEND") == MOSCOW_TEN + dt.timedelta(hours=1)
    assert b"DTSTART:20261124T070000Z" in content  # UTC, no TZID
    assert str(event["SUMMARY"]) == "Ирина Сергеевна Павлова — Кресло 1 — гигиенист"
    assert str(event["LOCATION"]) == ("Клиника на Садовой, Москва, ул. Садовая-Кудринская, д. 9")
    description = str(event["DESCRIPTION"])
    assert "+79161234567" in description
    assert "Стоматология — плановый осмотр" in description
    assert "мессенджер" in description and "Напомнить накануне вечером" in description
    assert str(event["STATUS"]) == "TENTATIVE"
    assert str(event["X-OPERATOR-APP-STATUS"]) == "booked"
    assert int(str(event["SEQUENCE"])) == 0


def test_statuses_map_to_icalendar_and_sequence_grows_with_the_visits_life() -> None:
    statuses = ["booked", "confirmed", "held", "no_show", "rescheduled", "cancelled"]
    content = build_calendar(
        [visit(n, status) for n, status in enumerate(statuses, start=1)], now=NOW
    )
    found = {
        str(e["X-OPERATOR-APP-STATUS"]): (str(e["STATUS"]), int(str(e["SEQUENCE"])))
        for e in Calendar.from_ical(content).walk("VEVENT")
    }
    assert found == {
        "booked": ("TENTATIVE", 0),
        "confirmed": ("CONFIRMED", 1),
        "held": ("CONFIRMED", 2),
        "no_show": ("CONFIRMED", 2),
        "rescheduled": ("CANCELLED", 2),
        "cancelled": ("CANCELLED", 2),
    }


def test_a_cancellation_names_who_and_why_and_a_reschedule_names_the_new_time() -> None:
    new_start = dt.datetime(2026, 11, 26, 12, 30, tzinfo=dt.UTC)  # 15:30 in Moscow
    content = build_calendar(
        [
            visit(1, "cancelled", cancelled_by="client", cancel_reason="Заболел ребёнок"),
            visit(2, "cancelled", cancelled_by="us", cancel_reason=None),
            visit(3, "rescheduled", rescheduled_to=new_start),
        ],
        now=NOW,
    )
    by_uid = {
        str(e["UID"]): str(e["DESCRIPTION"]) for e in Calendar.from_ical(content).walk("VEVENT")
    }
    assert "Отменён клиентом: Заболел ребёнок" in by_uid["visit-1@operator-app"]
    assert "Отменён нами" in by_uid["visit-2@operator-app"]
    assert "Перенесён на 26.11.2026 15:30 (время офиса)" in by_uid["visit-3@operator-app"]


def test_the_uid_is_stable_across_exports() -> None:
    first = build_calendar([visit(42)], now=NOW)
    later = build_calendar([visit(42, "confirmed")], now=NOW + dt.timedelta(days=1))
    (a,) = Calendar.from_ical(first).walk("VEVENT")
    (b,) = Calendar.from_ical(later).walk("VEVENT")
    assert str(a["UID"]) == str(b["UID"]) == "visit-42@operator-app"
    assert int(str(b["SEQUENCE"])) > int(str(a["SEQUENCE"]))


def test_no_visits_is_a_valid_empty_calendar() -> None:
    calendar = Calendar.from_ical(build_calendar([], now=NOW))
    assert str(calendar["PRODID"]) == PRODUCT_ID
    assert calendar.walk("VEVENT") == []


def test_optional_fields_left_out_leave_no_empty_lines() -> None:
    content = build_calendar(
        [visit(phone=None, campaign=None, confirmation_channel=None, confirmation_note=None)],
        now=NOW,
    )
    (event,) = Calendar.from_ical(content).walk("VEVENT")
    assert str(event["DESCRIPTION"]) == "Статус: записан"
