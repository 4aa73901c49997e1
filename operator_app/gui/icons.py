"""The app's own SVG icons from resources/icons."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon


@cache
def app_icon(name: str) -> QIcon:
    from operator_app.resources import resource_path

    return QIcon(str(resource_path("icons", f"{name}.svg")))
