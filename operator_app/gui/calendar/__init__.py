"""The visit calendar screen."""

from operator_app.gui.calendar.page import CalendarPage

__all__ = ["CalendarPage"]
