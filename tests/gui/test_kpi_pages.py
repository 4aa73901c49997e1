"""Plans and KPI pages: an operator's own scorecard, a supervisor choosing the person, and the
supervisor's plans page (everyone's scorecards, adding a plan, setting a role's weights)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import QAbstractItemModel
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from operator_app.core.reports.kpi import KpiMetric
from operator_app.core.reports.plans import PlanService
from operator_app.core.roles import Actor, Role
from operator_app.gui.i18n import Translations
from operator_app.gui.kpi.period_picker import qdate
from operator_app.gui.kpi.plans_page import PlansPage
from operator_app.gui.kpi.scorecard_page import ScorecardPage
from operator_app.gui.models.table import ROW_ROLE
from operator_app.gui.widgets.table_export import table_exporter
from operator_app.storage.database import Database
from operator_app.storage.models import KpiWeight, Plan
from tests.gui.helpers import context_for
from tests.storage.test_plans import NOW, Floor, build_floor, lead_generator_setup

pytestmark = pytest.mark.usefixtures("close_windows")


@pytest.fixture
def floor(sqlite_db: Database) -> Floor:
    f = build_floor(sqlite_db)
    lead_generator_setup(PlanService(sqlite_db), f.supervisor)
    return f


def open_scorecard(
    qtbot: QtBot, database: Database, actor: Actor, translations: Translations
) -> ScorecardPage:
    page = ScorecardPage(context_for(database, actor, translations), clock=lambda: NOW)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not page.is_busy() and page.scorecard() is not None, timeout=10_000)
    return page


def open_plans(
    qtbot: QtBot, database: Database, actor: Actor, translations: Translations
) -> PlansPage:
    page = PlansPage(context_for(database, actor, translations), clock=lambda: NOW)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    return page


def texts(model: QAbstractItemModel, row: int) -> list[str]:
    return [model.index(row, column).data() for column in range(model.columnCount())]


def test_an_operator_sees_their_own_scorecard(
    qtbot: QtBot,
    floor: Floor,
    translations: Translations,
    qtmodeltester: ModelTester,
) -> None:
    page = open_scorecard(qtbot, floor.database, floor.olga, translations)

    assert not page.person.isVisibleTo(page)
    assert page.scorecard() is not None and page.scorecard().person.name == "Ольга"  # type: ignore[union-attr]
    assert page.model.rowCount() == 3
    qtmodeltester.check(page.model)  # type: ignore[no-untyped-call]
    # The example: plan 3.5, days with 4, 5 and 1 → 3.33 a day, −4.8 %.
    assert texts(page.model, 0) == [
        "Held presentations",
        "3.5",
        "10",
        "3.33",
        "−4.8 %",
        "95.2 %",
        "40.0 %",
        "80.0 %",
        "38.1 %",
    ]
    assert page.summary.text().startswith("Score: ")
    assert "working days up to" in page.summary.text()
    assert table_exporter(page.table) is not None


def test_a_supervisor_picks_whose_scorecard_to_see(
    qtbot: QtBot, floor: Floor, translations: Translations
) -> None:
    page = open_scorecard(qtbot, floor.database, floor.supervisor, translations)
    assert page.person.isVisibleTo(page)
    qtbot.waitUntil(lambda: page.person.findData(floor.petr.user_id) >= 0, timeout=10_000)

    page.show_person(floor.petr.user_id)
    qtbot.waitUntil(
        lambda: not page.is_busy() and page.scorecard().person.name == "Пётр",  # type: ignore[union-attr]
        timeout=10_000,
    )
    assert page.model.rowCount() == 3
    assert all(line.below_cutoff for line in page.model.rows())
    assert page.summary.text().startswith("Score: 0.0 %")

    page.period.set_period(dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    qtbot.waitUntil(
        lambda: not page.is_busy() and page.scorecard().period.first_day.month == 12,  # type: ignore[union-attr]
        timeout=10_000,
    )
    assert texts(page.model, 0)[3] == "—"  # no working days yet: no average


def test_the_supervisor_sees_everyones_scorecards_and_edits_plans_and_weights(
    qtbot: QtBot, floor: Floor, translations: Translations, qtmodeltester: ModelTester
) -> None:
    page = open_plans(qtbot, floor.database, floor.supervisor, translations)
    for model in (page.scorecards_model, page.plans_model, page.lines_model):
        qtmodeltester.check(model)  # type: ignore[no-untyped-call]

    names = [card.person.name for card in page.scorecards_model.rows()]
    assert {"Ольга", "Пётр", "Роман", "Сергей"} <= set(names)
    assert page.scorecards.select_where(lambda card: card.person.name == "Ольга")
    assert page.lines_model.rowCount() == 3
    assert page.card_summary.text().startswith("Ольга: Score: ")
    olga_row = next(
        row
        for row in range(page.scorecards_model.rowCount())
        if page.scorecards_model.index(row, 0).data(ROW_ROLE).person.name == "Ольга"
    )
    assert texts(page.scorecards_model, olga_row)[2] == "3"  # days worked
    assert page.plans_model.rowCount() == 5

    # A plan of Пётр's own: 2 leads a day from 1 November.
    page.tabs.setCurrentIndex(1)
    form = page.plan_form
    form.choose_target(user_id=floor.petr.user_id)
    form.metric_combo.setCurrentIndex(form.metric_combo.findData(KpiMetric.LEADS.value))
    form.per_day.setValue(2)
    form.valid_from.setDate(qdate(dt.date(2026, 11, 1)))
    form.add_button.click()
    qtbot.waitUntil(lambda: not page.is_busy() and page.plans_model.rowCount() == 6, timeout=10_000)
    with floor.database.session() as session:
        plan = session.scalars(select(Plan).where(Plan.user_id == floor.petr.user_id)).one()
        assert (plan.metric, plan.per_day, plan.valid_to) == ("leads", Decimal("2.00"), None)

    # The lead generator's weights: half calls, half leads, cut-off 50 %.
    page.tabs.setCurrentIndex(2)
    editor = page.weights_editor
    assert editor.current_role() == Role.OPERATOR
    assert editor.weight[KpiMetric.HELD_VISITS].value() == 40
    editor.weight[KpiMetric.HELD_VISITS].setValue(0)
    editor.weight[KpiMetric.TALK_MINUTES].setValue(0)
    assert editor.sum_label.text() == "Total: 40 %"
    assert not editor.save_button.isEnabled()  # the weights do not add up to 100 %
    editor.weight[KpiMetric.CALLS].setValue(60)
    editor.cutoff[KpiMetric.CALLS].setValue(50)
    assert editor.save_button.isEnabled()
    editor.save_button.click()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    assert not page.error.isVisibleTo(page)
    with floor.database.session() as session:
        weights = session.execute(
            select(KpiWeight.metric, KpiWeight.weight, KpiWeight.cutoff)
            .where(KpiWeight.role == "operator")
            .order_by(KpiWeight.metric)
        ).all()
    assert [tuple(row) for row in weights] == [
        ("calls", Decimal("0.6000"), Decimal("0.5000")),
        ("leads", Decimal("0.4000"), Decimal("0.8000")),
    ]
    page.scorecards.select_where(lambda card: card.person.name == "Ольга")
    assert [line.metric for line in page.lines_model.rows()][:2] == [
        KpiMetric.CALLS,
        KpiMetric.LEADS,
    ]


def test_an_operator_cannot_load_the_plans_page(
    qtbot: QtBot, floor: Floor, translations: Translations
) -> None:
    page = open_plans(qtbot, floor.database, floor.olga, translations)
    assert page.error.isVisibleTo(page)
    assert "may not do this" in page.error.text()
    assert page.scorecards_model.rowCount() == 0
