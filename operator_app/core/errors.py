"""Errors a user can act on. Their text is English; the GUI translates by class and fields."""

from __future__ import annotations


class OperatorAppError(Exception):
    """Base of every error the app reports to a person instead of crashing."""


class PermissionDenied(OperatorAppError):
    def __init__(self, action: str, role: str) -> None:
        self.action = action
        self.role = role
        super().__init__(f"the role '{role}' may not {action.replace('_', ' ')}")


class AuthenticationFailed(OperatorAppError):
    pass


class NotFound(OperatorAppError):
    pass


class ValidationFailed(OperatorAppError):
    """A value a person entered is not acceptable; names the field and the problem."""

    def __init__(self, field: str, problem: str, message: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(message)
