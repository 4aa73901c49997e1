"""What a desktop remembers between two claims (core/queue/recent.py)."""

from __future__ import annotations

import datetime as dt

from operator_app.core.queue.recent import Recent

NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)


class Clock:
    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


def test_the_latest_value_per_key_is_recalled() -> None:
    recent: Recent[int, int] = Recent(60, Clock())
    assert recent.recall(1, NOW) is None
    recent.remember(1, 101, NOW)
    recent.remember(2, 205, NOW)
    recent.remember(1, 107, NOW)
    assert (recent.recall(1, NOW), recent.recall(2, NOW), recent.recall(3, NOW)) == (107, 205, None)


def test_a_value_lapses_with_the_clock() -> None:
    clock = Clock()
    recent: Recent[int, int] = Recent(60, clock)
    recent.remember(1, 101, NOW)
    clock.seconds += 59.9
    assert recent.recall(1, NOW) == 101
    clock.seconds += 0.1
    assert recent.recall(1, NOW) is None


def test_a_value_holds_only_near_the_moment_it_was_remembered_for() -> None:
    recent: Recent[int, int] = Recent(60, Clock())
    recent.remember(1, 101, NOW)
    assert recent.recall(1, NOW + dt.timedelta(seconds=59)) == 101
    assert recent.recall(1, NOW + dt.timedelta(seconds=60)) is None
    assert recent.recall(1, NOW - dt.timedelta(seconds=1)) is None  # a moment before it


def test_forgetting_clears_every_key() -> None:
    recent: Recent[str, bool] = Recent(60, Clock())
    recent.remember("a", True, NOW)
    recent.remember("b", True, NOW)
    recent.forget()
    assert (recent.recall("a", NOW), recent.recall("b", NOW)) == (None, None)
