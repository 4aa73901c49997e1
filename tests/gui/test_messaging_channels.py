"""The channel settings page: SMTP and gateway forms, a refused save shown under the field it
names with everything typed kept, and a good save stored."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTime
from PySide6.QtWidgets import QComboBox, QLineEdit, QTimeEdit
from pytestqt.qtbot import QtBot

from operator_app.core.messaging import ChannelSettingsService
from operator_app.core.roles import Actor, Role
from operator_app.gui.i18n import Translations
from operator_app.gui.messaging.channel_settings_page import ChannelSettingsPage
from operator_app.storage.database import Database
from tests.gui.helpers import add_user, context_for

pytestmark = pytest.mark.usefixtures("close_windows")


def open_page(
    qtbot: QtBot, db: Database, actor: Actor, translations: Translations
) -> ChannelSettingsPage:
    page = ChannelSettingsPage(context_for(db, actor, translations))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    return page


def test_an_smtp_server_is_configured_with_field_errors_on_the_way(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    page = open_page(qtbot, sqlite_db, admin, translations)
    form = page.forms["email"]
    assert form.isEnabled()
    assert form.text_edit("password").echoMode() == QLineEdit.EchoMode.Password
    assert form.spin("port").value() == 587

    form.enabled.setChecked(True)
    form.text_edit("host").setText("smtp.example.ru")
    form.text_edit("user").setText("visits")
    form.text_edit("password").setText("pa ss")
    form.text_edit("from_address").setText("not an address")
    form.save_button.click()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    assert form.field_error("from_address") == (
        "Enter an e-mail address, such as visits@example.ru."
    )
    assert form.field_error("host") is None
    assert form.text_edit("host").text() == "smtp.example.ru"  # nothing typed is lost
    assert form.text_edit("password").text() == "pa ss"
    assert not ChannelSettingsService(sqlite_db).get("email").enabled

    form.text_edit("from_address").setText("visits@example.ru")
    security = form.fields["security"]
    assert isinstance(security, QComboBox)
    security.setCurrentIndex(security.findData("ssl"))
    assert form.spin("port").value() == 465  # the usual port follows the security
    quiet_to = form.fields["quiet_to"]
    assert isinstance(quiet_to, QTimeEdit)
    quiet_to.setTime(QTime(8, 30))
    form.save_button.click()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    assert form.field_error("from_address") is None
    assert form.notice.text() == "Saved."
    stored = ChannelSettingsService(sqlite_db).get("email")
    assert stored.enabled
    smtp = stored.smtp()
    assert (smtp.host, smtp.port, smtp.security, smtp.user, smtp.password) == (
        "smtp.example.ru",
        465,
        "ssl",
        "visits",
        "pa ss",
    )
    assert stored.config["quiet_to"] == "08:30"


def test_a_gateway_needs_a_web_address_and_keeps_settings_it_does_not_show(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    ChannelSettingsService(sqlite_db).save(
        admin, "sms", enabled=False, config={"extra": {"channel": "sms"}}
    )
    page = open_page(qtbot, sqlite_db, admin, translations)
    form = page.forms["sms"]
    assert form.text_edit("token_prefix").text() == "Bearer "
    form.enabled.setChecked(True)
    form.text_edit("url").setText("gateway.example.ru/send")
    form.text_edit("token").setText("secret-token")
    form.save_button.click()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    assert form.field_error("url") == (
        "Enter a web address that starts with https:// (or http://)."
    )

    form.text_edit("url").setText("https://gateway.example.ru/send")
    form.text_edit("to_field").setText("phone")
    form.save_button.click()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    gateway = ChannelSettingsService(sqlite_db).get("sms").gateway()
    assert (gateway.url, gateway.token, gateway.to_field, gateway.text_field) == (
        "https://gateway.example.ru/send",
        "secret-token",
        "phone",
        "text",
    )
    assert gateway.extra == {"channel": "sms"}


def test_only_administrators_may_save(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    supervisor = add_user(sqlite_db, admin, "sveta", Role.SUPERVISOR)
    page = open_page(qtbot, sqlite_db, supervisor, translations)
    form = page.forms["messenger"]
    form.save_button.click()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    assert form.error.text() == "Your role (Supervisor) may not do this."
