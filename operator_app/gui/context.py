"""What every workspace panel needs: the database, who is signed in, and the preferences."""

from __future__ import annotations

from dataclasses import dataclass

from operator_app.core.roles import Actor
from operator_app.core.settings import AppSettings
from operator_app.gui.i18n import Translations
from operator_app.storage.database import Database


@dataclass(frozen=True, slots=True)
class WorkspaceContext:
    database: Database
    actor: Actor
    settings: AppSettings
    translations: Translations
