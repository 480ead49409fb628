"""The token page: an admin makes tokens for any supplier, a supplier manager for their own; the
secret is shown once, right after it is made."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from app import tenancy
from app.api import policy
from app.api.models import ApiToken
from app.api.tokens import create_token, revoke_token, tokens_of
from app.extensions import db
from app.forms import KensaForm, text_field
from app.i18n import lazy_gettext as _l
from app.rules import RuleError
from app.security import form_view, roles_required
from app.suppliers.models import Supplier
from app.webhooks.models import Webhook
from app.webhooks.services import deliveries_of

bp = Blueprint("api_tokens", __name__, url_prefix="/tokens")


class TokenForm(KensaForm):
    supplier_id = SelectField(_l("Supplier"), coerce=int)
    name = text_field(_l("Name (what the token is for, e.g. the MES)"), max_length=80)
    expires_days = IntegerField(
        _l("Expires after (days)"),
        validators=[Optional(), NumberRange(min=1, max=3650)],
        description=_l("Leave empty for a token that does not expire."),
    )


def _form() -> TokenForm:
    form = TokenForm()
    if current_user.supplier_id is not None:
        form.supplier_id.choices = [(current_user.supplier_id, current_user.supplier.legal_name)]
    else:
        suppliers = db.session.scalars(select(Supplier).order_by(Supplier.code))
        form.supplier_id.choices = [(s.id, f"{s.code} · {s.legal_name}") for s in suppliers]
    return form


@bp.route("", methods=["GET", "POST"])
@roles_required(policy.TOKEN_ADMINS)  # the route answers can_manage_tokens
@form_view
def index():  # type: ignore[no-untyped-def]
    form = _form()
    secret = None
    if form.validate_on_submit():
        if not policy.can_create_token_for(current_user, form.supplier_id.data):
            abort(404)
        try:
            _token, secret = create_token(
                form.supplier_id.data, form.name.data, current_user, form.expires_days.data
            )
        except RuleError as error:
            form.name.errors.append(str(error))
    tokens = tokens_of(current_user.supplier_id)
    return render_template("api/tokens.html", form=form, tokens=tokens, secret=secret)


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@roles_required(policy.TOKEN_ADMINS)  # the route answers can_manage_tokens
def revoke(token_id: int):  # type: ignore[no-untyped-def]
    token = tenancy.get_or_404(ApiToken, token_id)
    if not policy.can_create_token_for(current_user, token.supplier_id):
        abort(404)
    if policy.can_revoke(current_user, token):
        revoke_token(token, current_user)
    flash(_("The token %(name)s no longer works.", name=token.name), "success")
    return redirect(url_for("api_tokens.index"))


@bp.route("/webhooks")
@roles_required(policy.TOKEN_ADMINS)  # the route answers can_manage_tokens
def webhooks():  # type: ignore[no-untyped-def]
    """The delivery log of the webhooks: the supplier's own, or every supplier's for an admin."""
    query = select(Webhook).order_by(Webhook.supplier_id, Webhook.id)
    hooks = [(hook, deliveries_of(hook, limit=20)) for hook in db.session.scalars(query)]
    return render_template("api/webhooks.html", hooks=hooks)
