"""What the control charts say in words: the axis texts, the signals, and which lots make the limits."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _

from app.charts import ChartTexts
from app.reviews import frozen as frozen_words
from app.reviews.limits import ChartLimits, Computed
from app.reviews.models import FrozenBaseline


def texts() -> ChartTexts:
    """The chart's own words, in the reader's language."""
    return ChartTexts(
        center=_("CL"),
        ucl=_("UCL"),
        lcl=_("LCL"),
        lsl=_("LSL"),
        usl=_("USL"),
        rule=_("Nelson rule"),
        no_data=_("No data"),
        current=_("this lot"),
        description=_("Control chart of %(points)d points, %(violations)d with rule violations."),
    )


def said(marks: dict[int, list[int]], labels: Sequence[str]) -> list[str]:
    return [
        _("Lot %(lot)s breaks Nelson rule %(rules)s.", lot=labels[i], rules=", ".join(map(str, rules)))
        for i, rules in sorted(marks.items())
    ]


def said_spread(marks: dict[int, list[int]], labels: Sequence[str]) -> list[str]:
    return [
        _("The spread of lot %(lot)s is beyond its control limits.", lot=labels[i]) for i in sorted(marks)
    ]


def basis(labels: Sequence[str], candidates: list[int], left_out: Sequence[int], before: bool) -> str:
    """Which lots make the limits, in words."""
    if left_out:
        left = ", ".join(labels[candidates[i]] for i in left_out)
        kept = len(candidates) - len(left_out)
        if before:
            return _(
                "limits from the %(kept)d lots before this one without %(left)s, out of control",
                kept=kept,
                left=left,
            )
        return _("limits from %(kept)d lots without %(left)s, out of control", kept=kept, left=left)
    if before:
        return _("limits from the %(lots)d lots before this one", lots=len(candidates))
    return _("limits from all %(lots)d lots", lots=len(candidates))


def basis_of(
    found: Computed, frozen: FrozenBaseline | None, fits: bool, computed_basis: str
) -> tuple[ChartLimits, str]:
    """The limits a chart draws and their words: the frozen ones when they fit the lots shown."""
    if frozen is None:
        return found.limits, computed_basis
    if fits:
        return frozen.limits, frozen_words.basis(frozen)
    return found.limits, f"{computed_basis}; {frozen_words.not_fitting(frozen)}"
