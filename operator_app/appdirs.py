"""Where the app keeps its files: the embedded database, settings, drafts and logs.

OPERATOR_APP_HOME overrides the platform's user data folder (a portable install, or tests).
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

APP_DIR_NAME = "operator-app"
HOME_ENV_VAR = "OPERATOR_APP_HOME"


def app_data_dir() -> Path:
    override = os.environ.get(HOME_ENV_VAR)
    path = Path(override) if override else user_data_path(APP_DIR_NAME, appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path
