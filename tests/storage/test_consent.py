"""Consents on both backends: who took it, when, by which channel; the latest record wins and
no reminder passes the gate without a standing consent."""

from __future__ import annotations

import datetime as dt

import pytest

from operator_app.core.consent import (
    ConsentChannel,
    ConsentKind,
    ConsentMissing,
    ConsentService,
    reminder_consent_granted,
)
from operator_app.core.errors import NotFound, PermissionDenied, ValidationFailed
from operator_app.core.roles import Role
from operator_app.storage.database import Database
from tests.support.handoff_data import NOW, contact_of, make_campaign, make_lead, make_user


def new_contact(db: Database) -> int:
    return contact_of(db, make_lead(db, make_campaign(db, "Кредиты", model="one-step")))


def test_nothing_recorded_means_no_consent(db: Database) -> None:
    contact = new_contact(db)
    service = ConsentService(db)
    summary = service.current(contact)
    assert summary.personal_data.latest is None
    assert not summary.reminders.granted
    assert not summary.reminders.withdrawn
    assert not service.may_send_reminder(contact)
    with pytest.raises(ConsentMissing, match="never gave consent to reminders") as caught:
        service.require_reminder_consent(contact)
    assert not caught.value.withdrawn


def test_record_says_who_when_and_how(db: Database) -> None:
    operator = make_user(db, "Ольга", Role.OPERATOR)
    contact = new_contact(db)
    service = ConsentService(db)
    record = service.record(
        operator, contact, ConsentKind.PERSONAL_DATA, True, ConsentChannel.PHONE_CALL, at=NOW
    )
    state = service.current(contact).personal_data
    assert state.granted
    assert state.latest == record
    assert (record.taken_by_id, record.taken_by_name, record.taken_at) == (
        operator.user_id,
        "Ольга",
        NOW,
    )
    assert record.channel is ConsentChannel.PHONE_CALL
    # Personal-data consent does not allow reminders.
    assert not service.may_send_reminder(contact)


def test_withdrawal_blocks_reminders_and_a_new_grant_restores_them(db: Database) -> None:
    operator = make_user(db, "Ольга", Role.OPERATOR)
    contact = new_contact(db)
    service = ConsentService(db)
    service.record(operator, contact, ConsentKind.REMINDERS, True, ConsentChannel.SMS, at=NOW)
    assert service.may_send_reminder(contact)
    service.require_reminder_consent(contact)

    later = NOW + dt.timedelta(days=2)
    service.record(operator, contact, ConsentKind.REMINDERS, False, ConsentChannel.EMAIL, at=later)
    assert not service.may_send_reminder(contact)
    with pytest.raises(ConsentMissing, match="withdrew") as caught:
        service.require_reminder_consent(contact)
    assert caught.value.withdrawn
    with db.session() as session:
        assert not reminder_consent_granted(session, contact)

    service.record(
        operator,
        contact,
        ConsentKind.REMINDERS,
        True,
        ConsentChannel.WRITTEN,
        at=later + dt.timedelta(days=1),
    )
    assert service.may_send_reminder(contact)
    history = service.history(operator, contact)
    assert [(r.granted, r.channel) for r in history] == [
        (True, ConsentChannel.WRITTEN),
        (False, ConsentChannel.EMAIL),
        (True, ConsentChannel.SMS),
    ]


def test_the_latest_by_time_wins_even_when_entered_later(db: Database) -> None:
    operator = make_user(db, "Ольга", Role.OPERATOR)
    contact = new_contact(db)
    service = ConsentService(db)
    service.record(
        operator, contact, ConsentKind.REMINDERS, False, ConsentChannel.PHONE_CALL, at=NOW
    )
    # A paper form signed the day before is entered afterwards: the withdrawal still stands.
    service.record(
        operator,
        contact,
        ConsentKind.REMINDERS,
        True,
        ConsentChannel.WRITTEN,
        at=NOW - dt.timedelta(days=1),
    )
    assert not service.may_send_reminder(contact)


def test_bad_records_are_refused(db: Database) -> None:
    operator = make_user(db, "Ольга", Role.OPERATOR)
    admin = make_user(db, "Админ", Role.ADMIN)
    contact = new_contact(db)
    service = ConsentService(db)
    with pytest.raises(NotFound):
        service.record(operator, 999_999, ConsentKind.REMINDERS, True, ConsentChannel.SMS)
    with pytest.raises(ValidationFailed):
        service.record(
            operator,
            contact,
            ConsentKind.REMINDERS,
            True,
            ConsentChannel.SMS,
            at=dt.datetime(2026, 1, 1),  # naive on purpose
        )
    with pytest.raises(PermissionDenied):
        service.record(admin, contact, ConsentKind.REMINDERS, True, ConsentChannel.SMS)
    assert service.current(contact).reminders.latest is None
