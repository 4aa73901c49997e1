"""Criteria lists: what each type and rule accepts, and precise errors for what it does not."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from operator_app.core.verification.criteria import (
    AnswerType,
    CriteriaError,
    DisqualifyRule,
    NonTargetReason,
    RuleKind,
    criteria_from_data,
    criteria_to_data,
    reasons_from_data,
    reasons_to_data,
)

HISTORY = {
    "id": "credit_history",
    "question": "Какая кредитная история?",
    "type": "choice",
    "required": True,
    "choices": ["Хорошая", "Были просрочки", "Испорчена безнадёжно"],
    "disqualify_if": {"equals": "Испорчена безнадёжно"},
    "script_step": "q_credit_history",
}


def test_a_full_list_reads_and_writes_back_the_same_data() -> None:
    data: list[dict[str, Any]] = [
        HISTORY,
        {"id": "age", "question": "Возраст?", "type": "number", "required": True,
         "disqualify_if": {"less_than": 21}},
        {"id": "owner", "question": "Собственник?", "type": "yes_no", "required": False,
         "disqualify_if": {"equals": False}},
        {"id": "deal", "question": "Когда сделка?", "type": "date", "required": False,
         "disqualify_if": {"after": "2027-12-31"}},
        {"id": "rooms", "question": "Комнат?", "type": "choice", "required": True,
         "choices": ["1", "2", "3"], "disqualify_if": {"one_of": ["1", "2"]}},
        {"id": "note", "question": "Комментарий", "type": "text", "required": False},
    ]  # fmt: skip
    criteria = criteria_from_data(data)
    assert [c.type for c in criteria] == [
        AnswerType.CHOICE, AnswerType.NUMBER, AnswerType.YES_NO,
        AnswerType.DATE, AnswerType.CHOICE, AnswerType.TEXT,
    ]  # fmt: skip
    assert criteria[0].disqualify == DisqualifyRule(RuleKind.EQUALS, "Испорчена безнадёжно")
    assert criteria[3].disqualify == DisqualifyRule(RuleKind.AFTER, dt.date(2027, 12, 31))
    assert criteria[4].disqualify == DisqualifyRule(RuleKind.ONE_OF, ("1", "2"))
    assert criteria[0].script_step == "q_credit_history"
    assert criteria_to_data(criteria) == data


def test_required_defaults_to_true_and_a_rule_value_takes_the_choice_as_written() -> None:
    data = dict(HISTORY, disqualify_if={"equals": "испорчена БЕЗНАДЁЖНО"})
    del data["required"]
    (criterion,) = criteria_from_data([data])
    assert criterion.required
    assert criterion.disqualify == DisqualifyRule(RuleKind.EQUALS, "Испорчена безнадёжно")


BAD: list[Any] = [
    ([HISTORY, HISTORY], 1, "id", "duplicate id 'credit_history' (first used by item 1)"),
    ([dict(HISTORY, disqualify_if={"equals": "Плохая"})], 0, "disqualify_if",
     "'Плохая' is not one of the criterion's choices"),
    ([dict(HISTORY, disqualify_if={"one_of": ["Хорошая", "Никакая"]})], 0, "disqualify_if",
     "'Никакая' is not one of the criterion's choices"),
    ([dict(HISTORY, disqualify_if={"less_than": 3})], 0, "disqualify_if",
     "a choice criterion's rule is equals, one_of, not 'less_than'"),
    ([dict(HISTORY, choices=["Одна"])], 0, "choices", "a choice criterion needs at least two choices"),
    ([dict(HISTORY, choices=["Да", "да"])], 0, "choices", "the choice 'да' appears twice"),
    ([dict(HISTORY, type="colour")], 0, "type",
     "unknown type 'colour' (known: yes_no, choice, number, date, text)"),
    ([dict(HISTORY, id="кредит")], 0, "id", "id 'кредит' may hold only Latin letters, digits and _ . -"),
    ([dict(HISTORY, required="yes")], 0, "required", "required must be true or false"),
    ([dict(HISTORY, colour="red")], 0, "colour", "unknown key 'colour'"),
    ([{"id": "a", "type": "text"}], 0, None, "the criterion is missing the key 'question'"),
    ([{"id": "a", "question": "?", "type": "yes_no", "disqualify_if": {"equals": "нет"}}], 0,
     "disqualify_if", "equals must be true or false"),
    ([{"id": "a", "question": "?", "type": "number", "disqualify_if": {"less_than": "5"}}], 0,
     "disqualify_if", "less_than must be a number"),
    ([{"id": "a", "question": "?", "type": "number", "disqualify_if": {"less_than": True}}], 0,
     "disqualify_if", "less_than must be a number"),
    ([{"id": "a", "question": "?", "type": "date", "disqualify_if": {"before": "31.12.2027"}}], 0,
     "disqualify_if", "'31.12.2027' is not a date like 2027-01-31"),
    ([{"id": "a", "question": "?", "type": "text", "disqualify_if": {"equals": "x"}}], 0,
     "disqualify_if", "a text criterion cannot disqualify"),
    ([{"id": "a", "question": "?", "type": "number", "choices": ["1", "2"]}], 0, "choices",
     "a number criterion has no choices"),
    ([{"id": "a", "question": "?", "type": "number",
       "disqualify_if": {"less_than": 1, "greater_than": 9}}], 0, "disqualify_if",
     "disqualify_if must be one of {less_than: …}, {greater_than: …}"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "index", "field", "reason"), BAD)
def test_a_bad_list_is_refused_naming_the_item_the_field_and_the_reason(
    data: list[Any], index: int, field: str | None, reason: str
) -> None:
    with pytest.raises(CriteriaError) as caught:
        criteria_from_data(data)
    assert (caught.value.index, caught.value.field) == (index, field)
    assert caught.value.reason.startswith(reason)


def test_not_a_list_is_refused() -> None:
    with pytest.raises(CriteriaError, match="criteria must be a list"):
        criteria_from_data({"id": "a"})


def test_reasons_need_unique_codes_and_labels() -> None:
    reasons = reasons_from_data(
        [{"code": "bad", "label": "Плохо"}, {"code": "other", "label": "Другое"}]
    )
    assert reasons == (NonTargetReason("bad", "Плохо"), NonTargetReason("other", "Другое"))
    assert reasons_to_data(reasons) == [
        {"code": "bad", "label": "Плохо"},
        {"code": "other", "label": "Другое"},
    ]
    with pytest.raises(CriteriaError) as caught:
        reasons_from_data([{"code": "bad", "label": "Плохо"}, {"code": "bad", "label": "Ещё"}])
    assert (caught.value.index, caught.value.field) == (1, "code")
    with pytest.raises(CriteriaError, match="missing the key 'label'"):
        reasons_from_data([{"code": "bad"}])
