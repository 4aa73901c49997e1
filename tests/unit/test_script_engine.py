"""The dialogue engine: branching, placeholders, objections, captured answers and drafts."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from operator_app.core.script_engine import (
    MISSING_VALUE,
    CapturedAnswer,
    DialogueError,
    DialogueSession,
    StageStatus,
    fill_placeholders,
)
from operator_app.core.scripts_format import ScriptDocument, StageKind, load_script
from operator_app.resources import resource_path

SCRIPT = """\
name: Тест
version: 3
language: ru
stages:
  - kind: contact
    steps:
      - id: hello
        text: Здравствуйте, {client_name}! Я {operator_name}, «{company}». {mystery}
        answers:
          - {label: Удобно, next: s_now}
          - {label: Неудобно, next: bye_later}
  - kind: diagnostics
    steps:
      - id: s_now
        text: Как вы решаете это сейчас?
        spin: S
        answers:
          - {label: Сами, next: p_pain}
          - {label: Никак, next: p_pain}
      - id: p_pain
        text: Что мешает больше всего?
        spin: P
        answers:
          - {label: Время, next: offer}
  - kind: teaser
    steps:
      - id: offer
        text: Приходите {visit_time} по адресу {office_address}.
        answers:
          - {label: Да, next: bye_booked}
  - kind: objections
    objections:
      - id: expensive
        title: Дорого
        responses:
          - Сравним с тем, сколько стоит ваше время, {client_name}.
      - id: think
        title: Надо подумать
        responses:
          - Что именно хотите обдумать? Ещё раз всё объясню.
      - id: trust
        title: Вы мошенники?
        responses:
          - Мы не просим коды из СМС. Всё ЕЩЁ сомневаетесь — проверьте ИНН.
  - kind: closing
    steps:
      - {id: bye_booked, text: Ждём вас!}
      - {id: bye_later, text: Перезвоню.}
"""

CONTEXT = {
    "client_name": "Анна",
    "operator_name": "Олег",
    "company": "Кредо",
    "office_address": "",
    "visit_time": None,
}
T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def script() -> ScriptDocument:
    return load_script(SCRIPT)


@pytest.fixture
def session(script: ScriptDocument) -> DialogueSession:
    return DialogueSession(script, CONTEXT)


def minutes(n: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=n)


def test_the_dialogue_starts_at_the_first_step_with_placeholders_filled(
    session: DialogueSession,
) -> None:
    assert session.current_step.id == "hello"
    assert session.current_stage is StageKind.CONTACT
    assert session.say() == "Здравствуйте, Анна! Я Олег, «Кредо». {mystery}"
    assert [a.label for a in session.answers()] == ["Удобно", "Неудобно"]
    assert not session.finished


def test_missing_values_show_a_marker_and_unknown_placeholders_stay_visible() -> None:
    text = "{client_name}, {visit_time}, {office_address}, {typo_name}, {not closed"
    filled = fill_placeholders(text, {"client_name": "  ", "visit_time": None})
    assert (
        filled == f"{MISSING_VALUE}, {MISSING_VALUE}, {MISSING_VALUE}, {{typo_name}}, {{not closed"
    )


def test_answers_branch_by_label_or_index_and_the_end_is_a_step_without_answers(
    script: ScriptDocument,
) -> None:
    booked = DialogueSession(script, CONTEXT)
    booked.answer("Удобно", at=minutes(1))
    booked.answer(1, free_text="  Таблица в Excel ", at=minutes(2))
    booked.answer("время", at=minutes(3))  # case-insensitive label
    assert booked.current_step.id == "offer"
    assert booked.say() == f"Приходите {MISSING_VALUE} по адресу {MISSING_VALUE}."
    booked.answer(0, at=minutes(4))
    assert booked.current_step.id == "bye_booked"
    assert booked.finished
    assert booked.path == ("hello", "s_now", "p_pain", "offer", "bye_booked")

    later = DialogueSession(script, CONTEXT)
    later.answer(1, at=minutes(1))
    assert later.current_step.id == "bye_later" and later.finished
    with pytest.raises(DialogueError, match="ends the script"):
        later.answer(0)


def test_every_answer_is_captured_with_its_step_stage_spin_and_time(
    session: DialogueSession,
) -> None:
    session.answer("Удобно", at=minutes(1))
    session.answer("Никак", free_text="  Таблица в Excel ", at=minutes(2))
    assert session.captured() == [
        CapturedAnswer("hello", "contact", minutes(1), answer="Удобно"),
        CapturedAnswer(
            "s_now",
            "diagnostics",
            minutes(2),
            spin="S",
            answer="Никак",
            free_text="Таблица в Excel",
        ),
    ]


def test_an_unknown_answer_is_refused_and_changes_nothing(session: DialogueSession) -> None:
    with pytest.raises(DialogueError, match="no answer «Может быть»"):
        session.answer("Может быть")
    with pytest.raises(DialogueError, match="no answer number 3"):
        session.answer(2)
    assert session.current_step.id == "hello"
    assert session.captured() == []


def test_a_free_answer_is_recorded_at_the_step_and_the_step_stays(
    session: DialogueSession,
) -> None:
    session.free_answer("Перезвоните через час, я за рулём", at=minutes(1))
    assert session.current_step.id == "hello"
    [row] = session.captured()
    assert (row.step_id, row.answer, row.free_text) == (
        "hello",
        None,
        "Перезвоните через час, я за рулём",
    )
    with pytest.raises(DialogueError):
        session.free_answer("   ")


def test_no_suitable_answer_is_kept_for_the_author_and_the_step_stays(
    session: DialogueSession,
) -> None:
    session.answer(0, at=minutes(1))
    session.no_suitable_answer("У нас этим занимается головной офис", at=minutes(2))
    assert session.current_step.id == "s_now"
    row = session.captured()[-1]
    assert row.no_suitable_answer
    assert (row.step_id, row.stage, row.free_text) == (
        "s_now",
        "diagnostics",
        "У нас этим занимается головной офис",
    )


def test_an_objection_is_recorded_at_the_current_step_and_the_operator_returns_there(
    session: DialogueSession,
) -> None:
    session.answer(0, at=minutes(1))
    session.answer(0, at=minutes(2))
    assert session.current_step.id == "p_pain"
    objection = session.raise_objection("expensive", at=minutes(3))
    assert objection.title == "Дорого"
    assert session.open_objection == objection
    assert session.responses() == ("Сравним с тем, сколько стоит ваше время, Анна.",)
    assert session.current_step.id == "p_pain"  # the detour does not move the script
    session.raise_objection("think", at=minutes(4))  # one objection after another
    assert session.return_from_objection().id == "p_pain"
    assert session.open_objection is None
    assert session.responses() == ()
    recorded = [(r.step_id, r.stage, r.objection_id, r.spin) for r in session.captured()[2:]]
    assert recorded == [
        ("p_pain", "diagnostics", "expensive", None),
        ("p_pain", "diagnostics", "think", None),
    ]
    with pytest.raises(DialogueError, match="no objection 'cheap'"):
        session.raise_objection("cheap")


def test_answering_the_step_closes_an_open_objection(session: DialogueSession) -> None:
    session.raise_objection("trust", at=minutes(1))
    session.answer("Удобно", at=minutes(2))
    assert session.open_objection is None
    assert session.current_step.id == "s_now"


def test_the_spin_indicator_shows_which_kinds_were_asked(session: DialogueSession) -> None:
    assert session.spin_asked() == {"S": False, "P": False, "I": False, "N": False}
    session.answer(0, at=minutes(1))
    assert session.spin_asked()["S"] is False  # shown, not asked yet
    session.no_suitable_answer("Не знаю", at=minutes(2))
    assert session.spin_asked() == {"S": True, "P": False, "I": False, "N": False}
    session.answer(0, at=minutes(3))
    session.raise_objection("expensive", at=minutes(4))  # an objection is no P answer
    assert session.spin_asked()["P"] is False
    session.answer(0, at=minutes(5))
    assert session.spin_asked() == {"S": True, "P": True, "I": False, "N": False}


def test_stage_progress_and_jumping_to_a_stage(session: DialogueSession) -> None:
    def strip() -> dict[StageKind, StageStatus]:
        return {p.kind: p.status for p in session.stage_progress()}

    assert list(strip()) == [
        StageKind.CONTACT,
        StageKind.DIAGNOSTICS,
        StageKind.TEASER,
        StageKind.OBJECTIONS,
        StageKind.CLOSING,
    ]
    assert strip()[StageKind.CONTACT] is StageStatus.CURRENT
    assert strip()[StageKind.TEASER] is StageStatus.PENDING
    assert session.jump_to_stage("teaser").id == "offer"
    assert strip()[StageKind.CONTACT] is StageStatus.DONE
    assert strip()[StageKind.DIAGNOSTICS] is StageStatus.PENDING
    assert strip()[StageKind.TEASER] is StageStatus.CURRENT
    session.raise_objection("think", at=minutes(1))
    assert strip()[StageKind.OBJECTIONS] is StageStatus.CURRENT
    assert strip()[StageKind.TEASER] is StageStatus.DONE
    session.return_from_objection()
    assert strip()[StageKind.OBJECTIONS] is StageStatus.DONE
    assert strip()[StageKind.TEASER] is StageStatus.CURRENT
    with pytest.raises(DialogueError, match="no steps in the objections stage"):
        session.jump_to_stage(StageKind.OBJECTIONS)


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("дорого", ["expensive"]),
        ("  ПОДУМАТЬ ", ["think"]),
        ("еще", ["think", "trust"]),  # "ещё" in the responses, ё typed as е
        ("ЕЩЁ", ["think", "trust"]),
        ("самолёт", []),
        ("инн", ["trust"]),
        ("", ["expensive", "think", "trust"]),
    ],
)
def test_objections_are_searched_in_titles_then_responses(
    session: DialogueSession, query: str, found: list[str]
) -> None:
    assert [o.id for o in session.search_objections(query)] == found


def test_titles_come_before_responses_in_the_search(script: ScriptDocument) -> None:
    session = DialogueSession(script)
    assert [o.id for o in session.search_objections("мошенник")] == ["trust"]
    assert [o.id for o in session.search_objections("сомнева")] == ["trust"]


def test_the_state_survives_a_json_round_trip_exactly(
    script: ScriptDocument, session: DialogueSession
) -> None:
    session.answer(0, at=minutes(1))
    session.answer("Сами", free_text="вручную", at=minutes(2))
    session.no_suitable_answer("А вы кто?", at=minutes(3))
    session.raise_objection("trust", at=minutes(4))
    saved = json.loads(json.dumps(session.to_dict()))

    restored = DialogueSession.from_dict(script, saved, CONTEXT)
    assert restored.current_step.id == "p_pain"
    assert restored.open_objection is not None and restored.open_objection.id == "trust"
    assert restored.captured() == session.captured()
    assert restored.path == session.path
    assert restored.spin_asked() == session.spin_asked()
    assert restored.stage_progress() == session.stage_progress()
    assert restored.say() == session.say()
    assert restored.to_dict() == session.to_dict()
    restored.return_from_objection()
    restored.answer(0, at=minutes(5))
    assert restored.current_step.id == "offer"


def test_a_state_from_another_script_or_damaged_is_refused(
    script: ScriptDocument, session: DialogueSession
) -> None:
    saved = session.to_dict()
    with pytest.raises(DialogueError, match="version 2"):
        DialogueSession.from_dict(script, {**saved, "version": 2})
    with pytest.raises(DialogueError, match="no step 'gone'"):
        DialogueSession.from_dict(script, {**saved, "current_step": "gone"})
    with pytest.raises(DialogueError, match="damaged"):
        DialogueSession.from_dict(script, {**saved, "captured": [{"step_id": "hello"}]})


def test_the_shipped_script_can_be_walked_to_a_booked_visit() -> None:
    text = resource_path("scripts", "credit_broker_visit.ru.yaml").read_text(encoding="utf-8")
    session = DialogueSession(load_script(text), CONTEXT | {"visit_time": "завтра в 15:00"})
    while not session.finished:
        session.answer(0, at=minutes(len(session.captured())))
    assert session.current_stage is StageKind.CLOSING
    assert "завтра в 15:00" in session.say()
    assert session.spin_asked() == {"S": True, "P": True, "I": True, "N": True}
