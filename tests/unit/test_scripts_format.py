"""The portable script YAML: the shipped script, round trips, and malformed files named by line."""

from __future__ import annotations

import json
import re
from collections import deque

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from operator_app.core.errors import OperatorAppError
from operator_app.core.script_engine import KNOWN_PLACEHOLDERS
from operator_app.core.scripts_format import (
    Answer,
    Objection,
    ScriptDocument,
    ScriptFormatError,
    Stage,
    StageKind,
    Step,
    dump_script,
    from_document,
    load_script,
    placeholders,
    reachable_steps,
    to_document,
)
from operator_app.resources import resource_path

SHIPPED = resource_path("scripts", "credit_broker_visit.ru.yaml")

VALID = """\
name: Тестовый скрипт
version: 2
language: ru
stages:
  - kind: contact
    steps:
      - id: hello
        text: Здравствуйте, {client_name}!
        answers:
          - label: Удобно
            next: ask
          - label: Yes
            next: bye
  - kind: diagnostics
    steps:
      - id: ask
        text: Как у вас сейчас?
        spin: S
        answers:
          - label: Хорошо
            next: bye
  - kind: objections
    objections:
      - id: expensive
        title: Дорого
        responses:
          - Понимаю.
  - kind: closing
    steps:
      - id: bye
        text: До свидания!
"""


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """The 1-based number of the line holding the n-th occurrence of `fragment`."""
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if fragment in line]
    return lines[occurrence - 1]


def refused(text: str) -> ScriptFormatError:
    with pytest.raises(ScriptFormatError) as caught:
        load_script(text)
    return caught.value


# --- the shipped script ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> ScriptDocument:
    return load_script(SHIPPED.read_text(encoding="utf-8"))


def test_the_shipped_script_has_every_stage_in_call_order(shipped: ScriptDocument) -> None:
    assert [stage.kind for stage in shipped.stages] == list(StageKind)
    assert shipped.language == "ru"
    assert shipped.version == 1


def test_the_shipped_script_asks_qualifying_s_and_p_questions(shipped: ScriptDocument) -> None:
    diagnostics = next(s for s in shipped.stages if s.kind is StageKind.DIAGNOSTICS)
    spins = {step.spin for step in diagnostics.steps}
    assert {"S", "P", "I", "N"} <= spins
    qualifying = [step for step in diagnostics.steps if step.spin is None]
    assert len(qualifying) >= 3  # credit history, the purchase, the broker's commission
    texts = " ".join(step.text for step in qualifying).lower()
    for topic in ("кредитн", "покупк", "комисси"):
        assert topic in texts


def test_the_teaser_is_short_and_ends_with_a_call_to_action(shipped: ScriptDocument) -> None:
    teaser = next(s for s in shipped.stages if s.kind is StageKind.TEASER).steps[0]
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", teaser.text) if s]
    assert 2 <= len(sentences) <= 4
    assert sentences[-1].endswith("?")
    assert "встреч" in sentences[-1]
    assert any(answer.next == "book_time" for answer in teaser.answers)


def test_the_shipped_script_handles_the_usual_objections(shipped: ScriptDocument) -> None:
    titles = " | ".join(o.title for o in shipped.objections()).lower()
    assert len(shipped.objections()) >= 5
    for expected in ("дорого", "подумать", "отказали", "почту", "нет времени", "номер"):
        assert expected in titles
    assert all(o.responses and all(len(r) > 40 for r in o.responses) for o in shipped.objections())


def test_the_closing_agrees_on_reminders_and_written_confirmation(
    shipped: ScriptDocument,
) -> None:
    closing = next(s for s in shipped.stages if s.kind is StageKind.CLOSING)
    text = " ".join(step.text for step in closing.steps)
    assert "мессенджер" in text and "SMS" in text
    assert "{visit_time}" in text and "{office_address}" in text


def test_every_step_of_the_shipped_script_is_reachable_from_the_greeting(
    shipped: ScriptDocument,
) -> None:
    steps = {step.id: step for _stage, step in shipped.steps()}
    seen, queue = {"greeting"}, deque(["greeting"])
    while queue:
        for answer in steps[queue.popleft()].answers:
            if answer.next not in seen:
                seen.add(answer.next)
                queue.append(answer.next)
    assert seen == set(steps)


def test_the_shipped_script_uses_the_card_placeholders(shipped: ScriptDocument) -> None:
    everything = dump_script(shipped)
    for placeholder in ("client_name", "operator_name", "company", "office_address", "visit_time"):
        assert "{" + placeholder + "}" in everything


# --- every shipped script -------------------------------------------------------------------

SHIPPED_FILES = {
    "credit_broker_visit.ru.yaml": "ru",
    "clinic_booking.ru.yaml": "ru",
    "b2b_decision_maker.ru.yaml": "ru",
    "credit_broker_visit.en.yaml": "en",
}


def load_shipped(file_name: str) -> ScriptDocument:
    return load_script(resource_path("scripts", file_name).read_text(encoding="utf-8"))


def test_exactly_the_expected_scripts_are_shipped() -> None:
    assert {path.name for path in resource_path("scripts").glob("*.yaml")} == set(SHIPPED_FILES)


@pytest.mark.parametrize(("file_name", "language"), SHIPPED_FILES.items())
def test_every_shipped_script_is_complete_and_has_no_dead_ends(
    file_name: str, language: str
) -> None:
    doc = load_shipped(file_name)
    assert doc.language == language
    assert [stage.kind for stage in doc.stages] == list(StageKind)
    step_ids = {step.id for _stage, step in doc.steps()}
    assert reachable_steps(doc) == step_ids
    # A step without answers ends the call, so it must be a farewell of the closing stage.
    endings = [(stage.kind, step.id) for stage, step in doc.steps() if not step.answers]
    assert endings and all(kind is StageKind.CLOSING for kind, _id in endings)
    assert len(doc.objections()) >= 5
    assert all(o.responses and all(len(r) > 40 for r in o.responses) for o in doc.objections())
    diagnostics = next(s for s in doc.stages if s.kind is StageKind.DIAGNOSTICS)
    assert {"S", "P", "I", "N"} <= {step.spin for step in diagnostics.steps}
    assert any(step.spin is None for step in diagnostics.steps)  # qualifying questions
    teaser = next(s for s in doc.stages if s.kind is StageKind.TEASER).steps[0]
    assert teaser.text.endswith("?")  # ends with the call to action
    assert placeholders(doc) <= set(KNOWN_PLACEHOLDERS)
    assert {"operator_name", "company"} <= placeholders(doc)


def test_the_english_translation_mirrors_the_russian_script() -> None:
    russian = load_shipped("credit_broker_visit.ru.yaml")
    english = load_shipped("credit_broker_visit.en.yaml")
    for ru_stage, en_stage in zip(russian.stages, english.stages, strict=True):
        assert ru_stage.kind is en_stage.kind
        assert [(s.id, s.spin, [a.next for a in s.answers]) for s in ru_stage.steps] == [
            (s.id, s.spin, [a.next for a in s.answers]) for s in en_stage.steps
        ]
        assert [o.id for o in ru_stage.objections] == [o.id for o in en_stage.objections]
    assert placeholders(russian) == placeholders(english)
    assert not re.search("[а-яё]", dump_script(english), re.IGNORECASE)


def test_the_b2b_cold_call_opens_with_the_promotional_notice() -> None:
    doc = load_shipped("b2b_decision_maker.ru.yaml")
    first_stage, first_step = next(doc.steps())
    assert first_stage.kind is StageKind.CONTACT
    opening = re.split(r"(?<=[.!?])\s+", first_step.text)[:2]
    assert "рекламный характер" in " ".join(opening)
    # The decision maker hears the notice again when the secretary puts the call through.
    assert "рекламный" in doc.step("lpr_intro").text.lower()


def test_the_b2b_script_qualifies_by_inn_decision_maker_and_current_contract() -> None:
    doc = load_shipped("b2b_decision_maker.ru.yaml")
    diagnostics = next(s for s in doc.stages if s.kind is StageKind.DIAGNOSTICS)
    qualifying = " ".join(step.text for step in diagnostics.steps if step.spin is None).lower()
    for topic in ("инн", "решение", "договор"):
        assert topic in qualifying
    assert "секретар" in " ".join(a.label for a in doc.step("greeting").answers).lower()
    teaser = next(s for s in doc.stages if s.kind is StageKind.TEASER).steps[0]
    assert "презентаци" in teaser.text


def test_the_clinic_script_asks_for_a_review_and_consent_to_reminders() -> None:
    doc = load_shipped("clinic_booking.ru.yaml")
    assert [a.label[0] for a in doc.step("review_score").answers] == ["5", "4", "1"]
    consent = doc.step("reminder_consent")
    assert "напоминать" in consent.text
    assert {a.next for a in consent.answers} == {
        "farewell_booked",
        "farewell_booked_no_reminders",
    }


# --- round trips -------------------------------------------------------------------------------


def test_load_dump_load_gives_the_same_document(shipped: ScriptDocument) -> None:
    dumped = dump_script(shipped)
    assert load_script(dumped) == shipped
    assert dump_script(load_script(dumped)) == dumped


def test_the_dump_keeps_the_formats_key_order_and_cyrillic_text(shipped: ScriptDocument) -> None:
    dumped = dump_script(shipped)
    assert dumped.splitlines()[:4] == [
        f"name: {shipped.name}",
        "version: 1",
        "language: ru",
        "stages:",
    ]
    assert "\\u" not in dumped  # Russian is written as Russian, not escaped


def test_the_stored_document_is_json_and_gives_back_the_script(shipped: ScriptDocument) -> None:
    stored = json.loads(json.dumps(to_document(shipped)))
    assert list(stored) == ["name", "version", "language", "stages"]
    assert from_document(stored) == shipped


def test_a_text_that_yaml_would_read_as_a_boolean_stays_text() -> None:
    doc = load_script(VALID)
    assert doc.step("hello").answers[1] == Answer(label="Yes", next="bye")
    assert load_script(dump_script(doc)) == doc


_texts = st.text(alphabet=st.characters(exclude_categories=["Cs"]), min_size=1).map(str.strip)


@settings(max_examples=150, deadline=None)
@given(
    text=_texts.filter(bool),
    label=_texts.filter(bool),
    response=_texts.filter(bool),
    multiline=st.lists(_texts.filter(bool), min_size=2, max_size=4).map("\n".join),
)
def test_any_texts_survive_the_round_trip(
    text: str, label: str, response: str, multiline: str
) -> None:
    doc = ScriptDocument(
        name=text,
        version=3,
        language="en",
        stages=(
            Stage(
                StageKind.CONTACT,
                steps=(
                    Step("a", text, spin="P", answers=(Answer(label, "b"),)),
                    Step("b", multiline),
                ),
            ),
            Stage(StageKind.OBJECTIONS, objections=(Objection("o", label, (response,)),)),
        ),
    )
    assert load_script(dump_script(doc)) == doc
    assert from_document(json.loads(json.dumps(to_document(doc)))) == doc


# --- malformed files ------------------------------------------------------------------------


def test_the_error_is_an_app_error_with_line_and_reason() -> None:
    error = refused(VALID.replace("spin: S", "spin: X"))
    assert isinstance(error, OperatorAppError)
    assert error.line == line_of(VALID, "spin: S")
    assert "spin 'X' is not one of S, P, I, N" in error.reason
    assert str(error).startswith(f"line {error.line}: ")


def test_text_that_is_not_yaml_names_the_line() -> None:
    broken = VALID.replace("text: Как у вас сейчас?", "text: [Как у вас сейчас?")
    error = refused(broken)
    assert error.line == line_of(broken, "[Как") + 1  # where the parser finds the list unclosed
    assert error.reason.startswith("not valid YAML: did not find expected ',' or ']'")
    assert error.reason.endswith(f"on line {line_of(broken, '[Как')})")


def test_bad_indentation_names_the_line() -> None:
    broken = VALID.replace("        spin: S", "       spin: S")
    error = refused(broken)
    assert "not valid YAML" in error.reason
    assert error.line == line_of(broken, "spin: S")


@pytest.mark.parametrize(
    ("broken", "line_fragment", "reason"),
    [
        (
            VALID.replace("        text: До свидания!\n", ""),
            "- id: bye",
            "a step is missing the key 'text'",
        ),
        (
            VALID.replace("language: ru\n", ""),
            "name: Тестовый скрипт",
            "the script is missing the key 'language'",
        ),
        (
            VALID.replace("          - label: Хорошо\n", "          - lable: Хорошо\n"),
            "lable: Хорошо",
            "unknown key 'lable' in an answer",
        ),
    ],
)
def test_a_missing_or_unknown_key_names_its_mapping(
    broken: str, line_fragment: str, reason: str
) -> None:
    error = refused(broken)
    assert error.line == line_of(broken, line_fragment)
    assert reason in error.reason


def test_an_unknown_stage_kind_names_its_line() -> None:
    broken = VALID.replace("kind: diagnostics", "kind: diagnosis")
    error = refused(broken)
    assert error.line == line_of(broken, "kind: diagnosis")
    assert "unknown stage kind 'diagnosis'" in error.reason


def test_a_duplicate_step_id_names_the_second_one() -> None:
    broken = VALID.replace("id: ask", "id: hello")
    error = refused(broken)
    assert error.line == line_of(broken, "id: hello", occurrence=2)
    assert "duplicate id 'hello'" in error.reason
    assert f"line {line_of(broken, 'id: hello')}" in error.reason


def test_an_objection_id_may_not_repeat_a_step_id() -> None:
    broken = VALID.replace("id: expensive", "id: ask")
    error = refused(broken)
    assert error.line == line_of(broken, "id: ask", occurrence=2)


def test_next_pointing_to_an_unknown_step_names_its_line() -> None:
    broken = VALID.replace("next: ask", "next: asked")
    error = refused(broken)
    assert error.line == line_of(broken, "next: asked")
    assert "'asked' is not the id of any step" in error.reason


def test_an_objections_stage_without_objections_is_refused() -> None:
    broken = VALID.replace(
        "    objections:\n      - id: expensive\n        title: Дорого\n"
        "        responses:\n          - Понимаю.\n",
        "    steps: []\n",
    )
    error = refused(broken)
    assert error.line == line_of(broken, "kind: objections")
    assert "the objections stage has no objections" in error.reason


@pytest.mark.parametrize(
    ("old", "new", "line_fragment", "occurrence", "reason"),
    [
        ("version: 2", "version: two", "version: two", 1, "version must be a whole number"),
        ("version: 2", "version: 0", "version: 0", 1, "at least 1"),
        ("language: ru", "language: русский", "language:", 1, "is not a code like ru or en"),
        (
            "        responses:\n          - Понимаю.\n",
            "        responses: Понимаю.\n",
            "responses: Понимаю.",
            1,
            "responses must be a list",
        ),
        ("          - Понимаю.\n", "          []\n", "[]", 1, "responses must not be empty"),
        ("id: ask", "id: ask me", "id: ask me", 1, "may hold only Latin letters"),
        ("text: Как у вас сейчас?", "text: ''", "text: ''", 1, "text must not be empty"),
        ("text: Как у вас сейчас?", "text:", "- id: ask", 1, "missing the key 'text'"),
        ("  - kind: closing", "  - kind: contact", "kind: contact", 2, "a second contact stage"),
        (
            "        text: Здравствуйте, {client_name}!\n",
            "        text: Здравствуйте!\n        text: Ещё раз!\n",
            "text: Ещё раз!",
            1,
            "duplicate key 'text'",
        ),
    ],
)
def test_other_malformed_values_name_their_line(
    old: str, new: str, line_fragment: str, occurrence: int, reason: str
) -> None:
    assert old in VALID
    broken = VALID.replace(old, new, 1)
    error = refused(broken)
    assert error.line == line_of(broken, line_fragment, occurrence), error
    assert reason in error.reason


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "the file is empty"),
        ("# only a comment\n", "the file is empty"),
        ("- a\n- b\n", "the script must be a mapping"),
        ("name: x\n---\nname: y\n", "not valid YAML"),
    ],
)
def test_files_that_are_not_a_script_at_all(text: str, reason: str) -> None:
    error = refused(text)
    assert reason in error.reason
    assert error.line is not None
    assert error.line >= 1


def test_a_stored_document_with_a_bad_value_is_refused_without_a_line() -> None:
    stored = to_document(load_script(VALID))
    stored["stages"][1]["steps"][0]["spin"] = "Q"
    with pytest.raises(ScriptFormatError) as caught:
        from_document(stored)
    assert caught.value.line is None
    assert "spin 'Q'" in str(caught.value)


def test_reachable_steps_leave_out_a_step_no_answer_leads_to() -> None:
    doc = load_script(
        VALID + "      - id: orphan\n" + "        text: Сюда не ведёт ни один ответ, {nobody}.\n"
    )
    assert "orphan" not in reachable_steps(doc)
    assert reachable_steps(doc) < {step.id for _stage, step in doc.steps()}
    assert "nobody" in placeholders(doc)
