"""The script validator: the shipped scripts pass; dead ends, unreachable steps, unknown
targets, duplicate ids and empty texts are each reported at their stage and step."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from operator_app.core.script_validation import (
    ProblemKind,
    ProblemPlace,
    ScriptProblem,
    Severity,
    blocking_problems,
    validate_script,
)
from operator_app.core.scripts_format import (
    Answer,
    Objection,
    ScriptDocument,
    ScriptFormatError,
    Stage,
    StageKind,
    Step,
    from_document,
    load_script,
    to_document,
)
from operator_app.resources import resource_path

SHIPPED = sorted(resource_path("scripts").glob("*.yaml"))


def script(*stages: Stage, name: str = "Тест", language: str = "ru") -> ScriptDocument:
    return ScriptDocument(name=name, version=1, language=language, stages=stages)


def step(step_id: str, *targets: str, text: str = "Текст", spin: str | None = None) -> Step:
    answers = tuple(Answer(f"Ответ {number}", target) for number, target in enumerate(targets))
    return Step(step_id, text, spin, answers)


OBJECTIONS = Stage(StageKind.OBJECTIONS, objections=(Objection("busy", "Занят", ("Понимаю",)),))


def good() -> ScriptDocument:
    return script(
        Stage(StageKind.CONTACT, (step("hello", "ask", "bye"),)),
        Stage(StageKind.DIAGNOSTICS, (step("ask", "bye", spin="S"),)),
        OBJECTIONS,
        Stage(StageKind.CLOSING, (step("bye"),)),
    )


def kinds(doc: ScriptDocument) -> list[tuple[ProblemKind, str | None]]:
    return [(problem.kind, problem.item_id) for problem in validate_script(doc)]


@pytest.mark.parametrize("path", SHIPPED, ids=[path.name for path in SHIPPED])
def test_every_shipped_script_passes(path: Path) -> None:
    doc = load_script(path.read_text(encoding="utf-8"))
    assert validate_script(doc) == ()


def test_the_scripts_ship() -> None:
    assert len(SHIPPED) >= 4


def test_a_good_script_has_no_problems() -> None:
    assert validate_script(good()) == ()


def test_a_step_without_answers_outside_the_closing_stage_is_a_dead_end() -> None:
    doc = script(
        Stage(StageKind.CONTACT, (step("hello", "ask"),)),
        Stage(StageKind.DIAGNOSTICS, (step("ask"),)),
        Stage(StageKind.CLOSING, (step("bye"),)),
    )
    problems = validate_script(doc)
    dead = [p for p in problems if p.kind is ProblemKind.DEAD_END]
    assert len(dead) == 1
    assert dead[0].place == ProblemPlace(stage_index=1, step_index=0)
    assert dead[0].message == (
        "step 'ask' in the diagnostics stage: a dead end: the step has no answers but is not "
        "in the closing stage"
    )
    # bye is never reached; the dead end itself is not reported twice.
    assert [(p.kind, p.item_id) for p in problems if p is not dead[0]] == [
        (ProblemKind.UNREACHABLE, "bye")
    ]


def test_a_step_no_answer_leads_to_is_unreachable() -> None:
    doc = dataclasses.replace(
        good(),
        stages=(
            *good().stages[:3],
            Stage(StageKind.CLOSING, (step("bye"), step("forgotten"))),
        ),
    )
    (problem,) = validate_script(doc)
    assert problem.kind is ProblemKind.UNREACHABLE
    assert problem.place == ProblemPlace(stage_index=3, step_index=1)
    assert problem.message == (
        "step 'forgotten' in the closing stage: unreachable: no answer leads to this step"
    )


def test_a_loop_that_never_reaches_the_end_is_reported_per_step() -> None:
    doc = script(
        Stage(StageKind.CONTACT, (step("hello", "a", "bye"),)),
        Stage(StageKind.DIAGNOSTICS, (step("a", "b"), step("b", "a"))),
        Stage(StageKind.CLOSING, (step("bye"),)),
    )
    assert kinds(doc) == [(ProblemKind.NO_WAY_TO_END, "a"), (ProblemKind.NO_WAY_TO_END, "b")]


def test_unknown_and_missing_targets_name_the_answer() -> None:
    doc = script(
        Stage(StageKind.CONTACT, (step("hello", "bye", "nowhere", ""),)),
        Stage(StageKind.CLOSING, (step("bye"),)),
    )
    unknown, missing = validate_script(doc)
    assert (unknown.kind, unknown.detail, unknown.place.answer_index) == (
        ProblemKind.UNKNOWN_NEXT,
        "nowhere",
        1,
    )
    assert unknown.message == (
        "step 'hello', answer 2 in the contact stage: the answer leads to 'nowhere', "
        "which is not a step"
    )
    assert (missing.kind, missing.place.answer_index) == (ProblemKind.MISSING_NEXT, 2)


def test_an_objection_id_is_not_a_step_to_go_to() -> None:
    doc = script(
        Stage(StageKind.CONTACT, (step("hello", "bye", "busy"),)),
        OBJECTIONS,
        Stage(StageKind.CLOSING, (step("bye"),)),
    )
    assert kinds(doc) == [(ProblemKind.UNKNOWN_NEXT, "hello")]


def test_duplicate_ids_across_steps_and_objections() -> None:
    doc = script(
        Stage(StageKind.CONTACT, (step("hello", "busy"),)),
        Stage(
            StageKind.OBJECTIONS,
            objections=(Objection("busy", "Занят", ("Понимаю",)),),
        ),
        Stage(StageKind.CLOSING, (step("busy"),)),
    )
    problems = validate_script(doc)
    assert [(p.kind, p.place) for p in problems] == [
        (ProblemKind.DUPLICATE_ID, ProblemPlace(stage_index=2, step_index=0))
    ]
    assert problems[0].message == (
        "step 'busy' in the closing stage: the id 'busy' is used more than once"
    )


def test_empty_and_malformed_texts() -> None:
    doc = script(
        Stage(
            StageKind.CONTACT,
            (
                Step("hello", "  ", "X", (Answer(" ", "bye"), Answer("Да", "bye"))),
                Step("", "Текст", None, (Answer("да ", "bye"),)),
                Step("bad id!", "Текст", None, (Answer("Да", "bye"),)),
            ),
        ),
        Stage(StageKind.OBJECTIONS, objections=(Objection("busy", "", ("", "Ок {promo}")),)),
        Stage(StageKind.CLOSING, (step("bye"),)),
        name=" ",
        language="Russian",
    )
    assert kinds(doc) == [
        (ProblemKind.EMPTY_NAME, None),
        (ProblemKind.BAD_LANGUAGE, None),
        (ProblemKind.EMPTY_TEXT, "hello"),
        (ProblemKind.BAD_SPIN, "hello"),
        (ProblemKind.EMPTY_LABEL, "hello"),
        (ProblemKind.EMPTY_ID, ""),
        (ProblemKind.BAD_ID, "bad id!"),
        (ProblemKind.EMPTY_TITLE, "busy"),
        (ProblemKind.EMPTY_RESPONSE, "busy"),
        (ProblemKind.UNKNOWN_PLACEHOLDER, "busy"),
        (ProblemKind.UNREACHABLE, ""),
        (ProblemKind.UNREACHABLE, "bad id!"),
    ]


def test_duplicate_labels_in_one_step_are_refused() -> None:
    doc = script(
        Stage(StageKind.CONTACT, (Step("hello", "Т", None, (Answer("Да", "bye"),) * 2),)),
        Stage(StageKind.CLOSING, (step("bye"),)),
    )
    assert kinds(doc) == [(ProblemKind.DUPLICATE_LABEL, "hello")]


def test_stage_problems() -> None:
    doc = script(
        Stage(StageKind.CONTACT, (step("hello", "bye"),)),
        Stage(StageKind.TEASER),
        Stage(StageKind.OBJECTIONS),
        Stage(StageKind.CLOSING, (step("bye"),)),
        Stage(StageKind.CLOSING, (step("bye2"),)),
    )
    problems = validate_script(doc)
    assert [(p.kind, p.place.stage_index) for p in problems] == [
        (ProblemKind.EMPTY_STAGE, 1),
        (ProblemKind.EMPTY_STAGE, 2),
        (ProblemKind.DUPLICATE_STAGE, 4),
        (ProblemKind.UNREACHABLE, 4),
    ]
    assert problems[0].message == "the teaser stage: the stage is empty"
    assert validate_script(script()) == (ScriptProblem(ProblemKind.NO_STEPS, ProblemPlace()),)


def test_an_unknown_placeholder_is_only_a_warning() -> None:
    doc = script(
        Stage(StageKind.CONTACT, (step("hello", "bye", text="Привет, {clientname}!"),)),
        Stage(StageKind.CLOSING, (step("bye", text="Пока, {client_name}"),)),
    )
    (problem,) = validate_script(doc)
    assert problem.severity is Severity.WARNING
    assert problem.message == (
        "step 'hello' in the contact stage: the placeholder {clientname} is not one the card fills"
    )
    assert blocking_problems([problem]) == ()


# --- agreement with the format reader --------------------------------------------------------

_ids = st.sampled_from(["a", "b", "c", "", "b c"])
_texts = st.sampled_from(["Текст", "", " "])
_steps = st.builds(
    Step,
    id=_ids,
    text=_texts,
    spin=st.sampled_from([None, "S", "Q"]),
    answers=st.lists(
        st.builds(Answer, label=st.sampled_from(["Да", "Нет", ""]), next=_ids), max_size=2
    ).map(tuple),
)
_stages = st.builds(
    Stage,
    kind=st.sampled_from([StageKind.CONTACT, StageKind.DIAGNOSTICS, StageKind.CLOSING]),
    steps=st.lists(_steps, max_size=3).map(tuple),
)


@settings(max_examples=300, deadline=None)
@given(stages=st.lists(_stages, max_size=3))
def test_a_script_without_errors_is_one_the_format_reader_accepts(stages: list[Stage]) -> None:
    doc = script(*stages)
    errors = blocking_problems(validate_script(doc))
    try:
        from_document(to_document(doc))
    except ScriptFormatError:
        assert errors, "the format reader refused a script the validator passed"
