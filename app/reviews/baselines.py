"""Freezing a chart's Phase I baseline, and unfreezing it: while frozen, its limits judge the later lots
of the supplier's standard revision instead of limits recomputed from their history."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.audit.texts import labels_fields
from app.auth.models import User
from app.clock import utcnow
from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.lots.models import Lot
from app.reviews import charts, frozen, policy
from app.reviews.limits import ChartLimits
from app.reviews.models import FrozenBaseline
from app.rules import RuleError
from app.standards.models import Characteristic, CharacteristicKind

MIN_LOTS = charts.MIN_HISTORY  # fewer lots than the charts want as history make no baseline to keep

labels_fields({"chart": _l("Chart"), "lots": _l("Lots"), "limits": _l("Control limits")})


def chart_key(lot: Lot, chart: str) -> str | None:
    """The key of one of the lot's charts: "p", or the id of a variable characteristic of its revision."""
    if chart == frozen.P_CHART:
        return chart
    if not chart.isdigit():
        return None
    found = db.session.scalar(
        select(Characteristic.id).where(
            Characteristic.id == int(chart),
            Characteristic.revision_id == lot.revision_id,
            Characteristic.kind == CharacteristicKind.VARIABLE,
        )
    )
    return None if found is None else str(found)


def basis_ids(points: Sequence[charts.LotPoint]) -> str:
    """The lots of a baseline as the freeze form carries them."""
    return ",".join(str(p.lot_id) for p in points)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.6g}"


def limits_words(limits: ChartLimits) -> str:
    """The stored lines, for the audit trail: "CL 10.0002, UCL 10.0031, LCL 9.9973; spread CL …"."""
    lines = [(_("CL"), limits.center), (_("UCL"), limits.ucl), (_("LCL"), limits.lcl)]
    spread = [(_("CL"), limits.spread_center), (_("UCL"), limits.spread_ucl), (_("LCL"), limits.spread_lcl)]
    words = ", ".join(f"{name} {_number(v)}" for name, v in lines if v is not None)
    if any(v is not None for _name, v in spread):
        words += "; " + _(
            "spread: %(lines)s", lines=", ".join(f"{n} {_number(v)}" for n, v in spread if v is not None)
        )
    if limits.spread_sigma is not None:
        words += "; " + _("σ within lots %(sigma)s", sigma=_number(limits.spread_sigma))
    return words


def _check(user: User) -> None:
    if not policy.can_freeze_baseline(user):
        raise RuleError(_("Only a quality manager freezes or unfreezes control limits."))


def freeze(lot: Lot, key: str, user: User, reason: str, seen: str) -> FrozenBaseline:
    """Freeze the baseline the lot's chart `key` shows now; `seen` names the lots the user saw in it."""
    _check(user)
    view = next((v for v in charts.for_lot(lot) if v.key == key), None)
    if view is None or view.computed is None:
        raise RuleError(_("This chart has too few lots to freeze its limits."))
    if view.frozen is not None:
        raise RuleError(_("The limits of this chart are frozen already."))
    if seen != basis_ids(view.basis):
        raise RuleError(
            _("The chart has changed since you opened the page: check its limits and freeze again.")
        )
    if len(view.basis) < MIN_LOTS:
        raise RuleError(
            _(
                "A baseline needs at least %(min)d in-control lots; this one has %(count)d.",
                min=MIN_LOTS,
                count=len(view.basis),
            )
        )
    limits = view.computed
    row = FrozenBaseline(
        supplier_id=lot.supplier_id,
        revision_id=lot.revision_id,
        characteristic_id=None if key == frozen.P_CHART else int(key),
        kind=limits.kind,
        n=limits.n,
        center=limits.center,
        lcl=limits.lcl,
        ucl=limits.ucl,
        sigma=limits.sigma,
        spread_center=limits.spread_center,
        spread_lcl=limits.spread_lcl,
        spread_ucl=limits.spread_ucl,
        spread_sigma=limits.spread_sigma,
        reason=reason.strip(),
        frozen_by_id=user.id,
        frozen_at=utcnow(),
    )
    row.lots = list(db.session.scalars(select(Lot).where(Lot.id.in_([p.lot_id for p in view.basis]))))
    try:
        with db.session.begin_nested():  # another quality manager froze the chart a moment ago
            db.session.add(row)
    except IntegrityError:
        raise RuleError(_("The limits of this chart are frozen already.")) from None
    lots = ", ".join(p.lot_number for p in view.basis)
    after = {"chart": view.title, "lots": lots, "limits": limits_words(limits), "reason": row.reason}
    record("baseline.frozen", row, after=after)
    return row


def unfreeze(lot: Lot, key: str, user: User, reason: str) -> FrozenBaseline:
    """End the frozen baseline of the lot's chart `key`: its charts recompute their limits again."""
    _check(user)
    row = frozen.active_for(lot).get(key)
    if row is None:
        raise RuleError(_("The limits of this chart are not frozen."))
    row.unfrozen_by_id = user.id
    row.unfrozen_at = utcnow()
    row.unfreeze_reason = reason.strip()
    db.session.flush()
    before = {"lots": frozen.lot_numbers(row), "limits": limits_words(row.limits)}
    record("baseline.unfrozen", row, before=before, after={"reason": row.unfreeze_reason})
    return row
