"""Split traffic between two versions of a campaign's script, per operator or per lead.

The split lives in `campaigns.settings["script_split"]` as
`{"version_a_id": …, "version_b_id": …, "share_b": 1..99, "by": "operator" | "lead"}`.
Who gets which version is decided by a stable hash of "lead:<id>" or "operator:<id>", so the
same lead (or operator) always opens the same version, on every desktop and after restarts —
Python's `hash()` is salted per process and would not do.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeGuard

from operator_app.core.errors import ValidationFailed

__all__ = [
    "SETTINGS_KEY",
    "ScriptSplit",
    "SplitBy",
    "assigned_version",
    "split_bucket",
]

SETTINGS_KEY = "script_split"
BUCKETS = 100


class SplitBy(StrEnum):
    OPERATOR = "operator"
    LEAD = "lead"


@dataclass(frozen=True, slots=True)
class ScriptSplit:
    """Version B gets `share_b` percent of the leads (or operators), version A the rest."""

    version_a_id: int
    version_b_id: int
    share_b: int
    by: SplitBy

    def __post_init__(self) -> None:
        if self.version_a_id == self.version_b_id:
            raise ValidationFailed(
                "version_b_id", "same_version", "a split needs two different script versions"
            )
        if not 1 <= self.share_b <= BUCKETS - 1:
            raise ValidationFailed(
                "share_b", "out_of_range", "version B's share must be between 1 and 99 percent"
            )

    def to_settings(self) -> dict[str, Any]:
        return {
            "version_a_id": self.version_a_id,
            "version_b_id": self.version_b_id,
            "share_b": self.share_b,
            "by": self.by.value,
        }

    @classmethod
    def from_settings(cls, value: object) -> ScriptSplit | None:
        """The split stored in a campaign's settings; None when absent or unusable (the
        card then opens the latest version rather than failing mid-shift)."""
        if not isinstance(value, dict):
            return None
        version_a, version_b = value.get("version_a_id"), value.get("version_b_id")
        share_b, by = value.get("share_b"), value.get("by")
        if not (_is_int(version_a) and _is_int(version_b) and _is_int(share_b)):
            return None
        if not isinstance(by, str) or by not in {member.value for member in SplitBy}:
            return None
        try:
            return cls(version_a, version_b, share_b, SplitBy(by))
        except ValidationFailed:
            return None


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def split_bucket(key: str) -> int:
    """A stable bucket 0..99 for the key, the same on every machine and Python run."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS


def assigned_version(split: ScriptSplit, *, lead_id: int, operator_id: int | None) -> int:
    """The version id the split gives this call.

    Split by operator with no operator known (a card opened outside a call) gives version A,
    the one the campaign ran before the test.
    """
    if split.by is SplitBy.LEAD:
        key = f"lead:{lead_id}"
    elif operator_id is None:
        return split.version_a_id
    else:
        key = f"operator:{operator_id}"
    return split.version_b_id if split_bucket(key) < split.share_b else split.version_a_id
