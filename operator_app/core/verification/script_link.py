"""Between the script and the verification form: the steps that ask the criteria's questions.

A criterion names the script step that asks it (`script_step`). When the operator clicks an
answer at that step (or types free text there), value_from_script turns it into the
criterion's value; when the operator fills the form, step_for_criterion and
script_label_for_value find the step and the answer to highlight in the script.
"""

from __future__ import annotations

from collections.abc import Sequence

from operator_app.core.scripts_format import ScriptDocument
from operator_app.core.verification.criteria import AnswerType, AnswerValue, Criterion
from operator_app.core.verification.verdict import AnswerInvalid, parse_answer, yes_no_of

__all__ = [
    "criteria_for_step",
    "script_label_for_value",
    "step_for_criterion",
    "unknown_script_steps",
    "value_from_script",
]


def criteria_for_step(criteria: Sequence[Criterion], step_id: str) -> tuple[Criterion, ...]:
    """The criteria a script step answers (usually one, possibly none)."""
    return tuple(criterion for criterion in criteria if criterion.script_step == step_id)


def step_for_criterion(criteria: Sequence[Criterion], criterion_id: str) -> str | None:
    """The id of the script step that asks this criterion, or None."""
    for criterion in criteria:
        if criterion.id == criterion_id:
            return criterion.script_step
    return None


def value_from_script(criterion: Criterion, answer: str) -> AnswerValue | None:
    """The criterion's value for a script answer (a clicked label or free text), or None.

    yes_no: a Russian or English yes/no word at the start ("Да, смогу закрыть" → True);
    choice: the label matching a choice in any letter case; number, date, text: parsed as if
    typed into the form. None when the answer says nothing this criterion can use.
    """
    if criterion.type is AnswerType.YES_NO:
        return yes_no_of(answer)
    try:
        return parse_answer(criterion, answer)
    except AnswerInvalid:
        return None


def script_label_for_value(
    criterion: Criterion, script: ScriptDocument, value: AnswerValue
) -> str | None:
    """The answer label at the criterion's step that means `value`, or None if none does."""
    if criterion.script_step is None:
        return None
    try:
        step = script.step(criterion.script_step)
    except KeyError:
        return None
    for answer in step.answers:
        if value_from_script(criterion, answer.label) == value:
            return answer.label
    return None


def unknown_script_steps(criteria: Sequence[Criterion], script: ScriptDocument) -> tuple[str, ...]:
    """The ids of criteria whose script_step is not a step of this script."""
    steps = {step.id for _stage, step in script.steps()}
    return tuple(c.id for c in criteria if c.script_step is not None and c.script_step not in steps)
