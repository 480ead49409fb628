"""Inviting, deactivating and reactivating users (admins for all, supplier managers for their own)."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from app.audit.services import record, snapshot
from app.auth.models import SUPPLIER_ROLES, Role, User, new_session_token
from app.auth.services import normalise_email, send_invitation
from app.extensions import db
from app.i18n import LANGUAGES
from app.rules import RuleError, taken
from app.security import hash_password
from app.suppliers.models import Supplier
from app.tenancy import exists_anywhere
from app.timezones import is_zone, zone_of_country
from app.users import policy

USER_FIELDS = ("email", "name", "role", "supplier_id", "is_active_account")
PREFERENCE_FIELDS = ("locale", "timezone")


class UserError(RuleError):
    """A user change that breaks a rule; the message is for the person who asked."""


def ensure_user(email: str, name: str, role: Role, supplier_id: int | None, password: str) -> bool:
    """Create the user with a password unless the e-mail is taken (CLI, demo); True when created.
    They read English (the demo's people show the portal to an English-reading audience) in the
    time zone an invitation would give them."""
    if taken(User, User.email == email):
        return False
    _language, zone = starting_preferences(supplier_id)
    user = User(
        email=email,
        name=name,
        role=role,
        supplier_id=supplier_id,
        password_hash=hash_password(password),
        timezone=zone,
    )
    db.session.add(user)
    db.session.flush()
    record("user.created", user, after=snapshot(user, USER_FIELDS))
    return True


def invite_user(*, email: str, name: str, role: Role, supplier_id: int | None) -> User:
    """Create an account without a password and e-mail the invitation link."""
    email = normalise_email(email)
    # Asked across suppliers: a manager's scoped query cannot see another supplier's user, whose
    # address would then fail the unique constraint (a 500). The answer is the same for any taken one.
    if exists_anywhere(User.__table__, User.__table__.c.email == email):
        raise UserError(_("A user with this e-mail address already exists."), field="email")
    if (role in SUPPLIER_ROLES) != (supplier_id is not None):
        raise UserError(
            _("Supplier roles need a supplier; internal roles must not have one."), field="supplier_id"
        )
    language, zone = starting_preferences(supplier_id)
    user = User(
        email=email, name=name.strip(), role=role, supplier_id=supplier_id, locale=language, timezone=zone
    )
    db.session.add(user)
    db.session.flush()
    send_invitation(user)
    record("user.invited", user, after=snapshot(user, USER_FIELDS))
    return user


def starting_preferences(supplier_id: int | None) -> tuple[str, str]:
    """A new user's language and time zone: their supplier's default language and the zone of its
    first site (else its country's); the brand's staff start in BRAND_LANGUAGE and BRAND_TIMEZONE."""
    if supplier_id is None:
        return current_app.config["BRAND_LANGUAGE"], current_app.config["BRAND_TIMEZONE"]
    supplier = db.session.get(Supplier, supplier_id)
    if supplier is None:
        raise UserError(_("Choose a supplier."), field="supplier_id")
    site = min(supplier.sites, key=lambda s: s.id, default=None)
    return supplier.default_language, site.timezone if site else zone_of_country(supplier.country)


def set_preferences(user: User, language: str, zone: str) -> None:
    """Change one's language and time zone."""
    if language not in LANGUAGES:
        raise UserError(_("Choose one of the languages in the list."), field="language")
    if not is_zone(zone):
        raise UserError(_("Choose a time zone from the list."), field="timezone")
    before = snapshot(user, PREFERENCE_FIELDS)
    user.locale, user.timezone = language, zone
    record("user.preferences_changed", user, before=before, after=snapshot(user, PREFERENCE_FIELDS))


def resend_invitation(user: User) -> None:
    """Send a fresh invitation link to a user who has not set a password yet."""
    if user.has_password:
        raise UserError(_("This user has already set a password."))
    send_invitation(user)
    record("user.invitation_resent", user)


def deactivate_user(user: User, *, acting: User) -> None:
    """Block sign-in and end every session of the user."""
    if user.id == acting.id:
        raise UserError(_("You cannot deactivate your own account."))
    before = snapshot(user, USER_FIELDS)
    user.is_active_account = False
    user.deactivated_by_internal = acting.is_internal
    user.session_token = new_session_token()
    record("user.deactivated", user, before=before, after=snapshot(user, USER_FIELDS))


def reactivate_user(user: User, *, acting: User) -> None:
    """Allow the user to sign in again."""
    if not policy.can_reactivate(acting, user):
        raise UserError(_("The brand deactivated this account; only its administrator can reactivate it."))
    before = snapshot(user, USER_FIELDS)
    user.is_active_account = True
    user.deactivated_by_internal = False
    record("user.reactivated", user, before=before, after=snapshot(user, USER_FIELDS))
