"""Part and approval forms."""

from __future__ import annotations

from wtforms import SelectField

from app.forms import KensaForm, required, text_field
from app.i18n import lazy_gettext as _l


class PartForm(KensaForm):
    """A part's master data."""

    part_number = text_field(_l("Part number"), max_length=40)
    name = text_field(_l("Name"), max_length=200)
    product_line = text_field(_l("Product line"), max_length=120)
    drawing_revision = text_field(_l("Drawing revision"), max_length=20)


class ApprovalForm(KensaForm):
    """Approve a supplier's site to make the part."""

    site_id = SelectField(_l("Supplier site"), coerce=int, validators=[required()])
