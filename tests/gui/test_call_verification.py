"""The verification form: rows from criteria, the live verdict, overrides, reasons, saving,
and the link with the real script panel."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from operator_app.core.roles import Actor
from operator_app.core.script_engine import DialogueSession
from operator_app.core.verification.service import CriteriaService, VerificationService
from operator_app.core.verification.verdict import Verdict
from operator_app.gui.call.script_panel import ScriptPanel
from operator_app.gui.call.verification_panel import VerificationPanel
from operator_app.gui.i18n import Translations
from operator_app.storage.database import Database
from operator_app.storage.models import Verification
from tests.gui.verification_data import Space, build_space, script


@pytest.fixture
def space(sqlite_db: Database, admin: Actor) -> Space:
    return build_space(sqlite_db, admin)


def make_panel(
    qtbot: QtBot, db: Database, space: Space, *, with_script: bool = False
) -> VerificationPanel:
    panel = VerificationPanel(VerificationService(db), space.operator)
    qtbot.addWidget(panel)
    criteria = CriteriaService(db).current(space.campaign_id)
    panel.set_lead(space.lead_id, criteria, script() if with_script else None)
    return panel


def combo(panel: VerificationPanel, criterion_id: str) -> QComboBox:
    editor = panel.editors[criterion_id]
    assert isinstance(editor, QComboBox)
    return editor


def line(panel: VerificationPanel, criterion_id: str) -> QLineEdit:
    editor = panel.editors[criterion_id]
    assert isinstance(editor, QLineEdit)
    return editor


def fill_target(panel: VerificationPanel) -> None:
    history = combo(panel, "history")
    visit = combo(panel, "visit")
    age = line(panel, "age")
    history.setCurrentIndex(history.findData("Хорошая"))
    visit.setCurrentIndex(visit.findData(True))
    age.setText("35")


def saved_rows(db: Database) -> list[Verification]:
    with db.session() as session:
        rows = list(session.scalars(select(Verification)))
        session.expunge_all()
        return rows


def test_the_form_has_a_row_per_criterion_and_a_live_verdict(
    qtbot: QtBot, sqlite_db: Database, space: Space, translations: Translations
) -> None:
    panel = make_panel(qtbot, sqlite_db, space)
    assert list(panel.editors) == ["history", "visit", "age", "deal", "note"]
    captions = []
    for editor in panel.editors.values():
        field = editor.parentWidget()
        assert field is not None
        caption = panel.form.labelForField(field)
        assert isinstance(caption, QLabel)
        captions.append(caption.text())
    assert captions[0] == "Credit history? *"
    assert captions[3] == "Deal date?"  # optional: no mark
    assert panel.verdict.text() == (
        "Incomplete — still to answer: Credit history?; Will come to the office?; Age?"
    )
    fill_target(panel)
    assert panel.verdict.text() == "Target"
    assert not panel.reason.isEnabled()
    age = line(panel, "age")
    age.setText("19")
    assert panel.verdict.text() == "Non-target — disqualified by: Age?"
    assert panel.reason.isEnabled()


def test_a_bad_answer_is_marked_in_its_row_and_not_saved(
    qtbot: QtBot, sqlite_db: Database, space: Space, translations: Translations
) -> None:
    panel = make_panel(qtbot, sqlite_db, space)
    fill_target(panel)
    deal = line(panel, "deal")
    deal.setText("next spring")
    assert panel.row_errors["deal"].text() == "Enter a date like 31.01.2027."
    assert not panel.row_errors["deal"].isHidden()
    panel.save()
    assert panel.save_task is None
    assert panel.message.text() == "Correct the answers marked in red first."
    assert deal.text() == "next spring"  # nothing typed is lost
    assert saved_rows(sqlite_db) == []


def test_a_target_verification_is_saved_in_the_background(
    qtbot: QtBot, sqlite_db: Database, space: Space, translations: Translations
) -> None:
    panel = make_panel(qtbot, sqlite_db, space)
    fill_target(panel)
    deal = line(panel, "deal")
    deal.setText("15.04.2030")
    with qtbot.waitSignal(panel.saved, timeout=10_000) as blocker:
        panel.save_button.click()
    view = blocker.args[0]
    assert view.verdict is Verdict.TARGET and not view.overridden
    assert panel.message.text() == "The verification was saved."
    assert panel.last_saved.text().startswith("Saved: Target, Olga, ")
    rows = saved_rows(sqlite_db)
    assert len(rows) == 1
    assert rows[0].answers["deal"] == "2030-04-15"
    assert rows[0].answers["age"] == 35


def test_an_override_needs_a_comment_and_a_non_target_needs_a_reason(
    qtbot: QtBot, sqlite_db: Database, space: Space, translations: Translations
) -> None:
    panel = make_panel(qtbot, sqlite_db, space)
    fill_target(panel)
    panel.verdict_choice.setCurrentIndex(panel.verdict_choice.findData("non_target"))
    assert panel.is_override()
    assert panel.comment.isEnabled()
    panel.save()
    assert panel.save_task is None
    assert panel.comment_error.text() == "Overriding the verdict needs a comment: say why."
    assert not panel.comment_error.isHidden()
    panel.comment.setText("Says he will move abroad next month")
    assert panel.comment_error.isHidden()
    panel.save()
    assert panel.save_task is None
    assert panel.reason_error.text() == "Choose why the lead is not target."
    panel.reason.setCurrentIndex(panel.reason.findData("other"))
    with qtbot.waitSignal(panel.saved, timeout=10_000) as blocker:
        panel.save()
    view = blocker.args[0]
    assert view.verdict is Verdict.NON_TARGET and view.computed_verdict is Verdict.TARGET
    assert view.overridden and view.override_comment == "Says he will move abroad next month"
    assert view.reason == "other"
    assert panel.last_saved.text().startswith("Saved: Non-target (overridden), Olga, ")


def test_an_incomplete_form_cannot_be_saved_without_an_override(
    qtbot: QtBot, sqlite_db: Database, space: Space, translations: Translations
) -> None:
    panel = make_panel(qtbot, sqlite_db, space)
    history = combo(panel, "history")
    history.setCurrentIndex(history.findData("Хорошая"))
    panel.save()
    assert panel.save_task is None
    assert panel.message.text() == (
        "Answer the required questions first, or override the verdict with a comment."
    )
    assert saved_rows(sqlite_db) == []


def test_answering_the_script_fills_the_form(
    qtbot: QtBot, sqlite_db: Database, space: Space, translations: Translations
) -> None:
    panel = make_panel(qtbot, sqlite_db, space, with_script=True)
    script_panel = ScriptPanel()
    qtbot.addWidget(script_panel)
    panel.follow(script_panel)
    script_panel.set_session(DialogueSession(script(), {}))
    script_panel.choose(0)  # greeting: Удобно
    script_panel.answer_buttons[1].click()  # q_history: Испорчена безнадёжно
    history = combo(panel, "history")
    assert history.currentData() == "Испорчена безнадёжно"
    assert panel.verdict.text().startswith("Non-target — disqualified by: Credit history?")
    script_panel.answer_buttons[0].click()  # q_visit: Да, приеду
    visit = combo(panel, "visit")
    assert visit.currentData() is True
    script_panel.free_text.setText("42")  # q_age has no answers: the client's own words
    script_panel.record_free_answer()
    age = line(panel, "age")
    assert age.text() == "42"
    # The operator corrects the form by hand; later script clicks do not undo it.
    history.setCurrentIndex(history.findData("Хорошая"))
    script_panel.changed.emit()
    assert history.currentData() == "Хорошая"
    assert panel.verdict.text() == "Target"


def test_filling_the_form_names_the_linked_script_answer(
    qtbot: QtBot, sqlite_db: Database, space: Space, translations: Translations
) -> None:
    panel = make_panel(qtbot, sqlite_db, space, with_script=True)
    visit = combo(panel, "visit")
    with qtbot.waitSignal(panel.script_answer_suggested) as blocker:
        visit.setCurrentIndex(visit.findData(True))
    assert blocker.args == ["q_visit", "Да, приеду"]
    with qtbot.assertNotEmitted(panel.script_answer_suggested):
        panel.set_answer("history", "Хорошая")  # filled by code, not by the operator


def test_the_latest_verification_fills_the_form(
    qtbot: QtBot, sqlite_db: Database, space: Space, translations: Translations
) -> None:
    VerificationService(sqlite_db).save(
        space.operator, space.lead_id, None, {"history": "Хорошая", "visit": "да", "age": "30"}
    )
    panel = VerificationPanel(VerificationService(sqlite_db), space.operator)
    qtbot.addWidget(panel)
    service = VerificationService(sqlite_db)
    panel.set_lead(
        space.lead_id,
        CriteriaService(sqlite_db).current(space.campaign_id),
        None,
        service.latest(space.lead_id),
    )
    age = line(panel, "age")
    assert age.text() == "30"
    assert panel.verdict.text() == "Target"
    assert panel.last_saved.text().startswith("Saved: Target, Olga, ")
    panel.set_lead(None, None)
    assert panel.editors == {}
    assert not panel.isEnabled()


def test_switching_the_language_keeps_what_was_entered(
    qtbot: QtBot, sqlite_db: Database, space: Space, translations: Translations
) -> None:
    panel = make_panel(qtbot, sqlite_db, space)
    fill_target(panel)
    line(panel, "note").setText("звонить после обеда")
    panel.verdict_choice.setCurrentIndex(panel.verdict_choice.findData("non_target"))
    panel.comment.setText("Переезжает")
    panel.reason.setCurrentIndex(panel.reason.findData("other"))
    before = panel.editors["history"]
    translations.apply("ru")
    qtbot.waitUntil(lambda: panel.editors["history"] is not before, timeout=5_000)
    assert panel.raw_answers() == {
        "history": "Хорошая",
        "visit": True,
        "age": "35",
        "note": "звонить после обеда",
    }
    assert panel.verdict_choice.currentData() == "non_target"
    assert panel.comment.text() == "Переезжает"
    assert panel.reason.currentData() == "other"
