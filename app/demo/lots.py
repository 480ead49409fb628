"""Demo lots with realistic measurements, created through the real services (idempotent)."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from app.auth.models import Role, User
from app.clock import utcnow
from app.extensions import db
from app.lots import data as lot_data
from app.lots import services
from app.lots.entry import RawCell
from app.lots.models import Lot
from app.parts.models import Part
from app.standards.models import Characteristic
from app.suppliers.models import Site, Supplier

# (supplier, site, part, lot number prefix, lots submitted, lot size, what the last submitted lot shows):
# "drift" moves towards a limit, so the evaluation recommends rejection; "copy" repeats the previous
# lot's values, so the integrity checks flag it.
SERIES = (
    ("SIAM", "Chonburi", "XQ-2040", "CH-2611", 7, 1000, "drift"),
    ("WUXI", "Wuxi", "XQ-3300", "WX-2611", 4, 1000, "copy"),
)


def _value(rng: random.Random, c: Characteristic, shift: float) -> str:
    """A measurement near the middle of the tolerance, at the resolution of the limits' gauge."""
    lsl = float(c.lsl) if c.lsl is not None else None
    usl = float(c.usl) if c.usl is not None else None
    if lsl is not None and usl is not None:
        centre, spread = (lsl + usl) / 2, (usl - lsl) / 10
    elif usl is not None:
        centre, spread = usl / 2, usl / 12
    else:
        assert lsl is not None
        centre, spread = lsl * 1.07, lsl * 0.012
    places = 1 if spread >= 1 else 3
    return f"{rng.gauss(centre + shift * spread, spread):.{places}f}"


def _cells(lot: Lot, rng: random.Random, shift: float = 0.0, fill: float = 1.0) -> list[RawCell]:
    cells = []
    for c in lot_data.characteristics_of(lot):
        for sample in range(1, int(lot.sample_size * fill) + 1):
            text = _value(rng, c, shift) if c.kind == "variable" else "pass"
            cells.append(RawCell(sample, c, text))
    return cells


def seed_demo_lots() -> None:
    """Give SIAM and WUXI a history of submitted lots, one rejected-looking lot, and a draft."""
    today = utcnow().date()
    for supplier_code, site_name, number, prefix, submitted, lot_size, last in SERIES:
        site = db.session.scalars(
            select(Site).join(Supplier).where(Supplier.code == supplier_code, Site.name == site_name)
        ).one()
        part = db.session.scalars(select(Part).where(Part.part_number == number)).one()
        inspector = db.session.scalars(
            select(User).where(User.supplier_id == site.supplier_id, User.role == Role.SUPPLIER_INSPECTOR)
        ).first()
        if inspector is None:
            continue
        for index in range(1, submitted + 2):
            lot_number = f"{prefix}-{index:03d}"
            if db.session.scalar(
                select(Lot.id).where(Lot.supplier_id == site.supplier_id, Lot.lot_number == lot_number)
            ):
                continue
            day = today - timedelta(days=3 * (submitted + 2 - index))
            lot = services.create_lot(
                site.supplier_id,
                services.LotInput(site.id, part.id, lot_number, lot_size, day, day, inspector.id),
                inspector,
            )
            if index > submitted:  # the newest lot is a half-filled draft
                lot_data.save_entries(lot, _cells(lot, random.Random(lot_number), fill=0.5), [])
                continue
            odd = index == submitted
            seed = f"{prefix}-{index - 1:03d}" if odd and last == "copy" else lot_number
            shift = 4.5 if odd and last == "drift" else 0.0
            lot_data.save_entries(lot, _cells(lot, random.Random(seed), shift), [])
            services.submit(lot, inspector)
