"""The call-review checklist: marks, the score, the stored JSON and the hints from answers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from operator_app.core.errors import ValidationFailed
from operator_app.core.review.checklist import (
    Checklist,
    ChecklistItem,
    Mark,
    RecordedStep,
    checklist_hints,
)
from operator_app.core.scripts_format import StageKind

YES, NO, NA = Mark.YES, Mark.NO, Mark.NOT_APPLICABLE
ITEMS = list(ChecklistItem)


def checklist(*marks: Mark) -> Checklist:
    return Checklist.of(dict(zip(ITEMS, marks, strict=True)))


@pytest.mark.parametrize(
    ("marks", "score"),
    [
        ((YES, YES, YES, YES), Decimal("100.00")),
        ((YES, YES, NO, YES), Decimal("75.00")),
        ((YES, NO, NO, NA), Decimal("33.33")),
        ((YES, YES, NO, NA), Decimal("66.67")),
        ((NO, NA, NA, NA), Decimal("0.00")),
        ((NA, NA, NA, NA), None),
    ],
)
def test_the_score_is_yes_out_of_the_applicable_items(
    marks: tuple[Mark, ...], score: Decimal | None
) -> None:
    assert checklist(*marks).score() == score


def test_every_item_needs_a_mark() -> None:
    with pytest.raises(ValidationFailed) as caught:
        Checklist.of({ChecklistItem.GREETING_NOTICE: YES})
    assert caught.value.field == "checklist"
    assert "spin_s_p" in str(caught.value)


def test_the_stored_form_is_the_shared_format_and_reads_back() -> None:
    marks = checklist(YES, NO, NA, YES)
    assert marks.to_json() == {
        "items": {
            "greeting_notice": "yes",
            "spin_s_p": "no",
            "teaser_cta": "na",
            "closing_reminder": "yes",
        }
    }
    assert Checklist.from_json(marks.to_json()) == marks


def test_a_damaged_stored_checklist_reads_as_not_applicable() -> None:
    read = Checklist.from_json({"items": {"greeting_notice": "maybe", "teaser_cta": "yes"}})
    assert [mark for _item, mark in read.marks] == [NA, NA, YES, NA]
    assert Checklist.from_json({}) == Checklist.all_not_applicable()


def step(stage: StageKind, step_id: str, spin: str | None = None, **more: str) -> RecordedStep:
    return RecordedStep(stage.value, step_id, spin, more.get("objection_id"))


def test_hints_follow_the_stages_the_call_reached() -> None:
    hints = checklist_hints(
        [
            step(StageKind.CONTACT, "greeting"),
            step(StageKind.DIAGNOSTICS, "s_income", "S"),
            step(StageKind.DIAGNOSTICS, "s_income", "S"),
            step(StageKind.DIAGNOSTICS, "i_cost", "I"),
            step(StageKind.DIAGNOSTICS, "q_budget", objection_id="expensive"),
        ]
    )
    assert [hint.item for hint in hints] == ITEMS
    assert [hint.stage for hint in hints] == [
        StageKind.CONTACT,
        StageKind.DIAGNOSTICS,
        StageKind.TEASER,
        StageKind.CLOSING,
    ]
    greeting, spin, teaser, closing = hints
    assert greeting.reached and greeting.step_ids == ("greeting",) and greeting.suggested is YES
    # S without P: the questions were not both asked.
    assert spin.step_ids == ("s_income", "i_cost") and spin.spin_kinds == ("S", "I")
    assert spin.suggested is NO
    assert not teaser.reached and teaser.suggested is NA
    assert not closing.reached and closing.suggested is NA


def test_s_and_p_recorded_suggest_yes() -> None:
    hints = checklist_hints(
        [step(StageKind.DIAGNOSTICS, "p_pain", "P"), step(StageKind.DIAGNOSTICS, "s_team", "S")]
    )
    assert hints[1].spin_kinds == ("S", "P") and hints[1].suggested is YES


def test_a_call_without_answers_suggests_nothing_applies() -> None:
    assert [hint.suggested for hint in checklist_hints([])] == [NA, NA, NA, NA]
