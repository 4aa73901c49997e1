"""A person's own results beside their work: the scorecard and the feedback on their calls."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTabWidget, QVBoxLayout, QWidget

from operator_app.gui.context import WorkspaceContext
from operator_app.gui.window_state import restore_geometry, save_geometry

__all__ = ["MyResultsWindow"]

_STATE_KEY = "my_results"


class MyResultsWindow(QDialog):
    """Not modal: an operator glances at it between calls and keeps it open if they like."""

    def __init__(self, context: WorkspaceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("myResultsWindow")
        self.setWindowModality(Qt.WindowModality.NonModal)
        # The pages load their own modules: a person who never opens this never pays for them.
        from operator_app.gui.kpi.scorecard_page import ScorecardPage
        from operator_app.gui.review.feedback_page import FeedbackPage

        self.scorecard_page = ScorecardPage(context)
        self.feedback_page = FeedbackPage(context)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.scorecard_page, "")
        self.tabs.addTab(self.feedback_page, "")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        if not restore_geometry(self, _STATE_KEY):
            self.resize(900, 620)
        self.retranslate()

    def show_feedback(self) -> None:
        self.tabs.setCurrentWidget(self.feedback_page)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("My results"))
        self.tabs.setTabText(0, self.tr("Scorecard"))
        self.tabs.setTabText(1, self.tr("Feedback on my calls"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def done(self, result: int) -> None:
        save_geometry(self, _STATE_KEY)
        super().done(result)
