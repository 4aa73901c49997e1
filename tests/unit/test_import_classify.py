"""Sorting accepted rows into kept, blocked and duplicate rows, from batch lookups."""

from __future__ import annotations

from operator_app.core.importing.classify import PhoneRegistry, classify_batch
from operator_app.core.importing.row_rules import AcceptedRow, PhoneRecord


def accepted(line: int, *numbers: str) -> AcceptedRow:
    phones = tuple(
        PhoneRecord(number, "mobile", None, "RU", number, "Europe/Moscow", True)
        for number in numbers
    )
    return AcceptedRow(
        line_number=line,
        phones=phones,
        company=None,
        full_name="",
        position=None,
        email=None,
        city=None,
        region=None,
        time_zone="Europe/Moscow",
        time_zone_guessed=True,
        comment=None,
    )


A, B, C = "+79120000001", "+79120000002", "+79120000003"


def test_new_rows_are_kept_and_their_numbers_remembered() -> None:
    registry = PhoneRegistry()
    verdict = classify_batch([accepted(2, A), accepted(3, B, C)], registry, {}, set())
    assert [row.line_number for row in verdict.kept] == [2, 3]
    assert verdict.blocked == [False, False]
    assert verdict.duplicates == []
    assert registry.line_by_number == {A: 2, B: 3, C: 3}


def test_a_number_seen_earlier_in_the_file_makes_a_duplicate_naming_that_row() -> None:
    registry = PhoneRegistry()
    classify_batch([accepted(2, A)], registry, {}, set())
    verdict = classify_batch([accepted(9, B), accepted(10, C, A)], registry, {}, set())
    assert [row.line_number for row in verdict.kept] == [9]
    [duplicate] = verdict.duplicates
    assert (duplicate.line_number, duplicate.e164) == (10, A)
    assert (duplicate.matched_line_number, duplicate.matched_lead_id) == (2, None)
    assert C not in registry.line_by_number  # a duplicate row takes no number


def test_duplicates_within_one_batch_are_found() -> None:
    verdict = classify_batch([accepted(2, A), accepted(3, A)], PhoneRegistry(), {}, set())
    assert [row.line_number for row in verdict.kept] == [2]
    assert verdict.duplicates[0].matched_line_number == 2


def test_a_number_in_the_database_makes_a_duplicate_naming_its_lead() -> None:
    verdict = classify_batch([accepted(4, B, A)], PhoneRegistry(), {A: 77}, set())
    [duplicate] = verdict.duplicates
    assert (duplicate.e164, duplicate.matched_lead_id, duplicate.matched_line_number) == (
        A,
        77,
        None,
    )


def test_a_number_in_the_database_without_a_lead_is_still_a_duplicate() -> None:
    verdict = classify_batch([accepted(4, A)], PhoneRegistry(), {A: None}, set())
    assert verdict.kept == []
    assert verdict.duplicates[0].matched_lead_id is None


def test_a_row_with_a_do_not_call_number_is_kept_as_blocked() -> None:
    verdict = classify_batch([accepted(2, A, B), accepted(3, C)], PhoneRegistry(), {}, {B})
    assert [row.line_number for row in verdict.kept] == [2, 3]
    assert verdict.blocked == [True, False]


def test_unseen_lists_only_numbers_the_import_has_not_taken() -> None:
    registry = PhoneRegistry()
    classify_batch([accepted(2, A)], registry, {}, set())
    assert registry.unseen([accepted(3, A, B), accepted(4, C)]) == {B, C}
