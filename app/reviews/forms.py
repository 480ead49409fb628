"""Review forms: queue filters, claiming, the signed decision, the deviation and its second signature."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, NumberRange, Optional

from app.audit.texts import labels_fields
from app.forms import LIST_SELECT, KensaForm, choices, required
from app.i18n import lazy_gettext as _l
from app.reviews.services import Decision

SIGNATURE_HELP = _l(
    "Your electronic signature: enter your sign-in password. The record keeps your name, the time and "
    "what you signed, and cannot be changed afterwards."
)


def _version_field() -> HiddenField:
    return HiddenField(filters=[lambda v: int(v) if v and str(v).isdigit() else None])


def _password_field() -> PasswordField:
    return PasswordField(
        _l("Password (signature)"),
        validators=[required(_l("Enter your password to sign."))],
        description=SIGNATURE_HELP,
        render_kw={"autocomplete": "current-password"},
    )


class VersionForm(KensaForm):
    """A one-button action on a lot (claim, release): the CSRF token and the version the user saw.

    Several forms share the lot page, so their fields have distinct names (and the templates give
    each form's `version` its own id).
    """

    version = _version_field()


class DecisionForm(KensaForm):
    """Accept, reject or return the lot, with a reason or message, signed with the password."""

    version = _version_field()
    decision = RadioField(
        _l("Decision"),
        choices=choices(
            [
                (Decision.ACCEPT.value, _l("Accept the lot")),
                (Decision.REJECT.value, _l("Reject the lot")),
                (Decision.RETURN.value, _l("Return to the supplier for correction")),
            ]
        ),
        validators=[InputRequired(message=_l("Choose a decision."))],
    )
    reason = TextAreaField(
        _l("Reason, or message to the supplier"),
        description=_l("Required to reject (the reason) or to return (what the supplier must correct)."),
        render_kw={"rows": 3, "maxlength": 2000},
    )
    # Its label names the recommendation it overrides (`acknowledgement_label`); the service checks it.
    acknowledge = BooleanField(_l("I decide against the evaluation's recommendation."))
    password = _password_field()


ACKNOWLEDGEMENT_LABELS = {
    "accept": _l("I reject this lot against the evaluation's recommendation to accept it."),
    "reject": _l("I accept this lot against the evaluation's recommendation to reject it."),
}


def acknowledgement_label(recommendation: str | None) -> str:
    """The acknowledgement's words for a lot with this recommendation."""
    label = ACKNOWLEDGEMENT_LABELS.get(recommendation or "")
    return str(label) if label is not None else ""


class DeviationForm(KensaForm):
    """Accept on deviation: reason, quantity and expiry; takes effect with a quality manager's signature."""

    version = _version_field()
    deviation_reason = TextAreaField(
        _l("Reason for the deviation"),
        validators=[required(_l("Give the reason for accepting the lot on deviation."))],
        render_kw={"rows": 3, "maxlength": 2000},
    )
    quantity = IntegerField(
        _l("Quantity (pieces)"),
        validators=[
            required(_l("Give the number of pieces accepted on deviation.")),
            NumberRange(min=1, message=_l("The quantity is a whole number of 1 or more.")),
        ],
    )
    expires_on = DateField(
        _l("Deviation expires on"), validators=[required(_l("Give the date the deviation expires."))]
    )
    deviation_password = _password_field()


class SecondSignatureForm(KensaForm):
    """A quality manager approves or refuses a requested deviation."""

    version = _version_field()
    verdict = RadioField(
        _l("Second signature"),
        choices=choices([("approve", _l("Approve the deviation")), ("refuse", _l("Refuse the deviation"))]),
        validators=[InputRequired(message=_l("Choose to approve or to refuse."))],
    )
    comment = TextAreaField(
        _l("Comment"), description=_l("Required when refusing."), render_kw={"rows": 2, "maxlength": 2000}
    )
    second_password = _password_field()


AGES = (
    ("", _l("Any age")),
    ("1", _l("Waiting over 1 day")),
    ("3", _l("Waiting over 3 days")),
    ("7", _l("Waiting over 7 days")),
)
SORTS = (
    ("oldest", _l("Oldest first")),
    ("newest", _l("Newest first")),
    ("supplier", _l("Supplier")),
    ("part", _l("Part")),
)
STATES = (
    ("", _l("All waiting")),
    ("submitted", _l("Not claimed")),
    ("in_review", _l("In review")),
    ("mine", _l("Claimed by me")),
    ("deviation", _l("Deviation awaiting signature")),
)


class QueueFilterForm(KensaForm):
    """The review queue's filters (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    supplier = SelectField(_l("Supplier"), coerce=int, validators=[Optional()], widget=LIST_SELECT)
    part = StringField(_l("Part number"), validators=[Optional()], render_kw={"maxlength": 40})
    state = SelectField(_l("State"), choices=choices(STATES), validators=[Optional()], widget=LIST_SELECT)
    recommendation = SelectField(
        _l("Recommendation"),
        choices=choices([("", _l("All")), ("accept", _l("Accept")), ("reject", _l("Reject"))]),
        validators=[Optional()],
        widget=LIST_SELECT,
    )
    flags = SelectField(
        _l("Integrity flags"),
        choices=choices([("", _l("All")), ("yes", _l("With flags")), ("no", _l("Without flags"))]),
        validators=[Optional()],
        widget=LIST_SELECT,
    )
    age = SelectField(_l("Age"), choices=choices(AGES), validators=[Optional()], widget=LIST_SELECT)
    sort = SelectField(_l("Sort"), choices=choices(SORTS), validators=[Optional()], widget=LIST_SELECT)


class ReviewersForm(KensaForm):
    """The reviewers assigned to a supplier."""

    reviewers = SelectMultipleField(_l("Assigned reviewers"), coerce=int, validators=[Optional()])


labels_fields({"against_recommendation": _l("Against the recommendation (acknowledged)")})

MEANING_LABELS = {
    "approved": _l("Approved: lot accepted"),
    "rejected": _l("Rejected"),
    "returned": _l("Returned for correction"),
    "deviation_requested": _l("Acceptance on deviation requested (first signature)"),
    "deviation_approved": _l("Deviation approved (second signature)"),
    "deviation_refused": _l("Deviation refused (second signature)"),
}
