"""Lot forms: creating a lot, uploading a data file or an attachment, filtering the list.

The data grid and the findings list are not WTForms: their fields follow the lot's sample size and
its standard's characteristics, so `grid.py` reads them from the request by name.
"""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, SelectField, StringField, ValidationError
from wtforms.validators import NumberRange, Optional

from app.forms import LIST_SELECT, KensaForm, choices, required, text_field
from app.i18n import lazy_gettext as _l
from app.lots.models import LotState

STATE_LABELS = {
    LotState.DRAFT: _l("Draft"),
    LotState.SUBMITTED: _l("Submitted"),
    LotState.IN_REVIEW: _l("In review"),
    LotState.RETURNED: _l("Returned for correction"),
    LotState.ACCEPTED: _l("Accepted"),
    LotState.REJECTED: _l("Rejected"),
    LotState.ACCEPTED_ON_DEVIATION: _l("Accepted on deviation"),
}


class LotForm(KensaForm):
    """A new lot: which approved (site, part), its number, size, dates and inspector."""

    site_part = SelectField(_l("Part and site"), validators=[required(_l("Choose the part and the site."))])
    lot_number = text_field(_l("Lot number"), max_length=40)
    lot_size = IntegerField(
        _l("Lot size (pieces)"),
        validators=[
            required(_l("Give the number of pieces in the lot.")),
            NumberRange(
                min=2, max=10_000_000, message=_l("The lot size is a whole number from 2 to 10,000,000.")
            ),
        ],
    )
    production_date = DateField(_l("Production date"), validators=[required(_l("Give the production date."))])
    inspection_date = DateField(_l("Inspection date"), validators=[required(_l("Give the inspection date."))])
    inspector_id = SelectField(_l("Inspector"), coerce=int, validators=[required()])

    def validate_lot_number(self, field: StringField) -> None:
        from app.lots.services import lot_number_problem  # services import the forms' neighbours

        problem = lot_number_problem(field.data or "")
        if problem:
            raise ValidationError(problem)

    def site_and_part(self) -> tuple[int, int]:
        site_id, part_id = (int(x) for x in self.site_part.data.split("-"))
        return site_id, part_id


class UploadForm(KensaForm):
    """A CSV or XLSX file of the lot's measurements."""

    file = FileField(_l("Data file (CSV or Excel .xlsx)"), validators=[FileRequired(_l("Choose a file."))])


class AttachmentForm(KensaForm):
    """A photo, PDF or spreadsheet attached to the lot."""

    file = FileField(_l("File (photo, PDF, CSV or Excel)"), validators=[FileRequired(_l("Choose a file."))])
    note = StringField(
        _l("What it shows (optional)"), validators=[Optional()], filters=[lambda v: (v or "").strip()[:200]]
    )


class LotFilterForm(KensaForm):
    """Filters of the lot list (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    number = StringField(
        _l("Lot number"), validators=[Optional()], filters=[lambda v: (v or "").strip()[:40] or None]
    )
    part = SelectField(_l("Part"), coerce=int, validators=[Optional()], widget=LIST_SELECT)
    site = SelectField(_l("Site"), coerce=int, validators=[Optional()], widget=LIST_SELECT)
    state = SelectField(_l("State"), validators=[Optional()], widget=LIST_SELECT)
    since = DateField(_l("Updated since"), validators=[Optional()])

    def set_choices(self, parts: list[tuple[int, str]], sites: list[tuple[int, str]]) -> None:
        everything = _l("All")
        self.part.choices = choices([(0, everything), *parts])
        self.site.choices = choices([(0, everything), *sites])
        self.state.choices = choices(
            [("", everything), *((s.value, label) for s, label in STATE_LABELS.items())]
        )
