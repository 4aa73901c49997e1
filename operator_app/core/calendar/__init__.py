"""Visits: resources and slots, booking, reminder plans, attendance, calendar views."""
