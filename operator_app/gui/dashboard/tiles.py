"""The dashboard's figure tiles: a big value, a caption, a detail line and a tooltip that
says how the figure is counted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from operator_app.core.reports.dashboard import Figures
from operator_app.gui.charts.numbers import count_text, percent_text
from operator_app.gui.dashboard.texts import minutes_text, money_text

__all__ = ["TILE_CODES", "FigureTiles", "Tile"]

_COLUMNS = 7


@dataclass(frozen=True, slots=True)
class _TileSpec:
    code: str
    value: Callable[[Figures], str]
    detail: Callable[[Figures], str]


class Tile(QFrame):
    def __init__(self, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"tile_{code}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a screen reader reads the tiles in turn
        self.value = QLabel("—")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.value.setFont(font)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.detail = QLabel()
        self.detail.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.detail.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(2)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)
        layout.addWidget(self.detail)
        layout.addStretch(1)

    def show_texts(self, value: str, caption: str, detail: str, explanation: str) -> None:
        self.value.setText(value)
        self.caption.setText(caption)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.setToolTip(explanation)
        self.setAccessibleName(self.tr("{caption}: {value}").format(caption=caption, value=value))
        self.setAccessibleDescription(" ".join(t for t in (detail, explanation) if t))


class FigureTiles(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardTiles")
        self._figures: Figures | None = None
        self._tiles: dict[str, Tile] = {}
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for index, spec in enumerate(_SPECS):
            tile = Tile(spec.code)
            self._tiles[spec.code] = tile
            layout.addWidget(tile, index // _COLUMNS, index % _COLUMNS)
        self.retranslate()

    def tile(self, code: str) -> Tile:
        return self._tiles[code]

    def value_text(self, code: str) -> str:
        return self._tiles[code].value.text()

    def set_figures(self, figures: Figures | None) -> None:
        """None: nothing loaded yet (dashes)."""
        self._figures = figures
        self.retranslate()

    def retranslate(self) -> None:
        captions = _captions()
        explanations = _explanations()
        for spec in _SPECS:
            figures = self._figures
            value = spec.value(figures) if figures is not None else "—"
            detail = spec.detail(figures) if figures is not None else ""
            self._tiles[spec.code].show_texts(
                value, captions[spec.code], detail, explanations[spec.code]
            )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


translate = QCoreApplication.translate


def _captions() -> dict[str, str]:
    return {
        "calls": translate("FigureTiles", "Calls"),
        "reach_rate": translate("FigureTiles", "Reach rate"),
        "talk_minutes_per_day": translate("FigureTiles", "Talk minutes a day"),
        "leads": translate("FigureTiles", "Leads"),
        "handoffs_accepted": translate("FigureTiles", "Hand-offs accepted"),
        "visits_booked": translate("FigureTiles", "Visits booked"),
        "visits_held": translate("FigureTiles", "Visits held"),
        "attendance_rate": translate("FigureTiles", "Attendance"),
        "sales": translate("FigureTiles", "Sales"),
        "revenue": translate("FigureTiles", "Revenue"),
        "conversion_to_lead": translate("FigureTiles", "Taken into work → lead"),
        "conversion_to_held": translate("FigureTiles", "Lead → visit held"),
        "conversion_to_sale": translate("FigureTiles", "Visit held → sale"),
    }


def _explanations() -> dict[str, str]:
    return {
        "calls": translate("FigureTiles", "Finished call attempts started in the period"),
        "reach_rate": translate(
            "FigureTiles", "Calls in which the client was reached, of all calls"
        ),
        "talk_minutes_per_day": translate(
            "FigureTiles",
            "Talk minutes divided by working days (a person's day with at least one call)",
        ),
        "leads": translate(
            "FigureTiles", "Different leads with a call whose outcome counts as positive"
        ),
        "handoffs_accepted": translate(
            "FigureTiles", "Leads the sellers accepted (decided in the period)"
        ),
        "visits_booked": translate(
            "FigureTiles", "Visits booked in the period; moving a visit is not a new booking"
        ),
        "visits_held": translate("FigureTiles", "Visits in the period the client came to"),
        "attendance_rate": translate("FigureTiles", "Visits held, of visits held and no-shows"),
        "sales": translate("FigureTiles", "Visits held that ended in a sale"),
        "revenue": translate("FigureTiles", "The amounts of those sales"),
        "conversion_to_lead": translate(
            "FigureTiles",
            "Leads, of the leads that had at least one call: is the list being burnt?",
        ),
        "conversion_to_held": translate("FigureTiles", "Leads with a visit held, of all leads"),
        "conversion_to_sale": translate("FigureTiles", "Sales, of visits held"),
    }


def _no_detail(_figures: Figures) -> str:
    return ""


def _reached(figures: Figures) -> str:
    return translate("FigureTiles", "{count} reached").format(count=count_text(figures.reached))


def _talk(figures: Figures) -> str:
    return translate("FigureTiles", "{minutes} min over {days} working days").format(
        minutes=minutes_text(figures.talk_minutes), days=count_text(figures.working_days)
    )


def _no_shows(figures: Figures) -> str:
    return translate("FigureTiles", "{count} no-shows").format(count=count_text(figures.no_shows))


def _taken(figures: Figures) -> str:
    return translate("FigureTiles", "{count} taken into work").format(
        count=count_text(figures.taken_into_work)
    )


_SPECS = (
    _TileSpec("calls", lambda f: count_text(f.calls), _reached),
    _TileSpec("reach_rate", lambda f: percent_text(f.reach_rate), _no_detail),
    _TileSpec("talk_minutes_per_day", lambda f: minutes_text(f.talk_minutes_per_day), _talk),
    _TileSpec("leads", lambda f: count_text(f.leads), _taken),
    _TileSpec("handoffs_accepted", lambda f: count_text(f.handoffs_accepted), _no_detail),
    _TileSpec("visits_booked", lambda f: count_text(f.visits_booked), _no_detail),
    _TileSpec("visits_held", lambda f: count_text(f.visits_held), _no_shows),
    _TileSpec("attendance_rate", lambda f: percent_text(f.attendance_rate), _no_detail),
    _TileSpec("sales", lambda f: count_text(f.sales), _no_detail),
    _TileSpec("revenue", lambda f: money_text(f.revenue), _no_detail),
    _TileSpec("conversion_to_lead", lambda f: percent_text(f.conversion_to_lead), _no_detail),
    _TileSpec("conversion_to_held", lambda f: percent_text(f.conversion_to_held), _no_detail),
    _TileSpec("conversion_to_sale", lambda f: percent_text(f.conversion_to_sale), _no_detail),
)
TILE_CODES = tuple(spec.code for spec in _SPECS)
