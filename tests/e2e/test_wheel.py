"""`pip install .` must yield a working app: the wheel carries migrations and resources."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_wheel_carries_migrations_and_resources(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("operator_app-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "operator_app/_bundled/db/env.py" in names
    assert any(n.startswith("operator_app/_bundled/db/versions/0001") for n in names)
    assert any(n.startswith("operator_app/_bundled/resources/i18n/") and n.endswith(".qm")
               for n in names)  # fmt: skip
    assert "operator_app/cli.py" in names
