"""The dashboard's parts on their own: period presets, the filters bar, the figure tiles and
the table models (checked with qtmodeltester)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from operator_app.core.reports.dashboard import (
    Breakdown,
    BreakdownRow,
    Choice,
    Figures,
    FilterChoices,
    ObjectionCount,
    ReasonCount,
    StepCount,
)
from operator_app.core.reports.period import ReportPeriod
from operator_app.gui.dashboard.filters_bar import FiltersBar
from operator_app.gui.dashboard.presets import PeriodPreset, preset_days
from operator_app.gui.dashboard.tables import (
    breakdown_model,
    count_model,
    objection_lines,
    reason_lines,
    step_lines,
    step_model,
)
from operator_app.gui.dashboard.tiles import TILE_CODES, FigureTiles
from operator_app.gui.i18n import Translations
from operator_app.gui.models.table import SORT_ROLE

THURSDAY = dt.date(2026, 11, 26)
ZONE = "Europe/Moscow"

FIGURES = Figures(
    calls=120,
    reached=90,
    talk_seconds=3 * 60 * 60,
    working_days=4,
    taken_into_work=80,
    leads=20,
    handoffs_accepted=6,
    visits_booked=12,
    visits_held=8,
    no_shows=2,
    sales=3,
    revenue=Decimal("150000.00"),
    leads_held=8,
)
CHOICES = FilterChoices(
    campaigns=(Choice(1, "Кредитный брокер"), Choice(2, "Автосалон")),
    lists=(Choice(7, "Москва, ипотека"),),
    operators=(Choice(11, "Анна"), Choice(12, "Борис")),
    script_versions=(Choice(5, "Брокер v1"), Choice(6, "Брокер v2")),
)


# --- presets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("preset", "first", "last"),
    [
        (PeriodPreset.TODAY, THURSDAY, THURSDAY),
        (PeriodPreset.THIS_WEEK, dt.date(2026, 11, 23), THURSDAY),
        (PeriodPreset.THIS_MONTH, dt.date(2026, 11, 1), THURSDAY),
        (PeriodPreset.LAST_30_DAYS, dt.date(2026, 10, 28), THURSDAY),
    ],
)
def test_presets_end_today(preset: PeriodPreset, first: dt.date, last: dt.date) -> None:
    assert preset_days(preset, THURSDAY) == (first, last)


def test_this_week_on_a_monday_is_one_day() -> None:
    monday = dt.date(2026, 11, 23)
    assert preset_days(PeriodPreset.THIS_WEEK, monday) == (monday, monday)


# --- filters bar ------------------------------------------------------------------------------


class Changes:
    def __init__(self, bar: FiltersBar) -> None:
        self.count = 0
        bar.changed.connect(self._changed)

    def _changed(self) -> None:
        self.count += 1


@pytest.fixture
def bar(qtbot: QtBot, translations: Translations) -> FiltersBar:
    widget = FiltersBar(lambda: THURSDAY, ZONE)
    qtbot.addWidget(widget)
    return widget


def test_the_bar_starts_on_the_last_30_days_for_everyone(bar: FiltersBar) -> None:
    report_filter = bar.report_filter()
    assert report_filter.period == ReportPeriod(dt.date(2026, 10, 28), THURSDAY, ZONE)
    assert (report_filter.campaign_id, report_filter.list_id) == (None, None)
    assert (report_filter.operator_id, report_filter.script_version_id) == (None, None)
    assert bar.current_preset() is PeriodPreset.LAST_30_DAYS
    assert bar.preset.currentText() == "Last 30 days"
    assert bar.campaign.currentText() == "All campaigns"
    assert bar.operator_label() is None


def test_presets_and_chosen_days(bar: FiltersBar) -> None:
    changes = Changes(bar)
    bar.choose_preset(PeriodPreset.LAST_30_DAYS)
    assert bar.report_filter().period.days == 30
    assert changes.count == 1

    bar.set_days(dt.date(2026, 11, 2), dt.date(2026, 11, 8))
    assert bar.current_preset() is PeriodPreset.CUSTOM
    assert bar.report_filter().period == ReportPeriod(
        dt.date(2026, 11, 2), dt.date(2026, 11, 8), ZONE
    )
    assert changes.count == 2

    bar.choose_preset(PeriodPreset.TODAY)
    assert bar.report_filter().period.days == 1
    assert changes.count == 3


def test_a_period_never_ends_before_it_starts(bar: FiltersBar) -> None:
    bar.choose_preset(PeriodPreset.THIS_WEEK)
    changes = Changes(bar)
    bar.last_day.setDate(bar.last_day.date().addDays(-10))  # before the Monday
    period = bar.report_filter().period
    assert period.first_day == period.last_day == dt.date(2026, 11, 16)
    assert bar.current_preset() is PeriodPreset.CUSTOM
    assert changes.count == 1

    bar.first_day.setDate(bar.first_day.date().addDays(5))
    period = bar.report_filter().period
    assert period.first_day == period.last_day == dt.date(2026, 11, 21)


def test_choices_fill_the_combos_and_keep_what_was_chosen(bar: FiltersBar) -> None:
    bar.set_choices(CHOICES)
    assert [bar.campaign.itemText(i) for i in range(bar.campaign.count())] == [
        "All campaigns",
        "Кредитный брокер",
        "Автосалон",
    ]
    bar.campaign.setCurrentIndex(bar.campaign.findData(2))
    bar.script_version.setCurrentIndex(bar.script_version.findData(6))
    bar.lead_list.setCurrentIndex(bar.lead_list.findData(7))
    bar.set_choices(CHOICES)  # read again after a refresh
    report_filter = bar.report_filter()
    assert (report_filter.campaign_id, report_filter.list_id) == (2, 7)
    assert report_filter.script_version_id == 6


def test_choosing_in_a_combo_announces_one_change(qtbot: QtBot, bar: FiltersBar) -> None:
    bar.set_choices(CHOICES)
    changes = Changes(bar)
    bar.campaign.setCurrentIndex(1)
    bar.campaign.activated.emit(1)  # what a person's choice sends
    assert changes.count == 1
    assert bar.report_filter().campaign_id == 1


def test_operator_drill_and_back(bar: FiltersBar) -> None:
    bar.set_choices(CHOICES)
    changes = Changes(bar)
    bar.set_operator(12)
    assert bar.report_filter().operator_id == 12
    assert bar.operator_label() == "Борис"
    bar.set_operator(99, "Вера")  # someone the choices do not list yet
    assert bar.report_filter().operator_id == 99 and bar.operator_label() == "Вера"
    bar.set_choices(CHOICES)
    assert bar.operator_label() == "Вера"
    bar.set_operator(None)
    assert bar.report_filter().operator_id is None
    assert changes.count == 3


def test_an_operator_is_locked_to_themselves(qtbot: QtBot, translations: Translations) -> None:
    widget = FiltersBar(lambda: THURSDAY, ZONE, operator_locked_to=11)
    qtbot.addWidget(widget)
    widget.set_choices(CHOICES)
    assert widget.operator.isHidden()
    assert widget.report_filter().operator_id == 11
    widget.set_operator(12)
    assert widget.report_filter().operator_id == 11


# --- tiles ------------------------------------------------------------------------------------


@pytest.fixture
def tiles(qtbot: QtBot, translations: Translations) -> FigureTiles:
    widget = FigureTiles()
    qtbot.addWidget(widget)
    return widget


def test_tiles_show_dashes_until_figures_arrive(tiles: FigureTiles) -> None:
    assert all(tiles.value_text(code) == "—" for code in TILE_CODES)


def test_tiles_show_the_figures(tiles: FigureTiles) -> None:
    tiles.set_figures(FIGURES)
    expected = {
        "calls": "120",
        "reach_rate": "75.0 %",
        "talk_minutes_per_day": "45.0",
        "leads": "20",
        "handoffs_accepted": "6",
        "visits_booked": "12",
        "visits_held": "8",
        "attendance_rate": "80.0 %",
        "sales": "3",
        "revenue": "150,000",
        "conversion_to_lead": "25.0 %",
        "conversion_to_held": "40.0 %",
        "conversion_to_sale": "37.5 %",
    }
    assert {code: tiles.value_text(code) for code in TILE_CODES} == expected
    calls = tiles.tile("calls")
    assert calls.accessibleName() == "Calls: 120"
    assert calls.detail.text() == "90 reached"
    assert "Finished call attempts" in calls.toolTip()
    assert tiles.tile("talk_minutes_per_day").detail.text() == "180.0 min over 4 working days"


def test_tiles_with_nothing_to_divide_by(tiles: FigureTiles) -> None:
    tiles.set_figures(Figures())
    assert tiles.value_text("calls") == "0"
    assert tiles.value_text("reach_rate") == "—"
    assert tiles.value_text("talk_minutes_per_day") == "—"
    assert tiles.value_text("revenue") == "0"
    tiles.set_figures(Figures(sales=1, revenue=Decimal("999.50")))
    assert tiles.value_text("revenue") == "999.50"


# --- table models -----------------------------------------------------------------------------


def _rows() -> list[BreakdownRow]:
    return [
        BreakdownRow(11, "Анна", FIGURES),
        BreakdownRow(12, "Борис", Figures(calls=3, reached=1)),
        BreakdownRow(None, "", Figures()),
    ]


@pytest.mark.parametrize("by", list(Breakdown))
def test_breakdown_models_pass_the_model_tester(
    by: Breakdown, qtmodeltester: ModelTester, translations: Translations
) -> None:
    model = breakdown_model(by)
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]
    model.set_rows(_rows())
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]
    assert model.rowCount() == 3


def _column(model: object, title: str) -> int:
    from operator_app.gui.models.table import RowTableModel

    assert isinstance(model, RowTableModel)
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return titles.index(title)


def test_breakdown_columns_texts_and_sort_keys(translations: Translations) -> None:
    model = breakdown_model(Breakdown.OPERATOR)
    model.set_rows(_rows())
    reach = _column(model, "Reach rate")
    assert model.data(model.index(0, 0)) == "Анна"
    assert model.data(model.index(2, 0)) == "(no operator)"
    assert model.data(model.index(0, reach)) == "75.0 %"
    assert model.data(model.index(2, reach)) == "—"
    assert model.data(model.index(2, reach), SORT_ROLE) == -1.0  # below 0 % when sorted
    assert model.data(model.index(0, _column(model, "Revenue"))) == "150,000"
    assert model.data(model.index(0, _column(model, "Calls")), SORT_ROLE) == 120
    assert model.headerData(reach, Qt.Orientation.Horizontal, Qt.ItemDataRole.TextAlignmentRole)


def test_the_list_breakdown_shows_each_hypothesis(translations: Translations) -> None:
    model = breakdown_model(Breakdown.LIST)
    hypothesis = "Семьи с детьми покупают вторую квартиру"
    model.set_rows([BreakdownRow(7, "Москва, ипотека", FIGURES, hypothesis)])
    column = _column(model, "Hypothesis")
    assert column == 1
    assert model.data(model.index(0, column)) == hypothesis
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole) == hypothesis


def test_counted_tables(qtmodeltester: ModelTester, translations: Translations) -> None:
    reasons = reason_lines((ReasonCount("no_money", 3), ReasonCount("wrong_region", 1)))
    assert [(r.label, r.count, r.share) for r in reasons] == [
        ("no_money", 3, 0.75),
        ("wrong_region", 1, 0.25),
    ]
    model = count_model(lambda: "Non-target reason")
    model.set_rows(reasons)
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]
    assert model.data(model.index(0, 2)) == "75.0 %"

    objections = objection_lines(
        (ObjectionCount("teaser_1", "expensive", 3, "Дорого"), ObjectionCount("close", "busy", 1))
    )
    objection_model = count_model(lambda: "Objection", lambda: "Step")
    objection_model.set_rows(objections)
    qtmodeltester.check(objection_model)  # type: ignore[no-untyped-call]
    shown = [
        [objection_model.data(objection_model.index(row, c)) for c in range(4)] for row in range(2)
    ]
    # The script's title; the id where no script has the objection any more.
    assert shown == [["teaser_1", "Дорого", "3", "75.0 %"], ["close", "busy", "1", "25.0 %"]]
    assert reason_lines(()) == []


def test_where_calls_end(qtmodeltester: ModelTester, translations: Translations) -> None:
    lines = step_lines(
        (
            StepCount(5, "greeting", "contact", 6),
            StepCount(6, "teaser_1", "teaser", 2),
            StepCount(None, "unknown", None, 1),
            StepCount(9, "gone", "closing", 1),
        ),
        {5: "Брокер v1", 6: "Брокер v2"},
    )
    model = step_model()
    model.set_rows(lines)
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]
    row = [model.data(model.index(0, c)) for c in range(model.columnCount())]
    assert row == ["Брокер v1", "Contact", "greeting", "6", "60.0 %"]
    assert model.data(model.index(2, 0)) == "—" and model.data(model.index(2, 1)) == "—"
    assert model.data(model.index(3, 0)) == "#9"
    assert model.rowCount(QModelIndex()) == 4
