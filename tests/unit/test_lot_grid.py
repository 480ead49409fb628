"""Which limit a grid cell's value lies beyond: the words the data page marks it with (#14)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.lots.grid import spec_side
from app.standards.models import Characteristic

WIDTH = Characteristic(code="W1", kind="variable", lsl=Decimal("70.95"), usl=Decimal("71.05"))
GAP = Characteristic(code="G1", kind="variable", usl=Decimal("0.10"))
COLOUR = Characteristic(code="A1", kind="attribute")


@pytest.mark.parametrize(
    ("characteristic", "text", "side"),
    [
        (WIDTH, "71.06", "above"),
        (WIDTH, "70,94", "below"),  # a decimal comma is read too
        (WIDTH, "71.05", None),  # on a limit: in spec
        (WIDTH, "70.95", None),
        (WIDTH, "71.2x", None),  # not a number: the server's error says so, not the spec mark
        (WIDTH, " ", None),
        (GAP, "0.11", "above"),
        (GAP, "-5", None),  # no lower limit
        (COLOUR, "fail", None),  # a failed check is a result, not a value out of spec
    ],
)
def test_spec_side(characteristic: Characteristic, text: str, side: str | None) -> None:
    assert spec_side(characteristic, text) == side
