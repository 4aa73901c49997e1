"""The painted funnel and trend charts: size, painting, tooltips, accessible text, no data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QSize
from PySide6.QtGui import QColor, QHelpEvent, QImage
from PySide6.QtWidgets import QApplication, QToolTip, QWidget
from pytestqt.qtbot import QtBot

from operator_app.gui.charts import (
    FunnelBar,
    FunnelChart,
    SeriesStyle,
    TrendChart,
    TrendData,
    TrendSeries,
)
from operator_app.gui.charts.funnel import FUNNEL_COLORS
from operator_app.gui.charts.scale import nice_ticks
from operator_app.gui.i18n import Translations

CALLS = QColor("#1a73e8")
LEADS = QColor("#e8710a")
DAYS = tuple(dt.date(2026, 11, 23) + dt.timedelta(days=i) for i in range(7))

FUNNEL = (
    FunnelBar("Taken into work", 200),
    FunnelBar("Leads", 50),
    FunnelBar("Visits booked", 40),
    FunnelBar("Visits held", 20),
    FunnelBar("Sales", 5),
)


def rendered(widget: QWidget, size: QSize) -> QImage:
    widget.resize(size)
    image = QImage(size, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    widget.render(image)
    return image


def colors_in(image: QImage) -> set[int]:
    return {
        image.pixel(x, y) & 0xFFFFFF
        for x in range(0, image.width(), 2)
        for y in range(0, image.height(), 2)
    }


def ask_tooltip(qtbot: QtBot, widget: QWidget, point: QPointF) -> str:
    local = point.toPoint()
    event = QHelpEvent(QEvent.Type.ToolTip, local, widget.mapToGlobal(local))
    QApplication.sendEvent(widget, event)
    qtbot.waitUntil(QToolTip.isVisible)
    return QToolTip.text()


@pytest.fixture
def funnel(qtbot: QtBot, translations: Translations) -> Iterator[FunnelChart]:
    chart = FunnelChart()
    qtbot.addWidget(chart)
    yield chart
    QToolTip.hideText()


@pytest.fixture
def trend(qtbot: QtBot, translations: Translations) -> Iterator[TrendChart]:
    chart = TrendChart()
    qtbot.addWidget(chart)
    yield chart
    QToolTip.hideText()


def week_trend() -> TrendData:
    return TrendData(
        DAYS,
        (
            TrendSeries("Calls", (10, 12, 0, 30, 8, 0, 0), CALLS, SeriesStyle.BARS),
            TrendSeries("Leads", (1, 3, 0, 6, 2, 0, 0), LEADS, SeriesStyle.LINE),
        ),
    )


# --- axis ticks --------------------------------------------------------------------------------


def test_ticks_are_round_and_reach_the_highest_value() -> None:
    assert nice_ticks(7) == (0, 2, 4, 6, 8)
    assert nice_ticks(130, most_ticks=4) == (0, 50, 100, 150)
    assert nice_ticks(10) == (0, 2, 4, 6, 8, 10)
    assert nice_ticks(0) == (0, 1)
    assert nice_ticks(0.3)[-1] >= 0.3
    assert nice_ticks(2, most_ticks=4) == (0, 0.5, 1, 1.5, 2)
    assert nice_ticks(2, most_ticks=4, whole=True) == (0, 1, 2)
    assert nice_ticks(1, whole=True) == (0, 1)


# --- funnel ------------------------------------------------------------------------------------


def test_funnel_bars_narrow_with_each_stage_and_paint(funnel: FunnelChart) -> None:
    funnel.set_bars(FUNNEL)
    hint = funnel.sizeHint()
    assert hint.width() > 240 and hint.height() >= 5 * 24
    image = rendered(funnel, hint)

    widths = [funnel.bar_rect(i).width() for i in range(5)]
    assert widths == sorted(widths, reverse=True) and widths[-1] > 0
    assert widths[1] == pytest.approx(widths[0] / 4)
    for index in range(5):  # bars are centred: a funnel, not a bar chart
        assert funnel.bar_rect(index).center().x() == pytest.approx(funnel.bar_rect(0).center().x())
    painted = colors_in(image)
    assert {color.rgb() & 0xFFFFFF for color in FUNNEL_COLORS} <= painted


def test_funnel_texts_give_conversion_from_the_stage_before(
    qtbot: QtBot, funnel: FunnelChart
) -> None:
    funnel.set_bars(FUNNEL)
    funnel.resize(funnel.sizeHint())
    assert funnel.value_text(0) == "200"
    assert funnel.value_text(1) == "50 · 25.0 %"
    assert funnel.tooltip_for(3) == (
        "Visits held: 20\n50.0 % of “Visits booked”\n10.0 % of “Taken into work”"
    )
    description = funnel.accessibleDescription()
    assert description.startswith("Funnel: Taken into work 200; Leads 50 (25.0 % of the stage")
    assert "Sales 5 (25.0 % of the stage before)" in description

    text = ask_tooltip(qtbot, funnel, funnel.row_rect(1).center())
    assert text.startswith("Leads: 50")
    assert funnel.part_at(QPointF(-5, -5)) is None


def test_funnel_with_zero_stages_divides_by_nothing(funnel: FunnelChart) -> None:
    funnel.set_bars((FunnelBar("Taken into work", 3), FunnelBar("Leads", 0), FunnelBar("Sales", 0)))
    assert funnel.value_text(2) == "0 · —"
    assert funnel.bar_rect(1).width() == 0
    rendered(funnel, funnel.sizeHint())


def test_funnel_without_data_says_so(qtbot: QtBot, funnel: FunnelChart) -> None:
    assert funnel.is_empty()
    assert funnel.sizeHint().isValid()
    image = rendered(funnel, QSize(300, 120))
    assert len(colors_in(image)) > 1  # the "no data" text is drawn
    assert funnel.accessibleDescription() == "Funnel: No data for this period"
    event = QHelpEvent(QEvent.Type.ToolTip, QPoint(150, 60), funnel.mapToGlobal(QPoint(150, 60)))
    QApplication.sendEvent(funnel, event)
    assert not QToolTip.isVisible()

    funnel.set_bars((FunnelBar("Taken into work", 0), FunnelBar("Leads", 0)))
    assert funnel.is_empty()


def test_funnel_hover_follows_the_mouse(qtbot: QtBot, funnel: FunnelChart) -> None:
    funnel.set_bars(FUNNEL)
    funnel.resize(funnel.sizeHint())
    funnel.show()
    qtbot.waitExposed(funnel)
    qtbot.mouseMove(funnel, funnel.row_rect(2).center().toPoint())  # type: ignore[no-untyped-call]
    qtbot.waitUntil(lambda: funnel.hovered == 2)
    funnel.set_bars(FUNNEL[:2])
    assert funnel.hovered is None


# --- trend -------------------------------------------------------------------------------------


def test_trend_draws_bars_on_the_left_axis_and_lines_on_the_right(trend: TrendChart) -> None:
    trend.set_data(week_trend())
    hint = trend.sizeHint()
    assert hint.width() >= 240 and hint.height() > 100
    assert trend.minimumSizeHint().height() < hint.height()
    image = rendered(trend, QSize(700, 260))

    plot = trend.plot_rect()
    tallest = trend.bar_rect(0, 3)
    assert tallest.top() >= plot.top() and tallest.bottom() == pytest.approx(plot.bottom())
    assert trend.bar_rect(0, 1).height() == pytest.approx(tallest.height() * 12 / 30, rel=0.01)
    # The line has its own axis: 6 leads reach as high as the axis allows (ticks 0..6 or 8).
    leads = trend.data().series[1]
    assert trend.line_point(leads, 3).y() < trend.line_point(leads, 0).y()
    assert trend.line_point(leads, 2).y() == pytest.approx(plot.bottom())
    painted = colors_in(image)
    assert CALLS.rgb() & 0xFFFFFF in painted
    assert any(_near(color, LEADS) for color in painted)


def _near(rgb: int, color: QColor) -> bool:
    red, green, blue = (rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF
    return abs(red - color.red()) + abs(green - color.green()) + abs(blue - color.blue()) < 30


def test_trend_tooltip_lists_every_series_of_the_day(qtbot: QtBot, trend: TrendChart) -> None:
    trend.set_data(week_trend())
    trend.resize(700, 260)
    slot = trend.slot_rect(3)
    assert trend.part_at(slot.center()) == 3
    assert trend.part_at(QPointF(1, 1)) is None
    text = ask_tooltip(qtbot, trend, slot.center())
    lines = text.split("\n")
    assert lines[0].endswith("2026") and lines[1:] == ["Calls: 30", "Leads: 6"]


def test_trend_accessible_summary(trend: TrendChart) -> None:
    trend.set_data(week_trend())
    description = trend.accessibleDescription()
    assert description.startswith("Trend from 23 November 2026 to 29 November 2026.")
    assert "Calls: 60 in all, most on 26 November (30)" in description
    assert "Leads: 12 in all, most on 26 November (6)" in description


def test_trend_without_data(trend: TrendChart) -> None:
    assert trend.is_empty()
    rendered(trend, trend.sizeHint())
    assert trend.accessibleDescription() == "Trend: No data for this period"

    zeros = TrendData(DAYS, (TrendSeries("Calls", (0,) * 7, CALLS),))
    trend.set_data(zeros)
    assert trend.is_empty()
    rendered(trend, QSize(400, 200))


def test_trend_with_one_day_and_a_fraction(trend: TrendChart) -> None:
    one_day = TrendData(DAYS[:1], (TrendSeries("Talk minutes", (12.5,), LEADS, SeriesStyle.LINE),))
    trend.set_data(one_day)
    image = rendered(trend, QSize(300, 200))
    assert len(colors_in(image)) > 2
    assert "Talk minutes: 12.5 in all" in trend.accessibleDescription()


def test_trend_data_refuses_a_series_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match="Calls"):
        TrendData(DAYS, (TrendSeries("Calls", (1, 2), CALLS),))
