"""The filters of the audit trail page and its CSV export (a GET form: no CSRF token)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from wtforms import DateField, SelectField, StringField, ValidationError
from wtforms.validators import Length, Optional

from app.audit.queries import AuditFilters
from app.forms import LIST_SELECT, KensaForm, choices
from app.i18n import lazy_gettext as _l


def _start_of(day: date, zone: tzinfo) -> datetime:
    """Midnight at the start of `day` in the user's time zone (pytz zones need `localize`)."""
    naive = datetime.combine(day, time.min)
    localize = getattr(zone, "localize", None)
    return localize(naive) if localize else naive.replace(tzinfo=zone)


class AuditFilterForm(KensaForm):
    """Supplier, record type, action words and a date range (days in the user's time zone)."""

    class Meta:
        csrf = False

    # Some 115 options a request: the list pages' widget (app.forms.ListSelect) writes them directly.
    supplier = SelectField(_l("Supplier"), coerce=int, validators=[Optional()], widget=LIST_SELECT)
    object_type = SelectField(_l("Record type"), validators=[Optional()], widget=LIST_SELECT)
    action = StringField(
        _l("Action contains"),
        validators=[Optional(), Length(max=60, message=_l("Use at most %(max)d characters.", max=60))],
        filters=[lambda v: v.strip() if v else v],
    )
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])

    def set_choices(self, suppliers: list[tuple[int, str]], types: list[tuple[str, str]]) -> None:
        everything = _l("All")
        self.supplier.choices = choices([(0, everything), *suppliers])
        self.object_type.choices = choices([("", everything), *types])

    def validate_until(self, field: DateField) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date is before the start date."))

    def filters(self, zone: tzinfo) -> AuditFilters:
        """The valid filters; a field with an error filters nothing."""

        def valid(field):  # type: ignore[no-untyped-def]
            return field.data if field.data and not field.errors else None

        since, until = valid(self.since), valid(self.until)
        return AuditFilters(
            supplier_id=valid(self.supplier),
            object_type=valid(self.object_type),
            action=valid(self.action),
            start=_start_of(since, zone) if since else None,
            end=_start_of(until + timedelta(days=1), zone) if until else None,
        )
