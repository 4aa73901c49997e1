"""One made-up conversation over a call script, walked with the app's own dialogue engine.

The walk answers step after step until a step without answers (the script's farewell) or
until the client hangs up; a more skilled operator keeps the client on answers that lead on
rather than to a farewell. Objections, free-text answers and "no suitable answer" entries are
sprinkled in, so the captured rows look like the ones a real call saves. Pure and
deterministic for a given random.Random.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from operator_app.core.demo_data.team import FREE_TEXT_ANSWERS, NO_SUITABLE_ANSWERS
from operator_app.core.script_engine import CapturedAnswer, DialogueSession
from operator_app.core.scripts_format import Answer, ScriptDocument, StageKind, Step

__all__ = ["WalkedCall", "ending_of", "walk_call"]

# What a farewell step means as a call outcome (a disposition code).
_ENDINGS = {
    "farewell_booked": "visit_booked",
    "farewell_booked_no_reminders": "visit_booked",
    "farewell_not_target": "not_target",
    "farewell_do_not_call": "do_not_call",
    "farewell_wrong_number": "wrong_number",
    "farewell_callback": "callback",
    "farewell_later": "callback",
    "farewell_send_materials": "callback",
    "farewell_other_lpr": "callback",
    "farewell_proposal": "callback",
    "farewell_refused": "refused",
    "farewell_feedback": "refused",
}
_NEGATIVE = frozenset({"not_target", "do_not_call", "wrong_number", "refused"})
_MAX_STEPS = 60
_ASKING_STAGES = frozenset({StageKind.DIAGNOSTICS, StageKind.TEASER})


@dataclass(frozen=True, slots=True)
class WalkedCall:
    answers: tuple[CapturedAnswer, ...]
    last_step_id: str
    ending: str  # a disposition code: visit_booked, not_target, refused, callback ...
    hung_up: bool  # the client ended the call mid-script
    talk_seconds: int
    before_last: str | None  # the step answered just before the last one


def ending_of(step_id: str) -> str:
    """The outcome a final step stands for; an unknown farewell is a refusal."""
    return _ENDINGS.get(step_id, "refused")


def walk_call(
    script: ScriptDocument,
    rng: random.Random,
    started_at: dt.datetime,
    *,
    skill: float,
    allow_booking: bool = True,
) -> WalkedCall:
    dialogue = DialogueSession(script)
    steps = _steps_by_id(script)
    objections = [objection.id for objection in script.objections()]
    at = started_at + dt.timedelta(seconds=rng.randint(3, 8))
    previous: str | None = None
    hung_up = False
    for _ in range(_MAX_STEPS):
        step = dialogue.current_step
        if not step.answers:
            break
        asking = dialogue.current_stage in _ASKING_STAGES
        if asking and rng.random() < (1 - skill) * 0.03:
            hung_up = True
            break
        at += dt.timedelta(seconds=rng.randint(12, 45))
        if asking and objections and rng.random() < 0.12:
            dialogue.raise_objection(rng.choice(objections), at=at)
            at += dt.timedelta(seconds=rng.randint(30, 90))
        if asking and rng.random() < 0.03:
            dialogue.no_suitable_answer(rng.choice(NO_SUITABLE_ANSWERS), at=at)
            at += dt.timedelta(seconds=rng.randint(10, 30))
        if step.spin == "S" and rng.random() < 0.15:
            dialogue.free_answer(rng.choice(FREE_TEXT_ANSWERS), at=at)
        choice = _choose(steps, step.answers, rng, skill, allow_booking)
        previous = step.id
        dialogue.answer(choice.label, at=at)
    last = dialogue.current_step.id
    ending = "refused" if hung_up else ending_of(last)
    talk = int((at - started_at).total_seconds()) + rng.randint(10, 40)
    return WalkedCall(
        answers=tuple(dialogue.captured()),
        last_step_id=last,
        ending=ending,
        hung_up=hung_up,
        talk_seconds=talk,
        before_last=previous,
    )


def _steps_by_id(script: ScriptDocument) -> dict[str, Step]:
    """The script's steps by id, as ScriptDocument.step finds them, without its scan."""
    steps: dict[str, Step] = {}
    for _stage, step in script.steps():
        steps.setdefault(step.id, step)
    return steps


def _choose(
    steps: dict[str, Step],
    answers: tuple[Answer, ...],
    rng: random.Random,
    skill: float,
    allow_booking: bool,
) -> Answer:
    weights = [_weight(steps, answer, skill, allow_booking) for answer in answers]
    if not any(weights):
        weights = [1.0] * len(answers)
    return rng.choices(answers, weights=weights)[0]


def _weight(steps: dict[str, Step], answer: Answer, skill: float, allow_booking: bool) -> float:
    target = steps[answer.next]
    if target.answers:
        if not allow_booking and answer.next == "book_time":
            return 0.0
        leads_to = {_final_ending(steps, a.next) for a in target.answers}
        return 0.12 if leads_to == {"callback"} else 1.0
    ending = ending_of(target.id)
    if ending == "do_not_call":
        return 0.06
    if ending == "not_target":  # the list's quality more than the operator's
        return 0.12
    if ending in _NEGATIVE:
        return (1 - skill) * 1.6 + 0.3
    if ending == "callback":
        return 0.12
    return 1.0 if allow_booking else 0.0


def _final_ending(steps: dict[str, Step], step_id: str) -> str | None:
    """The outcome of a step that ends the script; None for one that goes on."""
    step = steps[step_id]
    return None if step.answers else ending_of(step.id)
