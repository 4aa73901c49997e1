"""How a calendar call went, and the outcome codes its call record gets: a light module, so the
call screen can offer the choices and name the codes without loading the reminder machinery
at start-up."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

__all__ = [
    "CANCELLED_DISPOSITION",
    "CONFIRMED_DISPOSITION",
    "DONE_DISPOSITION",
    "NOT_REACHED_DISPOSITION",
    "RESCHEDULED_DISPOSITION",
    "ConfirmationResult",
]

CONFIRMED_DISPOSITION: Final = "visit_confirmed"
NOT_REACHED_DISPOSITION: Final = "no_answer"
RESCHEDULED_DISPOSITION: Final = "visit_rescheduled"
CANCELLED_DISPOSITION: Final = "visit_cancelled"
DONE_DISPOSITION: Final = "calendar_call_done"


class ConfirmationResult(StrEnum):
    CONFIRMED = "confirmed"
    NOT_REACHED = "not_reached"
    RESCHEDULE_REQUESTED = "reschedule_requested"
    CANCELLED_BY_CLIENT = "cancelled_by_client"
