"""User lists, invitations and account actions for admins and supplier managers."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.auth.models import ADMINS, SUPPLIER_MANAGERS, USER_ADMINS, Role, User
from app.auth.services import end_all_sessions
from app.extensions import db
from app.forms import ConfirmForm, run_confirmed, show_rule_error
from app.security import form_view, roles_required
from app.suppliers.models import Supplier
from app.tenancy import get_or_404
from app.users import services
from app.users.forms import ROLE_LABELS, InviteUserForm, TeamInviteForm

bp = Blueprint("users", __name__)


def _users(supplier_id: int | None = None) -> list[User]:
    query = select(User).options(joinedload(User.supplier)).order_by(User.supplier_id, User.name)
    if supplier_id is not None:
        query = query.where(User.supplier_id == supplier_id)
    return list(db.session.scalars(query))


@bp.route("/users/")
@roles_required(ADMINS)
def index():
    """Every user, grouped by supplier."""
    return render_template("users/index.html", users=_users(), role_labels=ROLE_LABELS)


@bp.route("/users/invite", methods=["GET", "POST"])
@roles_required(ADMINS)
@form_view
def invite():
    """Invite a user of any role."""
    suppliers = [
        (s.id, f"{s.code} {s.legal_name}")
        for s in db.session.scalars(select(Supplier).order_by(Supplier.code))
    ]
    form = InviteUserForm(suppliers=suppliers)
    return _invite(form, form.supplier_id.data if form.is_submitted() else None, "users/invite.html")


@bp.route("/team")
@roles_required(SUPPLIER_MANAGERS)
def team():
    """A supplier manager's own team."""
    users = _users(current_user.supplier_id)
    return render_template("users/team.html", users=users, role_labels=ROLE_LABELS)


@bp.route("/team/invite", methods=["GET", "POST"])
@roles_required(SUPPLIER_MANAGERS)
@form_view
def team_invite():
    """Invite a colleague to one's own supplier."""
    return _invite(TeamInviteForm(), current_user.supplier_id, "users/team_invite.html")


def _invite(form: TeamInviteForm, supplier_id: int | None, template: str):  # type: ignore[no-untyped-def]
    if form.validate_on_submit():
        try:
            user = services.invite_user(
                email=form.email.data, name=form.name.data, role=Role(form.role.data), supplier_id=supplier_id
            )
        except services.UserError as error:
            show_rule_error(form, error)
        else:
            flash(_("Invitation sent to %(email)s.", email=user.email), "success")
            return redirect(url_for("users.detail", user_id=user.id))
    return render_template(template, form=form)


@bp.route("/users/<int:user_id>")
@roles_required(USER_ADMINS)
def detail(user_id: int):
    """One user's account, with the actions the viewer may take."""
    user = get_or_404(User, user_id)
    return render_template(
        "users/detail.html",
        user=user,
        form=ConfirmForm(),
        role_labels=ROLE_LABELS,
    )


def _act(user_id: int, action, message: str):  # type: ignore[no-untyped-def]
    user = get_or_404(User, user_id)
    if run_confirmed(lambda: action(user))[0]:
        flash(message % {"name": user.name}, "success")
    return redirect(url_for("users.detail", user_id=user.id))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@roles_required(USER_ADMINS)
def deactivate(user_id: int):
    """Block a user's sign-in and end their sessions."""
    return _act(
        user_id,
        lambda u: services.deactivate_user(u, acting=current_user),
        _("%(name)s is deactivated and signed out everywhere."),
    )


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@roles_required(USER_ADMINS)
def reactivate(user_id: int):
    """Let a deactivated user sign in again."""
    return _act(
        user_id,
        lambda u: services.reactivate_user(u, acting=current_user),
        _("%(name)s can sign in again."),
    )


@bp.route("/users/<int:user_id>/resend-invitation", methods=["POST"])
@roles_required(USER_ADMINS)
def resend_invitation(user_id: int):
    """Send a fresh invitation link."""
    return _act(user_id, services.resend_invitation, _("A new invitation was sent to %(name)s."))


@bp.route("/users/<int:user_id>/end-sessions", methods=["POST"])
@roles_required(ADMINS)
def end_sessions(user_id: int):
    """Sign a user out on every device."""
    return _act(user_id, end_all_sessions, _("%(name)s is signed out everywhere."))
