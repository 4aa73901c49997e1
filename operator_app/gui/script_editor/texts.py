"""The script editor's words for stages and validation problems, in the interface language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from operator_app.core.script_validation import ProblemKind, ScriptProblem
from operator_app.core.scripts_format import StageKind
from operator_app.gui.labels import stage_label

# Called as translate("ScriptEditor", "…") everywhere: lupdate finds only such calls.
translate = QCoreApplication.translate


def stage_hint(kind: StageKind) -> str:
    """What the stage is for, from the call skeleton supervisors check calls against."""
    return {
        StageKind.CONTACT: translate(
            "ScriptEditor",
            "The greeting is the company's business card; a cold call must say that it is"
            " promotional.",
        ),
        StageKind.DIAGNOSTICS: translate(
            "ScriptEditor",
            "Qualifying questions first (cut a non-target lead in 1–3 questions), then"
            " situation (S) and problem (P) questions, implication (I) and need-payoff (N).",
        ),
        StageKind.TEASER: translate(
            "ScriptEditor",
            "Two to four sentences about the offer that end with a call to action: the visit,"
            " the presentation or the order.",
        ),
        StageKind.OBJECTIONS: translate(
            "ScriptEditor",
            "Objections can come at any moment of the call; each has a title and responses.",
        ),
        StageKind.CLOSING: translate(
            "ScriptEditor",
            "Agree how and when the client is reminded, confirm in writing. Steps without"
            " answers end the call here.",
        ),
    }[kind]


def _reason(problem: ScriptProblem) -> str:
    detail = problem.detail or ""
    texts = {
        ProblemKind.EMPTY_NAME: translate("ScriptEditor", "the script has no name"),
        ProblemKind.BAD_LANGUAGE: translate(
            "ScriptEditor", "the language “{detail}” is not a code like ru or en"
        ),
        ProblemKind.NO_STEPS: translate("ScriptEditor", "the script has no steps"),
        ProblemKind.DUPLICATE_STAGE: translate(
            "ScriptEditor", "the stage appears twice; each stage appears once"
        ),
        ProblemKind.EMPTY_STAGE: translate(
            "ScriptEditor", "the stage is empty: add to it or remove it"
        ),
        ProblemKind.EMPTY_ID: translate("ScriptEditor", "the id is empty"),
        ProblemKind.BAD_ID: translate(
            "ScriptEditor",
            "the id may hold only Latin letters, digits and _ . - (at most 80 characters)",
        ),
        ProblemKind.DUPLICATE_ID: translate(
            "ScriptEditor", "the id “{detail}” is used more than once"
        ),
        ProblemKind.EMPTY_TEXT: translate("ScriptEditor", "the text is empty"),
        ProblemKind.BAD_SPIN: translate(
            "ScriptEditor", "the SPIN kind “{detail}” is not one of S, P, I, N"
        ),
        ProblemKind.EMPTY_LABEL: translate("ScriptEditor", "the answer has no label"),
        ProblemKind.DUPLICATE_LABEL: translate(
            "ScriptEditor", "another answer of the step has the label “{detail}”"
        ),
        ProblemKind.MISSING_NEXT: translate(
            "ScriptEditor", "the answer does not say which step comes next"
        ),
        ProblemKind.UNKNOWN_NEXT: translate(
            "ScriptEditor", "the answer leads to “{detail}”, which is not a step"
        ),
        ProblemKind.DEAD_END: translate(
            "ScriptEditor",
            "dead end: the step has no answers, but only closing steps may end the call",
        ),
        ProblemKind.NO_WAY_TO_END: translate(
            "ScriptEditor", "no path of answers from this step reaches the end"
        ),
        ProblemKind.UNREACHABLE: translate(
            "ScriptEditor", "unreachable: no answer leads to this step"
        ),
        ProblemKind.EMPTY_TITLE: translate("ScriptEditor", "the objection has no title"),
        ProblemKind.NO_RESPONSES: translate("ScriptEditor", "the objection has no responses"),
        ProblemKind.EMPTY_RESPONSE: translate("ScriptEditor", "a response is empty"),
        ProblemKind.UNKNOWN_PLACEHOLDER: translate(
            "ScriptEditor",
            "the card does not fill the placeholder {{{detail}}}; check its spelling",
        ),
    }
    return texts[problem.kind].format(detail=detail)


def _where(problem: ScriptProblem) -> str:
    place, item = problem.place, problem.item_id or "—"
    if problem.stage is None:
        return translate("ScriptEditor", "Script")
    stage = stage_label(problem.stage)
    if place.step_index is not None:
        if place.answer_index is not None:
            return translate("ScriptEditor", "{stage} › step {step}, answer {number}").format(
                stage=stage, step=item, number=place.answer_index + 1
            )
        return translate("ScriptEditor", "{stage} › step {step}").format(stage=stage, step=item)
    if place.objection_index is not None:
        return translate("ScriptEditor", "{stage} › objection {objection}").format(
            stage=stage, objection=item
        )
    return stage


def problem_text(problem: ScriptProblem) -> str:
    return translate("ScriptEditor", "{where}: {reason}").format(
        where=_where(problem), reason=_reason(problem)
    )
