"""Crash-proof drafts of open calls, and the saves waiting for the database to come back.

Each open call is one JSON file in <app home>/drafts/, named by the call's client_uuid and
replaced atomically (temp file, fsync, os.replace) so a crash leaves either the old or the new
draft, never half of one. A draft is discarded only after its call is in the database.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from operator_app.appdirs import app_data_dir
from operator_app.core.calls import (
    CallResult,
    CapturedAnswer,
    FinishedCall,
    canonical_uuid,
    record_call,
)
from operator_app.core.errors import OperatorAppError, ValidationFailed
from operator_app.core.roles import Actor
from operator_app.storage.base import utcnow
from operator_app.storage.database import Database
from operator_app.storage.repositories.call_queries import is_connection_error

__all__ = [
    "DRAFT_SCHEMA_VERSION",
    "CallDraft",
    "DraftLoad",
    "DraftStore",
    "PendingSaves",
    "RetryReport",
    "SaveOutcome",
    "SetAsideDraft",
    "drafts_dir",
]

log = logging.getLogger(__name__)

DRAFT_SCHEMA_VERSION = 1
_SUFFIX = ".json"
_TEMP_SUFFIX = ".tmp"


def drafts_dir() -> Path:
    return app_data_dir() / "drafts"


@dataclass(frozen=True, slots=True)
class CallDraft:
    """Everything the operator typed and clicked during one call, as it stands."""

    client_uuid: str
    lead_id: int
    started_at: dt.datetime  # when the timer started
    updated_at: dt.datetime
    operator_id: int | None = None
    phone_id: int | None = None
    script_version_id: int | None = None
    ended_at: dt.datetime | None = None
    talk_seconds: int = 0
    notes: str = ""
    disposition: str | None = None
    reason: str | None = None
    callback_at: dt.datetime | None = None
    last_step_id: str | None = None
    dialogue_state: dict[str, Any] = field(default_factory=dict)  # the dialogue panel's own
    answers: tuple[CapturedAnswer, ...] = ()
    # Set when saving to the database failed for want of a connection.
    pending: bool = False
    first_save_attempt_at: dt.datetime | None = None
    last_error: str | None = None

    def to_finished_call(self) -> FinishedCall:
        if self.disposition is None:
            raise ValidationFailed("disposition", "required", "choose the outcome of the call")
        return FinishedCall(
            client_uuid=self.client_uuid,
            lead_id=self.lead_id,
            phone_id=self.phone_id,
            script_version_id=self.script_version_id,
            started_at=self.started_at,
            ended_at=self.ended_at or self.updated_at,
            talk_seconds=self.talk_seconds,
            disposition=self.disposition,
            reason=self.reason,
            callback_at=self.callback_at,
            notes=self.notes or None,
            last_step_id=self.last_step_id,
            answers=self.answers,
        )


@dataclass(frozen=True, slots=True)
class SetAsideDraft:
    """A draft file that could not be read, moved to drafts/corrupt/ (never deleted)."""

    original_name: str
    moved_to: Path
    problem: str


@dataclass(frozen=True, slots=True)
class DraftLoad:
    drafts: list[CallDraft]  # newest first
    set_aside: list[SetAsideDraft]


def _time(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _parse_time(value: Any, name: str) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{name} is not a date and time")
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"{name} has no time zone")
    return parsed


def _required_time(data: dict[str, Any], name: str) -> dt.datetime:
    parsed = _parse_time(data.get(name), name)
    if parsed is None:
        raise ValueError(f"{name} is missing")
    return parsed


def _optional(data: dict[str, Any], name: str, kind: type) -> Any:
    value = data.get(name)
    if value is not None and not isinstance(value, kind):
        raise ValueError(f"{name} is not a {kind.__name__}")
    return value


def _answer_to_json(answer: CapturedAnswer) -> dict[str, Any]:
    return {
        "step_id": answer.step_id,
        "stage": answer.stage,
        "answered_at": _time(answer.answered_at),
        "spin": answer.spin,
        "answer": answer.answer,
        "free_text": answer.free_text,
        "objection_id": answer.objection_id,
        "no_suitable_answer": answer.no_suitable_answer,
    }


def _answer_from_json(data: Any) -> CapturedAnswer:
    if not isinstance(data, dict):
        raise ValueError("an answer is not an object")
    step_id = data.get("step_id")
    stage = data.get("stage")
    if not isinstance(step_id, str) or not isinstance(stage, str):
        raise ValueError("an answer has no step or stage")
    return CapturedAnswer(
        step_id=step_id,
        stage=stage,
        answered_at=_required_time(data, "answered_at"),
        spin=_optional(data, "spin", str),
        answer=_optional(data, "answer", str),
        free_text=_optional(data, "free_text", str),
        objection_id=_optional(data, "objection_id", str),
        no_suitable_answer=bool(data.get("no_suitable_answer", False)),
    )


def draft_to_json(draft: CallDraft) -> dict[str, Any]:
    return {
        "schema": DRAFT_SCHEMA_VERSION,
        "client_uuid": draft.client_uuid,
        "lead_id": draft.lead_id,
        "operator_id": draft.operator_id,
        "phone_id": draft.phone_id,
        "script_version_id": draft.script_version_id,
        "started_at": _time(draft.started_at),
        "updated_at": _time(draft.updated_at),
        "ended_at": _time(draft.ended_at),
        "talk_seconds": draft.talk_seconds,
        "notes": draft.notes,
        "disposition": draft.disposition,
        "reason": draft.reason,
        "callback_at": _time(draft.callback_at),
        "last_step_id": draft.last_step_id,
        "dialogue_state": draft.dialogue_state,
        "answers": [_answer_to_json(answer) for answer in draft.answers],
        "pending": draft.pending,
        "first_save_attempt_at": _time(draft.first_save_attempt_at),
        "last_error": draft.last_error,
    }


def draft_from_json(data: Any) -> CallDraft:
    """The draft in a file's JSON; ValueError names what is wrong with it."""
    if not isinstance(data, dict):
        raise ValueError("the file does not hold a draft object")
    if data.get("schema") != DRAFT_SCHEMA_VERSION:
        raise ValueError(f"unsupported draft schema {data.get('schema')!r}")
    lead_id = data.get("lead_id")
    if not isinstance(lead_id, int):
        raise ValueError("lead_id is missing")
    dialogue_state = data.get("dialogue_state", {})
    answers = data.get("answers", [])
    if not isinstance(dialogue_state, dict) or not isinstance(answers, list):
        raise ValueError("dialogue_state or answers has the wrong type")
    return CallDraft(
        client_uuid=canonical_uuid(str(data.get("client_uuid"))),
        lead_id=lead_id,
        started_at=_required_time(data, "started_at"),
        updated_at=_required_time(data, "updated_at"),
        operator_id=_optional(data, "operator_id", int),
        phone_id=_optional(data, "phone_id", int),
        script_version_id=_optional(data, "script_version_id", int),
        ended_at=_parse_time(data.get("ended_at"), "ended_at"),
        talk_seconds=int(data.get("talk_seconds", 0)),
        notes=_optional(data, "notes", str) or "",
        disposition=_optional(data, "disposition", str),
        reason=_optional(data, "reason", str),
        callback_at=_parse_time(data.get("callback_at"), "callback_at"),
        last_step_id=_optional(data, "last_step_id", str),
        dialogue_state=dialogue_state,
        answers=tuple(_answer_from_json(item) for item in answers),
        pending=bool(data.get("pending", False)),
        first_save_attempt_at=_parse_time(
            data.get("first_save_attempt_at"), "first_save_attempt_at"
        ),
        last_error=_optional(data, "last_error", str),
    )


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable; Windows cannot open a directory (and needs no such step).
    if os.name == "nt":
        return
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class DraftStore:
    """The drafts of open calls on this computer."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or drafts_dir()

    @property
    def corrupt_directory(self) -> Path:
        return self.directory / "corrupt"

    def path_for(self, client_uuid: str) -> Path:
        return self.directory / f"{canonical_uuid(client_uuid)}{_SUFFIX}"

    def save(self, draft: CallDraft) -> Path:
        """Writes the draft atomically: after a crash the file is the old draft or the new one."""
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.path_for(draft.client_uuid)
        payload = json.dumps(draft_to_json(draft), ensure_ascii=False, indent=1)
        handle, temp_name = tempfile.mkstemp(
            prefix=target.stem + ".", suffix=_TEMP_SUFFIX, dir=self.directory
        )
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(payload)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temp_name, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)
            raise
        _fsync_directory(self.directory)
        return target

    def load(self, client_uuid: str) -> CallDraft | None:
        path = self.path_for(client_uuid)
        if not path.exists():
            return None
        return draft_from_json(json.loads(path.read_text(encoding="utf-8")))

    def load_report(self) -> DraftLoad:
        """The drafts to offer back, newest first; unreadable files are moved aside."""
        if not self.directory.is_dir():
            return DraftLoad([], [])
        for leftover in self.directory.glob(f"*{_TEMP_SUFFIX}"):
            # An interrupted write; the draft it was replacing is still intact.
            with contextlib.suppress(OSError):
                leftover.unlink()
        drafts: list[CallDraft] = []
        set_aside: list[SetAsideDraft] = []
        for path in sorted(self.directory.glob(f"*{_SUFFIX}")):
            try:
                draft = draft_from_json(json.loads(path.read_text(encoding="utf-8")))
                if draft.client_uuid != path.stem:
                    raise ValueError("the file name does not match the call id inside")
            except (OSError, ValueError, TypeError, OperatorAppError) as error:
                set_aside.append(self._set_aside(path, str(error)))
                continue
            drafts.append(draft)
        drafts.sort(key=lambda draft: (draft.updated_at, draft.client_uuid), reverse=True)
        return DraftLoad(drafts, set_aside)

    def load_all(self) -> list[CallDraft]:
        return self.load_report().drafts

    def _set_aside(self, path: Path, problem: str) -> SetAsideDraft:
        self.corrupt_directory.mkdir(parents=True, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
        destination = self.corrupt_directory / f"{path.stem}.{stamp}{path.suffix}"
        os.replace(path, destination)
        log.warning("draft %s could not be read (%s); moved to %s", path.name, problem, destination)
        return SetAsideDraft(path.name, destination, problem)

    def discard(self, client_uuid: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path_for(client_uuid).unlink()


@dataclass(frozen=True, slots=True)
class SaveOutcome:
    draft: CallDraft
    result: CallResult | None  # None when the save is pending
    error: str | None = None

    @property
    def saved(self) -> bool:
        return self.result is not None


@dataclass(frozen=True, slots=True)
class RetryReport:
    saved: list[CallResult]
    still_pending: list[str]  # client_uuids left for the next retry
    refused: list[tuple[str, str]]  # (client_uuid, message): kept, the database refused them

    @property
    def all_sent(self) -> bool:
        return not self.still_pending


class PendingSaves:
    """Saves a finished call; when the database is unreachable, keeps it as a pending draft."""

    def __init__(self, store: DraftStore) -> None:
        self.store = store

    def save(
        self, database: Database, actor: Actor, draft: CallDraft, *, now: dt.datetime | None = None
    ) -> SaveOutcome:
        """Records the call; on a connection error the draft is kept and marked pending.

        Any other error (a missing callback time, say) propagates with the draft untouched.
        """
        moment = now or utcnow()
        call = draft.to_finished_call()
        self.store.save(draft)  # the finished draft is on disk before the database is asked
        try:
            result = record_call(database, actor, call, now=moment)
        except Exception as error:
            if not is_connection_error(error):
                raise
            pending = replace(
                draft,
                pending=True,
                first_save_attempt_at=draft.first_save_attempt_at or moment,
                last_error=str(error).splitlines()[0] if str(error) else type(error).__name__,
                updated_at=utcnow(),
            )
            self.store.save(pending)
            return SaveOutcome(pending, None, pending.last_error)
        self.store.discard(draft.client_uuid)
        return SaveOutcome(draft, result)

    def pending(self, actor: Actor | None = None) -> list[CallDraft]:
        return [
            draft
            for draft in self.store.load_all()
            if draft.pending and (actor is None or draft.operator_id in (None, actor.user_id))
        ]

    def retry_pending(self, database: Database, actor: Actor) -> RetryReport:
        """Re-sends the actor's pending saves, oldest first; stops at the first connection error."""
        saved: list[CallResult] = []
        still_pending: list[str] = []
        refused: list[tuple[str, str]] = []
        queue = sorted(self.pending(actor), key=lambda draft: draft.updated_at)
        for position, draft in enumerate(queue):
            try:
                result = record_call(
                    database, actor, draft.to_finished_call(), now=draft.first_save_attempt_at
                )
            except OperatorAppError as error:
                # Kept on disk (nothing is lost); the GUI shows the message to fix it.
                refused.append((draft.client_uuid, str(error)))
                self.store.save(replace(draft, last_error=str(error)))
                continue
            except Exception as error:
                if not is_connection_error(error):
                    raise
                still_pending.extend(item.client_uuid for item in queue[position:])
                break
            self.store.discard(draft.client_uuid)
            saved.append(result)
        return RetryReport(saved, still_pending, refused)
