"""SCAR forms: list filters, raising a SCAR, deciding a step, moving a due date, files, deadline policies.

The 8D step forms are not WTForms: their fields follow `steps.SPECS`, so `answers.py` reads them from
the request by name.
"""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.forms import LIST_SELECT, KensaForm, choices, required, text_field
from app.i18n import lazy_gettext as _l
from app.scars.models import PROBLEM_MAX_LENGTH, ScarState, Severity, Source, StepState

SEVERITY_LABELS = {
    Severity.CRITICAL: _l("Critical"),
    Severity.MAJOR: _l("Major"),
    Severity.MINOR: _l("Minor"),
}
STATE_LABELS = {
    ScarState.OPEN: _l("Open"),
    ScarState.VERIFYING: _l("Verifying effectiveness"),
    ScarState.CLOSED: _l("Closed effective"),
}
SOURCE_LABELS = {
    Source.LOT: _l("A lot"),
    Source.COMPLAINT: _l("A field complaint"),
    Source.OTHER: _l("Other"),
}
STEP_STATE_LABELS = {
    StepState.OPEN: _l("Open"),
    StepState.SUBMITTED: _l("Submitted"),
    StepState.RETURNED: _l("Returned"),
    StepState.ACCEPTED: _l("Accepted"),
}
LOT_ROLE_LABELS = {
    "raised": _l("raised from"),
    "affected": _l("affected"),
    "reopened": _l("reopened the SCAR"),
    "verified": _l("effectiveness check"),
}


_TOO_LONG = _l("Use at most %(max)d characters; attach longer evidence as a file.", max=PROBLEM_MAX_LENGTH)


class ScarFilterForm(KensaForm):
    """The SCAR list's filters (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    state = SelectField(
        _l("State"),
        choices=choices([("", _l("All")), *STATE_LABELS.items()]),
        validators=[Optional()],
        widget=LIST_SELECT,
    )
    supplier = SelectField(_l("Supplier"), coerce=int, validators=[Optional()], widget=LIST_SELECT)
    part = StringField(_l("Part number"), validators=[Optional()], render_kw={"maxlength": 40})
    severity = SelectField(
        _l("Severity"),
        choices=choices([("", _l("All")), *SEVERITY_LABELS.items()]),
        validators=[Optional()],
        widget=LIST_SELECT,
    )
    overdue = SelectField(
        _l("Due dates"),
        choices=choices([("", _l("All")), ("yes", _l("Overdue only"))]),
        validators=[Optional()],
        widget=LIST_SELECT,
    )
    waiting = SelectField(
        _l("Waiting for"),
        choices=choices([("", _l("Anyone")), ("brand", _l("The brand: a step was submitted"))]),
        validators=[Optional()],
        widget=LIST_SELECT,
    )


class ScarForm(KensaForm):
    """A new SCAR: to whom, about which part, how severe, where found, what is wrong, which lots."""

    supplier_id = SelectField(_l("Supplier"), coerce=int, validators=[required(_l("Choose the supplier."))])
    part_id = SelectField(_l("Part"), coerce=int, validators=[required(_l("Choose the part."))])
    severity = RadioField(
        _l("Severity"),
        choices=choices(SEVERITY_LABELS.items()),
        validators=[InputRequired(message=_l("Choose the severity."))],
        description=_l("Sets the due dates of the steps (see the deadline policy)."),
    )
    source = RadioField(
        _l("Found in"),
        choices=choices(SOURCE_LABELS.items()),
        validators=[InputRequired(message=_l("Say where the problem was found."))],
    )
    title = text_field(_l("Title"), max_length=200)
    problem = TextAreaField(
        _l("Problem statement"),
        validators=[
            required(_l("Describe the problem: the requirement, and what was found instead.")),
            Length(max=PROBLEM_MAX_LENGTH, message=_TOO_LONG),
        ],
        description=_l("The requirement, what was found instead, how many pieces, and the evidence."),
        render_kw={"rows": 8, "maxlength": PROBLEM_MAX_LENGTH},
    )
    # Choices follow the chosen supplier and part; the service refuses lots of another pair.
    lot_ids = SelectMultipleField(
        _l("Linked lots"),
        coerce=int,
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


def _comment_field(label: object, description: object = "") -> TextAreaField:
    return TextAreaField(label, description=description, render_kw={"rows": 3, "maxlength": 4000})


class DecisionForm(KensaForm):
    """Accept a submitted step, or return it to the supplier with a comment."""

    decision = RadioField(
        _l("Decision"),
        choices=choices(
            [("accept", _l("Accept the step")), ("return", _l("Return to the supplier with a comment"))]
        ),
        validators=[InputRequired(message=_l("Choose to accept or to return."))],
    )
    comment = _comment_field(_l("Comment"), _l("Required to return: tell the supplier what to change."))


class DueDateForm(KensaForm):
    """An agreed extension of one step's due date (each open step has its own, prefixed by its code)."""

    due_on = DateField(_l("New due date"), validators=[required(_l("Give the new due date."))])
    reason = text_field(_l("Reason"), max_length=500)


class ScarAttachmentForm(KensaForm):
    """Evidence for the SCAR or one of its steps."""

    file = FileField(_l("File (photo, PDF, CSV or Excel)"), validators=[FileRequired(_l("Choose a file."))])
    step_code = SelectField(_l("For step"), validators=[Optional()])
    note = StringField(
        _l("What it shows (optional)"), validators=[Optional()], filters=[lambda v: (v or "").strip()[:200]]
    )


def _days_field(label: object) -> IntegerField:
    return IntegerField(
        label,
        validators=[
            required(_l("Give a number of days.")),
            NumberRange(min=1, max=365, message=_l("Give a whole number of days from 1 to 365.")),
        ],
        render_kw={"min": 1, "max": 365},
    )


class PolicyForm(KensaForm):
    """One severity's deadlines (days from issue) and how many clean lots close a SCAR."""

    containment_days = _days_field(_l("Containment (D0–D3)"))
    root_cause_days = _days_field(_l("Root cause (D4)"))
    actions_days = _days_field(_l("Actions (D5–D6)"))
    closure_days = _days_field(_l("Closure (D7–D8)"))
    effectiveness_lots = IntegerField(
        _l("Lots checked after D8"),
        validators=[
            required(_l("Give a number of lots.")),
            NumberRange(min=1, max=50, message=_l("Give a whole number of lots from 1 to 50.")),
        ],
        render_kw={"min": 1, "max": 50},
    )
