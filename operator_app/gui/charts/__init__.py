"""Small charts painted with QPainter (QtCharts is not shipped): a funnel and a daily trend."""

from operator_app.gui.charts.funnel import FunnelBar, FunnelChart
from operator_app.gui.charts.trend import SeriesStyle, TrendChart, TrendData, TrendSeries

__all__ = ["FunnelBar", "FunnelChart", "SeriesStyle", "TrendChart", "TrendData", "TrendSeries"]
