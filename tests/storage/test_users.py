"""Sign-in and user management on both backends; roles are enforced by the service."""

from __future__ import annotations

import pytest

from operator_app.core.errors import AuthenticationFailed, PermissionDenied, ValidationFailed
from operator_app.core.roles import Actor, Role
from operator_app.core.users import UserService
from operator_app.storage.database import Database


@pytest.fixture
def admin(db: Database) -> Actor:
    return UserService(db).create_first_admin("admin", "Анна Админова", "secret1")


def test_first_admin_only_on_an_empty_database(db: Database, admin: Actor) -> None:
    assert admin.role is Role.ADMIN
    with pytest.raises(ValidationFailed):
        UserService(db).create_first_admin("other", "Other", "secret1")


def test_sign_in_checks_the_password_and_the_account(db: Database, admin: Actor) -> None:
    users = UserService(db)
    created = users.create_user(admin, "olga", "Ольга", Role.OPERATOR, "pass123")
    assert users.authenticate("olga", "pass123").role is Role.OPERATOR
    with pytest.raises(AuthenticationFailed, match="wrong login or password"):
        users.authenticate("olga", "nope123")
    with pytest.raises(AuthenticationFailed, match="wrong login or password"):
        users.authenticate("nobody", "pass123")
    users.update_user(admin, created.id, active=False)
    with pytest.raises(AuthenticationFailed, match="disabled"):
        users.authenticate("olga", "pass123")


def test_an_operator_cannot_manage_users(db: Database, admin: Actor) -> None:
    users = UserService(db)
    users.create_user(admin, "olga", "Ольга", Role.OPERATOR, "pass123")
    operator = users.authenticate("olga", "pass123")
    with pytest.raises(PermissionDenied):
        users.list_users(operator)
    with pytest.raises(PermissionDenied):
        users.create_user(operator, "evil", "Evil", Role.ADMIN, "pass123")


def test_validation_names_the_field(db: Database, admin: Actor) -> None:
    users = UserService(db)
    with pytest.raises(ValidationFailed) as raised:
        users.create_user(admin, "x", "X", Role.OPERATOR, "pass123")
    assert raised.value.field == "login"
    with pytest.raises(ValidationFailed) as raised:
        users.create_user(admin, "olga", "Ольга", Role.OPERATOR, "123")
    assert raised.value.field == "password"
    users.create_user(admin, "olga", "Ольга", Role.OPERATOR, "pass123")
    with pytest.raises(ValidationFailed) as raised:
        users.create_user(admin, "olga", "Ольга 2", Role.OPERATOR, "pass123")
    assert raised.value.problem == "exists"


def test_an_admin_cannot_lock_themselves_out(db: Database, admin: Actor) -> None:
    users = UserService(db)
    with pytest.raises(ValidationFailed):
        users.update_user(admin, admin.user_id, active=False)
    with pytest.raises(ValidationFailed):
        users.update_user(admin, admin.user_id, role=Role.OPERATOR)


def test_password_reset_and_change(db: Database, admin: Actor) -> None:
    users = UserService(db)
    olga = users.create_user(admin, "olga", "Ольга", Role.OPERATOR, "pass123")
    users.reset_password(admin, olga.id, "newpass1")
    operator = users.authenticate("olga", "newpass1")
    with pytest.raises(AuthenticationFailed):
        users.change_own_password(operator, "wrong!!", "another1")
    users.change_own_password(operator, "newpass1", "another1")
    assert users.authenticate("olga", "another1").login == "olga"


def test_remembered_sign_in_is_for_the_embedded_database_only(db: Database, admin: Actor) -> None:
    users = UserService(db)
    if db.backend == "sqlite":
        assert users.sign_in_remembered("admin").user_id == admin.user_id
    else:
        with pytest.raises(AuthenticationFailed, match="shared database"):
            users.sign_in_remembered("admin")
