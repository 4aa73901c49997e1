import pytest

from operator_app.core.errors import PermissionDenied
from operator_app.core.roles import Actor, Permission, Role, require


def actor(role: Role) -> Actor:
    return Actor(user_id=1, login=role.value, display_name=role.value, role=role)


@pytest.mark.parametrize(
    ("role", "permission", "allowed"),
    [
        (Role.OPERATOR, Permission.WORK_QUEUE, True),
        (Role.OPERATOR, Permission.IMPORT_LISTS, False),
        (Role.OPERATOR, Permission.REVIEW_CALLS, False),
        (Role.SELLER, Permission.HANDLE_HANDOFFS, True),
        (Role.SELLER, Permission.MANAGE_USERS, False),
        (Role.SUPERVISOR, Permission.REVIEW_CALLS, True),
        (Role.SUPERVISOR, Permission.IMPORT_LISTS, True),
        (Role.SUPERVISOR, Permission.MANAGE_USERS, False),
        (Role.ADMIN, Permission.MANAGE_USERS, True),
        (Role.ADMIN, Permission.MANAGE_DATABASE, True),
    ],
)
def test_role_permissions(role: Role, permission: Permission, allowed: bool) -> None:
    assert actor(role).can(permission) is allowed
    if allowed:
        require(actor(role), permission)
    else:
        with pytest.raises(PermissionDenied) as raised:
            require(actor(role), permission)
        assert raised.value.role == role.value
        assert raised.value.action == permission.value
