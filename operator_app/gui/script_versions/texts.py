"""Words and numbers the script versions page shows."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QCoreApplication, QLocale

from operator_app.core.errors import ValidationFailed
from operator_app.core.script_split import SplitBy
from operator_app.gui.handoffs.background import failure_text

translate = QCoreApplication.translate


def percent(value: float | None) -> str:
    """0.1234 → "12.3 %"; no value → "—"."""
    if value is None:
        return "—"
    return translate("ScriptVersions", "{value} %").format(
        value=QLocale().toString(value * 100, "f", 1)
    )


def decimal_number(value: float | Decimal | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    return QLocale().toString(float(value), "f", digits)


def split_by_label(by: SplitBy) -> str:
    if by is SplitBy.OPERATOR:
        return translate("ScriptVersions", "per operator")
    return translate("ScriptVersions", "per lead")


def no_version_label() -> str:
    return translate("ScriptVersions", "(no script version)")


def problem_text(error: BaseException) -> str:
    """A sentence for a refused split or a failed load."""
    if isinstance(error, ValidationFailed):
        key = (error.field, error.problem)
        if key == ("version_b_id", "same_version"):
            return translate("ScriptVersions", "Choose two different versions.")
        if key == ("share_b", "out_of_range"):
            return translate("ScriptVersions", "Version B's share must be between 1 and 99 %.")
        if error.problem == "not_a_version":
            return translate(
                "ScriptVersions",
                "That version is no longer a published version of the campaign's script. "
                "Refresh and choose again.",
            )
        if key == ("campaign_id", "no_script"):
            return translate("ScriptVersions", "The campaign has no call script.")
    return failure_text(error)
