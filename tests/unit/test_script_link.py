"""The shipped scripts and presets: script answers fill criteria, and criteria find their step."""

from __future__ import annotations

import datetime as dt

import pytest

from operator_app.core.campaign_format import CampaignDocument, load_campaign
from operator_app.core.scripts_format import load_script
from operator_app.core.verification.criteria import Criterion, criteria_from_data
from operator_app.core.verification.script_link import (
    criteria_for_step,
    script_label_for_value,
    step_for_criterion,
    unknown_script_steps,
    value_from_script,
)
from operator_app.resources import resource_path

CREDIT_SCRIPT = load_script(
    resource_path("scripts", "credit_broker_visit.ru.yaml").read_text(encoding="utf-8")
)
CREDIT = load_campaign(resource_path("campaigns", "credit_broker.yaml").read_text(encoding="utf-8"))
B2B_SCRIPT = load_script(
    resource_path("scripts", "b2b_decision_maker.ru.yaml").read_text(encoding="utf-8")
)
B2B = load_campaign(resource_path("campaigns", "b2b_subscription.yaml").read_text(encoding="utf-8"))


def criterion(doc: CampaignDocument, criterion_id: str) -> Criterion:
    return next(c for c in doc.criteria if c.id == criterion_id)


def test_the_presets_link_only_to_steps_their_scripts_have() -> None:
    assert CREDIT.script == CREDIT_SCRIPT.name and B2B.script == B2B_SCRIPT.name
    assert unknown_script_steps(CREDIT.criteria, CREDIT_SCRIPT) == ()
    assert unknown_script_steps(B2B.criteria, B2B_SCRIPT) == ()
    assert unknown_script_steps(CREDIT.criteria, B2B_SCRIPT) != ()


def test_every_answer_of_a_linked_choice_step_fills_its_criterion() -> None:
    for doc, script in ((CREDIT, CREDIT_SCRIPT), (B2B, B2B_SCRIPT)):
        for item in doc.criteria:
            if item.script_step is None or item.type.value != "choice":
                continue
            for answer in script.step(item.script_step).answers:
                value = value_from_script(item, answer.label)
                assert value in item.choices, (item.id, answer.label)
                assert script_label_for_value(item, script, value) == answer.label


def test_yes_no_steps_read_the_yes_or_no_word_at_the_start() -> None:
    debts = criterion(CREDIT, "debts_fixable")
    assert step_for_criterion(CREDIT.criteria, "debts_fixable") == "q_debts_plan"
    assert criteria_for_step(CREDIT.criteria, "q_debts_plan") == (debts,)
    assert value_from_script(debts, "Да, смогу закрыть") is True
    assert value_from_script(debts, "Нет, закрыть не получится") is False
    assert value_from_script(debts, "Yes") is True
    assert value_from_script(debts, "Посмотрим") is None
    assert script_label_for_value(debts, CREDIT_SCRIPT, False) == "Нет, закрыть не получится"


@pytest.mark.parametrize(
    ("data", "text", "value"),
    [
        ({"type": "number"}, "1 200 000", 1200000),
        ({"type": "number"}, "не помню", None),
        ({"type": "date"}, "01.06.2027", dt.date(2027, 6, 1)),
        ({"type": "text"}, " Казань ", "Казань"),
        ({"type": "choice", "choices": ["Ипотека", "Наличные"]}, "НАЛИЧНЫЕ", "Наличные"),
        ({"type": "choice", "choices": ["Ипотека", "Наличные"]}, "Лизинг", None),
    ],
)
def test_free_text_is_parsed_as_the_criterion_type(
    data: dict[str, object], text: str, value: object
) -> None:
    (item,) = criteria_from_data([{"id": "x", "question": "?", **data}])
    assert value_from_script(item, text) == value


def test_unlinked_criteria_have_no_step() -> None:
    assert step_for_criterion(CREDIT.criteria, "age") is None
    assert step_for_criterion(CREDIT.criteria, "no_such") is None
    assert script_label_for_value(criterion(CREDIT, "age"), CREDIT_SCRIPT, 30) is None
