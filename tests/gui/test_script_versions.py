"""The script versions page: versions with outcomes compared side by side, starting and ending
a traffic split, and the "no suitable answer" entries per step."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from operator_app.core.call_card import load_call_card
from operator_app.core.roles import Actor, Role
from operator_app.core.script_split import ScriptSplit, SplitBy, assigned_version
from operator_app.core.scripts import import_script
from operator_app.gui.i18n import Translations
from operator_app.gui.script_versions.page import ScriptVersionsPage
from operator_app.storage.database import Database
from operator_app.storage.models import Campaign, Disposition
from tests.gui.helpers import context_for
from tests.support.handoff_data import make_lead, make_user
from tests.support.script_version_data import (
    NOON,
    ScriptCampaign,
    add_call,
    campaign_with_two_versions,
    script_text,
)

pytestmark = pytest.mark.usefixtures("close_windows")

TODAY = dt.date(2026, 11, 20)


def open_page(
    qtbot: QtBot, db: Database, actor: Actor, translations: Translations
) -> ScriptVersionsPage:
    page = ScriptVersionsPage(context_for(db, actor, translations), today=lambda: TODAY)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    return page


def with_dispositions(db: Database, setup: ScriptCampaign) -> None:
    with db.session() as session:
        for code, positive in (("lead", True), ("refused", False)):
            session.add(
                Disposition(
                    campaign_id=setup.campaign_id,
                    code=code,
                    label=code,
                    reached=True,
                    positive=positive,
                )
            )


def test_versions_show_their_outcomes_and_two_are_compared(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, qtmodeltester: object
) -> None:
    setup = campaign_with_two_versions(sqlite_db)
    with_dispositions(sqlite_db, setup)
    v1, v2 = setup.version_ids
    caller = make_user(sqlite_db, "Ольга", Role.OPERATOR)
    for n in range(3):
        lead = make_lead(sqlite_db, setup.campaign_id, f"Клиент {n}")
        add_call(sqlite_db, lead, caller.user_id, v1, disposition="lead" if n == 0 else "refused")
    for n in range(2):
        lead = make_lead(sqlite_db, setup.campaign_id, f"Новый {n}")
        add_call(sqlite_db, lead, caller.user_id, v2, disposition="lead")
    # Before the period: counted in "all time", not in the outcomes.
    add_call(sqlite_db, lead, caller.user_id, v2, at=NOON - dt.timedelta(days=60))
    # A script with one version, listed first: nothing to compare it with.
    import_script(sqlite_db, setup.author, script_text().replace(setup.script_name, "А-скрипт", 1))

    page = open_page(qtbot, sqlite_db, setup.author, translations)
    rows = {row.info.version_id: row for row in page.versions_model.rows()}
    assert (rows[v1].info.calls, rows[v1].figures.calls, rows[v1].figures.leads) == (3, 3, 1)
    assert (rows[v2].info.calls, rows[v2].figures.calls, rows[v2].figures.leads) == (3, 2, 2)
    assert page.versions_model.data(page.versions_model.index(0, 0)) == "А-скрипт v1"

    # By default the newest version (B) is compared with the one before it (A).
    assert page.compare_a.currentData() == v1 and page.compare_b.currentData() == v2
    comparison = page.comparison_model
    assert comparison.headerData(1, Qt.Orientation.Horizontal) == f"{setup.script_name} v1"
    table = {
        comparison.data(comparison.index(row, 0)): tuple(
            comparison.data(comparison.index(row, column)) for column in (1, 2, 3)
        )
        for row in range(comparison.rowCount())
    }
    assert table["Calls"] == ("3", "2", "-1")
    assert table["Leads"] == ("1", "2", "+1")
    assert table["Conversion to lead"] == ("33.3 %", "100.0 %", "+66.7 pp")

    page.select_comparison(v2, v1)
    assert page.comparison_model.data(page.comparison_model.index(0, 3)) == "+1"
    for model in (page.versions_model, page.comparison_model):
        qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_a_supervisor_starts_and_ends_a_split(
    qtbot: QtBot, sqlite_db: Database, translations: Translations
) -> None:
    setup = campaign_with_two_versions(sqlite_db)
    v1, v2 = setup.version_ids
    page = open_page(qtbot, sqlite_db, setup.author, translations)
    page.tabs.setCurrentIndex(1)
    editor = page.split_editor
    assert editor.select_campaign(setup.campaign_id)
    assert "No split" in editor.status.text()
    assert not editor.end_button.isEnabled()
    assert editor.version_a.currentData() == v1 and editor.version_b.currentData() == v2

    editor.share_b.setValue(30)
    editor.by.setCurrentIndex(editor.by.findData("lead"))
    editor.save_button.click()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)

    split = ScriptSplit(v1, v2, 30, SplitBy.LEAD)
    with sqlite_db.session() as session:
        settings = session.get_one(Campaign, setup.campaign_id).settings
    assert settings["script_split"] == split.to_settings()
    assert "30 % of calls open" in editor.status.text()
    assert editor.end_button.isEnabled()
    lead = make_lead(sqlite_db, setup.campaign_id)
    expected = assigned_version(split, lead_id=lead, operator_id=None)
    assert load_call_card(sqlite_db, lead).script_version_id == expected

    editor.end_button.click()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    with sqlite_db.session() as session:
        assert "script_split" not in session.get_one(Campaign, setup.campaign_id).settings
    assert "No split" in editor.status.text()
    assert load_call_card(sqlite_db, lead).script_version_id == v2


def test_the_same_version_twice_is_refused_in_place(
    qtbot: QtBot, sqlite_db: Database, translations: Translations
) -> None:
    setup = campaign_with_two_versions(sqlite_db)
    page = open_page(qtbot, sqlite_db, setup.author, translations)
    editor = page.split_editor
    editor.select_campaign(setup.campaign_id)
    editor.version_b.setCurrentIndex(editor.version_a.currentIndex())
    editor.save_button.click()
    assert editor.problem.text() == "Choose two different versions."
    assert not page.is_busy()
    with sqlite_db.session() as session:
        assert "script_split" not in session.get_one(Campaign, setup.campaign_id).settings


def test_no_suitable_answers_are_listed_per_step(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, qtmodeltester: object
) -> None:
    setup = campaign_with_two_versions(sqlite_db)
    v1, _ = setup.version_ids
    olga = make_user(sqlite_db, "Ольга", Role.OPERATOR)
    lead = make_lead(sqlite_db, setup.campaign_id)
    add_call(
        sqlite_db,
        lead,
        olga.user_id,
        v1,
        no_answer=(("number_source", "contact", "Откуда номер?"),),
    )
    add_call(
        sqlite_db,
        lead,
        olga.user_id,
        v1,
        at=NOON + dt.timedelta(hours=1),
        no_answer=(("number_source", "contact", "Я не оставлял заявку"),),
    )
    add_call(sqlite_db, lead, olga.user_id, v1, no_answer=(("greeting", "contact", "Кто это?"),))

    page = open_page(qtbot, sqlite_db, setup.author, translations)
    page.tabs.setCurrentIndex(2)
    steps = page.steps_model.rows()
    assert [(s.step_id, s.count) for s in steps] == [("number_source", 2), ("greeting", 1)]
    assert page.steps.selected_row() == steps[0]
    said = [e.client_said for e in page.entries_model.rows()]
    assert said == ["Я не оставлял заявку", "Откуда номер?"]
    assert page.entries_model.data(page.entries_model.index(0, 1)) == "Ольга"
    assert "number_source" in page.entries_title.text()

    page.steps.selectRow(1)
    qtbot.waitUntil(
        lambda: [e.client_said for e in page.entries_model.rows()] == ["Кто это?"], timeout=10_000
    )
    for model in (page.steps_model, page.entries_model):
        qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_an_operator_sees_that_the_page_is_not_for_them(
    qtbot: QtBot, sqlite_db: Database, translations: Translations
) -> None:
    campaign_with_two_versions(sqlite_db)
    operator = make_user(sqlite_db, "Ольга", Role.OPERATOR)
    page = open_page(qtbot, sqlite_db, operator, translations)
    assert page.error.isVisible()
    assert "may not do this" in page.error.text()
    assert page.versions_model.rowCount() == 0
