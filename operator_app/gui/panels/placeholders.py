"""Honest pages for what arrives in later releases: what will be there, and when."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from operator_app.gui.widgets.empty_state import EmptyState


class _Placeholder(QWidget):
    ICON = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.empty_state = EmptyState(self.ICON)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty_state)
        self.retranslate()

    def retranslate(self) -> None:
        """Subclasses say what their workspace will hold; this is the generic wording."""
        self.empty_state.set_texts(self.next_release(), "")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def next_release(self) -> str:
        return self.tr("Arrives with the next release")


class ReviewPage(_Placeholder):
    ICON = "review"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewPage")

    def retranslate(self) -> None:
        self.empty_state.set_texts(
            self.tr("Call review"),
            self.tr("Reviewing calls and results arrives with the next release. Here you will:"),
            [
                self.tr("go through call outcomes and check that the script was followed;"),
                self.tr("compare lists and script versions by conversion;"),
                self.tr("track plan against fact for every operator."),
            ],
            badge=self.next_release(),
        )


class EditorsPage(_Placeholder):
    ICON = "editor"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("editorsPage")

    def retranslate(self) -> None:
        self.empty_state.set_texts(
            self.tr("Scripts"),
            self.tr("The script editor arrives with the next release. Here you will edit:"),
            [
                self.tr("call scripts, with versions, so past calls keep theirs;"),
                self.tr("steps, branches and objections, checked for dead ends;"),
                self.tr("which script version each operator or lead gets, to test a change."),
            ],
            badge=self.next_release(),
        )
