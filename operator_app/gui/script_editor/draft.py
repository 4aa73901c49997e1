"""A script as it is being edited: mutable, possibly invalid, never half-lost.

The editor changes a ScriptDraft in place and turns it into a ScriptDocument whenever it
validates or publishes; the draft accepts anything typed (empty texts, duplicate ids,
answers leading nowhere) so that the validator, not the editor, says what is wrong. Items
are addressed by position (`ItemRef`), since ids may be empty or repeated while typing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from operator_app.core.scripts_format import (
    Answer,
    Objection,
    ScriptDocument,
    Stage,
    StageKind,
    Step,
    to_document,
)

STAGE_ORDER = tuple(StageKind)  # contact, diagnostics, teaser, objections, closing


class ItemKind(StrEnum):
    STAGE = "stage"
    STEP = "step"
    OBJECTION = "objection"


@dataclass(frozen=True, slots=True)
class ItemRef:
    stage: int
    kind: ItemKind = ItemKind.STAGE
    index: int = 0  # of the step or objection within the stage; 0 for the stage itself


@dataclass(slots=True)
class AnswerDraft:
    label: str = ""
    next: str = ""


@dataclass(slots=True)
class StepDraft:
    id: str
    text: str = ""
    spin: str | None = None
    answers: list[AnswerDraft] = field(default_factory=list)


@dataclass(slots=True)
class ObjectionDraft:
    id: str
    title: str = ""
    responses: list[str] = field(default_factory=list)


@dataclass(slots=True)
class StageDraft:
    kind: StageKind
    steps: list[StepDraft] = field(default_factory=list)
    objections: list[ObjectionDraft] = field(default_factory=list)

    def holds_objections(self) -> bool:
        return self.kind is StageKind.OBJECTIONS

    def is_empty(self) -> bool:
        return not self.steps and not self.objections


@dataclass(slots=True)
class ScriptDraft:
    name: str
    language: str
    stages: list[StageDraft] = field(default_factory=list)

    # --- conversions ------------------------------------------------------------------------

    @classmethod
    def from_script(cls, doc: ScriptDocument) -> ScriptDraft:
        return cls(
            name=doc.name,
            language=doc.language,
            stages=[
                StageDraft(
                    kind=stage.kind,
                    steps=[
                        StepDraft(
                            s.id, s.text, s.spin, [AnswerDraft(a.label, a.next) for a in s.answers]
                        )
                        for s in stage.steps
                    ],
                    objections=[
                        ObjectionDraft(o.id, o.title, list(o.responses)) for o in stage.objections
                    ],
                )
                for stage in doc.stages
            ],
        )

    @classmethod
    def blank(cls, language: str) -> ScriptDraft:
        """A skeleton to fill in: one step per stage, linked in order, and one objection."""
        return cls(
            name="",
            language=language,
            stages=[
                StageDraft(
                    StageKind.CONTACT,
                    [StepDraft("greeting", answers=[AnswerDraft("", "question")])],
                ),
                StageDraft(
                    StageKind.DIAGNOSTICS,
                    [StepDraft("question", spin="S", answers=[AnswerDraft("", "teaser")])],
                ),
                StageDraft(
                    StageKind.TEASER, [StepDraft("teaser", answers=[AnswerDraft("", "farewell")])]
                ),
                StageDraft(StageKind.OBJECTIONS, objections=[ObjectionDraft("objection")]),
                StageDraft(StageKind.CLOSING, [StepDraft("farewell")]),
            ],
        )

    def to_script(self, version: int = 1) -> ScriptDocument:
        return ScriptDocument(
            name=self.name.strip(),
            version=version,
            language=self.language.strip(),
            stages=tuple(
                Stage(
                    kind=stage.kind,
                    steps=tuple(
                        Step(
                            s.id.strip(),
                            s.text,
                            s.spin,
                            tuple(Answer(a.label, a.next.strip()) for a in s.answers),
                        )
                        for s in stage.steps
                    ),
                    objections=tuple(
                        Objection(o.id.strip(), o.title, tuple(o.responses))
                        for o in stage.objections
                    ),
                )
                for stage in self.stages
            ),
        )

    def snapshot(self) -> dict[str, Any]:
        """A comparable picture of the contents (for "are there unsaved changes")."""
        return to_document(self.to_script())

    # --- lookups ----------------------------------------------------------------------------

    def step(self, ref: ItemRef) -> StepDraft:
        return self.stages[ref.stage].steps[ref.index]

    def objection(self, ref: ItemRef) -> ObjectionDraft:
        return self.stages[ref.stage].objections[ref.index]

    def exists(self, ref: ItemRef) -> bool:
        if not 0 <= ref.stage < len(self.stages):
            return False
        stage = self.stages[ref.stage]
        if ref.kind is ItemKind.STEP:
            return 0 <= ref.index < len(stage.steps)
        if ref.kind is ItemKind.OBJECTION:
            return 0 <= ref.index < len(stage.objections)
        return True

    def step_refs(self) -> list[ItemRef]:
        return [
            ItemRef(stage_index, ItemKind.STEP, index)
            for stage_index, stage in enumerate(self.stages)
            for index in range(len(stage.steps))
        ]

    def find_step(self, step_id: str) -> ItemRef | None:
        for ref in self.step_refs():
            if self.step(ref).id == step_id:
                return ref
        return None

    def ids(self) -> list[str]:
        """Every step and objection id (duplicates included)."""
        return [s.id for stage in self.stages for s in stage.steps] + [
            o.id for stage in self.stages for o in stage.objections
        ]

    def new_id(self, prefix: str) -> str:
        taken = set(self.ids())
        number = 1
        while f"{prefix}_{number}" in taken:
            number += 1
        return f"{prefix}_{number}"

    # --- editing ----------------------------------------------------------------------------

    def rename_step(self, ref: ItemRef, new_id: str) -> None:
        """Give the step a new id; answers follow it while that cannot mix two steps up."""
        step = self.step(ref)
        old_id = step.id
        step.id = new_id
        others = [self.step(other).id for other in self.step_refs() if other != ref]
        if not old_id or old_id in others or new_id in others:
            return
        for other in self.step_refs():
            for answer in self.step(other).answers:
                if answer.next == old_id:
                    answer.next = new_id

    def add_item(self, near: ItemRef) -> ItemRef:
        """A new step (an objection in the objections stage) after `near`, or at the end."""
        stage = self.stages[near.stage]
        if stage.holds_objections():
            position = near.index + 1 if near.kind is ItemKind.OBJECTION else len(stage.objections)
            stage.objections.insert(position, ObjectionDraft(self.new_id("objection")))
            return ItemRef(near.stage, ItemKind.OBJECTION, position)
        position = near.index + 1 if near.kind is ItemKind.STEP else len(stage.steps)
        stage.steps.insert(position, StepDraft(self.new_id("step")))
        return ItemRef(near.stage, ItemKind.STEP, position)

    def remove_item(self, ref: ItemRef) -> ItemRef | None:
        """Remove the step, objection or (empty) stage; returns what to select next."""
        if ref.kind is ItemKind.STAGE:
            if not self.stages[ref.stage].is_empty():
                return ref
            del self.stages[ref.stage]
            if not self.stages:
                return None
            return ItemRef(min(ref.stage, len(self.stages) - 1))
        stage = self.stages[ref.stage]
        items: list[Any] = stage.steps if ref.kind is ItemKind.STEP else stage.objections
        del items[ref.index]
        if items:
            return ItemRef(ref.stage, ref.kind, min(ref.index, len(items) - 1))
        return ItemRef(ref.stage)

    def move_item(self, ref: ItemRef, offset: int) -> ItemRef:
        """Move up (-1) or down (+1); a step at the edge of its stage moves into the next one."""
        if ref.kind is ItemKind.STAGE:
            other = ref.stage + offset
            if not 0 <= other < len(self.stages):
                return ref
            self.stages[ref.stage], self.stages[other] = self.stages[other], self.stages[ref.stage]
            return ItemRef(other)
        stage = self.stages[ref.stage]
        items: list[Any] = stage.steps if ref.kind is ItemKind.STEP else stage.objections
        other = ref.index + offset
        if 0 <= other < len(items):
            items[ref.index], items[other] = items[other], items[ref.index]
            return ItemRef(ref.stage, ref.kind, other)
        if ref.kind is ItemKind.OBJECTION:
            return ref
        target = ref.stage + offset
        while 0 <= target < len(self.stages) and self.stages[target].holds_objections():
            target += offset
        if not 0 <= target < len(self.stages):
            return ref
        moved = items.pop(ref.index)
        steps = self.stages[target].steps
        position = len(steps) if offset < 0 else 0
        steps.insert(position, moved)
        return ItemRef(target, ItemKind.STEP, position)

    def missing_stages(self) -> list[StageKind]:
        present = {stage.kind for stage in self.stages}
        return [kind for kind in STAGE_ORDER if kind not in present]

    def add_stage(self, kind: StageKind) -> ItemRef:
        """Insert the stage where it belongs in the usual order of a call."""
        rank = STAGE_ORDER.index(kind)
        position = len(self.stages)
        for index, stage in enumerate(self.stages):
            if STAGE_ORDER.index(stage.kind) > rank:
                position = index
                break
        self.stages.insert(position, StageDraft(kind))
        return ItemRef(position)
