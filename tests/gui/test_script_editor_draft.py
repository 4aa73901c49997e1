"""The editor's draft of a script (Qt-free): round trips, moves, stages, renames, the blank."""

from __future__ import annotations

from pathlib import Path

import pytest

from operator_app.core.script_validation import ProblemKind, validate_script
from operator_app.core.scripts_format import StageKind, load_script
from operator_app.gui.script_editor.draft import ItemKind, ItemRef, ScriptDraft
from operator_app.resources import resource_path

SHIPPED = sorted(resource_path("scripts").glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=[path.name for path in SHIPPED])
def test_a_shipped_script_comes_back_unchanged(path: Path) -> None:
    doc = load_script(path.read_text(encoding="utf-8"))
    assert ScriptDraft.from_script(doc).to_script(doc.version) == doc


def broker() -> ScriptDraft:
    text = resource_path("scripts", "credit_broker_visit.ru.yaml").read_text(encoding="utf-8")
    return ScriptDraft.from_script(load_script(text))


def test_a_step_moved_past_the_edge_of_its_stage_goes_into_the_next_one() -> None:
    draft = broker()
    last_contact = ItemRef(0, ItemKind.STEP, len(draft.stages[0].steps) - 1)
    moved = draft.move_item(last_contact, 1)
    assert moved == ItemRef(1, ItemKind.STEP, 0)
    assert draft.step(moved).id == "small_talk"
    # Up from the top of closing skips the objections stage into the teaser.
    closing = [stage.kind for stage in draft.stages].index(StageKind.CLOSING)
    moved = draft.move_item(ItemRef(closing, ItemKind.STEP, 0), -1)
    assert draft.stages[moved.stage].kind is StageKind.TEASER
    assert draft.step(moved).id == "remind_channel"
    assert draft.move_item(ItemRef(0, ItemKind.STEP, 0), -1) == ItemRef(0, ItemKind.STEP, 0)


def test_stages_are_added_in_the_order_of_a_call_and_removed_only_when_empty() -> None:
    draft = broker()
    teaser = ItemRef(2)
    assert draft.remove_item(teaser) == teaser and len(draft.stages) == 5
    draft.stages.pop(2)
    assert draft.missing_stages() == [StageKind.TEASER]
    assert draft.add_stage(StageKind.TEASER) == ItemRef(2)
    assert [stage.kind for stage in draft.stages] == list(StageKind)
    assert draft.remove_item(ItemRef(2)) == ItemRef(2)
    assert len(draft.stages) == 4


def test_renaming_a_step_takes_its_answers_along_unless_that_would_mix_steps_up() -> None:
    draft = broker()
    ref = draft.find_step("q_broker_fee")
    assert ref is not None
    draft.rename_step(ref, "q_fee")
    assert validate_script(draft.to_script()) == ()
    draft.rename_step(ref, "s_income")  # taken: answers stay on q_fee, which is now unknown
    kinds = {problem.kind for problem in validate_script(draft.to_script())}
    assert ProblemKind.UNKNOWN_NEXT in kinds and ProblemKind.DUPLICATE_ID in kinds


def test_new_items_get_unique_ids() -> None:
    draft = broker()
    step = draft.add_item(ItemRef(1))
    objection = draft.add_item(ItemRef(3))
    assert (step.kind, objection.kind) == (ItemKind.STEP, ItemKind.OBJECTION)
    assert draft.step(step).id == "step_1"
    assert draft.objection(objection).id == "objection_1"
    assert draft.new_id("step") == "step_2"


def test_the_blank_script_is_linked_and_asks_only_for_texts() -> None:
    kinds = {problem.kind for problem in validate_script(ScriptDraft.blank("ru").to_script())}
    assert kinds == {
        ProblemKind.EMPTY_NAME,
        ProblemKind.EMPTY_TEXT,
        ProblemKind.EMPTY_LABEL,
        ProblemKind.EMPTY_TITLE,
        ProblemKind.NO_RESPONSES,
    }
