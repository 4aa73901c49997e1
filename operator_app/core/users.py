"""Signing in and managing the people who use the workstation."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select

from operator_app.core.errors import AuthenticationFailed, NotFound, ValidationFailed
from operator_app.core.passwords import hash_password, verify_password
from operator_app.core.roles import Actor, Permission, Role, require
from operator_app.storage.base import utcnow
from operator_app.storage.database import Database
from operator_app.storage.models import User

MIN_PASSWORD_LENGTH = 6
_LOGIN_PATTERN = re.compile(r"^[A-Za-z0-9._@-]{2,64}$")


@dataclass(frozen=True, slots=True)
class UserInfo:
    id: int
    login: str
    display_name: str
    role: Role
    active: bool


def _info(user: User) -> UserInfo:
    return UserInfo(user.id, user.login, user.display_name, Role(user.role), user.active)


def _actor(user: User) -> Actor:
    return Actor(user.id, user.login, user.display_name, Role(user.role))


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            "password",
            "too_short",
            f"the password must have at least {MIN_PASSWORD_LENGTH} characters",
        )


def _check_login(login: str) -> None:
    if not _LOGIN_PATTERN.match(login):
        raise ValidationFailed(
            "login",
            "format",
            "the login must be 2-64 Latin letters, digits or . _ @ -",
        )


class UserService:
    def __init__(self, database: Database) -> None:
        self._db = database

    def has_users(self) -> bool:
        with self._db.session() as session:
            return bool(session.scalar(select(func.count()).select_from(User)))

    def authenticate(self, login: str, password: str) -> Actor:
        with self._db.session() as session:
            user = session.scalar(select(User).where(User.login == login.strip()))
            if user is None or not verify_password(password, user.password_hash):
                raise AuthenticationFailed("wrong login or password")
            if not user.active:
                raise AuthenticationFailed("this account is disabled")
            user.last_login_at = utcnow()
            return _actor(user)

    def sign_in_remembered(self, login: str) -> Actor:
        """Sign in without a password: only on the embedded database, where the file is local."""
        if self._db.backend != "sqlite":
            raise AuthenticationFailed("a shared database always asks for the password")
        with self._db.session() as session:
            user = session.scalar(select(User).where(User.login == login))
            if user is None or not user.active:
                raise AuthenticationFailed("the remembered user is no longer available")
            user.last_login_at = utcnow()
            return _actor(user)

    def create_first_admin(self, login: str, display_name: str, password: str) -> Actor:
        """The very first account of a new database; refused once any user exists."""
        if self.has_users():
            raise ValidationFailed("login", "exists", "the database already has users")
        user = self._insert(login, display_name, Role.ADMIN, password)
        return Actor(user.id, user.login, user.display_name, user.role)

    def list_users(self, actor: Actor) -> list[UserInfo]:
        require(actor, Permission.MANAGE_USERS)
        with self._db.session() as session:
            return [_info(u) for u in session.scalars(select(User).order_by(User.login))]

    def create_user(
        self, actor: Actor, login: str, display_name: str, role: Role, password: str
    ) -> UserInfo:
        require(actor, Permission.MANAGE_USERS)
        return self._insert(login, display_name, role, password)

    def _insert(self, login: str, display_name: str, role: Role, password: str) -> UserInfo:
        login = login.strip()
        _check_login(login)
        _check_password(password)
        if not display_name.strip():
            raise ValidationFailed("display_name", "empty", "the name must not be empty")
        with self._db.session() as session:
            if session.scalar(select(User.id).where(User.login == login)) is not None:
                raise ValidationFailed("login", "exists", f"the login '{login}' is taken")
            user = User(
                login=login,
                display_name=display_name.strip(),
                role=role.value,
                password_hash=hash_password(password),
                active=True,
            )
            session.add(user)
            session.flush()
            return _info(user)

    def update_user(
        self,
        actor: Actor,
        user_id: int,
        *,
        display_name: str | None = None,
        role: Role | None = None,
        active: bool | None = None,
    ) -> UserInfo:
        require(actor, Permission.MANAGE_USERS)
        with self._db.session() as session:
            user = session.get(User, user_id)
            if user is None:
                raise NotFound(f"no user with id {user_id}")
            losing_admin = (role is not None and role is not Role.ADMIN) or active is False
            if user.id == actor.user_id and losing_admin:
                raise ValidationFailed(
                    "role", "self", "you cannot remove your own administrator access"
                )
            if display_name is not None:
                if not display_name.strip():
                    raise ValidationFailed("display_name", "empty", "the name must not be empty")
                user.display_name = display_name.strip()
            if role is not None:
                user.role = role.value
            if active is not None:
                user.active = active
            return _info(user)

    def reset_password(self, actor: Actor, user_id: int, new_password: str) -> None:
        require(actor, Permission.MANAGE_USERS)
        _check_password(new_password)
        with self._db.session() as session:
            user = session.get(User, user_id)
            if user is None:
                raise NotFound(f"no user with id {user_id}")
            user.password_hash = hash_password(new_password)

    def change_own_password(self, actor: Actor, old_password: str, new_password: str) -> None:
        _check_password(new_password)
        with self._db.session() as session:
            user = session.get(User, actor.user_id)
            if user is None or not verify_password(old_password, user.password_hash):
                raise AuthenticationFailed("the current password is wrong")
            user.password_hash = hash_password(new_password)
