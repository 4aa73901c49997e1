"""The live verdict and the override and reason rules."""

from __future__ import annotations

import datetime as dt

import pytest

from operator_app.core.errors import ValidationFailed
from operator_app.core.verification.criteria import NonTargetReason, criteria_from_data
from operator_app.core.verification.verdict import (
    AnswerInvalid,
    FinalVerdict,
    Verdict,
    VerdictResult,
    compute_verdict,
    decide_final_verdict,
    parse_answer,
)

CRITERIA = criteria_from_data(
    [
        {"id": "history", "question": "История?", "type": "choice",
         "choices": ["Хорошая", "Испорчена безнадёжно"],
         "disqualify_if": {"equals": "Испорчена безнадёжно"}},
        {"id": "age", "question": "Возраст?", "type": "number", "disqualify_if": {"less_than": 21}},
        {"id": "fee", "question": "Готов платить?", "type": "yes_no",
         "disqualify_if": {"equals": False}},
        {"id": "deal", "question": "Когда?", "type": "date", "required": False,
         "disqualify_if": {"after": "2027-12-31"}},
        {"id": "region", "question": "Регион?", "type": "text"},
    ]
)  # fmt: skip
REASONS = (NonTargetReason("bad_history", "Плохая история"), NonTargetReason("other", "Другое"))
GOOD = {"history": "Хорошая", "age": "35", "fee": "да", "region": "Москва"}


def test_all_required_answered_and_nothing_disqualifying_is_target() -> None:
    assert compute_verdict(CRITERIA, GOOD) == VerdictResult(Verdict.TARGET)


def test_missing_required_answers_make_it_incomplete() -> None:
    result = compute_verdict(CRITERIA, {"history": "Хорошая", "region": "  "})
    assert result == VerdictResult(Verdict.INCOMPLETE, (), ("age", "fee", "region"))


def test_a_disqualifying_answer_decides_non_target_even_with_answers_missing() -> None:
    result = compute_verdict(CRITERIA, {"history": "испорчена безнадёжно", "age": 19})
    assert result.verdict is Verdict.NON_TARGET
    assert result.disqualified_by == ("history", "age")
    assert result.missing_required == ("fee", "region")


@pytest.mark.parametrize(
    ("answers", "disqualified"),
    [
        ({"fee": "Нет, не готов"}, ("fee",)),
        ({"fee": False}, ("fee",)),
        ({"deal": "15.03.2028"}, ("deal",)),
        ({"deal": dt.date(2027, 12, 31)}, ()),
        ({"age": "20,5"}, ("age",)),
        ({"age": "21"}, ()),
    ],
)
def test_each_rule_kind(answers: dict[str, object], disqualified: tuple[str, ...]) -> None:
    assert compute_verdict(CRITERIA, {**GOOD, **answers}).disqualified_by == disqualified


@pytest.mark.parametrize(
    ("criterion_id", "raw", "expected"),
    [
        ("fee", "Yes", True),
        ("fee", "Да, подходит", True),
        ("fee", "no", False),
        ("history", "хорошая", "Хорошая"),
        ("age", "1 500 000", 1500000),
        ("age", 2.5, 2.5),
        ("deal", "2027-01-31", dt.date(2027, 1, 31)),
        ("deal", "31.01.2027", dt.date(2027, 1, 31)),
        ("region", "  Казань ", "Казань"),
        ("region", "", None),
    ],
)
def test_answers_are_parsed_by_type(criterion_id: str, raw: object, expected: object) -> None:
    criterion = next(c for c in CRITERIA if c.id == criterion_id)
    assert parse_answer(criterion, raw) == expected


@pytest.mark.parametrize(
    ("criterion_id", "raw", "message"),
    [
        ("fee", "может быть", "fee: 'может быть' is not yes or no"),
        ("history", "Средняя", "history: 'Средняя' is not one of: Хорошая, Испорчена безнадёжно"),
        ("age", "много", "age: 'много' is not a number"),
        ("age", True, "age: 'True' is not a number"),
        ("age", "nan", "age: 'nan' is not a number"),
        ("deal", "31.02.2027", "deal: '31.02.2027' is not a date like 31.01.2027 or 2027-01-31"),
    ],
)
def test_a_bad_answer_names_its_criterion(criterion_id: str, raw: object, message: str) -> None:
    with pytest.raises(AnswerInvalid) as caught:
        compute_verdict(CRITERIA, {**GOOD, criterion_id: raw})
    assert caught.value.field == criterion_id
    assert str(caught.value) == message


def test_an_answer_to_no_question_is_refused() -> None:
    with pytest.raises(AnswerInvalid) as caught:
        compute_verdict(CRITERIA, {**GOOD, "colour": "red"})
    assert caught.value.field == "colour"


TARGET = VerdictResult(Verdict.TARGET)
NON_TARGET = VerdictResult(Verdict.NON_TARGET, ("history",))
INCOMPLETE = VerdictResult(Verdict.INCOMPLETE, (), ("age",))


def test_a_target_keeps_no_reason_and_needs_no_comment() -> None:
    assert decide_final_verdict(TARGET, REASONS, reason="other") == FinalVerdict(
        Verdict.TARGET, False, None, None
    )


def test_a_non_target_needs_a_reason_from_the_list() -> None:
    with pytest.raises(ValidationFailed) as caught:
        decide_final_verdict(NON_TARGET, REASONS)
    assert (caught.value.field, caught.value.problem) == ("reason", "reason_required")
    with pytest.raises(ValidationFailed) as caught:
        decide_final_verdict(NON_TARGET, REASONS, reason="whatever")
    assert (caught.value.field, caught.value.problem) == ("reason", "unknown_reason")
    final = decide_final_verdict(NON_TARGET, REASONS, reason="bad_history")
    assert final == FinalVerdict(Verdict.NON_TARGET, False, None, "bad_history")


def test_an_override_needs_a_comment() -> None:
    for comment in (None, "   "):
        with pytest.raises(ValidationFailed) as caught:
            decide_final_verdict(
                NON_TARGET, REASONS, override_verdict="target", override_comment=comment
            )
        assert caught.value.field == "override_comment"
    final = decide_final_verdict(
        NON_TARGET, REASONS, override_verdict=Verdict.TARGET, override_comment=" Погасил долг "
    )
    assert final == FinalVerdict(Verdict.TARGET, True, "Погасил долг", None)


def test_an_override_to_non_target_needs_a_reason_too() -> None:
    with pytest.raises(ValidationFailed) as caught:
        decide_final_verdict(
            TARGET, REASONS, override_verdict="non_target", override_comment="Врёт"
        )
    assert caught.value.field == "reason"
    final = decide_final_verdict(
        TARGET, REASONS, override_verdict="non_target", override_comment="Врёт", reason="other"
    )
    assert final == FinalVerdict(Verdict.NON_TARGET, True, "Врёт", "other")


def test_overriding_to_the_computed_verdict_is_no_override() -> None:
    final = decide_final_verdict(TARGET, REASONS, override_verdict="target")
    assert final == FinalVerdict(Verdict.TARGET, False, None, None)


def test_an_incomplete_verdict_is_saved_only_through_an_override() -> None:
    with pytest.raises(ValidationFailed) as caught:
        decide_final_verdict(INCOMPLETE, REASONS)
    assert (caught.value.field, caught.value.problem) == ("verdict", "incomplete")
    final = decide_final_verdict(
        INCOMPLETE, REASONS, override_verdict="target", override_comment="Возраст известен"
    )
    assert final.overridden and final.verdict is Verdict.TARGET
    with pytest.raises(ValidationFailed) as caught:
        decide_final_verdict(INCOMPLETE, REASONS, override_verdict="maybe", override_comment="x")
    assert caught.value.field == "verdict"
