"""Roles, what each may do, and the check every service makes before acting."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from operator_app.core.errors import PermissionDenied


class Role(StrEnum):
    OPERATOR = "operator"
    SELLER = "seller"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Permission(StrEnum):
    WORK_QUEUE = "work_queue"
    HANDLE_HANDOFFS = "handle_handoffs"
    IMPORT_LISTS = "import_lists"
    EDIT_SCRIPTS = "edit_scripts"
    EDIT_CRITERIA = "edit_criteria"
    REVIEW_CALLS = "review_calls"
    VIEW_ALL_KPIS = "view_all_kpis"
    ARBITRATE_HANDOFFS = "arbitrate_handoffs"
    MANAGE_USERS = "manage_users"
    MANAGE_CAMPAIGNS = "manage_campaigns"
    MANAGE_DATABASE = "manage_database"


_SUPERVISION = frozenset(
    {
        Permission.IMPORT_LISTS,
        Permission.EDIT_SCRIPTS,
        Permission.EDIT_CRITERIA,
        Permission.REVIEW_CALLS,
        Permission.VIEW_ALL_KPIS,
        Permission.ARBITRATE_HANDOFFS,
    }
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OPERATOR: frozenset({Permission.WORK_QUEUE}),
    Role.SELLER: frozenset({Permission.HANDLE_HANDOFFS, Permission.WORK_QUEUE}),
    Role.SUPERVISOR: _SUPERVISION | {Permission.WORK_QUEUE},
    Role.ADMIN: _SUPERVISION
    | {Permission.MANAGE_USERS, Permission.MANAGE_CAMPAIGNS, Permission.MANAGE_DATABASE},
}


@dataclass(frozen=True, slots=True)
class Actor:
    """The signed-in person on whose behalf a service acts."""

    user_id: int
    login: str
    display_name: str
    role: Role

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]


def require(actor: Actor, permission: Permission) -> None:
    if not actor.can(permission):
        raise PermissionDenied(permission.value, actor.role.value)
