"""The states a lead moves through. One list for the importer, the queue and the outcomes.

It lives beside the models because storage queries filter on it and core may import storage,
not the other way round.
"""

from __future__ import annotations

from enum import StrEnum


class LeadState(StrEnum):
    NEW = "new"  # never called: waits in the queue
    RETRY = "retry"  # unanswered: waits for its back-off (next_action_at)
    CALLBACK = "callback"  # the client asked to be called at a time (a callback task)
    LEAD = "lead"  # interested: goes to verification
    VISIT_BOOKED = "visit_booked"
    NOT_TARGET = "not_target"
    REFUSED = "refused"
    LOST = "lost"  # closed: too many attempts, wrong number
    BLOCKED = "blocked"  # imported while on the do-not-call list
    DO_NOT_CALL = "do_not_call"  # the client asked never to be called again


NEVER_CALLED: frozenset[str] = frozenset({LeadState.BLOCKED, LeadState.DO_NOT_CALL})
