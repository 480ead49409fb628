"""Supplier and site forms; no form carries who owns a row."""

from __future__ import annotations

from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional, Regexp

from app.forms import LANGUAGE_CHOICES, KensaForm, choices, country_field, required, text_field, zone_choices
from app.i18n import lazy_gettext as _l
from app.suppliers.models import SupplierStatus

STATUS_LABELS = {
    SupplierStatus.ACTIVE: _l("Active"),
    SupplierStatus.ON_PROBATION: _l("On probation"),
    SupplierStatus.SUSPENDED: _l("Suspended"),
}


class SupplierForm(KensaForm):
    """A supplier's master data."""

    code = StringField(
        _l("Supplier code"),
        validators=[
            required(),
            Length(max=20, message=_l("Use at most %(max)d characters.", max=20)),
            Regexp(
                r"^[A-Za-z0-9][A-Za-z0-9_-]*$",
                message=_l("Use letters, digits, - and _ only, for example SIAM-01."),
            ),
        ],
        filters=[lambda v: v.strip() if v else v],
    )
    legal_name = text_field(_l("Legal name"), max_length=200)
    country = country_field(_l("Country"))
    status = SelectField(_l("Status"), choices=choices(STATUS_LABELS.items()), validators=[required()])
    default_language = SelectField(_l("Default language"), choices=choices(LANGUAGE_CHOICES))


class SiteForm(KensaForm):
    """A factory site."""

    name = text_field(_l("Site name"), max_length=120)
    city = text_field(_l("City or province"), max_length=120)
    country = country_field(_l("Country"))
    timezone = SelectField(
        _l("Time zone"),
        choices=zone_choices(("", _l("The country's time zone"))),
        validators=[Optional()],
        description=_l("The zone its new users start in; each user can change their own."),
    )
