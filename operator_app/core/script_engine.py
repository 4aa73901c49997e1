"""The script-guided dialogue of one call: where the operator is and what the client said.

Pure and Qt-free: a DialogueSession walks a ScriptDocument. It knows the current step, fills
the step's placeholders from the card, follows answers to their `next` step, detours into an
objection and comes back to the very step the operator left, and records every answer as a
CapturedAnswer whose fields are the columns of script_answers. Its state is a JSON-safe dict
(`to_dict` / `from_dict`), so a draft restores the dialogue exactly.

A step without answers ends the script. An objection never moves the current step: while
one is open the operator reads its responses, and `return_from_objection` (or simply
answering the step) closes it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from operator_app.core.errors import OperatorAppError
from operator_app.core.scripts_format import (
    PLACEHOLDER_PATTERN,
    SPIN_KINDS,
    Answer,
    Objection,
    ScriptDocument,
    StageKind,
    Step,
)

__all__ = [
    "KNOWN_PLACEHOLDERS",
    "MISSING_VALUE",
    "CapturedAnswer",
    "DialogueError",
    "DialogueSession",
    "StageProgress",
    "StageStatus",
    "fill_placeholders",
    "normalize_for_search",
]

KNOWN_PLACEHOLDERS = frozenset(
    {
        "client_name",
        "operator_name",
        "company",
        "office_address",
        "visit_time",
    }
)
"""Placeholders the card fills. A known one without a value shows MISSING_VALUE; any other
`{name}` not in the context stays as written, so the script's author sees the typo."""

MISSING_VALUE = "«…»"
_STATE_FORMAT = 1


class DialogueError(OperatorAppError):
    """The dialogue cannot do what was asked (unknown answer, objection or stage; bad state)."""


@dataclass(frozen=True, slots=True)
class CapturedAnswer:
    """One row of script_answers, without the call it belongs to."""

    step_id: str
    stage: str
    answered_at: dt.datetime
    spin: str | None = None
    answer: str | None = None
    free_text: str | None = None
    objection_id: str | None = None
    no_suitable_answer: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "step_id": self.step_id,
            "stage": self.stage,
            "spin": self.spin,
            "answer": self.answer,
            "free_text": self.free_text,
            "objection_id": self.objection_id,
            "no_suitable_answer": self.no_suitable_answer,
            "answered_at": self.answered_at.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CapturedAnswer:
        return cls(
            step_id=str(data["step_id"]),
            stage=str(data["stage"]),
            spin=_optional_text(data.get("spin")),
            answer=_optional_text(data.get("answer")),
            free_text=_optional_text(data.get("free_text")),
            objection_id=_optional_text(data.get("objection_id")),
            no_suitable_answer=bool(data.get("no_suitable_answer", False)),
            answered_at=dt.datetime.fromisoformat(str(data["answered_at"])),
        )


class StageStatus(StrEnum):
    PENDING = "pending"
    CURRENT = "current"
    DONE = "done"  # visited earlier in the call


@dataclass(frozen=True, slots=True)
class StageProgress:
    kind: StageKind
    status: StageStatus


def fill_placeholders(text: str, context: Mapping[str, str | None]) -> str:
    """`text` with `{name}` replaced from `context` (see KNOWN_PLACEHOLDERS for the rest)."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in context:
            value = context[name]
            return value.strip() if value and value.strip() else MISSING_VALUE
        return MISSING_VALUE if name in KNOWN_PLACEHOLDERS else match.group(0)

    return PLACEHOLDER_PATTERN.sub(replace, text)


def normalize_for_search(text: str) -> str:
    """Case-folded, ё read as е, runs of white space as one space."""
    return " ".join(text.casefold().replace("ё", "е").split())


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _optional_text(value: object) -> str | None:
    return None if value is None else str(value)


class DialogueSession:
    """The dialogue of one call over one script version."""

    def __init__(
        self,
        script: ScriptDocument,
        context: Mapping[str, str | None] | None = None,
        *,
        start_step: str | None = None,
    ) -> None:
        first = next(script.steps(), None)
        if first is None:
            raise DialogueError("the script has no steps")
        self.script = script
        self.context: dict[str, str | None] = dict(context or {})
        self._stage_of = {step.id: stage.kind for stage, step in script.steps()}
        self._objections = {o.id: o for o in script.objections()}
        self._current = first[1].id if start_step is None else self._known_step(start_step)
        self._path: list[str] = [self._current]  # every step shown, in order
        self._objection: str | None = None
        self._raised_any = False
        self._captured: list[CapturedAnswer] = []

    # --- where we are ---------------------------------------------------------------------

    @property
    def current_step(self) -> Step:
        return self.script.step(self._current)

    @property
    def current_stage(self) -> StageKind:
        return self._stage_of[self._current]

    @property
    def open_objection(self) -> Objection | None:
        """The objection whose responses the operator reads now, if any."""
        return None if self._objection is None else self._objections[self._objection]

    @property
    def finished(self) -> bool:
        """The current step has no answers: the script ends here."""
        return not self.current_step.answers

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self._path)

    def say(self) -> str:
        """What to say now: the current step's text with the card's values filled in."""
        return fill_placeholders(self.current_step.text, self.context)

    def answers(self) -> tuple[Answer, ...]:
        return self.current_step.answers

    def responses(self) -> tuple[str, ...]:
        """The open objection's responses, placeholders filled; empty when none is open."""
        objection = self.open_objection
        if objection is None:
            return ()
        return tuple(fill_placeholders(text, self.context) for text in objection.responses)

    # --- moving on ------------------------------------------------------------------------

    def answer(
        self,
        choice: str | int,
        free_text: str | None = None,
        at: dt.datetime | None = None,
    ) -> Step:
        """Record the client's answer (its label, or its 0-based index) and go to its `next`.

        Answering closes an open objection: the client has moved on with the script.
        """
        chosen = self._choose(choice)
        self._record(answer=chosen.label, free_text=_clean(free_text), at=at)
        self._objection = None
        self._go(chosen.next)
        return self.current_step

    def free_answer(self, text: str, at: dt.datetime | None = None) -> None:
        """Record what the client said in their own words at this step; stay on the step."""
        cleaned = _clean(text)
        if cleaned is None:
            raise DialogueError("the free-text answer is empty")
        self._record(free_text=cleaned, at=at)

    def no_suitable_answer(self, text: str, at: dt.datetime | None = None) -> None:
        """Record, for the script's author, a reply the step has no answer for; stay here."""
        self._record(free_text=_clean(text), no_suitable=True, at=at)

    def raise_objection(self, objection_id: str, at: dt.datetime | None = None) -> Objection:
        """Record the objection at the current step and open its responses."""
        objection = self._objections.get(objection_id)
        if objection is None:
            raise DialogueError(f"the script has no objection '{objection_id}'")
        self._record(objection_id=objection.id, at=at)
        self._objection = objection.id
        self._raised_any = True
        return objection

    def return_from_objection(self) -> Step:
        """Close the open objection; the operator is back on the step they left."""
        self._objection = None
        return self.current_step

    def jump_to_stage(self, kind: StageKind | str) -> Step:
        """Go to the first step of a stage (the progress strip's buttons)."""
        stage_kind = StageKind(kind)
        for stage in self.script.stages:
            if stage.kind is stage_kind and stage.steps:
                self._objection = None
                self._go(stage.steps[0].id)
                return self.current_step
        raise DialogueError(f"the script has no steps in the {stage_kind.value} stage")

    # --- what happened --------------------------------------------------------------------

    def captured(self) -> list[CapturedAnswer]:
        return list(self._captured)

    def spin_asked(self) -> dict[str, bool]:
        """For S, P, I and N: was a question of that kind answered (in any way) in this call."""
        asked = {answer.spin for answer in self._captured if answer.spin is not None}
        return {kind: kind in asked for kind in SPIN_KINDS}

    def stage_progress(self) -> tuple[StageProgress, ...]:
        visited = {self._stage_of[step_id] for step_id in self._path}
        if self._raised_any:
            visited.add(StageKind.OBJECTIONS)
        current = StageKind.OBJECTIONS if self._objection is not None else self.current_stage
        progress = []
        for stage in self.script.stages:
            if stage.kind is current:
                status = StageStatus.CURRENT
            elif stage.kind in visited:
                status = StageStatus.DONE
            else:
                status = StageStatus.PENDING
            progress.append(StageProgress(stage.kind, status))
        return tuple(progress)

    def search_objections(self, text: str) -> list[Objection]:
        """Objections whose title or responses hold `text` (case and ё ignored), titles first."""
        query = normalize_for_search(text)
        everything = list(self._objections.values())
        if not query:
            return everything
        by_title = [o for o in everything if query in normalize_for_search(o.title)]
        by_response = [
            o
            for o in everything
            if o not in by_title
            and any(query in normalize_for_search(response) for response in o.responses)
        ]
        return by_title + by_response

    # --- drafts ---------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The dialogue's state as JSON-safe values (the script and context are not included)."""
        return {
            "format": _STATE_FORMAT,
            "script": self.script.name,
            "version": self.script.version,
            "current_step": self._current,
            "open_objection": self._objection,
            "raised_any": self._raised_any,
            "path": list(self._path),
            "captured": [answer.to_dict() for answer in self._captured],
        }

    @classmethod
    def from_dict(
        cls,
        script: ScriptDocument,
        data: Mapping[str, Any],
        context: Mapping[str, str | None] | None = None,
    ) -> DialogueSession:
        """The session `to_dict` saved, over the same script version."""
        if data.get("format") != _STATE_FORMAT:
            raise DialogueError("the saved dialogue has an unknown format")
        if data.get("script") != script.name or data.get("version") != script.version:
            raise DialogueError(
                f"the saved dialogue belongs to «{data.get('script')}» version "
                f"{data.get('version')}, not «{script.name}» version {script.version}"
            )
        try:
            session = cls(script, context, start_step=str(data["current_step"]))
            session._path = [session._known_step(str(step)) for step in data["path"]]
            objection = data.get("open_objection")
            if objection is not None and objection not in session._objections:
                raise DialogueError(f"the script has no objection '{objection}'")
            session._objection = None if objection is None else str(objection)
            session._raised_any = bool(data.get("raised_any", False))
            session._captured = [CapturedAnswer.from_dict(item) for item in data["captured"]]
        except (KeyError, TypeError, ValueError) as error:
            raise DialogueError(f"the saved dialogue is damaged: {error!r}") from error
        return session

    # --- inside ---------------------------------------------------------------------------

    def _known_step(self, step_id: str) -> str:
        if step_id not in self._stage_of:
            raise DialogueError(f"the script has no step '{step_id}'")
        return step_id

    def _go(self, step_id: str) -> None:
        self._current = self._known_step(step_id)
        self._path.append(step_id)

    def _choose(self, choice: str | int) -> Answer:
        answers = self.current_step.answers
        if not answers:
            raise DialogueError(f"the step '{self._current}' ends the script; it has no answers")
        if isinstance(choice, int):
            if 0 <= choice < len(answers):
                return answers[choice]
            raise DialogueError(f"the step '{self._current}' has no answer number {choice + 1}")
        for candidate in answers:
            if candidate.label == choice:
                return candidate
        wanted = normalize_for_search(choice)
        for candidate in answers:
            if normalize_for_search(candidate.label) == wanted:
                return candidate
        raise DialogueError(f"the step '{self._current}' has no answer «{choice}»")

    def _record(
        self,
        *,
        at: dt.datetime | None,
        answer: str | None = None,
        free_text: str | None = None,
        objection_id: str | None = None,
        no_suitable: bool = False,
    ) -> None:
        step = self.current_step
        self._captured.append(
            CapturedAnswer(
                step_id=step.id,
                stage=self.current_stage.value,
                # An objection is not an answer to the step's question.
                spin=None if objection_id is not None else step.spin,
                answer=answer,
                free_text=free_text,
                objection_id=objection_id,
                no_suitable_answer=no_suitable,
                answered_at=_now() if at is None else at,
            )
        )


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    stripped = text.strip()
    return stripped or None
