"""Splitting a campaign's traffic between two script versions: stable, proportional, strict."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from operator_app.core.errors import ValidationFailed
from operator_app.core.script_split import (
    ScriptSplit,
    SplitBy,
    assigned_version,
    split_bucket,
)


def test_buckets_are_stable_and_in_range() -> None:
    # Fixed values: a change of the hash would silently move every lead to another version.
    keys = ("lead:1", "lead:2", "operator:1", "operator:2")
    assert [split_bucket(key) for key in keys] == [73, 25, 61, 27]
    assert all(0 <= split_bucket(f"lead:{n}") < 100 for n in range(1000))


def test_buckets_do_not_depend_on_the_python_process() -> None:
    code = (
        "from operator_app.core.script_split import split_bucket;"
        "print([split_bucket(f'lead:{n}') for n in range(20)])"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }
    assert len(runs) == 1
    assert runs.pop().strip() == str([split_bucket(f"lead:{n}") for n in range(20)])


def test_the_same_lead_always_gets_the_same_version() -> None:
    split = ScriptSplit(10, 11, 50, SplitBy.LEAD)
    first = [assigned_version(split, lead_id=n, operator_id=None) for n in range(200)]
    again = [assigned_version(split, lead_id=n, operator_id=7) for n in range(200)]
    assert first == again  # the operator does not matter in a per-lead split
    assert set(first) == {10, 11}


@pytest.mark.parametrize("share_b", [10, 50, 90])
def test_version_b_gets_about_its_share_of_leads(share_b: int) -> None:
    split = ScriptSplit(1, 2, share_b, SplitBy.LEAD)
    leads = 10_000
    to_b = sum(assigned_version(split, lead_id=n, operator_id=None) == 2 for n in range(leads))
    assert abs(to_b / leads * 100 - share_b) < 2


def test_a_larger_share_only_moves_leads_from_a_to_b() -> None:
    small = ScriptSplit(1, 2, 20, SplitBy.LEAD)
    large = ScriptSplit(1, 2, 60, SplitBy.LEAD)
    for lead in range(500):
        if assigned_version(small, lead_id=lead, operator_id=None) == 2:
            assert assigned_version(large, lead_id=lead, operator_id=None) == 2


def test_a_per_operator_split_gives_each_operator_one_version() -> None:
    split = ScriptSplit(3, 4, 50, SplitBy.OPERATOR)
    for operator in range(1, 50):
        versions = {assigned_version(split, lead_id=n, operator_id=operator) for n in range(30)}
        assert len(versions) == 1
    everyone = {assigned_version(split, lead_id=1, operator_id=op) for op in range(1, 50)}
    assert everyone == {3, 4}


def test_a_per_operator_split_without_an_operator_opens_version_a() -> None:
    split = ScriptSplit(3, 4, 99, SplitBy.OPERATOR)
    assert assigned_version(split, lead_id=5, operator_id=None) == 3


def test_the_stored_form_round_trips() -> None:
    split = ScriptSplit(3, 4, 30, SplitBy.OPERATOR)
    stored = split.to_settings()
    assert stored == {"version_a_id": 3, "version_b_id": 4, "share_b": 30, "by": "operator"}
    assert ScriptSplit.from_settings(stored) == split


@pytest.mark.parametrize(
    "stored",
    [
        None,
        "50/50",
        {},
        {"version_a_id": 1, "version_b_id": 2, "share_b": 50},
        {"version_a_id": 1, "version_b_id": 2, "share_b": 50, "by": "campaign"},
        {"version_a_id": "1", "version_b_id": 2, "share_b": 50, "by": "lead"},
        {"version_a_id": 1, "version_b_id": 2, "share_b": True, "by": "lead"},
        {"version_a_id": 1, "version_b_id": 2, "share_b": 0, "by": "lead"},
        {"version_a_id": 1, "version_b_id": 1, "share_b": 50, "by": "lead"},
    ],
)
def test_an_unusable_stored_split_is_ignored(stored: object) -> None:
    assert ScriptSplit.from_settings(stored) is None


@pytest.mark.parametrize(
    ("a", "b", "share", "field"),
    [(1, 1, 50, "version_b_id"), (1, 2, 0, "share_b"), (1, 2, 100, "share_b")],
)
def test_a_split_refuses_bad_values(a: int, b: int, share: int, field: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        ScriptSplit(a, b, share, SplitBy.LEAD)
    assert raised.value.field == field
