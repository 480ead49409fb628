"""The lot page's control charts (#14): a dispersion point beyond its limit is a signal, the limits
come from the in-control lots before this one, and the note names the lots left out."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.auth.models import User
from app.extensions import db
from app.lots.models import Lot
from app.parts.models import Part
from app.reviews import charts
from app.standards.models import Characteristic
from app.suppliers.models import Site
from tests import factories

pytestmark = pytest.mark.shared_world


def _spread(times: int):  # type: ignore[no-untyped-def]
    """Each sample at the nominal plus (sample mod 5 - 2) thousandths, times `times`."""

    def value(sample: int, c: Characteristic) -> str:
        if c.kind != "variable":
            return "pass"
        centre = c.nominal if c.nominal is not None else ((c.lsl or Decimal(0)) + (c.usl or Decimal(0))) / 2
        return str(centre + Decimal(times * (sample % 5 - 2)) / 1000)

    return value


def _lots(world, spreads: list[int], prefix: str = "C") -> Lot:  # type: ignore[no-untyped-def]
    site, part = db.session.get(Site, world.site_a), db.session.get(Part, world.part_a)
    inspector = db.session.get(User, world.inspector_a.id)
    made = None
    for n, times in enumerate(spreads):
        made = factories.submitted_lot(site, part, inspector, f"{prefix}-{n:03d}", value=_spread(times))
    assert made is not None
    return made


def _first_variable(views: list[charts.ChartView]) -> charts.ChartView:
    return next(v for v in views if v.spread_svg is not None)


def test_a_lot_whose_spread_is_beyond_the_limit_is_flagged_on_the_dispersion_chart(app, world):
    with app.app_context():
        current = _lots(world, [1, 1, 1, 1, 1, 1, 6])
        view = _first_variable(charts.for_lot(current))
    assert "The spread of lot C-006 is beyond its control limits." in view.violations
    assert "chart-rules" in str(view.spread_svg)
    # The world's three submitted lots of the part come first: 3 + 6 lots before this one.
    assert view.note.endswith("limits from the 9 lots before this one.")


def test_an_earlier_lot_out_of_control_is_left_out_of_the_limits_and_named(app, world):
    with app.app_context():
        current = _lots(world, [1, 1, 6, 1, 1, 1, 1, 1])
        view = _first_variable(charts.for_lot(current))
    # 3 of the world's and 7 of these before this one, less C-002.
    assert view.note.endswith("limits from the 9 lots before this one without C-002, out of control.")
    # Against the in-control lots, lot C-002's own spread is a signal; the current lot's is not.
    assert view.violations == ["The spread of lot C-002 is beyond its control limits."]


def test_the_current_lot_is_labelled_on_its_charts(app, world):
    with app.app_context():
        current = _lots(world, [1, 1, 1])
        view = _first_variable(charts.for_lot(current))
    assert "this lot" in str(view.svg) and "this lot" in str(view.spread_svg)


@pytest.mark.parametrize(
    ("low", "high", "value", "printed"),
    [
        (70.9903, 71.0097, 71.0097, "71.0097"),  # a spread of 0.0194: 3 figures of it, not "71"
        (1.318, 1.693, 1.69298, "1.693"),  # Montgomery's flow width, printed to 3 decimals
        (242.087, 277.246, 259.667, "259.7"),  # SAS Partgaps
    ],
)
def test_location_labels_give_the_spread_of_the_limits_three_figures(low, high, value, printed):
    assert charts._digits_for(low, high)(value) == printed
