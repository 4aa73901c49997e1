"""`operator-app export visits`: the demo's visits as an .ics file, read back with icalendar."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from operator_app.cli import main
from operator_app.core.calendar.ics import VisitExportService
from operator_app.core.demo import create_demo_workspace
from operator_app.core.errors import NotFound
from operator_app.core.roles import Actor, Role
from operator_app.storage.database import Database
from operator_app.storage.models import Lead, Visit

MOSCOW = ZoneInfo("Europe/Moscow")


def export(db: Database, out: Path, day_from: str, day_to: str) -> int:
    return main(
        ["export", "visits", "--from", day_from, "--to", day_to, "--format", "ics",
         "--out", str(out), "--db", db.url]
    )  # fmt: skip


def test_the_demo_visits_of_a_period_are_written_and_read_back(
    sqlite_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    create_demo_workspace(sqlite_db)
    with sqlite_db.session() as session:
        visits = list(session.scalars(select(Visit)))
    # From the second day with visits to the one before the last: the period cuts some off.
    days = sorted({v.starts_at.astimezone(MOSCOW).date() for v in visits})
    day_from, day_to = days[1], days[-2]
    expected = {
        f"visit-{v.id}@operator-app": v
        for v in visits
        if day_from <= v.starts_at.astimezone(MOSCOW).date() <= day_to
    }
    assert expected and len(expected) < len(visits)  # the period cuts some off
    out = tmp_path / "visits.ics"

    assert export(sqlite_db, out, day_from.isoformat(), day_to.isoformat()) == 0

    captured = capsys.readouterr()
    assert captured.err == ""
    assert f"Exported {len(expected)} visit(s)" in captured.out
    events = Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    assert {str(e["UID"]) for e in events} == set(expected)
    for event in events:
        visit = expected[str(event["UID"])]
        assert event.decoded("DTSTART") == visit.starts_at
        assert event.decoded("DTEND") == visit.ends_at
        assert str(event["X-OPERATOR-APP-STATUS"]) == visit.status
        assert " — " in str(event["SUMMARY"])
        assert not str(event["SUMMARY"]).isascii()  # Cyrillic names survive the round trip
        assert "Москва" in str(event["LOCATION"])
    assert not list(tmp_path.glob("*.tmp"))


def test_a_period_without_visits_is_a_valid_empty_calendar(
    sqlite_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    create_demo_workspace(sqlite_db)
    out = tmp_path / "empty.ics"
    assert export(sqlite_db, out, "2001-01-01", "2001-01-31") == 0
    assert "Exported 0 visit(s)" in capsys.readouterr().out
    calendar = Calendar.from_ical(out.read_bytes())
    assert calendar.walk("VEVENT") == [] and str(calendar["VERSION"]) == "2.0"


@pytest.mark.parametrize(
    ("day_from", "day_to", "message"),
    [
        ("2026-13-01", "2026-12-31", "--from: '2026-13-01' is not a date in the form YYYY-MM-DD"),
        ("2026-11-01", "1.12.2026", "--to: '1.12.2026' is not a date in the form YYYY-MM-DD"),
        ("2026-11-01", "20261130", "--to: '20261130' is not a date in the form YYYY-MM-DD"),
        ("2026-12-01", "2026-11-30", "--from: 2026-12-01 is after --to 2026-11-30"),
    ],
)
def test_bad_dates_are_one_line_naming_the_flag_and_exit_2(
    sqlite_db: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    day_from: str,
    day_to: str,
    message: str,
) -> None:
    out = tmp_path / "visits.ics"
    assert export(sqlite_db, out, day_from, day_to) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"operator-app: {message}\n"
    assert not out.exists()


def test_one_visit_is_exported_by_the_service(sqlite_db: Database) -> None:
    create_demo_workspace(sqlite_db)
    with sqlite_db.session() as session:
        visit = session.scalars(  # the calendar's own no-show, not one of the history's
            select(Visit)
            .join(Lead, Lead.id == Visit.lead_id)
            .where(Visit.status == "no_show", Lead.owner_id.is_(None))
        ).one()
    seller = Actor(2, "seller", "Seller", Role.SELLER)
    export_ = VisitExportService(sqlite_db).visit(seller, visit.id)
    (event,) = Calendar.from_ical(export_.content).walk("VEVENT")
    assert export_.visits == 1
    assert str(event["UID"]) == f"visit-{visit.id}@operator-app"
    with pytest.raises(NotFound):
        VisitExportService(sqlite_db).visit(seller, 10**9)
