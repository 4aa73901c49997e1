"""Operator status (ready, break, in call, after-call work) and the time spent in each."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from enum import StrEnum

from operator_app.core.errors import NotFound, ValidationFailed
from operator_app.core.roles import Actor
from operator_app.storage.base import utcnow
from operator_app.storage.database import Database
from operator_app.storage.repositories import queue_queries as q

__all__ = ["OperatorStatus", "StatusService"]


class OperatorStatus(StrEnum):
    READY = "ready"
    BREAK = "break"
    IN_CALL = "in_call"
    AFTER_CALL = "after_call"
    OFFLINE = "offline"


class StatusService:
    def __init__(self, database: Database) -> None:
        self._db = database

    def set_status(
        self,
        actor: Actor,
        status: OperatorStatus,
        reason: str | None = None,
        *,
        now: dt.datetime | None = None,
    ) -> None:
        """Switch the actor's status, closing the previous period and opening the next."""
        status = OperatorStatus(status)
        reason = (reason or "").strip() or None
        if status is OperatorStatus.BREAK and reason is None:
            raise ValidationFailed("reason", "required", "a break needs a reason")
        moment = now or utcnow()
        with self._db.engine.begin() as connection:
            if not q.set_user_status(connection, actor.user_id, status.value, reason, moment):
                raise NotFound(f"user {actor.user_id} does not exist")
            q.close_open_period(connection, actor.user_id, moment)
            # Offline time is not working time: only signed-in statuses get a period.
            if status is not OperatorStatus.OFFLINE:
                q.insert_period(connection, actor.user_id, status.value, reason, moment)

    def status_of(self, user_id: int) -> OperatorStatus:
        with self._db.engine.connect() as connection:
            value = q.user_status(connection, user_id)
        if value is None:
            raise NotFound(f"user {user_id} does not exist")
        return OperatorStatus(value)

    def time_in_status(
        self,
        user_id: int,
        day: dt.date,
        *,
        zone: str = "UTC",
        now: dt.datetime | None = None,
    ) -> dict[OperatorStatus, float]:
        """Seconds spent in each status during `day` (midnight to midnight in `zone`)."""
        tz = zoneinfo.ZoneInfo(zone)
        start = dt.datetime.combine(day, dt.time(), tzinfo=tz).astimezone(dt.UTC)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=tz).astimezone(
            dt.UTC
        )
        moment = now or utcnow()
        with self._db.engine.connect() as connection:
            periods = q.periods_overlapping(connection, user_id, start, end)
        totals: dict[OperatorStatus, float] = {}
        for status, started, ended in periods:
            upper = min(ended or moment, end)
            seconds = (upper - max(started, start)).total_seconds()
            if seconds > 0:
                key = OperatorStatus(status)
                totals[key] = totals.get(key, 0.0) + seconds
        return totals
