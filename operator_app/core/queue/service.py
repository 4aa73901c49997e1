"""QueueService: what is waiting, and "next client" that claims exactly one lead atomically."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
import zoneinfo
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from operator_app.core.errors import OperatorAppError
from operator_app.core.queue.buckets import Bucket, reason_text
from operator_app.core.queue.calling_hours import CallingHours, HoursWindow, candidate_zones
from operator_app.core.queue.recent import LOOK_PAST_SECONDS, Recent
from operator_app.core.queue.status import OperatorStatus
from operator_app.core.roles import Actor, Permission, require
from operator_app.storage.base import utcnow
from operator_app.storage.database import Database
from operator_app.storage.repositories import queue_queries as q

__all__ = [
    "BucketCount",
    "ClaimLost",
    "ClaimedLead",
    "QueueItem",
    "QueueService",
]

# On PostgreSQL a candidate whose client is being claimed through another lead is skipped;
# after this many skips in a row the operator simply gets nothing this time.
_MAX_SKIPS = 25
# The buckets of due tasks: a client outside their hours keeps a callback or a visit call
# waiting for hours, and finding no one in them is remembered for a few seconds (see
# core/queue/recent.py). New inbound leads are always looked for: they are called first.
_TASK_BUCKETS = frozenset({Bucket.CALLBACK, Bucket.REMINDER})
# warm_up: a time before anything was due, a list id no list has, and every bucket present.
_LONG_AGO = dt.timedelta(days=400)
_NO_LIST = -1
_EVERY_SOURCE = frozenset({*q.BUCKET_KEYS, q.OWN_CALLBACKS})


class ClaimLost(OperatorAppError):
    """The lead is no longer claimed by this operator (the claim expired and was taken)."""

    def __init__(self, lead_id: int) -> None:
        self.lead_id = lead_id
        super().__init__(f"lead {lead_id} is no longer claimed by you")


@dataclass(frozen=True, slots=True)
class ClaimedLead:
    lead_id: int
    contact_id: int
    campaign_id: int
    bucket: Bucket
    reason: str
    due_at: dt.datetime | None  # when it became due (arrival time for inbound leads)
    claimed_until: dt.datetime
    task_id: int | None


@dataclass(frozen=True, slots=True)
class BucketCount:
    bucket: Bucket
    count: int
    oldest_due: dt.datetime | None
    capped: bool = False  # there are more than `count` (the queue view shows "count+")


@dataclass(frozen=True, slots=True)
class QueueItem:
    lead_id: int
    client_name: str
    company: str | None
    list_name: str | None
    bucket: Bucket
    reason: str
    due_at: dt.datetime | None
    zone: str
    local_time: dt.datetime
    priority: int


@dataclass(frozen=True, slots=True)
class _Snapshot:
    configs: list[q.CampaignConfig]
    zones: frozenset[str]
    lists: tuple[int, ...]


# The operator needs to know whether a bucket holds work, not its exact size: "1000+" says it.
# Every desktop re-counts on each refresh, and counting costs time in proportion to the cap
# (about 13 ms per 1,000 callable leads on SQLite), so the cap stays small.
COUNT_CAP = 1_000


class QueueService:
    def __init__(
        self,
        database: Database,
        *,
        config_ttl_seconds: float = 5.0,
        look_past_seconds: float = LOOK_PAST_SECONDS,
    ) -> None:
        self._db = database
        # Campaign settings and calling hours change rarely; re-reading them on every
        # "next client" would double its round trips.
        self._config_ttl = config_ttl_seconds
        self._cached: tuple[float, _Snapshot] | None = None
        # See core/queue/recent.py. Going on past the last claim is for PostgreSQL only:
        # SQLite updates rows in place and leaves nothing at the head of a list.
        self._look_past: Recent[int, int] = Recent(look_past_seconds)
        self._nobody_to_call: Recent[tuple[str, int, tuple[int, ...], int | None], bool] = Recent(
            config_ttl_seconds
        )

    # --- "next client" -------------------------------------------------------------------

    def claim_next(
        self,
        actor: Actor,
        *,
        campaign_id: int | None = None,
        list_id: int | None = None,
        now: dt.datetime | None = None,
    ) -> ClaimedLead | None:
        """Claim the first lead of the first non-empty bucket, or None if nothing is offered."""
        require(actor, Permission.WORK_QUEUE)
        moment = now or utcnow()
        postgres = self._db.backend == "postgresql"
        options: dict[str, Any] = {} if postgres else {"sqlite_begin": "IMMEDIATE"}
        with (
            self._db.engine.connect().execution_options(**options) as connection,
            connection.begin(),
        ):
            scope = self._scope(connection, actor, moment, campaign_id, list_id)
            if not scope.windows:
                return None
            status, present = q.probe(connection, scope)
            if status != OperatorStatus.READY:
                return None
            claimed = self._claim_first(connection, scope, present, postgres)
            if claimed is not None and not postgres:
                q.notify(connection, f"claim:{claimed.lead_id}")
            return claimed

    def warm_up(self, actor: Actor, *, now: dt.datetime | None = None) -> None:
        """Build and run once every statement "next client" may need, for nothing: they
        are run with no client inside calling hours, with nothing due and for no list, so
        they find, lock and write nothing.

        Building a statement, and the server's first look at the tables it reads, cost a
        desktop more than running it: in the queue benchmark each bucket's first claim took
        about 30 ms, the next ones about 10. The workspace warms up when the operator gets
        ready, so that no claim pays for it.
        """
        require(actor, Permission.WORK_QUEUE)
        moment = now or utcnow()
        postgres = self._db.backend == "postgresql"
        with self._db.engine.connect() as connection, connection.begin():
            scope = self._scope(connection, actor, moment, None, None)
            if not scope.windows:
                return
            nothing = dataclasses.replace(
                scope,
                now=moment - _LONG_AGO,
                windows=tuple(dataclasses.replace(w, open_zones=()) for w in scope.windows),
            )
            q.probe(connection, nothing)
            for bucket in Bucket:
                sources = self._sources(connection, bucket, nothing, _EVERY_SOURCE)
                if bucket is Bucket.FRESH:
                    # Every list shares one statement; asked for a list that does not
                    # exist, it reads nothing.
                    sources = [(_NO_LIST, "")] if sources else []
                for list_id, part in sources:
                    looks_past = postgres and list_id is not None
                    for after in (None, 0) if looks_past else (None,):
                        q.find_candidate(
                            connection,
                            bucket.value,
                            nothing,
                            list_id=list_id,
                            lock=postgres,
                            after=after,
                            part=part,
                        )

    def extend_claim(
        self, actor: Actor, lead_id: int, *, now: dt.datetime | None = None
    ) -> dt.datetime:
        """Keep the claim alive while the card is open; raises ClaimLost if it was taken."""
        require(actor, Permission.WORK_QUEUE)
        moment = now or utcnow()
        with self._db.engine.begin() as connection:
            minutes = q.claim_timeout(connection, lead_id) or 0
            until = moment + dt.timedelta(minutes=minutes)
            if not q.extend(connection, lead_id, actor.user_id, until, moment):
                raise ClaimLost(lead_id)
        return until

    def release(self, actor: Actor, lead_id: int, *, now: dt.datetime | None = None) -> bool:
        """Give the lead back; False if it was not (or no longer) claimed by the actor."""
        require(actor, Permission.WORK_QUEUE)
        with self._db.engine.begin() as connection:
            released = q.release(connection, lead_id, actor.user_id, now or utcnow())
            self._look_past.forget()
            self._nobody_to_call.forget()
            if released:
                q.notify(connection, f"release:{lead_id}")
        return released

    # --- the queue view ------------------------------------------------------------------

    def bucket_counts(
        self,
        actor: Actor,
        campaign_id: int | None = None,
        list_id: int | None = None,
        now: dt.datetime | None = None,
        cap: int = COUNT_CAP,
    ) -> list[BucketCount]:
        """How many wait in each bucket, counted up to `cap` (an exact count of a million
        fresh leads would take seconds and tell the operator nothing more)."""
        require(actor, Permission.WORK_QUEUE)
        moment = now or utcnow()
        with self._db.engine.connect() as connection:
            scope = self._scope(connection, actor, moment, campaign_id, list_id)
            counts = []
            for bucket in Bucket:
                count, oldest = q.count_bucket(connection, bucket.value, scope, cap + 1)
                counts.append(BucketCount(bucket, min(count, cap), oldest, count > cap))
        return counts

    def waiting(
        self,
        actor: Actor,
        bucket: Bucket,
        limit: int = 50,
        *,
        campaign_id: int | None = None,
        list_id: int | None = None,
        now: dt.datetime | None = None,
    ) -> list[QueueItem]:
        """What waits in one bucket, in the order it will be offered."""
        require(actor, Permission.WORK_QUEUE)
        bucket = Bucket(bucket)
        moment = now or utcnow()
        with self._db.engine.connect() as connection:
            scope = self._scope(connection, actor, moment, campaign_id, list_id)
            if bucket is Bucket.FRESH:
                rows = self._fresh_waiting(connection, scope, limit)
            else:
                rows = q.waiting_rows(connection, bucket.value, scope, limit)
        return [
            QueueItem(
                lead_id=row.lead_id,
                client_name=row.client_name,
                company=row.company,
                list_name=row.list_name,
                bucket=bucket,
                reason=reason_text(bucket, row.detail),
                due_at=row.due_at,
                zone=row.zone,
                local_time=moment.astimezone(zoneinfo.ZoneInfo(row.zone)),
                priority=row.priority,
            )
            for row in rows
        ]

    def queue_version(self) -> tuple[Any, ...]:
        """Changes whenever leads or tasks change; the GUI polls it on SQLite."""
        with self._db.engine.connect() as connection:
            return q.queue_version(connection)

    # --- internals -----------------------------------------------------------------------

    def _scope(
        self,
        connection: Connection,
        actor: Actor,
        now: dt.datetime,
        campaign_id: int | None,
        list_id: int | None,
    ) -> q.QueueScope:
        windows = []
        snapshot = self._snapshot(connection)
        zones = snapshot.zones
        for config in snapshot.configs:
            if campaign_id is not None and config.campaign_id != campaign_id:
                continue
            hours = CallingHours.of(HoursWindow(*window) for window in config.hours)
            open_zones = hours.open_zones(now, zones | {config.time_zone})
            windows.append(
                q.CampaignWindow(
                    campaign_id=config.campaign_id,
                    time_zone=config.time_zone,
                    open_zones=tuple(sorted(open_zones)),
                    callback_cutoff=now - dt.timedelta(minutes=config.callback_grace_minutes),
                    claim_until=now + dt.timedelta(minutes=config.claim_timeout_minutes),
                )
            )
        return q.QueueScope(actor.user_id, now, tuple(windows), list_id)

    def _fresh_waiting(
        self, connection: Connection, scope: q.QueueScope, limit: int
    ) -> list[q.WaitingRow]:
        # List by list in working order, as claims take them: each list is read along its
        # index, never sorting every fresh lead.
        rows: list[q.WaitingRow] = []
        for list_id in self._snapshot(connection).lists:
            if len(rows) >= limit:
                break
            if scope.list_id in (None, list_id):
                rows += q.waiting_rows(connection, "fresh", scope, limit - len(rows), list_id)
        return rows

    def _claim_first(
        self,
        connection: Connection,
        scope: q.QueueScope,
        present: frozenset[str],
        postgres: bool,
    ) -> ClaimedLead | None:
        """On PostgreSQL the claim statement also notifies listeners."""
        skipped: list[int] = []
        campaigns = tuple(window.campaign_id for window in scope.windows)
        for bucket in Bucket:
            quiet = (bucket.value, scope.user_id, campaigns, scope.list_id)
            if bucket is not Bucket.FRESH and bucket.value not in present:
                continue
            if bucket in _TASK_BUCKETS and self._nobody_to_call.recall(quiet, scope.now):
                continue
            tried = len(skipped)
            for list_id, part in self._sources(connection, bucket, scope, present):
                claimed = self._claim_from(
                    connection, scope, bucket, list_id, part, skipped, postgres
                )
                if claimed is not None:
                    return claimed
            if bucket in _TASK_BUCKETS and len(skipped) == tried:
                self._nobody_to_call.remember(quiet, True, scope.now)
        return None

    def _sources(
        self,
        connection: Connection,
        bucket: Bucket,
        scope: q.QueueScope,
        present: frozenset[str],
    ) -> list[tuple[int | None, str]]:
        """Where a bucket is read from, in order: (list, part of the bucket)."""
        if bucket is Bucket.FRESH:
            lists = self._snapshot(connection).lists
            return [(i, "") for i in lists if scope.list_id in (None, i)]
        if bucket is Bucket.CALLBACK:
            own = [(None, "own")] if q.OWN_CALLBACKS in present else []
            return [*own, (None, "others")]
        return [(None, "")]

    def _claim_from(
        self,
        connection: Connection,
        scope: q.QueueScope,
        bucket: Bucket,
        list_id: int | None,
        part: str,
        skipped: list[int],
        postgres: bool,
    ) -> ClaimedLead | None:
        """Claim the first lead one source offers, adding to `skipped` the leads whose
        client turned out to be held by someone else."""
        after = None
        if postgres and list_id is not None:
            after = self._look_past.recall(list_id, scope.now)
        while len(skipped) <= _MAX_SKIPS:
            candidate = q.find_candidate(
                connection,
                bucket.value,
                scope,
                list_id=list_id,
                excluded=skipped,
                lock=postgres,
                after=after,
                part=part,
            )
            if candidate is None:
                if after is None:
                    return None
                after = None  # nothing past the mark: look from the head once
                continue
            if postgres and not q.take_client_locks(connection, candidate.contact_id):
                skipped.append(candidate.lead_id)
                continue
            until = self._claim_until(scope, candidate.campaign_id)
            claim = q.claim_checked if postgres else q.claim
            if claim(connection, candidate.lead_id, scope.user_id, until, scope.now):
                if postgres and list_id is not None:
                    self._look_past.remember(list_id, candidate.lead_id, scope.now)
                return ClaimedLead(
                    lead_id=candidate.lead_id,
                    contact_id=candidate.contact_id,
                    campaign_id=candidate.campaign_id,
                    bucket=bucket,
                    reason=reason_text(bucket, candidate.detail),
                    due_at=candidate.due_at,
                    claimed_until=until,
                    task_id=candidate.task_id,
                )
            skipped.append(candidate.lead_id)
        return None

    def _snapshot(self, connection: Connection) -> _Snapshot:
        """Campaigns with their hours, the zones clients are in and the lists in working
        order, cached for `config_ttl_seconds`: a new campaign, list or client zone is
        offered at most that much later."""
        cached = self._cached
        if cached is not None and time.monotonic() - cached[0] < self._config_ttl:
            return cached[1]
        snapshot = _Snapshot(
            configs=q.campaign_configs(connection),
            # Only real zone names: a mistyped zone on a lead never counts as inside hours.
            zones=q.zones_in_use(connection) & candidate_zones(),
            lists=q.lists_in_order(connection),
        )
        self._cached = (time.monotonic(), snapshot)
        return snapshot

    @staticmethod
    def _claim_until(scope: q.QueueScope, campaign_id: int) -> dt.datetime:
        for window in scope.windows:
            if window.campaign_id == campaign_id:
                return window.claim_until
        raise AssertionError("a candidate always belongs to a campaign in scope")
