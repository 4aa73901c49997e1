"""The queue's buckets, in the order an operator works them, and why an item sits in each."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Bucket", "reason_text"]


class Bucket(StrEnum):
    """Earlier buckets are always offered first; values match the storage query keys."""

    INBOUND = "inbound"  # new inbound leads and missed calls, oldest first
    CALLBACK = "callback"  # scheduled callbacks now due, the operator's own first
    REMINDER = "reminder"  # visit confirmations and reminder calls now due
    RETRY = "retry"  # unanswered attempts whose back-off has passed
    FRESH = "fresh"  # fresh list leads by list priority, ABC class, then lead id

    @property
    def rank(self) -> int:
        return list(Bucket).index(self)


_DETAIL_TEXT = {
    "inbound": "new inbound lead",
    "missed": "missed call",
    "own": "your callback is due",
    "shared": "callback is due",
    "colleague": "a colleague's callback was not taken in time",
    "retry": "retry after an unanswered attempt",
}


def reason_text(bucket: Bucket, detail: str | None) -> str:
    """A short English reason; the GUI translates by bucket and detail."""
    if bucket is Bucket.REMINDER:
        return f"{(detail or 'reminder').replace('_', ' ')} is due"
    if bucket is Bucket.FRESH:
        return f"fresh lead from list {detail}" if detail else "fresh lead"
    return _DETAIL_TEXT.get(detail or bucket.value, bucket.value)
