"""A criterion as typed in the editor: plain text fields that may not be valid yet.

The editor keeps drafts, never half-checked criteria, so nothing typed is lost when a save is
refused; `to_data` writes the campaign-file form that `criteria_from_data` checks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from operator_app.core.verification.criteria import AnswerType, Criterion, RuleKind

ONE_OF_SEPARATOR = ";"

RULES_BY_TYPE: dict[AnswerType, tuple[RuleKind, ...]] = {
    AnswerType.YES_NO: (RuleKind.EQUALS,),
    AnswerType.CHOICE: (RuleKind.EQUALS, RuleKind.ONE_OF),
    AnswerType.NUMBER: (RuleKind.LESS_THAN, RuleKind.GREATER_THAN),
    AnswerType.DATE: (RuleKind.BEFORE, RuleKind.AFTER),
    AnswerType.TEXT: (),
}


@dataclass(frozen=True, slots=True)
class CriterionDraft:
    id: str = ""
    question: str = ""
    type: AnswerType = AnswerType.YES_NO
    required: bool = True
    choices: tuple[str, ...] = ()
    rule_kind: RuleKind | None = None
    rule_value: str = ""
    """yes_no: "yes"/"no"; one_of: choices separated by ';'; otherwise the value as typed."""
    script_step: str = ""

    @classmethod
    def from_criterion(cls, criterion: Criterion) -> CriterionDraft:
        rule = criterion.disqualify
        value = ""
        if rule is not None:
            operand = rule.operand
            if isinstance(operand, bool):
                value = "yes" if operand else "no"
            elif isinstance(operand, tuple):
                value = f"{ONE_OF_SEPARATOR} ".join(operand)
            elif isinstance(operand, dt.date):
                value = operand.isoformat()
            else:
                value = str(operand)
        return cls(
            id=criterion.id,
            question=criterion.question,
            type=criterion.type,
            required=criterion.required,
            choices=criterion.choices,
            rule_kind=None if rule is None else rule.kind,
            rule_value=value,
            script_step=criterion.script_step or "",
        )

    def with_type(self, kind: AnswerType) -> CriterionDraft:
        """A new type keeps the rule only if that type knows it."""
        rule = self.rule_kind if self.rule_kind in RULES_BY_TYPE[kind] else None
        return replace(self, type=kind, rule_kind=rule, rule_value=self.rule_value if rule else "")

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "question": self.question,
            "type": self.type.value,
            "required": self.required,
        }
        if self.type is AnswerType.CHOICE:
            data["choices"] = list(self.choices)
        if self.rule_kind is not None:
            data["disqualify_if"] = {self.rule_kind.value: self._operand()}
        if self.script_step.strip():
            data["script_step"] = self.script_step
        return data

    def _operand(self) -> object:
        text = self.rule_value.strip()
        if self.type is AnswerType.YES_NO:
            folded = text.casefold()
            if folded in ("yes", "true", "да"):
                return True
            if folded in ("no", "false", "нет"):
                return False
            return text  # refused by the check with a clear reason
        if self.rule_kind is RuleKind.ONE_OF:
            return [part.strip() for part in text.split(ONE_OF_SEPARATOR) if part.strip()]
        if self.type is AnswerType.NUMBER:
            for parse in (int, float):
                try:
                    return parse(text.replace(",", "."))
                except ValueError:
                    continue
        return text
