"""The call's panels on their own: script walk, SPIN and stages, outcome rules, card, timer."""

from __future__ import annotations

import datetime as dt

from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from operator_app.core.call_card import CallCard, CardPhone
from operator_app.core.outcomes import DEFAULT_DISPOSITIONS, DispositionInfo
from operator_app.core.script_engine import DialogueSession
from operator_app.core.scripts_format import StageKind, load_script
from operator_app.gui.call.call_timer import CallTimer
from operator_app.gui.call.card_view import CallCardView
from operator_app.gui.call.outcome_panel import OutcomePanel
from operator_app.gui.call.script_panel import ScriptPanel
from operator_app.gui.i18n import Translations

SCRIPT = """
name: Test
version: 1
language: en
stages:
  - kind: contact
    steps:
      - id: hello
        text: Hello {client_name}, this is {operator_name} from {company}.
        answers:
          - label: Yes
            next: situation
          - label: No
            next: bye
  - kind: diagnostics
    steps:
      - id: situation
        spin: S
        text: How do you do it today?
        answers:
          - label: Myself
            next: problem
      - id: problem
        spin: P
        text: What is hard?
        answers:
          - label: Time
            next: bye
  - kind: objections
    objections:
      - id: busy
        title: I'm busy
        responses: ["I'll be quick, {client_name}."]
  - kind: closing
    steps:
      - id: bye
        text: Thank you!
"""


def a_session() -> DialogueSession:
    context = {"client_name": "Anna", "operator_name": "Olga", "company": "Acme"}
    return DialogueSession(load_script(SCRIPT), context)


def disposition(code: str) -> DispositionInfo:
    for position, spec in enumerate(DEFAULT_DISPOSITIONS):
        if spec.code == code:
            return DispositionInfo(
                None,
                spec.code,
                spec.label,
                spec.reached,
                spec.positive,
                spec.final,
                spec.needs_callback_time,
                spec.needs_reason,
                position,
            )
    raise KeyError(code)


def test_the_script_panel_walks_the_script_and_shows_progress(
    qtbot: QtBot, translations: Translations
) -> None:
    panel = ScriptPanel()
    qtbot.addWidget(panel)
    session = a_session()
    panel.set_session(session)
    assert panel.say.text() == "Hello Anna, this is Olga from Acme."
    assert [b.text() for b in panel.answer_buttons] == ["1. Yes", "2. No"]
    assert [b.shortcut() for b in panel.answer_buttons] == [QKeySequence("1"), QKeySequence("2")]
    statuses = {kind.value: b.property("status") for kind, b in panel.stage_buttons.items()}
    assert statuses == {
        "contact": "current",
        "diagnostics": "pending",
        "objections": "pending",
        "closing": "pending",
    }
    with qtbot.waitSignal(panel.changed):
        panel.answer_buttons[0].click()
    assert panel.say.text() == "[S] How do you do it today?"
    assert panel.spin_labels["S"].property("asked") is False
    panel.answer_buttons[0].click()
    assert panel.spin_labels["S"].property("asked") is True
    assert panel.spin_labels["P"].property("asked") is False
    assert panel.stage_buttons[session.current_stage].property("status") == "current"

    panel.free_text.setText("We have no time for it")
    panel.no_suitable_button.click()
    last = session.captured()[-1]
    assert (last.step_id, last.free_text, last.no_suitable_answer) == (
        "problem",
        "We have no time for it",
        True,
    )
    assert panel.free_text.text() == ""

    panel.raise_objection("busy")
    assert panel.objection_box.isVisibleTo(panel)
    assert panel.responses.text() == "• I'll be quick, Anna."
    assert session.current_step.id == "problem"
    panel.back_to_script()
    assert not panel.objection_box.isVisibleTo(panel)

    panel.jump(StageKind.CLOSING)
    assert session.current_step.id == "bye"
    assert panel.answer_buttons == []
    assert panel.end_label.isVisibleTo(panel)


def test_the_outcome_panel_asks_for_what_the_outcome_needs(
    qtbot: QtBot, translations: Translations
) -> None:
    panel = OutcomePanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.set_dispositions(
        [disposition("no_answer"), disposition("callback"), disposition("refused")]
    )
    assert panel.validate() == ("disposition", "Choose the outcome of the call.")
    panel.select("no_answer")
    assert not panel.callback_at.isVisible() and not panel.reason.isVisible()
    assert panel.validate() is None
    panel.select("refused")
    assert panel.reason.isVisible()
    field, message = panel.validate() or ("", "")
    assert field == "reason" and message.startswith("Give the reason for")
    panel.show_error(field, message)
    assert panel.error.isVisible() and panel.focusWidget() is panel.reason
    panel.reason.setText("Too expensive")
    assert not panel.error.isVisible()  # editing clears the message
    assert panel.validate() is None and panel.reason_text() == "Too expensive"
    panel.select("callback")
    assert panel.callback_at.isVisible()
    when = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).replace(second=0, microsecond=0)
    panel.set_callback_time(when)
    assert panel.callback_time() == when
    assert panel.reason_text() is None  # a callback asks for no reason
    panel.clear()
    assert panel.selected() is None and panel.notes.toPlainText() == ""


def test_the_card_shows_phones_to_copy_and_the_times(
    qtbot: QtBot, translations: Translations
) -> None:
    view = CallCardView()
    qtbot.addWidget(view)
    card = CallCard(
        lead_id=1,
        contact_id=1,
        client_name="Иван Петров",
        position=None,
        company_name="ООО Ромашка",
        company_inn="7707083893",
        zone="Asia/Yekaterinburg",
        zone_guessed=True,
        phones=(
            CardPhone(
                5, "+79123456789", "+7 912 345-67-89", "mobile", None, "Asia/Yekaterinburg", True
            ),
        ),
        list_name="Весна",
        hypothesis="Владельцы малого бизнеса",
        campaign_id=None,
        campaign_name="Кредиты",
        selling_company=None,
        office_address=None,
        script=None,
        script_version_id=None,
        attempts=(),
        earlier_answers=(),
    )
    view.show_card(card)
    assert view.company.text() == "ООО Ромашка, INN 7707083893"
    assert view.list_info.text() == "Весна — hypothesis: Владельцы малого бизнеса"
    assert "(Asia/Yekaterinburg, guessed)" in view.times.text()
    view.copy_buttons[0].click()
    clipboard = QGuiApplication.clipboard()
    assert clipboard.text() == "+79123456789"
    assert "No earlier calls" in view.history.toPlainText()


def test_phone_numbers_do_not_cover_their_details_on_a_narrow_card(
    qtbot: QtBot, translations: Translations
) -> None:
    view = CallCardView()
    qtbot.addWidget(view)
    zone = "Asia/Yekaterinburg"
    phones = (
        CardPhone(5, "+79247405640", "+7 924 740-56-40", "mobile", None, zone, True),
        CardPhone(6, "+74951234567", "+7 495 123-45-67", "landline", "1234", zone, True),
    )
    view.show_card(
        CallCard(
            lead_id=1,
            contact_id=1,
            client_name="Константин Константинопольский",
            position=None,
            company_name="ООО «Северо-Западная топливная компания»",
            company_inn="7707083893",
            zone=zone,
            zone_guessed=True,
            phones=phones,
            list_name="Весна",
            hypothesis=None,
            campaign_id=None,
            campaign_name="Застройщик — ЖК «Северный парк»",
            selling_company=None,
            office_address=None,
            script=None,
            script_version_id=None,
            attempts=(),
            earlier_answers=(),
        )
    )
    view.resize(390, 700)  # the Client tab beside the script on a 1440-pixel screen
    view.show()
    qtbot.waitExposed(view)  # type: ignore[no-untyped-call]
    assert view.minimumSizeHint().width() <= 390

    numbers = view.phones_box.findChildren(QLabel, "phoneNumber")
    details = view.phones_box.findChildren(QLabel, "phoneDetails")
    assert len(numbers) == len(details) == 2
    widgets: list[QWidget] = [*numbers, *details, *view.call_buttons, *view.copy_buttons]
    for number in numbers:
        assert number.width() >= number.sizeHint().width()  # never cut short
    for index, one in enumerate(widgets):
        assert view.phones_box.rect().contains(one.geometry())
        for other in widgets[index + 1 :]:
            assert not one.geometry().intersects(other.geometry()), (index, other.geometry())


def test_the_call_timer_counts_only_while_running(qtbot: QtBot, translations: Translations) -> None:
    timer = CallTimer()
    qtbot.addWidget(timer)
    assert not timer.running and timer.seconds() == 0
    assert timer.toggle_button.text() == "Start timer"
    timer.reset(65)
    assert timer.display.text() == "01:05"
    timer.toggle_button.click()
    assert timer.running and timer.toggle_button.text() == "Stop timer"
    timer.toggle_button.click()
    assert not timer.running and timer.seconds() >= 65
