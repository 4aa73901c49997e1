"""What a desktop remembers between two "next client" presses, for a short while.

Two memories make claims cheap when they come fast (a shift starting, a run of unanswered
cold calls, the benchmark's compressed calls); at the pace of real conversations they have
lapsed by the next claim and change nothing.

- *Where to go on in a list of fresh leads* (PostgreSQL): just past the lead this desktop
  claimed last. Every claim and outcome leaves an old row version, and an index entry
  pointing to it, at the head of the list until vacuum clears them; fifty desktops that
  each start at the head walk all of them on every claim and queue up on the same pages.
  A lead behind the mark (given back on another desktop, a claim that expired, a client
  whose calling hours have just begun) reaches this desktop when the mark lapses, when it
  gives a lead back itself, or when nothing is left past the mark; desktops without a
  recent mark see it at once. A minute covers a run of unanswered cold calls and is no
  wait at all for a cold lead.
- *Which small buckets held no one to call*: callbacks and visit calls whose clients are
  all outside their hours or held by colleagues stay in the queue for hours, and looking
  through them again on every claim is most of a claim's work. They are looked at again
  after a few seconds, the staleness the queue accepts for campaign settings anyway.

A memory holds while it is recent both by the desktop's clock and by the moment the claim
is made for (tests and catch-up runs move the moment on their own).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

LOOK_PAST_SECONDS = 60.0

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class _Entry(Generic[V]):
    set_at: float  # the desktop's clock
    moment: dt.datetime  # the moment the claim was made for
    value: V


class Recent(Generic[K, V]):
    """Values per key that lapse after `seconds`."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._seconds = seconds
        self._clock = clock
        self._entries: dict[K, _Entry[V]] = {}

    def remember(self, key: K, value: V, moment: dt.datetime) -> None:
        self._entries[key] = _Entry(self._clock(), moment, value)

    def recall(self, key: K, moment: dt.datetime) -> V | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if self._clock() - entry.set_at >= self._seconds:
            return None
        if not 0 <= (moment - entry.moment).total_seconds() < self._seconds:
            return None
        return entry.value

    def forget(self) -> None:
        self._entries.clear()
