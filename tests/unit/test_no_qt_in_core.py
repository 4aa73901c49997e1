"""The domain and storage layers never import Qt: they must run in the CLI, workers and tests."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import operator_app

PACKAGE = Path(operator_app.__file__).resolve().parent
QT_PACKAGES = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "PySide2")
QT_FREE_LAYERS = ("core", "storage")


def imported_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name | ast.Attribute)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def python_files(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", QT_FREE_LAYERS)
def test_the_layer_has_modules_to_check(layer: str) -> None:
    assert python_files(layer), f"operator_app/{layer} has no Python files: wrong path?"


@pytest.mark.parametrize("layer", QT_FREE_LAYERS)
def test_no_module_of_the_layer_imports_qt(layer: str) -> None:
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}"
        for path in python_files(layer)
        for line, module in imported_modules(path)
        if module.split(".")[0] in QT_PACKAGES
    ]
    assert offenders == []


def test_the_scan_would_catch_an_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\nfrom PySide6.QtCore import QObject\nimport shiboken6\n"
        "def later():\n    import PySide6.QtWidgets\n",
        encoding="utf-8",
    )
    modules = [module for _line, module in imported_modules(sample)]
    assert modules == ["os", "PySide6.QtCore", "shiboken6", "PySide6.QtWidgets"]
