"""How an outcome code reads in the interface: the campaign's own label, the default outcomes
and the calendar's call results in the interface language, the bare code when nobody knows it
any more."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication

from operator_app.core.calendar.confirmation import (
    CANCELLED_DISPOSITION,
    CONFIRMED_DISPOSITION,
    DONE_DISPOSITION,
    RESCHEDULED_DISPOSITION,
)
from operator_app.core.outcomes import DEFAULT_DISPOSITIONS, DispositionInfo, OutcomeCode


def default_label(code: str) -> str | None:
    """The interface-language name of a default outcome or of a calendar call's result (the
    calendar's calls record "no answer" with the default code), None for a campaign's own
    code."""
    translate = QCoreApplication.translate
    calendar = {
        CONFIRMED_DISPOSITION: translate("DispositionLabels", "Visit confirmed"),
        RESCHEDULED_DISPOSITION: translate("DispositionLabels", "Visit rescheduled"),
        CANCELLED_DISPOSITION: translate("DispositionLabels", "Visit cancelled by the client"),
        DONE_DISPOSITION: translate("DispositionLabels", "Calendar call done"),
    }
    if code in calendar:
        return calendar[code]
    names = {
        OutcomeCode.NO_ANSWER: translate("DispositionLabels", "No answer"),
        OutcomeCode.BUSY: translate("DispositionLabels", "Busy"),
        OutcomeCode.WRONG_NUMBER: translate("DispositionLabels", "Wrong number"),
        OutcomeCode.VOICEMAIL: translate("DispositionLabels", "Voicemail"),
        OutcomeCode.CALLBACK: translate("DispositionLabels", "Callback requested"),
        OutcomeCode.NOT_TARGET: translate("DispositionLabels", "Not target"),
        OutcomeCode.REFUSED: translate("DispositionLabels", "Refused"),
        OutcomeCode.DO_NOT_CALL: translate("DispositionLabels", "Do not call"),
        OutcomeCode.LEAD: translate("DispositionLabels", "Lead — to verification"),
        OutcomeCode.VISIT_BOOKED: translate("DispositionLabels", "Visit booked"),
    }
    try:
        return names[OutcomeCode(code)]
    except ValueError:
        return None


_STOCK_LABELS = {spec.code: spec.label for spec in DEFAULT_DISPOSITIONS}


def outcome_labels(dispositions: Iterable[DispositionInfo]) -> dict[str, str]:
    """Code → label for a campaign's outcomes.

    A default outcome whose label the campaign kept as shipped is shown translated; a label
    the campaign renamed is its own wording and is shown as it was written.
    """
    labels: dict[str, str] = {}
    for info in dispositions:
        translated = default_label(info.code)
        kept_as_shipped = _STOCK_LABELS.get(info.code) == info.label
        labels[info.code] = translated if translated and kept_as_shipped else info.label
    return labels


def outcome_label(code: str, labels: dict[str, str]) -> str:
    """The label of `code`: the campaign's, else a default one, else the code itself."""
    return labels.get(code) or default_label(code) or code
