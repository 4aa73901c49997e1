"""The supervisor's dashboard page."""

from operator_app.gui.dashboard.page import DashboardPage

__all__ = ["DashboardPage"]
