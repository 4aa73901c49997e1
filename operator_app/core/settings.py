"""The few preferences that must be known before Qt starts: language and database."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from operator_app.appdirs import app_data_dir

LANGUAGES = ("ru", "en")
SETTINGS_FILE_NAME = "settings.json"


@dataclass(slots=True)
class AppSettings:
    language: str = "ru"
    database_url: str | None = None  # None: the embedded SQLite file
    remembered_login: str | None = None  # embedded database only
    default_region: str = "RU"

    @staticmethod
    def path() -> Path:
        return app_data_dir() / SETTINGS_FILE_NAME

    @classmethod
    def load(cls) -> AppSettings:
        try:
            raw = json.loads(cls.path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(raw, dict):
            return cls()
        known = {f.name for f in fields(cls)}
        settings = cls(**{k: v for k, v in raw.items() if k in known})
        if settings.language not in LANGUAGES:
            settings.language = "ru"
        return settings

    def save(self) -> None:
        path = self.path()
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")
        temporary.replace(path)  # atomic: a crash never leaves half a settings file
