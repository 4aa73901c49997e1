"""The local draft store: atomic writes, the order drafts are offered back, bad files set aside."""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from operator_app.appdirs import app_data_dir
from operator_app.core.calls import CapturedAnswer
from operator_app.core.drafts import CallDraft, DraftStore, drafts_dir
from operator_app.core.errors import ValidationFailed

T0 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


def draft(minutes: int = 0, **changes: object) -> CallDraft:
    values: dict[str, object] = {
        "client_uuid": str(uuid.uuid4()),
        "lead_id": 42,
        "started_at": T0,
        "updated_at": T0 + dt.timedelta(minutes=minutes),
        "operator_id": 7,
        "phone_id": 3,
        "script_version_id": 1,
        "notes": "Клиент за рулём, просит коротко",
        "disposition": "callback",
        "callback_at": T0 + dt.timedelta(days=1),
        "last_step_id": "situation",
        "dialogue_state": {"stage": "diagnostics", "history": ["greeting"], "spin": ["S"]},
        "answers": (
            CapturedAnswer("greeting", "contact", T0, answer="Да, удобно"),
            CapturedAnswer("situation", "diagnostics", T0, spin="S", no_suitable_answer=True),
        ),
    }
    values.update(changes)
    return CallDraft(**values)  # type: ignore[arg-type]


def test_drafts_live_in_the_app_home() -> None:
    assert DraftStore().directory == drafts_dir() == app_data_dir() / "drafts"


def test_a_saved_draft_comes_back_exactly(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    original = draft()
    path = store.save(original)
    assert path.name == f"{original.client_uuid}.json"
    assert json.loads(path.read_text(encoding="utf-8"))["schema"] == 1
    assert store.load_all() == [original]
    assert store.load(original.client_uuid) == original
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temp file left


def test_saving_again_replaces_the_draft(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    first = draft()
    store.save(first)
    second = replace(first, notes="дополнено", updated_at=T0 + dt.timedelta(seconds=2))
    store.save(second)
    assert store.load_all() == [second]


def test_a_failed_write_keeps_the_previous_draft(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = DraftStore(tmp_path)
    original = draft()
    store.save(original)

    def crash(_source: object, _target: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        store.save(replace(original, notes="new"))
    monkeypatch.undo()
    assert store.load_all() == [original]
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".json"]


def test_an_interrupted_write_leaves_a_temp_file_that_is_ignored(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    original = draft()
    store.save(original)
    (tmp_path / f"{original.client_uuid}.abc123.tmp").write_text('{"schema": 1, "lea', "utf-8")
    assert store.load_all() == [original]
    assert not list(tmp_path.glob("*.tmp"))


def test_drafts_are_offered_newest_first(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    older, newest, middle = draft(1), draft(30), draft(5)
    for item in (older, newest, middle):
        store.save(item)
    assert [item.client_uuid for item in store.load_all()] == [
        newest.client_uuid,
        middle.client_uuid,
        older.client_uuid,
    ]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"schema": 1, "client_uuid": "', "Unterminated string"),
        ('{"schema": 99}', "unsupported draft schema 99"),
        ("[1, 2]", "does not hold a draft"),
        ('{"schema": 1, "lead_id": 5}', "call id"),
    ],
)
def test_an_unreadable_draft_is_set_aside_and_reported(
    tmp_path: Path, content: str, problem: str
) -> None:
    store = DraftStore(tmp_path)
    good = draft()
    store.save(good)
    bad = tmp_path / f"{uuid.uuid4()}.json"
    bad.write_text(content, encoding="utf-8")

    report = store.load_report()
    assert report.drafts == [good]
    (aside,) = report.set_aside
    assert aside.original_name == bad.name
    assert problem in aside.problem
    assert aside.moved_to.parent == tmp_path / "corrupt"
    assert aside.moved_to.read_text(encoding="utf-8") == content  # kept, never deleted
    assert not bad.exists()
    assert store.load_all() == [good]


def test_a_draft_under_another_name_is_set_aside(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    path = store.save(draft())
    path.rename(tmp_path / f"{uuid.uuid4()}.json")
    report = store.load_report()
    assert report.drafts == []
    assert "does not match" in report.set_aside[0].problem


def test_discard_removes_the_draft_and_tolerates_a_missing_one(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    item = draft()
    store.save(item)
    store.discard(item.client_uuid)
    store.discard(item.client_uuid)
    assert store.load_all() == []


def test_a_draft_id_must_be_a_uuid(tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed) as error:
        DraftStore(tmp_path).save(draft(client_uuid="../../etc/passwd"))
    assert error.value.field == "client_uuid"


def test_a_finished_call_needs_an_outcome() -> None:
    with pytest.raises(ValidationFailed, match="choose the outcome") as error:
        draft(disposition=None).to_finished_call()
    assert error.value.field == "disposition"
    call = draft(ended_at=None).to_finished_call()
    assert call.ended_at == T0  # the draft's last change stands in for an unset end
    assert call.answers == draft().answers
