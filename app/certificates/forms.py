"""Certificate and waiver forms; who recorded or granted comes from the session, never from the form."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_wtf.file import FileField
from wtforms import DateField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.attachments.storage import max_bytes, readable_size
from app.forms import KensaForm, required, text_field
from app.i18n import lazy_gettext as _l


def date_field(label: str, description: str | None = None) -> DateField:
    """A required date with plain-language errors (browsers show a date picker)."""
    return DateField(
        label,
        validators=[InputRequired(message=_l("Please enter a date."))],
        invalid_value_message=_l("This is not a date. Use the form 2026-12-31."),
        description=description,
    )


class CertificateForm(KensaForm):
    """An ISO 9001 certificate of a site, or its renewal."""

    number = text_field(_l("Certificate number"), max_length=80)
    certification_body = text_field(_l("Certification body"), max_length=120)
    valid_from = date_field(_l("Valid from"))
    valid_until = date_field(_l("Valid until"), _l("The last day on which the certificate is valid."))
    scan = FileField(_l("Scanned certificate (optional)"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.scan.description = _(
            "A PDF, PNG or JPEG file of at most %(size)s.", size=readable_size(max_bytes())
        )


class WaiverForm(KensaForm):
    """A quality manager's permission to submit lots without a valid certificate, until an end date."""

    reason = TextAreaField(
        _l("Reason"),
        validators=[required(), Length(max=2000, message=_l("Use at most %(max)d characters.", max=2000))],
        filters=[lambda v: v.strip() if v else v],
    )
    valid_until = date_field(_l("Waiver ends on"), _l("The last day on which new lots are accepted."))
