"""The script editor: open a script, edit a step, add an answer branch, publish (Ctrl+S) a new
version with the old one untouched; problems show as one types and lead to their item; a new
script is published as version 1; unsaved work is never replaced silently."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from operator_app.core.roles import Actor, Role
from operator_app.core.script_validation import ProblemKind
from operator_app.core.scripts import import_script, latest_version
from operator_app.core.scripts_format import Answer, ScriptDocument, from_document, load_script
from operator_app.gui.i18n import Translations
from operator_app.gui.script_editor.draft import ItemKind, ItemRef
from operator_app.gui.script_editor.page import ScriptEditorPage
from operator_app.resources import resource_path
from operator_app.storage.database import Database
from operator_app.storage.models import Script, ScriptVersion
from tests.gui.helpers import add_user, context_for

pytestmark = pytest.mark.usefixtures("close_windows")

BROKER = resource_path("scripts", "credit_broker_visit.ru.yaml").read_text(encoding="utf-8")
CLINIC = resource_path("scripts", "clinic_booking.ru.yaml").read_text(encoding="utf-8")


def stored(database: Database, name: str, version: int) -> ScriptDocument:
    with database.session() as session:
        document = session.scalars(
            select(ScriptVersion.document)
            .join(Script, Script.id == ScriptVersion.script_id)
            .where(Script.name == name, ScriptVersion.version == version)
        ).one()
    return from_document(document)


def open_page(
    qtbot: QtBot, database: Database, actor: Actor, translations: Translations
) -> ScriptEditorPage:
    page = ScriptEditorPage(context_for(database, actor, translations))
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    return page


def test_publishing_an_edited_script_adds_a_version_and_keeps_the_old_one(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    supervisor = add_user(sqlite_db, admin, "roman", Role.SUPERVISOR)
    name, _ = import_script(sqlite_db, admin, BROKER)
    page = open_page(qtbot, sqlite_db, supervisor, translations)

    assert page.script_combo.currentText() == name
    assert page.version.text() == "version 1"
    assert page.problems.count() == 0
    assert page.problems_box.title() == "Problems: none — the script can be published"
    assert not page.publish_button.isEnabled()  # nothing to publish yet
    top = page.tree.topLevelItem(0)
    assert top is not None and top.text(0) == "Contact"
    assert page.step_form.id_edit.text() == "greeting"  # the first step is open

    page.select_step("small_talk")
    assert page.current_ref() == ItemRef(0, ItemKind.STEP, 3)
    page.step_form.text_edit.setPlainText("Спасибо! Задам пару вопросов, хорошо?")
    assert "small_talk · Спасибо! Задам пару вопросов" in page.tree.currentItem().text(0)  # type: ignore[union-attr]
    assert page.status.text() == "Unsaved changes"
    assert not page.script_combo.isEnabled()  # another script would replace the edits

    page.step_form.add_answer_button.click()
    assert page.step_form.current_answer() == 1
    assert [p.kind for p in page.problem_list()] == [
        ProblemKind.EMPTY_LABEL,
        ProblemKind.MISSING_NEXT,
    ]
    page.step_form.answer_label.setText("Некогда, неинтересно")
    next_picker = page.step_form.answer_next
    next_picker.setCurrentIndex(next_picker.findData("farewell_refused"))
    assert page.problem_list() == ()
    assert page.step_form.answers.item(1, 1).text().startswith("farewell_refused · ")  # type: ignore[union-attr]

    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.tree.setFocus()
    qtbot.keyClick(page.tree, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # type: ignore[no-untyped-call]
    qtbot.waitUntil(lambda: page.status.text() == "Published as version 2.", timeout=10_000)
    assert page.version.text() == "version 2"
    assert not page.publish_button.isEnabled()
    assert page.script_combo.isEnabled()

    original = load_script(BROKER)
    assert stored(sqlite_db, name, 1) == original
    newest = latest_version(sqlite_db, name)
    assert newest is not None and newest.version == 2
    small_talk = newest.document.step("small_talk")
    assert small_talk.text == "Спасибо! Задам пару вопросов, хорошо?"
    assert small_talk.answers == (
        *original.step("small_talk").answers,
        Answer("Некогда, неинтересно", "farewell_refused"),
    )


def test_problems_appear_as_one_types_and_lead_to_their_item(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    supervisor = add_user(sqlite_db, admin, "roman", Role.SUPERVISOR)
    name, _ = import_script(sqlite_db, admin, BROKER)
    page = open_page(qtbot, sqlite_db, supervisor, translations)

    page.select_step("q_purchase")  # diagnostics, first step
    page.add_button.click()  # a new step right after it, with no text and no answers
    added = page.current_ref()
    assert added == ItemRef(1, ItemKind.STEP, 1)
    draft = page.draft()
    assert draft is not None and draft.step(added).id == "step_1"
    texts = [page.problems.item(row).text() for row in range(page.problems.count())]  # type: ignore[union-attr]
    assert texts == [
        "Diagnostics › step step_1: the text is empty",
        "Diagnostics › step step_1: dead end: the step has no answers, but only closing steps"
        " may end the call",
        "Diagnostics › step step_1: unreachable: no answer leads to this step",
    ]
    assert page.problems_box.title() == "Problems: 3 to fix, 0 to check"

    page.publish_button.click()  # refused while there are errors
    assert page.error.isVisible()
    assert "3 problem(s) to fix" in page.error.text()
    assert not page.is_busy()

    page.select_step("greeting")
    dead_end = page.problems.item(1)
    assert dead_end is not None
    rect = page.problems.visualItemRect(dead_end)
    # A real double-click: press and release, then the second press.
    qtbot.mouseClick(page.problems.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # type: ignore[no-untyped-call]
    qtbot.mouseDClick(page.problems.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # type: ignore[no-untyped-call]
    assert page.current_ref() == added
    assert page.step_form.add_answer_button.hasFocus()

    # Renaming a step takes the answers leading to it along.
    page.select_step("q_purchase")
    page.add_button.click()
    page.step_form.id_edit.setText("q_budget")
    assert any(p.item_id == "q_budget" for p in page.problem_list())
    page.select_step("s_income")
    page.step_form.id_edit.setText("s_job")
    draft = page.draft()
    assert draft is not None
    targets = [a.next for s in draft.stages[1].steps for a in s.answers]
    assert "s_job" in targets and "s_income" not in targets

    # Removing the empty steps leaves a clean script.
    for step_id in ("step_1", "q_budget"):
        page.select_step(step_id)
        page.tree.setFocus()
        page.remove_button.click()
    assert page.problem_list() == ()
    assert stored(sqlite_db, name, 1) == load_script(BROKER)  # nothing was published


def test_a_new_script_is_published_as_version_one(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    supervisor = add_user(sqlite_db, admin, "roman", Role.SUPERVISOR)
    clinic, _ = import_script(sqlite_db, admin, CLINIC)
    page = open_page(qtbot, sqlite_db, supervisor, translations)
    page.step_form.text_edit.setPlainText("Изменено, но не опубликовано")
    assert not page.new_button.isEnabled()  # publish or discard first
    page.discard_button.click()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    assert page.step_form.text_edit.toPlainText() != "Изменено, но не опубликовано"

    page.new_button.click()
    assert page.version.text() == "new script, not published yet"
    kinds = {p.kind for p in page.problem_list()}
    assert {ProblemKind.EMPTY_NAME, ProblemKind.EMPTY_TEXT, ProblemKind.EMPTY_LABEL} <= kinds
    page.name_edit.setText("Холодный звонок")
    texts = {
        "greeting": "Здравствуйте, {client_name}!",
        "question": "Чем пользуетесь сейчас?",
        "teaser": "Приглашаем на встречу — удобно в четверг?",
        "farewell": "До встречи!",
    }
    for step_id, text in texts.items():
        page.select_step(step_id)
        page.step_form.text_edit.setPlainText(text)
        if page.step_form.answers.rowCount():
            page.step_form.select_answer(0)
            page.step_form.answer_label.setText("Да")
    objections = page.draft().stages[3]  # type: ignore[union-attr]
    page.select_item(ItemRef(3, ItemKind.OBJECTION, 0))
    page.objection_form.title_edit.setText("Дорого")
    page.objection_form.responses_edit.setPlainText("Понимаю.\n\nДавайте посчитаем.")
    assert objections.objections[0].responses == ["Понимаю.", "Давайте посчитаем."]
    assert page.problem_list() == ()

    page.publish_button.click()
    qtbot.waitUntil(lambda: page.status.text() == "Published as version 1.", timeout=10_000)
    created = latest_version(sqlite_db, "Холодный звонок")
    assert created is not None and created.version == 1
    assert created.document.step("teaser").text == texts["teaser"]
    assert page.script_combo.findData("Холодный звонок") >= 0
    assert page.script_combo.findData(clinic) >= 0


def test_someone_elses_version_is_not_overwritten_without_saying_so(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    supervisor = add_user(sqlite_db, admin, "roman", Role.SUPERVISOR)
    name, _ = import_script(sqlite_db, admin, BROKER)
    page = open_page(qtbot, sqlite_db, supervisor, translations)
    page.step_form.text_edit.setPlainText("Добрый день!")
    import_script(sqlite_db, admin, BROKER)  # a colleague publishes version 2 meanwhile

    page.publish_button.click()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    assert page.error.text().startswith("Someone published version 2 of this script")
    latest = latest_version(sqlite_db, name)
    assert latest is not None and latest.version == 2

    page.publish_button.click()  # told, and publishing anyway
    qtbot.waitUntil(lambda: page.status.text() == "Published as version 3.", timeout=10_000)


def test_an_operator_may_look_but_not_publish(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    operator = add_user(sqlite_db, admin, "olga", Role.OPERATOR)
    import_script(sqlite_db, admin, BROKER)
    page = open_page(qtbot, sqlite_db, operator, translations)
    assert page.tree.topLevelItemCount() == 5
    assert not page.forms.isEnabled()
    assert not page.new_button.isEnabled()
    assert not page.publish_button.isEnabled()
    assert not page.add_button.isEnabled()
