"""The administrator's editor of offices, bookable resources, weekly hours and exceptions."""

from operator_app.gui.calendar_setup.page import CalendarSetupPage

__all__ = ["CalendarSetupPage"]
