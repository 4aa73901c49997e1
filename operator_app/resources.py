"""Locating read-only data files shipped with the application."""

from __future__ import annotations

import functools
from pathlib import Path

__all__ = ["resource_path"]

_PACKAGE_DIR = Path(__file__).resolve().parent


def resource_path(*parts: str) -> Path:
    """Path of a file under the top-level `resources/` folder, e.g. ("regions", "ru_places.csv").

    The path is not checked for existence.
    """
    return _resources_dir().joinpath(*parts)


@functools.cache
def _resources_dir() -> Path:
    # The wheel copies resources/ into the package; a source checkout (including an editable
    # install) has no such copy and keeps it next to the package instead. The bundled copy is
    # checked first because an installed package's parent is site-packages, where an unrelated
    # "resources" folder may exist.
    bundled = _PACKAGE_DIR / "_bundled" / "resources"
    if bundled.is_dir():
        return bundled
    return _PACKAGE_DIR.parent / "resources"
