"""Sign-in, sign-out, password links and the user's own account page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import services, sessions
from app.auth.forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, NewPasswordForm, PreferencesForm
from app.forms import ConfirmForm, show_rule_error
from app.rules import RuleError
from app.security import ANY_ROLE, form_view, public, roles_required
from app.twofactor import services as twofactor
from app.users import services as user_services
from app.web import safe_next

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@public
@form_view
def login():
    """The sign-in page."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form, status = LoginForm(email=request.args.get("email", "")), 200
    if form.validate_on_submit():
        result = services.authenticate(form.email.data, form.password.data, request.remote_addr or "")
        if result.user is not None:
            due = twofactor.required_for(result.user)
            sessions.start(result.user, second_factor_done=not due)
            target = safe_next(request.args.get("next"), url_for("main.home"))
            return redirect(url_for("twofactor.verify", next=target) if due else target)
        if result.locked_until is not None:
            when = format_datetime(result.locked_until, "short")
            form.form_errors.append(
                _(
                    "Too many failed sign-ins. For your safety, sign-in is paused until %(when)s. "
                    "Try again then, or ask for a new password.",
                    when=when,
                )
            )
            status = 429
        else:
            form.form_errors.append(_("The e-mail address or password is not right."))
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@roles_required(ANY_ROLE)
@form_view
def logout():
    """Sign out (a stale form asks once more instead of failing)."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("auth/logout.html", form=form)
    services.sign_out(current_user)
    sessions.end()
    flash(_("You are signed out."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@public
@form_view
def forgot_password():
    """Ask for a reset link; the answer is the same whether or not the address is known."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(_("If an account uses this address, we have sent it a link to choose a new password."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@public
@form_view
def set_password(token: str):
    """Choose a password from an invitation or reset link."""
    link = services.find_token(token)
    if link is None:
        return render_template("auth/link_expired.html"), 410
    form = NewPasswordForm(email=link.user.email, name=link.user.name)
    if form.validate_on_submit():
        user = services.redeem_token(link, form.password.data)
        sessions.end()
        flash(_("Your password is set. Please sign in."), "success")
        return redirect(url_for("auth.login", email=user.email))
    return render_template("auth/set_password.html", form=form, user=link.user)


@bp.route("/account")
@roles_required(ANY_ROLE)
def account():
    """The signed-in user's own account page."""
    form = ChangePasswordForm(email=current_user.email, name=current_user.name)
    return _account_page(form, _preferences_form())


def _preferences_form() -> PreferencesForm:
    return PreferencesForm(language=current_user.locale, timezone=current_user.timezone)


def _account_page(form: ChangePasswordForm, preferences: PreferencesForm) -> str:
    return render_template("auth/account.html", form=form, preferences=preferences, end_form=ConfirmForm())


@bp.route("/account/preferences", methods=["POST"])
@roles_required(ANY_ROLE)
@form_view
def save_preferences():
    """Change one's language and time zone; the next page shows them."""
    preferences = _preferences_form()
    if preferences.validate_on_submit():
        try:
            user_services.set_preferences(
                current_user._get_current_object(), preferences.language.data, preferences.timezone.data
            )
        except RuleError as error:
            show_rule_error(preferences, error)
        else:
            flash(_("Your language and time zone are saved."), "success")
            return redirect(url_for("auth.account"))
    form = ChangePasswordForm(email=current_user.email, name=current_user.name)
    return _account_page(form, preferences)


@bp.route("/account/password", methods=["POST"])
@roles_required(ANY_ROLE)
@form_view
def change_password():
    """Change one's own password; every other session ends."""
    form = ChangePasswordForm(email=current_user.email, name=current_user.name)
    if form.validate_on_submit():
        user = current_user._get_current_object()
        address = request.remote_addr or ""
        problem = services.current_password_problem(user, form.current_password.data, address)
        if problem is None:
            services.set_password(user, form.password.data)
            sessions.keep(user)  # this session goes on, with the new token
            flash(_("Your password is changed. Other sessions have been signed out."), "success")
            return redirect(url_for("auth.account"))
        form.current_password.errors.append(problem)
    return _account_page(form, _preferences_form())


@bp.route("/account/sessions/end", methods=["POST"])
@roles_required(ANY_ROLE)
def end_sessions():
    """Log out everywhere, this browser included."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.end_all_sessions(current_user)
    sessions.end()
    flash(_("You are signed out on every device."), "success")
    return redirect(url_for("auth.login"))
