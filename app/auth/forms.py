"""Sign-in and password forms."""

from __future__ import annotations

from wtforms import EmailField, PasswordField, SelectField, ValidationError
from wtforms.validators import Email, EqualTo, Length

from app.auth.passwords import MAX_LENGTH, password_problems
from app.forms import LANGUAGE_CHOICES, FixedSelect, KensaForm, choices, required, zone_choices
from app.i18n import lazy_gettext as _l


class LoginForm(KensaForm):
    """E-mail address and password."""

    email = EmailField(_l("E-mail address"), validators=[required(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[required(), Length(max=MAX_LENGTH * 4)])


class ForgotPasswordForm(KensaForm):
    """Ask for a password reset link."""

    email = EmailField(
        _l("E-mail address"),
        validators=[required(), Email(message=_l("This is not an e-mail address.")), Length(max=254)],
    )


class NewPasswordForm(KensaForm):
    """Choose a password; checked against the password rules for this user."""

    password = PasswordField(
        _l("New password"),
        description=_l("At least 12 characters. A sentence you can remember works well."),
        validators=[required()],
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[required(), EqualTo("password", message=_l("The two passwords are not the same."))],
    )

    def __init__(self, *args: object, email: str = "", name: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._owner = (email, name)

    def validate_password(self, field: PasswordField) -> None:
        problems = password_problems(field.data or "", email=self._owner[0], name=self._owner[1])
        if problems:
            raise ValidationError(problems[0])


class ChangePasswordForm(NewPasswordForm):
    """Change one's own password; the current one is asked first."""

    current_password = PasswordField(_l("Current password"), validators=[required()])


ZONES = FixedSelect(zone_choices())


class PreferencesForm(KensaForm):
    """The user's language and time zone."""

    language = SelectField(_l("Language"), choices=choices(LANGUAGE_CHOICES))
    timezone = SelectField(
        _l("Time zone"),
        choices=ZONES.choices,
        description=_l("Every date and time you see is shown in this zone."),
        # Some 400 zones: WTForms' own widget, writing each option, was most of the account page's cost.
        widget=ZONES,
    )
