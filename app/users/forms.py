"""Invitation forms; a supplier manager's form has no supplier field (it is theirs)."""

from __future__ import annotations

from wtforms import EmailField, SelectField
from wtforms.validators import Email, Length

from app.auth.models import Role
from app.forms import KensaForm, choices, required, text_field
from app.i18n import lazy_gettext as _l

ROLE_LABELS = {
    Role.SUPPLIER_INSPECTOR: _l("Supplier inspector"),
    Role.SUPPLIER_MANAGER: _l("Supplier quality manager"),
    Role.REVIEWER: _l("Reviewer (supplier quality engineer)"),
    Role.QUALITY_MANAGER: _l("Quality manager"),
    Role.ADMIN: _l("Administrator"),
}


def _optional_int(value: object) -> int | None:
    return int(value) if value not in (None, "", "None") else None  # type: ignore[arg-type]


class TeamInviteForm(KensaForm):
    """Invite a colleague of one's own supplier."""

    email = EmailField(
        _l("E-mail address"),
        validators=[required(), Email(message=_l("This is not an e-mail address.")), Length(max=254)],
    )
    name = text_field(_l("Full name"), max_length=120)
    role = SelectField(
        _l("Role"),
        choices=choices((r.value, ROLE_LABELS[r]) for r in (Role.SUPPLIER_INSPECTOR, Role.SUPPLIER_MANAGER)),
        validators=[required()],
    )


class InviteUserForm(TeamInviteForm):
    """Invite anyone: internal staff, or a user of a chosen supplier."""

    supplier_id = SelectField(
        _l("Supplier"),
        coerce=_optional_int,
        description=_l("Only for supplier roles; leave empty for the brand's own staff."),
    )

    def __init__(self, *args: object, suppliers: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = choices((r.value, label) for r, label in ROLE_LABELS.items())
        self.supplier_id.choices = choices([("", _l("— none (brand staff) —")), *suppliers])
