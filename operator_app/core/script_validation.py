"""Checks a call script before it is published: every problem names its stage and step.

The format reader (core.scripts_format) refuses a malformed file at its first fault; the
editor needs every fault at once, each pointing at the item to fix, and also the faults a
well-formed file can still have: dead ends (a step outside the closing stage that ends the
call), steps no answer leads to, and loops a call can never leave. Problems are plain data:
the GUI words them in the user's language from `kind`, `stage`, `item_id` and `detail`.

Places are positions (stage index, step or objection index, answer index), not ids, because
an id may be empty or used twice — exactly the problems being reported.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from operator_app.core.errors import OperatorAppError
from operator_app.core.script_engine import KNOWN_PLACEHOLDERS
from operator_app.core.scripts_format import (
    MAX_ID_LENGTH,
    PLACEHOLDER_PATTERN,
    SPIN_KINDS,
    Objection,
    ScriptDocument,
    StageKind,
    Step,
)

__all__ = [
    "ProblemKind",
    "ProblemPlace",
    "ScriptInvalid",
    "ScriptProblem",
    "Severity",
    "blocking_problems",
    "validate_script",
]

_ID_PATTERN = re.compile(r"^[A-Za-z0-9_.-]+$")  # as the format reader requires
_LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")


class Severity(StrEnum):
    ERROR = "error"  # publishing is refused
    WARNING = "warning"  # worth a look; publishing goes ahead


class ProblemKind(StrEnum):
    EMPTY_NAME = "empty_name"
    BAD_LANGUAGE = "bad_language"
    NO_STEPS = "no_steps"
    DUPLICATE_STAGE = "duplicate_stage"
    EMPTY_STAGE = "empty_stage"
    EMPTY_ID = "empty_id"
    BAD_ID = "bad_id"
    DUPLICATE_ID = "duplicate_id"
    EMPTY_TEXT = "empty_text"
    BAD_SPIN = "bad_spin"
    EMPTY_LABEL = "empty_label"
    DUPLICATE_LABEL = "duplicate_label"
    MISSING_NEXT = "missing_next"
    UNKNOWN_NEXT = "unknown_next"
    DEAD_END = "dead_end"
    NO_WAY_TO_END = "no_way_to_end"
    UNREACHABLE = "unreachable"
    EMPTY_TITLE = "empty_title"
    NO_RESPONSES = "no_responses"
    EMPTY_RESPONSE = "empty_response"
    UNKNOWN_PLACEHOLDER = "unknown_placeholder"


_WARNINGS = frozenset({ProblemKind.UNKNOWN_PLACEHOLDER})


@dataclass(frozen=True, slots=True)
class ProblemPlace:
    """Where a problem is: indexes into the document (None where it does not apply)."""

    stage_index: int | None = None
    step_index: int | None = None  # into the stage's steps
    objection_index: int | None = None  # into the stage's objections
    answer_index: int | None = None
    response_index: int | None = None


@dataclass(frozen=True, slots=True)
class ScriptProblem:
    kind: ProblemKind
    place: ProblemPlace
    stage: StageKind | None = None
    item_id: str | None = None  # the step's or objection's id as written
    detail: str | None = None  # the target, label, language or placeholder concerned

    @property
    def severity(self) -> Severity:
        return Severity.WARNING if self.kind in _WARNINGS else Severity.ERROR

    @property
    def message(self) -> str:
        """English text naming the stage and the step (the GUI words its own)."""
        return f"{self._where()}: {_REASONS[self.kind].format(detail=self.detail)}"

    def _where(self) -> str:
        if self.stage is None:
            return "the script"
        stage = f"the {self.stage.value} stage"
        if self.place.step_index is not None:
            item = f"step '{self.item_id}'" if self.item_id else "a step without an id"
        elif self.place.objection_index is not None:
            item = f"objection '{self.item_id}'" if self.item_id else "an objection without an id"
        else:
            return stage
        if self.place.answer_index is not None:
            item += f", answer {self.place.answer_index + 1}"
        if self.place.response_index is not None:
            item += f", response {self.place.response_index + 1}"
        return f"{item} in {stage}"


_REASONS: dict[ProblemKind, str] = {
    ProblemKind.EMPTY_NAME: "the script has no name",
    ProblemKind.BAD_LANGUAGE: "the language '{detail}' is not a code like ru or en",
    ProblemKind.NO_STEPS: "the script has no steps",
    ProblemKind.DUPLICATE_STAGE: "a second {detail} stage; each kind appears once",
    ProblemKind.EMPTY_STAGE: "the stage is empty",
    ProblemKind.EMPTY_ID: "the id is empty",
    ProblemKind.BAD_ID: (
        f"the id may hold only Latin letters, digits and _ . - (at most {MAX_ID_LENGTH})"
    ),
    ProblemKind.DUPLICATE_ID: "the id '{detail}' is used more than once",
    ProblemKind.EMPTY_TEXT: "the text is empty",
    ProblemKind.BAD_SPIN: "the SPIN kind '{detail}' is not one of S, P, I, N",
    ProblemKind.EMPTY_LABEL: "the answer has no label",
    ProblemKind.DUPLICATE_LABEL: "the label '{detail}' is used by another answer of the step",
    ProblemKind.MISSING_NEXT: "the answer does not say which step comes next",
    ProblemKind.UNKNOWN_NEXT: "the answer leads to '{detail}', which is not a step",
    ProblemKind.DEAD_END: "a dead end: the step has no answers but is not in the closing stage",
    ProblemKind.NO_WAY_TO_END: "no answer path from this step ever reaches the end of the call",
    ProblemKind.UNREACHABLE: "unreachable: no answer leads to this step",
    ProblemKind.EMPTY_TITLE: "the objection has no title",
    ProblemKind.NO_RESPONSES: "the objection has no responses",
    ProblemKind.EMPTY_RESPONSE: "the response is empty",
    ProblemKind.UNKNOWN_PLACEHOLDER: "the placeholder {{{detail}}} is not one the card fills",
}


class ScriptInvalid(OperatorAppError):
    """The script has problems that block publishing (`problems`, errors first)."""

    def __init__(self, problems: tuple[ScriptProblem, ...]) -> None:
        self.problems = problems
        shown = "; ".join(problem.message for problem in problems[:3])
        more = f" and {len(problems) - 3} more" if len(problems) > 3 else ""
        super().__init__(f"the script cannot be published: {shown}{more}")


def blocking_problems(problems: Iterable[ScriptProblem]) -> tuple[ScriptProblem, ...]:
    return tuple(problem for problem in problems if problem.severity is Severity.ERROR)


def validate_script(doc: ScriptDocument) -> tuple[ScriptProblem, ...]:
    """Every problem of the script, in document order (script-wide ones first)."""
    return _Checker(doc).run()


@dataclass(frozen=True, slots=True)
class _PlacedStep:
    stage_index: int
    step_index: int
    stage: StageKind
    step: Step


class _Checker:
    def __init__(self, doc: ScriptDocument) -> None:
        self.doc = doc
        self.problems: list[ScriptProblem] = []
        self.steps = [
            _PlacedStep(stage_index, step_index, stage.kind, step)
            for stage_index, stage in enumerate(doc.stages)
            for step_index, step in enumerate(stage.steps)
        ]
        self.step_ids = {placed.step.id for placed in self.steps}

    def run(self) -> tuple[ScriptProblem, ...]:
        self._script()
        seen_ids: set[str] = set()
        for stage_index, stage in enumerate(self.doc.stages):
            self._stage(stage_index)
            for step_index, step in enumerate(stage.steps):
                self._step(_PlacedStep(stage_index, step_index, stage.kind, step), seen_ids)
            for objection_index, objection in enumerate(stage.objections):
                self._objection(stage_index, objection_index, objection, seen_ids)
        self._paths()
        return tuple(self.problems)

    def _add(
        self,
        kind: ProblemKind,
        place: ProblemPlace,
        stage: StageKind | None = None,
        item_id: str | None = None,
        detail: str | None = None,
    ) -> None:
        self.problems.append(ScriptProblem(kind, place, stage, item_id, detail))

    def _script(self) -> None:
        if not self.doc.name.strip():
            self._add(ProblemKind.EMPTY_NAME, ProblemPlace())
        if not _LANGUAGE_PATTERN.match(self.doc.language.strip()):
            self._add(ProblemKind.BAD_LANGUAGE, ProblemPlace(), detail=self.doc.language)
        if not self.steps:
            self._add(ProblemKind.NO_STEPS, ProblemPlace())

    def _stage(self, stage_index: int) -> None:
        stage = self.doc.stages[stage_index]
        place = ProblemPlace(stage_index=stage_index)
        if any(other.kind is stage.kind for other in self.doc.stages[:stage_index]):
            self._add(ProblemKind.DUPLICATE_STAGE, place, stage.kind, detail=stage.kind.value)
        holds = stage.objections if stage.kind is StageKind.OBJECTIONS else stage.steps
        if not holds:
            self._add(ProblemKind.EMPTY_STAGE, place, stage.kind)

    def _identifier(
        self, value: str, place: ProblemPlace, stage: StageKind, seen_ids: set[str]
    ) -> None:
        if not value.strip():
            self._add(ProblemKind.EMPTY_ID, place, stage, value)
            return
        if len(value) > MAX_ID_LENGTH or not _ID_PATTERN.match(value):
            self._add(ProblemKind.BAD_ID, place, stage, value)
        if value in seen_ids:
            self._add(ProblemKind.DUPLICATE_ID, place, stage, value, value)
        seen_ids.add(value)

    def _step(self, placed: _PlacedStep, seen_ids: set[str]) -> None:
        step, stage = placed.step, placed.stage
        place = ProblemPlace(stage_index=placed.stage_index, step_index=placed.step_index)
        self._identifier(step.id, place, stage, seen_ids)
        if not step.text.strip():
            self._add(ProblemKind.EMPTY_TEXT, place, stage, step.id)
        if step.spin is not None and step.spin not in SPIN_KINDS:
            self._add(ProblemKind.BAD_SPIN, place, stage, step.id, step.spin)
        self._placeholders(step.text, place, stage, step.id)
        if not step.answers and stage is not StageKind.CLOSING:
            self._add(ProblemKind.DEAD_END, place, stage, step.id)
        labels: set[str] = set()
        for answer_index, answer in enumerate(step.answers):
            at = ProblemPlace(placed.stage_index, placed.step_index, answer_index=answer_index)
            label = " ".join(answer.label.casefold().split())
            if not label:
                self._add(ProblemKind.EMPTY_LABEL, at, stage, step.id)
            elif label in labels:
                self._add(ProblemKind.DUPLICATE_LABEL, at, stage, step.id, answer.label.strip())
            labels.add(label)
            if not answer.next.strip():
                self._add(ProblemKind.MISSING_NEXT, at, stage, step.id)
            elif answer.next not in self.step_ids:
                self._add(ProblemKind.UNKNOWN_NEXT, at, stage, step.id, answer.next)

    def _objection(
        self, stage_index: int, objection_index: int, objection: Objection, seen_ids: set[str]
    ) -> None:
        stage = self.doc.stages[stage_index].kind
        place = ProblemPlace(stage_index=stage_index, objection_index=objection_index)
        self._identifier(objection.id, place, stage, seen_ids)
        if not objection.title.strip():
            self._add(ProblemKind.EMPTY_TITLE, place, stage, objection.id)
        if not objection.responses:
            self._add(ProblemKind.NO_RESPONSES, place, stage, objection.id)
        for response_index, response in enumerate(objection.responses):
            at = ProblemPlace(
                stage_index=stage_index,
                objection_index=objection_index,
                response_index=response_index,
            )
            if not response.strip():
                self._add(ProblemKind.EMPTY_RESPONSE, at, stage, objection.id)
            self._placeholders(response, at, stage, objection.id)

    def _placeholders(self, text: str, place: ProblemPlace, stage: StageKind, item: str) -> None:
        for name in dict.fromkeys(PLACEHOLDER_PATTERN.findall(text)):
            if name not in KNOWN_PLACEHOLDERS:
                self._add(ProblemKind.UNKNOWN_PLACEHOLDER, place, stage, item, name)

    def _paths(self) -> None:
        """Unreachable steps, and steps from which no path leads to an ending step."""
        if not self.steps:
            return
        forward: dict[str, set[str]] = defaultdict(set)
        backward: dict[str, set[str]] = defaultdict(set)
        for placed in self.steps:
            for answer in placed.step.answers:
                if answer.next in self.step_ids:
                    forward[placed.step.id].add(answer.next)
                    backward[answer.next].add(placed.step.id)
        reached = _closure({self.steps[0].step.id}, forward)
        # A dead end counts as an end here: it is reported once, as a dead end.
        ends = {placed.step.id for placed in self.steps if not placed.step.answers}
        finishing = _closure(ends, backward)
        for placed in self.steps:
            step_id = placed.step.id
            place = ProblemPlace(stage_index=placed.stage_index, step_index=placed.step_index)
            if step_id not in reached:
                self._add(ProblemKind.UNREACHABLE, place, placed.stage, step_id)
            elif step_id not in finishing:
                self._add(ProblemKind.NO_WAY_TO_END, place, placed.stage, step_id)


def _closure(start: set[str], links: dict[str, set[str]]) -> set[str]:
    found = set(start)
    waiting = list(start)
    while waiting:
        for target in links.get(waiting.pop(), ()):
            if target not in found:
                found.add(target)
                waiting.append(target)
    return found
