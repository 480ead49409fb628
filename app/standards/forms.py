"""The revision authoring form (settings + characteristic rows) and the defect catalogue form."""

from __future__ import annotations

from decimal import Decimal

from wtforms import (
    DecimalField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import Length, Optional

from app.forms import KensaForm, choices, required, text_field
from app.i18n import lazy_gettext as _l
from app.sampling.forms import LEVEL_LABELS, SCHEME_LABELS, aql_choices
from app.standards.labels import CLASS_LABELS
from app.standards.validation import (
    CharacteristicData,
    RevisionSettings,
    characteristic_problems,
    duplicate_codes,
)

KIND_LABELS = (("variable", _l("Measured")), ("attribute", _l("Pass/fail")))
ZONE_LABELS = (
    ("", _l("—")),
    ("A", _l("A: visible in use")),
    ("B", _l("B: visible when handled")),
    ("C", _l("C: hidden")),
)


def _none_if_blank(value: object) -> object:
    return (value.strip() or None) if isinstance(value, str) else value


def _decimal(label: str) -> DecimalField:
    return DecimalField(
        label,
        places=None,
        validators=[Optional()],
        filters=[lambda v: v.normalize() if isinstance(v, Decimal) else v],
    )


class CharacteristicForm(Form):
    """One characteristic row; cross-field rules come from app.standards.validation."""

    code = StringField(_l("Code"), validators=[required(), Length(max=20)], filters=[_none_if_blank])
    name = StringField(_l("Name"), validators=[required(), Length(max=200)], filters=[_none_if_blank])
    kind = SelectField(_l("Kind"), choices=choices(KIND_LABELS))
    unit = StringField(_l("Unit"), validators=[Length(max=20)], filters=[_none_if_blank])
    nominal = _decimal(_l("Nominal"))
    lsl = _decimal(_l("Lower limit (LSL)"))
    usl = _decimal(_l("Upper limit (USL)"))
    defect_class = SelectField(_l("Class"), choices=choices(CLASS_LABELS), default="major")
    method = StringField(_l("Method / gauge"), validators=[Length(max=200)], filters=[_none_if_blank])
    zone = SelectField(_l("Zone"), choices=choices(ZONE_LABELS))

    def as_data(self) -> CharacteristicData:
        """The row as plain values; blank selects and texts become None."""
        return CharacteristicData(
            **{name: _none_if_blank(self[name].data) for name in CharacteristicData.__dataclass_fields__}
        )

    def validate(self, extra_validators=None) -> bool:  # type: ignore[no-untyped-def]
        ok = super().validate(extra_validators)
        if not ok:
            return False
        for field, message in characteristic_problems(self.as_data()).items():
            self[field].errors.append(message)
            ok = False
        return ok


class RevisionForm(KensaForm):
    """A draft revision: sampling settings and characteristic rows."""

    scheme = SelectField(_l("Sampling tables"), choices=choices(SCHEME_LABELS))
    inspection_level = SelectField(_l("Inspection level"), choices=choices(LEVEL_LABELS))
    aql_critical = SelectField(_l("AQL critical"), choices=aql_choices())
    aql_major = SelectField(_l("AQL major"), choices=aql_choices())
    aql_minor = SelectField(_l("AQL minor"), choices=aql_choices())
    change_note = TextAreaField(_l("What changed in this revision"), validators=[Length(max=2000)])
    characteristics = FieldList(FormField(CharacteristicForm), min_entries=1, max_entries=200)

    def settings(self) -> RevisionSettings:
        """The sampling settings; a class without an AQL is not inspected (None)."""
        values = {name: self[name].data for name in RevisionSettings.__dataclass_fields__}
        for name in ("aql_critical", "aql_major", "aql_minor"):
            values[name] = _none_if_blank(values[name])
        return RevisionSettings(**values)

    def rows(self) -> list[CharacteristicData]:
        return [entry.form.as_data() for entry in self.characteristics]

    def validate_characteristics(self, field: FieldList) -> None:
        duplicates = duplicate_codes([e.form.as_data() for e in field if e.form.code.data])
        if not duplicates:
            return
        for entry in field:
            if (entry.form.code.data or "").upper() in duplicates:
                entry.form.code.errors.append(_l("This code is used by another row."))
        raise ValidationError(_l("Each characteristic needs its own code."))


class DefectForm(KensaForm):
    """A defect catalogue entry."""

    code = text_field(_l("Defect code"), max_length=20)
    description = text_field(_l("Description"), max_length=200)
    default_class = SelectField(_l("Default class"), choices=choices(CLASS_LABELS))
