"""The lead-list import wizard and its pieces."""

from operator_app.gui.importing.wizard import ImportWizard, PageId

__all__ = ["ImportWizard", "PageId"]
