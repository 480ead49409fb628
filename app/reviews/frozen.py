"""The frozen baselines a lot's charts use, and how the charts say so."""

from __future__ import annotations

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.lots.models import Lot
from app.reviews.models import FrozenBaseline

P_CHART = "p"  # the key of the p-chart; a characteristic's chart is keyed by its id


def key_of(baseline: FrozenBaseline) -> str:
    return P_CHART if baseline.characteristic_id is None else str(baseline.characteristic_id)


def active_for(lot: Lot) -> dict[str, FrozenBaseline]:
    """The baselines frozen now for the charts of the lot's supplier and standard revision, by chart key."""
    rows = db.session.scalars(
        select(FrozenBaseline)
        .where(
            FrozenBaseline.supplier_id == lot.supplier_id,
            FrozenBaseline.revision_id == lot.revision_id,
            FrozenBaseline.unfrozen_at.is_(None),
        )
        .options(joinedload(FrozenBaseline.frozen_by), selectinload(FrozenBaseline.lots))
    ).all()
    return {key_of(b): b for b in rows}


def lot_numbers(baseline: FrozenBaseline) -> str:
    return ", ".join(lot.lot_number for lot in baseline.lots)


def basis(baseline: FrozenBaseline) -> str:
    """ "limits frozen on 2026-11-18 by Kenji Sato from lots A, B, C" (the date in the reader's zone)."""
    return _(
        "limits frozen on %(date)s by %(name)s from lots %(lots)s",
        date=format_datetime(baseline.frozen_at, "yyyy-MM-dd"),
        name=baseline.frozen_by.name,
        lots=lot_numbers(baseline),
    )


def not_fitting(baseline: FrozenBaseline) -> str:
    """Said when the lots shown are charted otherwise than when the limits were frozen."""
    return _(
        "the limits frozen on %(date)s from lots %(lots)s are for another chart or sample size, "
        "so these are recomputed",
        date=format_datetime(baseline.frozen_at, "yyyy-MM-dd"),
        lots=lot_numbers(baseline),
    )
