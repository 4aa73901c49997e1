"""Rejected rows are explained in the interface language, cell by cell."""

from __future__ import annotations

from operator_app.core.importing.types import CellIssue, RejectedRow, RowProblem
from operator_app.gui.i18n import Translations
from operator_app.gui.importing.texts import rejection_details

ROW = RejectedRow(
    line_number=5,
    cells=("Иванов", "нет", "7707083894"),
    problem=RowProblem.NO_VALID_PHONE,
    reason="no valid phone number: Телефон: 'нет' does not contain a phone number",
    issues=(
        CellIssue("Телефон", "нет", "not_a_number"),
        CellIssue("Доп. телефон", "", "empty"),
    ),
)


def test_details_are_worded_in_english_and_in_russian(translations: Translations) -> None:
    assert rejection_details(ROW) == (
        "Телефон “нет”: there is no phone number in it; Доп. телефон: empty"
    )
    translations.apply("ru")
    details = rejection_details(ROW)
    assert "в ячейке нет номера телефона" in details
    assert "Доп. телефон: пусто" in details
    assert "phone" not in details


def test_a_row_without_cell_issues_falls_back_to_the_reason(translations: Translations) -> None:
    bare = RejectedRow(5, ("x",), RowProblem.BAD_INN, "ИНН: '1' is not an INN")
    assert rejection_details(bare) == "ИНН: '1' is not an INN"
