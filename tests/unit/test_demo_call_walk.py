"""Made-up conversations over the shipped broker script: valid paths, seeded, skill matters."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from operator_app.core.demo_data.call_walk import walk_call
from operator_app.core.scripts_format import load_script
from operator_app.resources import resource_path

SCRIPT = load_script(
    resource_path("scripts", "credit_broker_visit.ru.yaml").read_text(encoding="utf-8")
)
START = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)


def test_a_walk_follows_the_script_and_ends_on_a_farewell_or_a_hang_up() -> None:
    rng = random.Random(3)
    for _ in range(200):
        walked = walk_call(SCRIPT, rng, START, skill=0.6)
        last = SCRIPT.step(walked.last_step_id)
        assert walked.hung_up or not last.answers
        assert walked.answers[0].step_id == "greeting"
        times = [a.answered_at for a in walked.answers]
        assert times == sorted(times) and times[0] > START
        assert walked.talk_seconds >= (times[-1] - START).total_seconds()


def test_the_same_seed_walks_the_same_call() -> None:
    first = walk_call(SCRIPT, random.Random(9), START, skill=0.5)
    assert walk_call(SCRIPT, random.Random(9), START, skill=0.5) == first


def test_no_booking_when_it_is_not_allowed_and_skill_books_more() -> None:
    rng = random.Random(5)
    endings = {
        skill: Counter(walk_call(SCRIPT, rng, START, skill=skill).ending for _ in range(400))
        for skill in (0.2, 0.9)
    }
    assert endings[0.9]["visit_booked"] > endings[0.2]["visit_booked"]
    forbidden = {
        walk_call(SCRIPT, rng, START, skill=0.9, allow_booking=False).ending for _ in range(200)
    }
    assert "visit_booked" not in forbidden
