"""Core errors carry English text and structured fields; this turns them into the user's language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from operator_app.core.errors import (
    AuthenticationFailed,
    NotFound,
    OperatorAppError,
    PermissionDenied,
    ValidationFailed,
)
from operator_app.core.users import MIN_PASSWORD_LENGTH
from operator_app.gui.labels import role_label

translate = QCoreApplication.translate


def validation_text(error: ValidationFailed) -> str:
    key = (error.field, error.problem)
    if key == ("login", "format"):
        return translate(
            "ErrorText", "The login must be 2 to 64 Latin letters, digits or the characters . _ @ -"
        )
    if key == ("login", "exists"):
        return translate("ErrorText", "This login is already taken: choose another one.")
    if key == ("password", "too_short"):
        return translate("ErrorText", "The password must have at least {count} characters.").format(
            count=MIN_PASSWORD_LENGTH
        )
    if key == ("display_name", "empty"):
        return translate("ErrorText", "Enter the person's name.")
    if key == ("role", "self"):
        return translate("ErrorText", "You cannot take away your own administrator access.")
    return str(error)


# AuthenticationFailed has no structured reason yet, so its known messages are matched.
def _authentication_text(error: AuthenticationFailed) -> str:
    known = {
        "wrong login or password": translate("ErrorText", "Wrong login or password."),
        "this account is disabled": translate(
            "ErrorText", "This account is disabled. Ask an administrator to enable it."
        ),
        "the remembered user is no longer available": translate(
            "ErrorText", "The remembered user is no longer available: sign in with a password."
        ),
        "a shared database always asks for the password": translate(
            "ErrorText", "A shared database always asks for the password."
        ),
        "the current password is wrong": translate("ErrorText", "The current password is wrong."),
    }
    return known.get(str(error), str(error))


def error_text(error: OperatorAppError) -> str:
    """A sentence for the person in front of the screen, in the interface language."""
    if isinstance(error, ValidationFailed):
        return validation_text(error)
    if isinstance(error, AuthenticationFailed):
        return _authentication_text(error)
    if isinstance(error, PermissionDenied):
        return translate("ErrorText", "Your role ({role}) may not do this.").format(
            role=role_label(error.role)
        )
    if isinstance(error, NotFound):
        return translate(
            "ErrorText",
            "It is no longer there: someone may have removed it. Refresh and try again.",
        )
    return str(error)
