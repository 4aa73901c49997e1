"""The templates page: every message × language × channel, editing with placeholders at hand,
a live preview, errors naming the unknown placeholder, save, and reset to the shipped text."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from operator_app.core.messaging import TemplateService
from operator_app.core.roles import Actor, Role
from operator_app.gui.i18n import Translations
from operator_app.gui.messaging.templates_page import LIST_WIDTH, TemplatesPage
from operator_app.storage.database import Database
from tests.gui.helpers import add_user, context_for

pytestmark = pytest.mark.usefixtures("close_windows")


def open_page(
    qtbot: QtBot, db: Database, actor: Actor, translations: Translations
) -> TemplatesPage:
    page = TemplatesPage(context_for(db, actor, translations))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    return page


def click_placeholder(qtbot: QtBot, page: TemplatesPage, name: str) -> None:
    for row in range(page.placeholders.count()):
        item = page.placeholders.item(row)
        if item.data(Qt.ItemDataRole.UserRole) == name:
            rect = page.placeholders.visualItemRect(item)
            qtbot.mouseClick(
                page.placeholders.viewport(), Qt.MouseButton.LeftButton, pos=rect.center()
            )  # type: ignore[no-untyped-call]
            return
    raise AssertionError(name)


def test_the_list_shows_where_each_text_comes_from(
    qtbot: QtBot,
    sqlite_db: Database,
    admin: Actor,
    translations: Translations,
    qtmodeltester: ModelTester,
) -> None:
    page = open_page(qtbot, sqlite_db, admin, translations)
    qtmodeltester.check(page.model)  # type: ignore[no-untyped-call]
    assert page.model.rowCount() == len(TemplateService(sqlite_db).templates())
    assert page.select("booking_confirmation", "ru", "messenger")
    row = page.table.currentIndex().row()
    assert page.table.model().index(row, 3).data() == "Shipped, SMS text"
    assert page.select("booking_confirmation", "en", "email")
    assert page.heading.text() == "Booking confirmation · English · E-mail"
    assert page.subject.isEnabled()
    assert "Anna" in page.preview.toPlainText()  # English samples for an English text


def test_edit_with_placeholders_preview_errors_save_and_reset(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    supervisor = add_user(sqlite_db, admin, "sveta", Role.SUPERVISOR)
    page = open_page(qtbot, sqlite_db, supervisor, translations)
    assert page.select("control_touch", "ru", "sms")
    assert not page.subject.isEnabled()  # an SMS has no subject
    assert not page.reset_button.isEnabled()

    page.body.setPlainText("Напоминаем: завтра в ")
    page.body.setFocus()
    page.body.moveCursor(page.body.textCursor().MoveOperation.End)
    click_placeholder(qtbot, page, "visit_time")
    assert page.body.toPlainText() == "Напоминаем: завтра в {visit_time}"
    assert page.preview.toPlainText() == "Напоминаем: завтра в 14:30"

    page.body.setPlainText("Ждём вас, {client}!")
    assert page.body_error.text().startswith("Unknown placeholder {client}.")
    assert "{client_name}" in page.body_error.text()
    assert page.preview.toPlainText() == "Fix the text to see the preview."
    page.save_button.click()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    assert page.body_error.text().startswith("Unknown placeholder {client}.")
    assert page.body.toPlainText() == "Ждём вас, {client}!"  # kept for fixing
    assert TemplateService(sqlite_db).template("control_touch", "ru", "sms").edited is False

    page.body.setPlainText("{client_name}, ждём вас завтра в {visit_time}, {office_address}.")
    assert page.body_error.text() == ""
    assert page.preview.toPlainText() == "Анна, ждём вас завтра в 14:30, Москва, Тверская ул., 1."
    page.save_button.click()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    stored = TemplateService(sqlite_db).template("control_touch", "ru", "sms")
    assert stored.edited
    assert stored.body == "{client_name}, ждём вас завтра в {visit_time}, {office_address}."
    assert page.notice.text() == "Saved."
    row = page.table.currentIndex().row()
    assert page.table.model().index(row, 3).data() == "Edited"
    assert page.reset_button.isEnabled()

    page.reset_button.click()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    shipped = TemplateService(sqlite_db).template("control_touch", "ru", "sms")
    assert not shipped.edited
    assert page.body.toPlainText() == shipped.body
    assert page.table.model().index(page.table.currentIndex().row(), 3).data() == "Shipped"


def test_an_email_needs_a_subject_and_operators_only_read(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    page = open_page(qtbot, sqlite_db, admin, translations)
    assert page.select("review_request", "en", "email")
    page.subject.setText("   ")
    page.save_button.click()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    assert page.subject_error.text() == "An e-mail needs a subject."

    operator = add_user(sqlite_db, admin, "olga", Role.OPERATOR)
    read_only = open_page(qtbot, sqlite_db, operator, translations)
    assert read_only.selected() is not None
    assert not read_only.save_button.isEnabled()
    assert read_only.body.isReadOnly()


def test_the_list_shows_each_message_name_fully_in_russian_at_1440_px(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    translations.apply("ru")
    page = TemplatesPage(context_for(sqlite_db, admin, translations))
    qtbot.addWidget(page)
    page.resize(1440, 840)
    page.show()
    qtbot.waitUntil(lambda: not page.is_busy() and page.model.rowCount() > 0, timeout=10_000)
    assert page.table.model().headerData(0, Qt.Orientation.Horizontal) == "Сообщение"

    table = page.table
    assert page.split.sizes()[0] >= LIST_WIDTH - 2
    assert table.columnViewportPosition(0) == 0
    assert table.columnWidth(0) >= table.sizeHintForColumn(0)  # no name is elided
    for column in range(table.model().columnCount()):
        left = table.columnViewportPosition(column)
        assert left >= 0 and left + table.columnWidth(column) <= table.viewport().width()
    assert not table.horizontalScrollBar().isVisible()


def edit_then_choose_another(
    qtbot: QtBot, page: TemplatesPage, answer: QMessageBox.StandardButton
) -> list[str]:
    asked: list[str] = []

    def ask() -> QMessageBox.StandardButton:
        asked.append(page.heading.text())
        return answer

    page.ask_unsaved = ask
    assert page.select("control_touch", "ru", "sms")
    page.body.setPlainText("Ждём вас завтра, {client_name}!")
    assert page.select("booking_confirmation", "ru", "sms")
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    return asked


def test_cancel_keeps_the_template_and_the_typed_text(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    page = open_page(qtbot, sqlite_db, admin, translations)
    asked = edit_then_choose_another(qtbot, page, QMessageBox.StandardButton.Cancel)
    assert len(asked) == 1  # restoring the row does not ask again
    selected = page.selected()
    assert selected is not None and selected.code == "control_touch"
    assert page.body.toPlainText() == "Ждём вас завтра, {client_name}!"
    assert page.has_unsaved_edits()
    assert not TemplateService(sqlite_db).template("control_touch", "ru", "sms").edited


def test_discard_moves_and_drops_the_typed_text(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    page = open_page(qtbot, sqlite_db, admin, translations)
    asked = edit_then_choose_another(qtbot, page, QMessageBox.StandardButton.Discard)
    assert len(asked) == 1
    selected = page.selected()
    assert selected is not None and selected.code == "booking_confirmation"
    service = TemplateService(sqlite_db)
    assert page.body.toPlainText() == service.template("booking_confirmation", "ru", "sms").body
    assert not page.has_unsaved_edits()
    assert not service.template("control_touch", "ru", "sms").edited
    assert page.select("control_touch", "ru", "sms")  # nothing left to ask about
    assert len(asked) == 1


def test_save_stores_the_typed_text_then_moves(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    page = open_page(qtbot, sqlite_db, admin, translations)
    asked = edit_then_choose_another(qtbot, page, QMessageBox.StandardButton.Save)
    assert len(asked) == 1
    service = TemplateService(sqlite_db)
    stored = service.template("control_touch", "ru", "sms")
    assert stored.edited and stored.body == "Ждём вас завтра, {client_name}!"
    assert page.notice.text() == "Saved."
    selected = page.selected()
    assert selected is not None and selected.code == "booking_confirmation"
    assert page.body.toPlainText() == service.template("booking_confirmation", "ru", "sms").body
    assert not page.has_unsaved_edits()
