"""Target-client criteria: the questions a verification asks and what disqualifies a lead.

A criterion is one question with an answer type. It may carry a disqualify rule — the answer
that makes the lead non-target ("credit history: ruined beyond repair"). Criteria are stored
as a JSON list in criteria_sets.criteria and written in campaign files as:

    - id: credit_history
      question: Какая у вас кредитная история?
      type: choice
      required: true
      choices: [Хорошая, Были просрочки, Испорчена безнадёжно]
      disqualify_if: {equals: Испорчена безнадёжно}
      script_step: q_credit_history

Rules by type: yes_no — `equals: true|false`; choice — `equals: <choice>` or
`one_of: [<choice>, …]`; number — `less_than: N` or `greater_than: N`; date —
`before: YYYY-MM-DD` or `after: YYYY-MM-DD`; text — no rule.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from operator_app.core.errors import OperatorAppError

__all__ = [
    "MAX_ID_LENGTH",
    "AnswerType",
    "AnswerValue",
    "CriteriaError",
    "Criterion",
    "DisqualifyRule",
    "NonTargetReason",
    "RuleKind",
    "criteria_from_data",
    "criteria_to_data",
    "criterion_to_data",
    "reasons_from_data",
    "reasons_to_data",
]

MAX_ID_LENGTH = 80
MAX_REASON_CODE_LENGTH = 80  # verifications.reason holds 80 characters
_ID_PATTERN = re.compile(r"^[A-Za-z0-9_.-]+$")

AnswerValue = bool | int | float | str | dt.date
"""A parsed answer: bool (yes_no), str (choice, text), int or float (number), date (date)."""


class AnswerType(StrEnum):
    YES_NO = "yes_no"
    CHOICE = "choice"
    NUMBER = "number"
    DATE = "date"
    TEXT = "text"


class RuleKind(StrEnum):
    EQUALS = "equals"  # yes_no, choice
    ONE_OF = "one_of"  # choice
    LESS_THAN = "less_than"  # number
    GREATER_THAN = "greater_than"  # number
    BEFORE = "before"  # date
    AFTER = "after"  # date


_RULES_BY_TYPE: dict[AnswerType, tuple[RuleKind, ...]] = {
    AnswerType.YES_NO: (RuleKind.EQUALS,),
    AnswerType.CHOICE: (RuleKind.EQUALS, RuleKind.ONE_OF),
    AnswerType.NUMBER: (RuleKind.LESS_THAN, RuleKind.GREATER_THAN),
    AnswerType.DATE: (RuleKind.BEFORE, RuleKind.AFTER),
    AnswerType.TEXT: (),
}


class CriteriaError(OperatorAppError):
    """A criteria list or reasons list is malformed.

    `index` is the 0-based position of the offending criterion (or reason), None for the list
    as a whole; `field` the key within it ("id", "disqualify_if", …) or None; `reason` the
    problem in plain words.
    """

    def __init__(self, index: int | None, field: str | None, reason: str) -> None:
        self.index = index
        self.field = field
        self.reason = reason
        where = "" if index is None else f"item {index + 1}"
        if field is not None:
            where = f"{where}, {field}" if where else field
        super().__init__(f"{where}: {reason}" if where else reason)


@dataclass(frozen=True, slots=True)
class DisqualifyRule:
    """The answers that disqualify: `operand` is a bool, str, number, date or tuple of choices."""

    kind: RuleKind
    operand: bool | int | float | str | dt.date | tuple[str, ...]

    def disqualifies(self, value: AnswerValue) -> bool:
        """Whether a parsed answer of the criterion's type breaks this rule."""
        operand = self.operand
        if self.kind is RuleKind.EQUALS:
            if isinstance(operand, str) and isinstance(value, str):
                return operand.casefold() == value.casefold()
            return type(operand) is type(value) and operand == value
        if self.kind is RuleKind.ONE_OF:
            assert isinstance(operand, tuple)
            return isinstance(value, str) and value.casefold() in {o.casefold() for o in operand}
        if self.kind in (RuleKind.LESS_THAN, RuleKind.GREATER_THAN):
            if not _is_number(value) or not _is_number(operand):
                return False
            assert isinstance(value, int | float) and isinstance(operand, int | float)
            return value < operand if self.kind is RuleKind.LESS_THAN else value > operand
        if not isinstance(value, dt.date) or not isinstance(operand, dt.date):
            return False
        return value < operand if self.kind is RuleKind.BEFORE else value > operand

    def to_data(self) -> dict[str, Any]:
        """The JSON-safe `disqualify_if` mapping, e.g. {"before": "2027-01-01"}."""
        operand = self.operand
        if isinstance(operand, tuple):
            return {self.kind.value: list(operand)}
        if isinstance(operand, dt.date):
            return {self.kind.value: operand.isoformat()}
        return {self.kind.value: operand}


@dataclass(frozen=True, slots=True)
class Criterion:
    """One question of the verification form.

    `choices` is non-empty only for a choice criterion; `script_step` is the id of the script
    step that asks this question, if any (the form and the script fill each other through it).
    """

    id: str
    question: str
    type: AnswerType
    required: bool = True
    choices: tuple[str, ...] = ()
    disqualify: DisqualifyRule | None = None
    script_step: str | None = None


@dataclass(frozen=True, slots=True)
class NonTargetReason:
    """An entry of a campaign's non-target reasons list: a stable code and its label."""

    code: str
    label: str


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_CRITERION_KEYS = (
    "id",
    "question",
    "type",
    "required",
    "choices",
    "disqualify_if",
    "script_step",
)


def _text(index: int, field: str, value: object) -> str:
    if not isinstance(value, str):
        raise CriteriaError(index, field, f"{field} must be text")
    text = value.strip()
    if not text:
        raise CriteriaError(index, field, f"{field} must not be empty")
    return text


def _identifier(index: int, field: str, value: object) -> str:
    text = _text(index, field, value)
    if len(text) > MAX_ID_LENGTH:
        raise CriteriaError(index, field, f"{field} is longer than {MAX_ID_LENGTH} characters")
    if not _ID_PATTERN.match(text):
        raise CriteriaError(
            index, field, f"{field} '{text}' may hold only Latin letters, digits and _ . -"
        )
    return text


def _date(index: int, value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        raise CriteriaError(index, "disqualify_if", "the date must not have a time of day")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise CriteriaError(index, "disqualify_if", f"'{value}' is not a date like 2027-01-31")


def _rule(index: int, kind: AnswerType, choices: tuple[str, ...], data: object) -> DisqualifyRule:
    allowed = _RULES_BY_TYPE[kind]
    if not allowed:
        raise CriteriaError(index, "disqualify_if", f"a {kind.value} criterion cannot disqualify")
    if not isinstance(data, Mapping) or len(data) != 1:
        forms = ", ".join(f"{{{rule.value}: …}}" for rule in allowed)
        raise CriteriaError(index, "disqualify_if", f"disqualify_if must be one of {forms}")
    ((name, operand),) = data.items()
    try:
        rule_kind = RuleKind(name)
    except ValueError:
        rule_kind = None
    if rule_kind not in allowed:
        names = ", ".join(rule.value for rule in allowed)
        raise CriteriaError(
            index, "disqualify_if", f"a {kind.value} criterion's rule is {names}, not '{name}'"
        )
    assert rule_kind is not None
    if kind is AnswerType.YES_NO:
        if not isinstance(operand, bool):
            raise CriteriaError(index, "disqualify_if", "equals must be true or false")
        return DisqualifyRule(rule_kind, operand)
    if kind is AnswerType.CHOICE:
        items = operand if rule_kind is RuleKind.ONE_OF else [operand]
        if rule_kind is RuleKind.ONE_OF and (not isinstance(operand, list) or not operand):
            raise CriteriaError(index, "disqualify_if", "one_of must be a non-empty list")
        named: list[str] = []
        for item in items:
            if not isinstance(item, str):
                raise CriteriaError(index, "disqualify_if", f"'{item}' must be text")
            match = next((c for c in choices if c.casefold() == item.strip().casefold()), None)
            if match is None:
                raise CriteriaError(
                    index, "disqualify_if", f"'{item}' is not one of the criterion's choices"
                )
            named.append(match)
        if rule_kind is RuleKind.ONE_OF:
            return DisqualifyRule(rule_kind, tuple(named))
        return DisqualifyRule(rule_kind, named[0])
    if kind is AnswerType.NUMBER:
        if not _is_number(operand):
            raise CriteriaError(index, "disqualify_if", f"{name} must be a number")
        assert isinstance(operand, int | float)
        return DisqualifyRule(rule_kind, operand)
    return DisqualifyRule(rule_kind, _date(index, operand))


def _criterion(index: int, data: object) -> Criterion:
    if not isinstance(data, Mapping):
        raise CriteriaError(index, None, "a criterion must be a mapping of keys to values")
    for key in data:
        if key not in _CRITERION_KEYS:
            raise CriteriaError(
                index, str(key), f"unknown key '{key}' (allowed: {', '.join(_CRITERION_KEYS)})"
            )
    for key in ("id", "question", "type"):
        if data.get(key) is None:
            raise CriteriaError(index, None, f"the criterion is missing the key '{key}'")
    criterion_id = _identifier(index, "id", data["id"])
    question = _text(index, "question", data["question"])
    type_text = _text(index, "type", data["type"])
    try:
        kind = AnswerType(type_text)
    except ValueError:
        known = ", ".join(t.value for t in AnswerType)
        raise CriteriaError(index, "type", f"unknown type '{type_text}' (known: {known})") from None
    required = data.get("required", True)
    if not isinstance(required, bool):
        raise CriteriaError(index, "required", "required must be true or false")
    choices: tuple[str, ...] = ()
    raw_choices = data.get("choices")
    if kind is AnswerType.CHOICE:
        if not isinstance(raw_choices, list) or len(raw_choices) < 2:
            raise CriteriaError(index, "choices", "a choice criterion needs at least two choices")
        choices = tuple(_text(index, "choices", choice) for choice in raw_choices)
        folded = [choice.casefold() for choice in choices]
        duplicate = next((c for n, c in enumerate(choices) if c.casefold() in folded[:n]), None)
        if duplicate is not None:
            raise CriteriaError(index, "choices", f"the choice '{duplicate}' appears twice")
    elif raw_choices is not None:
        raise CriteriaError(index, "choices", f"a {kind.value} criterion has no choices")
    rule_data = data.get("disqualify_if")
    rule = None if rule_data is None else _rule(index, kind, choices, rule_data)
    step_data = data.get("script_step")
    step = None if step_data is None else _identifier(index, "script_step", step_data)
    return Criterion(criterion_id, question, kind, required, choices, rule, step)


def criteria_from_data(data: object) -> tuple[Criterion, ...]:
    """Criteria from a JSON-like list (a stored set, or a parsed file); checks everything.

    Dates may be date objects or ISO text. Raises CriteriaError naming the item and field.
    """
    if not isinstance(data, Sequence) or isinstance(data, str):
        raise CriteriaError(None, None, "criteria must be a list")
    criteria = tuple(_criterion(index, item) for index, item in enumerate(data))
    seen: dict[str, int] = {}
    for index, criterion in enumerate(criteria):
        if criterion.id in seen:
            raise CriteriaError(
                index,
                "id",
                f"duplicate id '{criterion.id}' (first used by item {seen[criterion.id] + 1})",
            )
        seen[criterion.id] = index
    return criteria


def criterion_to_data(criterion: Criterion) -> dict[str, Any]:
    """The JSON-safe mapping of one criterion, in the file format's key order."""
    data: dict[str, Any] = {
        "id": criterion.id,
        "question": criterion.question,
        "type": criterion.type.value,
        "required": criterion.required,
    }
    if criterion.choices:
        data["choices"] = list(criterion.choices)
    if criterion.disqualify is not None:
        data["disqualify_if"] = criterion.disqualify.to_data()
    if criterion.script_step is not None:
        data["script_step"] = criterion.script_step
    return data


def criteria_to_data(criteria: Sequence[Criterion]) -> list[dict[str, Any]]:
    return [criterion_to_data(criterion) for criterion in criteria]


def reasons_from_data(data: object) -> tuple[NonTargetReason, ...]:
    """Non-target reasons from a list of {code, label}; codes unique. Raises CriteriaError."""
    if not isinstance(data, Sequence) or isinstance(data, str):
        raise CriteriaError(None, None, "reasons must be a list")
    reasons: list[NonTargetReason] = []
    for index, item in enumerate(data):
        if not isinstance(item, Mapping):
            raise CriteriaError(index, None, "a reason must be a mapping with code and label")
        unknown = next((key for key in item if key not in ("code", "label")), None)
        if unknown is not None:
            raise CriteriaError(
                index, str(unknown), f"unknown key '{unknown}' (allowed: code, label)"
            )
        for key in ("code", "label"):
            if item.get(key) is None:
                raise CriteriaError(index, None, f"the reason is missing the key '{key}'")
        code = _identifier(index, "code", item["code"])
        if len(code) > MAX_REASON_CODE_LENGTH:
            raise CriteriaError(index, "code", "code is too long")
        if any(reason.code == code for reason in reasons):
            raise CriteriaError(index, "code", f"duplicate reason code '{code}'")
        reasons.append(NonTargetReason(code, _text(index, "label", item["label"])))
    return tuple(reasons)


def reasons_to_data(reasons: Sequence[NonTargetReason]) -> list[dict[str, str]]:
    return [{"code": reason.code, "label": reason.label} for reason in reasons]
