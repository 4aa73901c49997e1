"""Cells a spreadsheet would run as a formula get an apostrophe; numbers and plain text do not."""

from __future__ import annotations

import pytest

from operator_app.core.exports.cells import neutralise


@pytest.mark.parametrize(
    "text",
    [
        "=SUM(A1:A9)",
        '=HYPERLINK("http://evil";"click")',
        "+79161234567",
        "-2+3",
        "-1+cmd|' /C calc'!A0",
        "@SUM(1)",
        "\t=1",
        "\r=1",
        "＝1+1",
        "＋7",
        "－1",
        "＠x",
        "-",
        "+",
    ],
)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "text", ["", "Иван Петров", "a=b", "5", "-5", "-3,5", "-1234.50", "'=already", " =1"]
)
def test_plain_text_and_plain_numbers_are_left_alone(text: str) -> None:
    assert neutralise(text) == text
