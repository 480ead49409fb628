"""Second-factor pages: the code at sign-in, a recovery code, enrolment, an admin's reset, a team's rule."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import sessions
from app.auth.models import Role, User
from app.forms import run_confirmed, show_rule_error
from app.rules import RuleError
from app.security import ANY_ROLE, form_view, roles_required
from app.tenancy import get_or_404
from app.twofactor import services
from app.twofactor.forms import CodeForm, RecoveryForm
from app.web import safe_next

bp = Blueprint("twofactor", __name__)


def _onwards():  # type: ignore[no-untyped-def]
    return redirect(safe_next(request.args.get("next"), url_for("main.home")))


@bp.route("/login/code", methods=["GET", "POST"])
@roles_required(ANY_ROLE)
@form_view
def verify():
    """The second step of sign-in: the authenticator's code."""
    if not sessions.second_factor_due():
        return _onwards()
    if not current_user.has_second_factor:
        return redirect(url_for(".setup", next=request.args.get("next")))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            services.check_code(current_user, form.code.data)
        except RuleError as error:
            show_rule_error(form, error)
        else:
            sessions.second_factor_given()
            return _onwards()
    return render_template("twofactor/verify.html", form=form)


@bp.route("/login/recovery", methods=["GET", "POST"])
@roles_required(ANY_ROLE)
@form_view
def recover():
    """Sign in with a recovery code instead (a lost or new phone)."""
    if not sessions.second_factor_due() or not current_user.has_second_factor:
        return _onwards()
    form = RecoveryForm()
    if form.validate_on_submit():
        try:
            services.use_recovery_code(current_user, form.code.data)
        except RuleError as error:
            show_rule_error(form, error)
        else:
            sessions.second_factor_given()
            flash(_("Signed in with a recovery code. It cannot be used again."), "warning")
            return _onwards()
    return render_template("twofactor/recover.html", form=form)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@roles_required(ANY_ROLE)
@form_view
def setup():
    """Set up two-factor sign-in (a QR code and the secret as text), or see that it is on."""
    user = current_user._get_current_object()
    if user.has_second_factor:
        if sessions.second_factor_due():
            return redirect(url_for(".verify", next=request.args.get("next")))
        return render_template("twofactor/status.html", left=services.recovery_codes_left(user))
    form, secret = CodeForm(), services.pending_secret(user)
    if form.validate_on_submit():
        try:
            codes = services.finish_enrolment(user, form.code.data)
        except RuleError as error:
            show_rule_error(form, error)
        else:
            sessions.second_factor_given()
            onwards = safe_next(request.args.get("next"), url_for("main.home"))
            return render_template("twofactor/recovery_codes.html", codes=codes, onwards=onwards)
    required = services.required_for(user)
    qr = services.qr_svg(user, secret)
    return render_template("twofactor/setup.html", form=form, secret=secret, qr=qr, required=required)


@bp.route("/users/<int:user_id>/two-factor/reset", methods=["POST"])
@roles_required(Role.ADMIN)
def reset(user_id: int):
    """An admin removes a user's second factor; the user is told by e-mail."""
    user = get_or_404(User, user_id)
    if run_confirmed(lambda: services.reset(user, by=current_user))[0]:
        flash(
            _("%(name)s's two-factor sign-in is reset; they were told by e-mail.", name=user.name), "success"
        )
    return redirect(url_for("users.detail", user_id=user.id))


@bp.route("/team/two-factor", methods=["POST"])
@roles_required(Role.SUPPLIER_MANAGER)
def team():
    """A supplier manager requires, or stops requiring, a second factor of the whole team."""
    required = request.form.get("required") == "1"
    if run_confirmed(lambda: services.require_for_team(current_user, required))[0]:
        message = (
            _("Your team now signs in with a second factor.")
            if required
            else _("A second factor is now optional for your team.")
        )
        flash(message, "success")
    return redirect(url_for("users.team"))
