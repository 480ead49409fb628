"""The second-factor forms: a 6-digit code, and a recovery code."""

from __future__ import annotations

from wtforms import StringField
from wtforms.validators import Length

from app.forms import KensaForm, required
from app.i18n import lazy_gettext as _l


class CodeForm(KensaForm):
    """The code an authenticator app shows now."""

    code = StringField(
        _l("6-digit code"),
        validators=[required(_l("Type the 6 digits your authenticator app shows.")), Length(max=12)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class RecoveryForm(KensaForm):
    """One of the ten recovery codes given at enrolment."""

    code = StringField(
        _l("Recovery code"),
        validators=[required(_l("Type one of your recovery codes.")), Length(max=40)],
        render_kw={"autocomplete": "off"},
    )
