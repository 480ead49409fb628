"""Users, their roles, sign-in attempts and single-use account links."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.audit.names import names_records
from app.clock import utcnow
from app.db import TenantScoped, TimestampMixin, UTCDateTime, check_in
from app.extensions import db
from app.suppliers.models import Supplier


class Role(StrEnum):
    """What a user may do; supplier roles belong to one supplier, internal roles to none."""

    SUPPLIER_INSPECTOR = "supplier_inspector"
    SUPPLIER_MANAGER = "supplier_manager"
    REVIEWER = "reviewer"
    QUALITY_MANAGER = "quality_manager"
    ADMIN = "admin"


SUPPLIER_ROLES = frozenset({Role.SUPPLIER_INSPECTOR, Role.SUPPLIER_MANAGER})
INTERNAL_ROLES = frozenset({Role.REVIEWER, Role.QUALITY_MANAGER, Role.ADMIN})
# The groups that the domains' policies (app/<domain>/policy.py) and the route declarations use;
# each is defined once, here.
ALL_ROLES = frozenset(Role)
QUALITY_STAFF = frozenset({Role.REVIEWER, Role.QUALITY_MANAGER})  # review lots, issue and judge SCARs
QUALITY_MANAGERS = frozenset({Role.QUALITY_MANAGER})
ADMINS = frozenset({Role.ADMIN})
MASTER_DATA_EDITORS = frozenset({Role.ADMIN, Role.QUALITY_MANAGER})  # parts, defect codes, certificates
USER_ADMINS = frozenset({Role.ADMIN, Role.SUPPLIER_MANAGER})
SUPPLIER_MANAGERS = frozenset({Role.SUPPLIER_MANAGER})


def holds(user: User, roles: frozenset[Role]) -> bool:
    """True when the user's role is one of `roles` (an internal role never belongs to a supplier)."""
    return Role(user.role) in roles and (user.supplier_id is None) == (Role(user.role) in INTERNAL_ROLES)


def _roles_sql(roles: frozenset[Role]) -> str:
    return ", ".join(sorted(repr(r.value) for r in roles))


def new_session_token() -> str:
    """A fresh random token; changing it ends every session of the user."""
    return secrets.token_urlsafe(24)


class User(UserMixin, TenantScoped, TimestampMixin, db.Model):
    """A person who signs in to Kensa."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    # None until the invited user sets a password.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active_account: Mapped[bool] = mapped_column(default=True)
    # Deactivated by the brand (an admin): a supplier manager may not reactivate the account.
    deactivated_by_internal: Mapped[bool] = mapped_column(default=False, server_default=false())
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # TOTP (RFC 6238): the shared secret (set when enrolment starts), when enrolment finished, and the
    # last time step accepted, so that a code is never accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    locale: Mapped[str] = mapped_column(String(10), default="en")
    timezone: Mapped[str] = mapped_column(String(50), default="UTC")

    supplier: Mapped[Supplier | None] = relationship()

    __table_args__ = (
        CheckConstraint(check_in("role", Role), name="role"),
        CheckConstraint(
            f"(role IN ({_roles_sql(SUPPLIER_ROLES)}) AND supplier_id IS NOT NULL)"
            f" OR (role IN ({_roles_sql(INTERNAL_ROLES)}) AND supplier_id IS NULL)",
            name="role_supplier",
        ),
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.is_active_account

    @property
    def is_supplier_user(self) -> bool:
        return Role(self.role) in SUPPLIER_ROLES

    @property
    def is_internal(self) -> bool:
        return Role(self.role) in INTERNAL_ROLES

    @property
    def has_second_factor(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    def get_id(self) -> str:
        """Flask-Login identity: the id and the current session token."""
        return f"{self.id}:{self.session_token}"

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class LoginAttempt(db.Model):
    """One sign-in attempt; failures count towards the lockout of an account and an address."""

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool]

    __table_args__ = (
        Index(None, "email", "created_at"),
        Index(None, "address", "created_at"),
    )


class TokenPurpose(StrEnum):
    """What an e-mailed account link is for."""

    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a purpose name, not a secret


class AccountToken(db.Model):
    """A single-use, expiring link sent by e-mail; only its SHA-256 is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

    __table_args__ = (CheckConstraint(check_in("purpose", TokenPurpose), name="purpose"),)


class RecoveryCode(db.Model):
    """A one-time code that stands in for the second factor (a lost phone); only its SHA-256 is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


names_records(User, lambda u: u.name)
