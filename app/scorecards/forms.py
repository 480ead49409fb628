"""Scorecard forms: the scoring rules, a supplier's yearly targets, publishing a period."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, DecimalField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.forms import KensaForm
from app.i18n import lazy_gettext as _l
from app.quality.scoring import Kpi, Rule
from app.scorecards.texts import KPI_LABELS

NUMBER_NEEDED = _l("Enter a number.")


class RulesForm(KensaForm):
    """One weight and two thresholds per KPI: fields `<kpi>_weight`, `<kpi>_full_at`, `<kpi>_zero_at`."""

    def rules(self) -> dict[Kpi, Rule]:
        return {
            kpi: Rule(
                weight=int(self[f"{kpi}_weight"].data),
                full_at=float(self[f"{kpi}_full_at"].data),
                zero_at=float(self[f"{kpi}_zero_at"].data),
            )
            for kpi in Kpi
        }

    def fill(self, rules: dict[Kpi, Rule]) -> None:
        for kpi, rule in rules.items():
            self[f"{kpi}_weight"].data = rule.weight
            self[f"{kpi}_full_at"].data = rule.full_at
            self[f"{kpi}_zero_at"].data = rule.zero_at


for _kpi in Kpi:
    setattr(
        RulesForm,
        f"{_kpi}_weight",
        IntegerField(
            _l("Weight"),
            validators=[
                InputRequired(NUMBER_NEEDED),
                NumberRange(0, 100, _l("A weight is between 0 and 100.")),
            ],
        ),
    )
    setattr(
        RulesForm,
        f"{_kpi}_full_at",
        DecimalField(_l("Full points at"), validators=[InputRequired(NUMBER_NEEDED)]),
    )
    setattr(
        RulesForm,
        f"{_kpi}_zero_at",
        DecimalField(_l("Zero points at"), validators=[InputRequired(NUMBER_NEEDED)]),
    )


class TargetsForm(KensaForm):
    """A supplier's target per KPI for one year; an empty field means no target."""

    def targets(self) -> dict[Kpi, float | None]:
        return {kpi: None if self[kpi.value].data is None else float(self[kpi.value].data) for kpi in Kpi}

    def fill(self, targets: dict[Kpi, float]) -> None:
        for kpi, value in targets.items():
            self[kpi.value].data = value


for _kpi in Kpi:
    setattr(
        TargetsForm,
        _kpi.value,
        DecimalField(
            KPI_LABELS[_kpi],
            validators=[Optional(), NumberRange(min=0, message=_l("A target cannot be negative."))],
        ),
    )


class PublishForm(KensaForm):
    """Publishing a period; before it ends, "publish early" must be chosen and a reason given (the
    service decides, so the rule holds for every caller)."""

    note = StringField(_l("Note (optional)"), validators=[Length(max=500)])
    early = BooleanField(_l("Publish early, before the period ends"))
    early_reason = TextAreaField(
        _l("Reason for publishing early"),
        description=_l("Kept with the publication and in the audit trail."),
        validators=[Length(max=500, message=_l("The reason can be at most %(max)d characters."))],
    )

    def early_request(self) -> str | None:
        """The reason given with "publish early", or None when it was not chosen."""
        return (self.early_reason.data or "") if self.early.data else None


def rule_fields(form: RulesForm, kpi: Kpi) -> tuple[Any, Any, Any]:
    return form[f"{kpi}_weight"], form[f"{kpi}_full_at"], form[f"{kpi}_zero_at"]
