"""The sampling calculator's inputs, and quality managers' switching decisions."""

from __future__ import annotations

from wtforms import BooleanField, IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, NumberRange

from app.forms import KensaForm, choices, required
from app.i18n import lazy_gettext as _l
from app.quality.sampling import AQLS, LEVELS

SCHEME_LABELS = (("iso2859-1", _l("ISO 2859-1:1999")), ("ansi-z14", _l("ANSI/ASQ Z1.4")))
SEVERITY_LABELS = (("normal", _l("Normal")), ("tightened", _l("Tightened")), ("reduced", _l("Reduced")))
# The same inside a sentence ("the tightened table").
SEVERITY_WORDS = {"normal": _l("normal"), "tightened": _l("tightened"), "reduced": _l("reduced")}
LEVEL_LABELS = tuple((level, level) for level in LEVELS)


def aql_choices() -> list:  # type: ignore[type-arg]
    """The table's AQLs, with an empty choice for a class that is not inspected."""
    return choices([("", _l("— not inspected —")), *((a, a) for a in AQLS)])


class CalculatorForm(KensaForm):
    """Lot size, level, scheme, severity and one AQL per class (sent by GET, so no CSRF token)."""

    class Meta:
        csrf = False

    lot_size = IntegerField(
        _l("Lot size"),
        validators=[
            InputRequired(_l("Type the number of units in the lot.")),
            NumberRange(min=2, message=_l("A lot has at least 2 units.")),
        ],
    )
    level = SelectField(_l("Inspection level"), choices=choices(LEVEL_LABELS), default="II")
    scheme = SelectField(_l("Sampling tables"), choices=choices(SCHEME_LABELS), default="iso2859-1")
    severity = SelectField(_l("Inspection severity"), choices=choices(SEVERITY_LABELS), default="normal")
    aql_critical = SelectField(_l("AQL critical"), choices=aql_choices(), default="0.065")
    aql_major = SelectField(_l("AQL major"), choices=aql_choices(), default="0.65")
    aql_minor = SelectField(_l("AQL minor"), choices=aql_choices(), default="2.5")


class ReducedForm(KensaForm):
    """Allow or withdraw reduced inspection, with the reason."""

    allowed = BooleanField(_l("Reduced inspection is allowed when earned"))
    reason = TextAreaField(_l("Reason"), validators=[required()])


class RestoreForm(KensaForm):
    """Restore a discontinued supplier part, with the reason."""

    reason = TextAreaField(_l("Reason (for example the corrective action taken)"), validators=[required()])
