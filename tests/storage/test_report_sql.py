"""Local days of UTC timestamps, computed by the database on both backends."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import literal, select

from operator_app.core.reports.period import InvalidPeriod, ReportPeriod, report_today
from operator_app.storage.base import UtcDateTime
from operator_app.storage.database import Database
from operator_app.storage.repositories.report_sql import local_day, parse_day


@pytest.mark.parametrize(
    ("instant", "offset", "expected"),
    [
        (dt.datetime(2026, 11, 22, 21, 30, tzinfo=dt.UTC), 180, dt.date(2026, 11, 23)),
        (dt.datetime(2026, 11, 22, 20, 59, tzinfo=dt.UTC), 180, dt.date(2026, 11, 22)),
        (dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC), -300, dt.date(2026, 11, 21)),
        (dt.datetime(2026, 11, 22, 14, 0, tzinfo=dt.UTC), 600, dt.date(2026, 11, 23)),
    ],
)
def test_the_database_buckets_a_utc_instant_into_the_local_day(
    db: Database, instant: dt.datetime, offset: int, expected: dt.date
) -> None:
    with db.session() as session:
        column = literal(instant, UtcDateTime())
        value = session.execute(select(local_day(column, offset, db.engine.dialect.name))).scalar()
    assert parse_day(value) == expected


def test_a_period_is_bounded_by_local_midnights() -> None:
    period = ReportPeriod(dt.date(2026, 11, 1), dt.date(2026, 11, 3), "Asia/Vladivostok")
    start, end = period.utc_bounds()
    assert start == dt.datetime(2026, 10, 31, 14, 0, tzinfo=dt.UTC)
    assert end == dt.datetime(2026, 11, 3, 14, 0, tzinfo=dt.UTC)
    assert period.days == 3
    assert period.utc_offset_minutes() == 600
    assert period.days_to(dt.date(2026, 11, 2)) == 2
    assert period.days_to(dt.date(2026, 10, 30)) == 0
    assert period.days_to(dt.date(2026, 12, 30)) == 3


def test_a_period_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(InvalidPeriod):
        ReportPeriod(dt.date(2026, 11, 3), dt.date(2026, 11, 1))


def test_today_is_counted_in_the_report_zone() -> None:
    late_evening_utc = dt.datetime(2026, 11, 22, 22, 30, tzinfo=dt.UTC)
    assert report_today(late_evening_utc) == dt.date(2026, 11, 23)  # Moscow is past midnight
    assert report_today(late_evening_utc, "America/New_York") == dt.date(2026, 11, 22)
