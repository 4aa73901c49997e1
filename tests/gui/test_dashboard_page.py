"""The dashboard page over a real SQLite database: totals for everyone, drilling into one
operator (double-click and Enter) and back, stale results dropped, an operator's own view."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QTableView
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session

from operator_app.core.reports.dashboard import Breakdown
from operator_app.core.roles import Actor, Role
from operator_app.gui.dashboard import DashboardPage
from operator_app.gui.dashboard.presets import PeriodPreset
from operator_app.gui.i18n import Translations
from operator_app.gui.widgets.table_export import snapshot_table, table_exporter
from operator_app.storage.database import Database
from operator_app.storage.models import (
    CallAttempt,
    Campaign,
    Contact,
    Disposition,
    Lead,
    LeadList,
    Office,
    Resource,
    User,
    Visit,
    VisitResult,
)
from tests.gui.helpers import context_for

MOSCOW = ZoneInfo("Europe/Moscow")
MONDAY = dt.date(2026, 11, 23)
_unique = itertools.count(1)


def msk(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, tzinfo=MOSCOW).astimezone(dt.UTC)


NOW = msk(26, 12)  # Thursday: "this week" is Monday 23 to Thursday 26 November


@dataclass(frozen=True, slots=True)
class Team:
    anna: Actor
    boris: Actor
    supervisor: Actor


def _user(session: Session, name: str, role: Role) -> Actor:
    user = User(login=f"u{next(_unique)}", display_name=name, role=role.value, password_hash="x")
    session.add(user)
    session.flush()
    return Actor(user.id, user.login, name, role)


def record_week(db: Database) -> Team:
    """Anna: 3 calls (2 reached, 2 leads), a visit held with a sale of 50,000.
    Boris: 2 calls (1 reached, 1 lead). Everything on Monday to Wednesday."""
    with db.session() as session:
        anna = _user(session, "Анна Смирнова", Role.OPERATOR)
        boris = _user(session, "Борис Петров", Role.OPERATOR)
        supervisor = _user(session, "Софья Руководитель", Role.SUPERVISOR)
        seller = _user(session, "Сергей Продавец", Role.SELLER)
        campaign = Campaign(name=f"Кредиты {next(_unique)}")
        session.add(campaign)
        session.flush()
        for code, reached, positive in (("no_answer", False, False), ("lead", True, True)):
            session.add(
                Disposition(
                    campaign_id=campaign.id,
                    code=code,
                    label=code,
                    reached=reached,
                    positive=positive,
                )
            )
        lead_list = LeadList(
            name=f"Пенсионеры {next(_unique)}",
            hypothesis="Пенсионеры хотят вклады",
            campaign_id=campaign.id,
        )
        office = Office(name=f"Офис {next(_unique)}")
        session.add_all([lead_list, office])
        session.flush()
        resource = Resource(office_id=office.id, name="Стол", user_id=seller.user_id)
        session.add(resource)
        session.flush()
        leads = []
        for number in range(4):
            contact = Contact(full_name=f"Клиент {number}", custom_fields={})
            session.add(contact)
            session.flush()
            lead = Lead(contact_id=contact.id, campaign_id=campaign.id, list_id=lead_list.id)
            session.add(lead)
            session.flush()
            leads.append(lead.id)

        def call(who: Actor, lead: int, at: dt.datetime, disposition: str, talk: int) -> None:
            session.add(
                CallAttempt(
                    client_uuid=str(uuid.uuid4()),
                    lead_id=lead,
                    operator_id=who.user_id,
                    started_at=at,
                    ended_at=at + dt.timedelta(seconds=talk + 5),
                    talk_seconds=talk,
                    disposition=disposition,
                    last_step_id="greet",
                )
            )

        call(anna, leads[0], msk(23, 10), "lead", 300)
        call(anna, leads[1], msk(24, 10), "no_answer", 0)
        call(anna, leads[1], msk(24, 15), "lead", 120)
        call(boris, leads[2], msk(25, 11), "no_answer", 0)
        call(boris, leads[3], msk(25, 12), "lead", 60)
        visit = Visit(
            lead_id=leads[0],
            resource_id=resource.id,
            starts_at=msk(25, 10),
            ends_at=msk(25, 11),
            status="held",
            details={},
            booked_by_id=anna.user_id,
            booked_at=msk(23, 10),
        )
        session.add(visit)
        session.flush()
        session.add(VisitResult(visit_id=visit.id, sale=True, amount=Decimal("50000.00")))
        return Team(anna, boris, supervisor)


@pytest.fixture
def team(sqlite_db: Database) -> Team:
    return record_week(sqlite_db)


@contextmanager
def open_page(
    qtbot: QtBot, db: Database, actor: Actor, translations: Translations
) -> Iterator[DashboardPage]:
    widget = DashboardPage(context_for(db, actor, translations), clock=lambda: NOW)
    widget.resize(1400, 900)
    widget.show()
    qtbot.waitExposed(widget)
    wait_loaded(qtbot, widget)
    yield widget
    # Not handed to qtbot.addWidget: pytest-qt deletes its widgets before fixtures end, which
    # would delete a read still running after the test's last action along with the page.
    qtbot.waitUntil(lambda: not widget.is_busy())
    widget.close()
    widget.deleteLater()


# A read takes well under a second here; the margin is for a CI machine busy with other jobs.
LOAD_TIMEOUT_MS = 20_000


def wait_loaded(qtbot: QtBot, page: DashboardPage) -> None:
    def loaded() -> bool:
        # A failed read ends the load too: say why rather than time out without a word.
        if not page.load_error.isHidden():
            pytest.fail(page.load_error.text())
        return not page.is_loading() and page.dashboard() is not None

    qtbot.waitUntil(loaded, timeout=LOAD_TIMEOUT_MS)


@pytest.fixture
def page(
    qtbot: QtBot, sqlite_db: Database, team: Team, translations: Translations
) -> Iterator[DashboardPage]:
    with open_page(qtbot, sqlite_db, team.supervisor, translations) as widget:
        yield widget


def operator_row(page: DashboardPage, name: str) -> int:
    table = page.operator_table
    for row in range(table.model().rowCount()):
        if table.model().index(row, 0).data() == name:
            return row
    raise AssertionError(f"{name} is not in the operators table")


def trend_calls(page: DashboardPage) -> dict[dt.date, int]:
    data = page.trend.data()
    calls = next(s for s in data.series if s.label == "Calls")
    return {day: int(value) for day, value in zip(data.days, calls.values, strict=True) if value}


def test_opens_on_the_last_30_days_with_everyones_totals(page: DashboardPage, team: Team) -> None:
    dashboard = page.dashboard()
    assert dashboard is not None
    assert dashboard.report_filter.period.first_day == dt.date(2026, 10, 28)
    assert dashboard.report_filter.period.last_day == dt.date(2026, 11, 26)
    assert page.filters.current_preset() is PeriodPreset.LAST_30_DAYS
    assert page.breadcrumb.text() == "Everyone" and page.back_button.isHidden()

    tiles = page.tiles
    assert tiles.value_text("calls") == "5"
    assert tiles.value_text("reach_rate") == "60.0 %"
    assert tiles.value_text("leads") == "3"
    assert tiles.value_text("visits_held") == "1"
    assert tiles.value_text("sales") == "1"
    assert tiles.value_text("revenue") == "50,000"
    assert [bar.count for bar in page.funnel.bars()] == [4, 3, 1, 1, 1]
    assert page.funnel.bars()[0].label == "Taken into work"
    assert len(page.trend.data().days) == 30  # one point a day, zeros included
    assert trend_calls(page) == {
        MONDAY: 1,
        dt.date(2026, 11, 24): 2,
        dt.date(2026, 11, 25): 2,
    }
    assert "Calls: 5 in all" in page.trend.accessibleDescription()

    names = [page.operator_table.model().index(r, 0).data() for r in range(2)]
    assert names == ["Анна Смирнова", "Борис Петров"]
    lists = page.breakdowns[Breakdown.LIST]
    assert lists.model().index(0, 1).data() == "Пенсионеры хотят вклады"
    operators = [page.filters.operator.itemText(i) for i in range(page.filters.operator.count())]
    assert operators[0] == "All operators" and "Анна Смирнова" in operators


def test_drill_into_one_operator_and_back(qtbot: QtBot, page: DashboardPage, team: Team) -> None:
    table = page.operator_table
    index = table.model().index(operator_row(page, "Анна Смирнова"), 0)
    rect = table.visualRect(index)
    # A real double-click presses first; QTest's double-click alone sends only the second half.
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # type: ignore[no-untyped-call]
    with qtbot.waitSignal(page.shown):
        qtbot.mouseDClick(  # type: ignore[no-untyped-call]
            table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center()
        )
    wait_loaded(qtbot, page)

    dashboard = page.dashboard()
    assert dashboard is not None and dashboard.report_filter.operator_id == team.anna.user_id
    assert page.filters.operator.currentText() == "Анна Смирнова"
    assert page.breadcrumb.text() == "Everyone › Анна Смирнова"
    assert page.back_button.isVisible()
    assert page.tiles.value_text("calls") == "3"
    assert page.tiles.value_text("reach_rate") == "66.7 %"
    assert page.tiles.value_text("leads") == "2"
    assert page.tiles.value_text("sales") == "1"
    assert trend_calls(page) == {MONDAY: 1, dt.date(2026, 11, 24): 2}
    assert [
        page.operator_table.model().index(r, 0).data() for r in range(table.model().rowCount())
    ] == ["Анна Смирнова"]

    with qtbot.waitSignal(page.shown):
        qtbot.mouseClick(page.back_button, Qt.MouseButton.LeftButton)  # type: ignore[no-untyped-call]
    wait_loaded(qtbot, page)
    assert page.tiles.value_text("calls") == "5"
    assert page.breadcrumb.text() == "Everyone" and page.back_button.isHidden()
    assert page.filters.operator.currentText() == "All operators"
    assert trend_calls(page)[dt.date(2026, 11, 25)] == 2


def test_enter_on_an_operator_row_drills_in(qtbot: QtBot, page: DashboardPage, team: Team) -> None:
    table = page.operator_table
    page.tabs.setCurrentWidget(table)
    table.selectRow(operator_row(page, "Борис Петров"))
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    with qtbot.waitSignal(page.shown):
        qtbot.keyClick(table, Qt.Key.Key_Return)  # type: ignore[no-untyped-call]
    wait_loaded(qtbot, page)
    dashboard = page.dashboard()
    assert dashboard is not None and dashboard.report_filter.operator_id == team.boris.user_id
    assert page.tiles.value_text("calls") == "2"
    assert page.tiles.value_text("leads") == "1"
    assert trend_calls(page) == {dt.date(2026, 11, 25): 2}


def test_a_result_for_old_filters_is_dropped(qtbot: QtBot, page: DashboardPage) -> None:
    shown: list[object] = []
    page.shown.connect(lambda: shown.append(page.dashboard().report_filter))  # type: ignore[union-attr]
    page.filters.choose_preset(PeriodPreset.TODAY)  # a read starts…
    page.filters.choose_preset(PeriodPreset.THIS_MONTH)  # …and is overtaken at once
    wait_loaded(qtbot, page)
    qtbot.waitUntil(lambda: not page.is_busy())
    dashboard = page.dashboard()
    assert dashboard is not None
    assert shown == [dashboard.report_filter]
    assert dashboard.report_filter.period.first_day == dt.date(2026, 11, 1)
    assert page.tiles.value_text("calls") == "5"


def test_a_custom_period_without_calls_shows_zeros(qtbot: QtBot, page: DashboardPage) -> None:
    with qtbot.waitSignal(page.shown):
        page.filters.set_days(dt.date(2026, 11, 2), dt.date(2026, 11, 8))
    wait_loaded(qtbot, page)
    assert page.tiles.value_text("calls") == "0"
    assert page.tiles.value_text("reach_rate") == "—"
    assert page.funnel.is_empty() and page.trend.is_empty()
    assert page.operator_table.model().rowCount() == 0


def test_an_operator_sees_only_their_own_figures(
    qtbot: QtBot, sqlite_db: Database, team: Team, translations: Translations
) -> None:
    with open_page(qtbot, sqlite_db, team.boris, translations) as page:
        assert page.filters.operator.isHidden()
        assert page.breadcrumb.text() == "Борис Петров"
        assert page.tiles.value_text("calls") == "2"
        dashboard = page.dashboard()
        assert dashboard is not None and dashboard.report_filter.operator_id == team.boris.user_id
        rows = page.operator_table.model().rowCount()
        assert rows == 1
        page.operator_table.selectRow(0)
        page.drill_into_selected()  # nothing to drill into: already their own
        page.back_to_everyone()
        assert not page.is_loading()


def test_every_table_exports_what_it_shows(page: DashboardPage) -> None:
    tables: list[QTableView] = [*page.breakdowns.values(), page.non_target, page.no_show]
    tables += [page.drop_off, page.objections]
    assert all(table_exporter(table) is not None for table in tables)
    titles, rows = snapshot_table(page.operator_table)
    assert titles[:3] == ["Operator", "Calls", "Reach rate"]
    assert [row[0] for row in rows] == ["Анна Смирнова", "Борис Петров"]
    assert page._export_title(page.operator_table) == "Operators 2026-10-28 – 2026-11-26"
    where = page.tabs.indexOf(page.drop_off)
    assert page.tabs.tabText(where) == "Where calls end"
    assert page.drop_off.model().rowCount() >= 1


def test_f5_reads_the_figures_again(
    qtbot: QtBot, sqlite_db: Database, page: DashboardPage, team: Team
) -> None:
    with sqlite_db.session() as session:
        lead = session.query(Lead).first()
        assert lead is not None
        session.add(
            CallAttempt(
                client_uuid=str(uuid.uuid4()),
                lead_id=lead.id,
                operator_id=team.boris.user_id,
                started_at=msk(26, 9),
                talk_seconds=0,
                disposition="no_answer",
            )
        )
    page.setFocus()
    with qtbot.waitSignal(page.shown):
        qtbot.keyClick(page, Qt.Key.Key_F5)  # type: ignore[no-untyped-call]
    wait_loaded(qtbot, page)
    assert page.tiles.value_text("calls") == "6"


def test_a_database_that_fails_says_so(
    qtbot: QtBot, tmp_path: Path, team: Team, translations: Translations
) -> None:
    broken = Database(f"sqlite:///{tmp_path / 'empty.sqlite3'}")  # no tables at all
    try:
        page = DashboardPage(context_for(broken, team.supervisor, translations), clock=lambda: NOW)
        page.show()
        qtbot.waitUntil(lambda: not page.is_loading())
        assert page.load_error.isVisible()
        assert page.load_error.text().startswith("The figures could not be loaded.")
        assert page.dashboard() is None
        assert page.tiles.value_text("calls") == "—"
        qtbot.waitUntil(lambda: not page.is_busy())
        page.close()
        page.deleteLater()
    finally:
        broken.dispose()


def test_a_language_change_sets_every_text_again(page: DashboardPage) -> None:
    page.tabs.setTabText(0, "stale")
    page.tiles.tile("calls").caption.setText("stale")
    QApplication.sendEvent(page, QEvent(QEvent.Type.LanguageChange))
    assert page.tabs.tabText(0) == "Operators"
    assert page.tiles.tile("calls").caption.text() == "Calls"
    assert page.tiles.value_text("calls") == "5"
    assert [s.label for s in page.trend.data().series] == [
        "Calls",
        "Reached",
        "Leads",
        "Visits held",
    ]
