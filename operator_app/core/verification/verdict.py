"""The live verdict: answers checked against the criteria, and the operator's override rules.

compute_verdict is pure and cheap, so the form can call it on every keystroke. An answer a
person typed is parsed by its criterion's type (parse_answer); a bad one raises AnswerInvalid
naming the criterion. A lead is non-target as soon as any answer disqualifies it, even with
required questions still open; it is target when every required question is answered and
nothing disqualifies; otherwise it is incomplete.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from operator_app.core.errors import ValidationFailed
from operator_app.core.verification.criteria import (
    AnswerType,
    AnswerValue,
    Criterion,
    NonTargetReason,
)

__all__ = [
    "AnswerInvalid",
    "FinalVerdict",
    "Verdict",
    "VerdictResult",
    "answer_to_data",
    "compute_verdict",
    "decide_final_verdict",
    "parse_answer",
    "parse_answers",
    "yes_no_of",
]


class Verdict(StrEnum):
    TARGET = "target"
    NON_TARGET = "non_target"
    INCOMPLETE = "incomplete"


class AnswerInvalid(ValidationFailed):
    """An answer does not fit its criterion; `field` is the criterion id."""

    def __init__(self, criterion_id: str, problem: str, message: str) -> None:
        super().__init__(criterion_id, problem, f"{criterion_id}: {message}")


@dataclass(frozen=True, slots=True)
class VerdictResult:
    verdict: Verdict
    disqualified_by: tuple[str, ...] = ()  # criterion ids, in criteria order
    missing_required: tuple[str, ...] = ()  # criterion ids, in criteria order


@dataclass(frozen=True, slots=True)
class FinalVerdict:
    """What a saved verification records next to the computed verdict."""

    verdict: Verdict  # target | non_target, never incomplete
    overridden: bool
    override_comment: str | None
    reason: str | None  # a non-target reason code


_YES = frozenset({"да", "yes", "y", "true", "ага", "конечно", "верно", "есть", "+"})
_NO = frozenset({"нет", "no", "n", "false", "не", "-"})
_FIRST_WORD = re.compile(r"[\w+-]+", re.UNICODE)
_DATE_DMY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def yes_no_of(text: str) -> bool | None:
    """True for a yes-word, False for a no-word (Russian or English; the first word counts)."""
    match = _FIRST_WORD.search(text.strip().casefold())
    if match is None:
        return None
    word = match.group(0)
    if word in _YES:
        return True
    if word in _NO:
        return False
    return None


def _is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def parse_answer(criterion: Criterion, raw: object) -> AnswerValue | None:
    """The answer as its criterion's type, or None when blank. Raises AnswerInvalid.

    yes_no takes a bool or a yes/no word; choice one of the choices (any letter case, returned
    as written in the criterion); number an int, float or text like "1 500 000" or "2,5";
    date a date, "YYYY-MM-DD" or "DD.MM.YYYY"; text any non-empty text.
    """
    if _is_blank(raw):
        return None
    kind = criterion.type
    if kind is AnswerType.YES_NO:
        if isinstance(raw, bool):
            return raw
        value = yes_no_of(raw) if isinstance(raw, str) else None
        if value is None:
            raise AnswerInvalid(criterion.id, "not_yes_no", f"'{raw}' is not yes or no")
        return value
    if kind is AnswerType.CHOICE:
        text = str(raw).strip().casefold() if isinstance(raw, str) else None
        match = next((c for c in criterion.choices if c.casefold() == text), None)
        if match is None:
            raise AnswerInvalid(
                criterion.id,
                "not_a_choice",
                f"'{raw}' is not one of: {', '.join(criterion.choices)}",
            )
        return match
    if kind is AnswerType.NUMBER:
        return _number(criterion.id, raw)
    if kind is AnswerType.DATE:
        return _date(criterion.id, raw)
    if not isinstance(raw, str):
        raise AnswerInvalid(criterion.id, "not_text", "the answer must be text")
    return raw.strip()


def _number(criterion_id: str, raw: object) -> int | float:
    if isinstance(raw, bool):
        raise AnswerInvalid(criterion_id, "not_a_number", f"'{raw}' is not a number")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise AnswerInvalid(criterion_id, "not_a_number", f"'{raw}' is not a number")
        return raw
    if isinstance(raw, str):
        text = "".join(raw.split()).replace(",", ".")
        try:
            return int(text)
        except ValueError:
            pass
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if math.isfinite(value):
            return value
    raise AnswerInvalid(criterion_id, "not_a_number", f"'{raw}' is not a number")


def _date(criterion_id: str, raw: object) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str):
        text = raw.strip()
        dmy = _DATE_DMY.match(text)
        try:
            if dmy is not None:
                day, month, year = (int(part) for part in dmy.groups())
                return dt.date(year, month, day)
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise AnswerInvalid(
        criterion_id, "not_a_date", f"'{raw}' is not a date like 31.01.2027 or 2027-01-31"
    )


def parse_answers(
    criteria: Sequence[Criterion], answers: Mapping[str, object]
) -> dict[str, AnswerValue]:
    """Every non-blank answer parsed; raises AnswerInvalid for the first bad or unknown one."""
    by_id = {criterion.id: criterion for criterion in criteria}
    unknown = next((key for key in answers if key not in by_id), None)
    if unknown is not None:
        raise AnswerInvalid(unknown, "unknown_criterion", "there is no such question")
    parsed: dict[str, AnswerValue] = {}
    for criterion in criteria:
        value = parse_answer(criterion, answers.get(criterion.id))
        if value is not None:
            parsed[criterion.id] = value
    return parsed


def compute_verdict(criteria: Sequence[Criterion], answers: Mapping[str, object]) -> VerdictResult:
    """The verdict of these answers (raw or parsed). Raises AnswerInvalid for a bad answer."""
    parsed = parse_answers(criteria, answers)
    disqualified = tuple(
        c.id
        for c in criteria
        if c.disqualify is not None and c.id in parsed and c.disqualify.disqualifies(parsed[c.id])
    )
    missing = tuple(c.id for c in criteria if c.required and c.id not in parsed)
    if disqualified:
        return VerdictResult(Verdict.NON_TARGET, disqualified, missing)
    if missing:
        return VerdictResult(Verdict.INCOMPLETE, (), missing)
    return VerdictResult(Verdict.TARGET)


def answer_to_data(value: AnswerValue) -> bool | int | float | str:
    """A parsed answer as JSON: dates become ISO text."""
    return value.isoformat() if isinstance(value, dt.date) else value


def decide_final_verdict(
    computed: VerdictResult,
    reasons: Sequence[NonTargetReason],
    *,
    override_verdict: Verdict | str | None = None,
    override_comment: str | None = None,
    reason: str | None = None,
) -> FinalVerdict:
    """The verdict to record, after the override and reason rules. Raises ValidationFailed.

    - An override to a verdict other than the computed one needs a non-empty comment
      (field "override_comment"); overriding to the computed verdict is no override.
    - An incomplete computed verdict can only be saved with an override (field "verdict").
    - A final non-target verdict needs a reason code from `reasons` (field "reason"); a target
      verdict keeps no reason.
    """
    final = computed.verdict
    overridden = False
    comment: str | None = None
    if override_verdict is not None:
        try:
            wanted = Verdict(override_verdict)
        except ValueError:
            raise ValidationFailed(
                "verdict", "unknown_verdict", f"'{override_verdict}' is not target or non_target"
            ) from None
        if wanted is Verdict.INCOMPLETE:
            raise ValidationFailed(
                "verdict",
                "unknown_verdict",
                "a verdict can be overridden only to target or non_target",
            )
        if wanted is not computed.verdict:
            comment = (override_comment or "").strip()
            if not comment:
                raise ValidationFailed(
                    "override_comment",
                    "comment_required",
                    "override_comment: overriding the verdict needs a comment",
                )
            final, overridden = wanted, True
    if final is Verdict.INCOMPLETE:
        missing = ", ".join(computed.missing_required)
        raise ValidationFailed(
            "verdict", "incomplete", f"verdict: answer the required questions first ({missing})"
        )
    if final is Verdict.TARGET:
        return FinalVerdict(final, overridden, comment, None)
    code = (reason or "").strip()
    if not code:
        raise ValidationFailed(
            "reason", "reason_required", "reason: a non-target verdict needs a reason"
        )
    if code not in {item.code for item in reasons}:
        raise ValidationFailed(
            "reason", "unknown_reason", f"reason: '{code}' is not one of the campaign's reasons"
        )
    return FinalVerdict(final, overridden, comment, code)
