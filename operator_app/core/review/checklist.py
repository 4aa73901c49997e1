"""The call-review checklist: one item per script stage a supervisor checks, marked yes, no or
not applicable, with hints read from the answers captured in the call.

Stored in `call_reviews.checklist` as `{"items": {"greeting_notice": "yes", …}}`; the score is
yes / (yes + no) × 100, or None when every item is not applicable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from operator_app.core.errors import ValidationFailed
from operator_app.core.scripts_format import StageKind

__all__ = [
    "ITEM_STAGES",
    "Checklist",
    "ChecklistItem",
    "ItemHint",
    "Mark",
    "RecordedStep",
    "checklist_hints",
]


class ChecklistItem(StrEnum):
    GREETING_NOTICE = "greeting_notice"  # greeting and the promotional-call notice
    SPIN_S_P = "spin_s_p"  # situation and problem questions asked
    TEASER_CTA = "teaser_cta"  # the teaser ends with a call to action
    CLOSING_REMINDER = "closing_reminder"  # closing: how and when the client is reminded


class Mark(StrEnum):
    YES = "yes"
    NO = "no"
    NOT_APPLICABLE = "na"


ITEM_STAGES: Mapping[ChecklistItem, StageKind] = {
    ChecklistItem.GREETING_NOTICE: StageKind.CONTACT,
    ChecklistItem.SPIN_S_P: StageKind.DIAGNOSTICS,
    ChecklistItem.TEASER_CTA: StageKind.TEASER,
    ChecklistItem.CLOSING_REMINDER: StageKind.CLOSING,
}

_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Checklist:
    """A mark for every item, in the items' order."""

    marks: tuple[tuple[ChecklistItem, Mark], ...]

    @classmethod
    def of(cls, marks: Mapping[ChecklistItem, Mark]) -> Checklist:
        """Every item must be marked; the order is the checklist's own."""
        missing = [item.value for item in ChecklistItem if item not in marks]
        if missing:
            raise ValidationFailed(
                "checklist", "incomplete", f"the checklist has no mark for {', '.join(missing)}"
            )
        return cls(tuple((item, Mark(marks[item])) for item in ChecklistItem))

    @classmethod
    def all_not_applicable(cls) -> Checklist:
        return cls.of(dict.fromkeys(ChecklistItem, Mark.NOT_APPLICABLE))

    def mark(self, item: ChecklistItem) -> Mark:
        return dict(self.marks)[item]

    def score(self) -> Decimal | None:
        """The share of applicable items marked yes, in per cent with two decimals."""
        yes = sum(1 for _item, mark in self.marks if mark is Mark.YES)
        applicable = sum(1 for _item, mark in self.marks if mark is not Mark.NOT_APPLICABLE)
        if applicable == 0:
            return None
        return (Decimal(yes) * _HUNDRED / Decimal(applicable)).quantize(_CENT, ROUND_HALF_UP)

    def to_json(self) -> dict[str, Any]:
        return {"items": {item.value: mark.value for item, mark in self.marks}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Checklist:
        """A stored checklist; items it lacks (or unknown marks) read as not applicable."""
        items = data.get("items")
        stored = items if isinstance(items, Mapping) else {}
        marks: dict[ChecklistItem, Mark] = {}
        for item in ChecklistItem:
            try:
                marks[item] = Mark(str(stored.get(item.value, Mark.NOT_APPLICABLE.value)))
            except ValueError:
                marks[item] = Mark.NOT_APPLICABLE
        return cls.of(marks)


@dataclass(frozen=True, slots=True)
class RecordedStep:
    """What the hints need of one captured answer."""

    stage: str
    step_id: str
    spin: str | None
    objection_id: str | None = None


@dataclass(frozen=True, slots=True)
class ItemHint:
    """What the captured answers say about one item, and the mark they suggest."""

    item: ChecklistItem
    stage: StageKind
    reached: bool  # the call recorded a step of the item's stage
    step_ids: tuple[str, ...]  # the stage's steps recorded, in call order, without repeats
    spin_kinds: tuple[str, ...]  # SPIN kinds recorded in the stage, in S P I N order
    suggested: Mark


def checklist_hints(steps: Iterable[RecordedStep]) -> tuple[ItemHint, ...]:
    """A hint per item. A stage the call never reached suggests "not applicable"; S and P
    asked needs both kinds recorded; any other reached stage suggests "yes" for the
    supervisor to confirm by listening."""
    recorded = [step for step in steps if step.objection_id is None]
    hints = []
    for item, stage in ITEM_STAGES.items():
        in_stage = [step for step in recorded if step.stage == stage.value]
        step_ids = tuple(dict.fromkeys(step.step_id for step in in_stage))
        kinds = {step.spin for step in in_stage if step.spin}
        spin_kinds = tuple(kind for kind in ("S", "P", "I", "N") if kind in kinds)
        reached = bool(in_stage)
        if not reached:
            suggested = Mark.NOT_APPLICABLE
        elif item is ChecklistItem.SPIN_S_P:
            suggested = Mark.YES if {"S", "P"} <= kinds else Mark.NO
        else:
            suggested = Mark.YES
        hints.append(ItemHint(item, stage, reached, step_ids, spin_kinds, suggested))
    return tuple(hints)
