"""Every kind of page, for every role that may open it, on the demo data: the layout and the
accessibility tests walk this table (#14).

A page's URL is found in the server's database when the test runs (the demo's ids), so that the
table holds no number that another test's data could shift.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, column, select, table

from tests.clock import TEST_TODAY

REVIEWER = "reviewer@brand.example"
QUALITY_MANAGER = "qm@brand.example"
ADMIN = "admin@brand.example"
# WUXI (demo seed) has lots in every state, the open SCAR and a published scorecard: its people see
# every supplier page with something on it.
SUPPLIER_INSPECTOR = "inspector@wuxi-optronics.example"
SUPPLIER_MANAGER = "manager@wuxi-optronics.example"

ROLES = {
    "reviewer": REVIEWER,
    "quality-manager": QUALITY_MANAGER,
    "admin": ADMIN,
    "supplier-inspector": SUPPLIER_INSPECTOR,
    "supplier-manager": SUPPLIER_MANAGER,
}
INTERNAL = ("reviewer", "quality-manager", "admin")
SUPPLIER = ("supplier-inspector", "supplier-manager")
EVERYONE = INTERNAL + SUPPLIER

PHONE, LAPTOP, WIDE_LAPTOP = 390, 1280, 1366  # viewport widths, px

PERIOD = f"{TEST_TODAY:%Y-%m}"  # the demo publishes the scorecards of the test clock's month
REVIEWED_LOT = "CH-2611-006"  # SIAM, submitted after five accepted lots: the review page with its charts
SUPPLIER_LOT = "WX-2611-003"  # WUXI, submitted
DRAFT_LOT = "WX-2611-005"  # WUXI, a draft: the data grid
SCAR = "SCAR-2026-0001"  # against WUXI; D2 is submitted

LOT = table("lot", column("id"), column("lot_number"))
SCAR_TABLE = table("scar", column("id"), column("number"))
SUPPLIER_TABLE = table("supplier", column("id"), column("code"))

Lookup = Callable[[Engine], str]


def _one(engine: Engine, query) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        found = conn.scalar(query)
    assert found is not None, f"the demo data has no row for {query}"
    return int(found)


def _lot(number: str) -> Lookup:
    return lambda engine: f"/lots/{_one(engine, select(LOT.c.id).where(LOT.c.lot_number == number))}"


def _scar(engine: Engine) -> int:
    return _one(engine, select(SCAR_TABLE.c.id).where(SCAR_TABLE.c.number == SCAR))


def _supplier(code: str) -> Callable[[Engine], int]:
    return lambda engine: _one(engine, select(SUPPLIER_TABLE.c.id).where(SUPPLIER_TABLE.c.code == code))


def _card(code: str) -> Lookup:
    return lambda engine: f"/scorecards/{PERIOD}/suppliers/{_supplier(code)(engine)}"


def _fixed(path: str) -> Lookup:
    return lambda engine: path


@dataclass(frozen=True)
class PageKind:
    """One kind of page: its name, who opens it, and where."""

    name: str
    roles: tuple[str, ...]
    url: Lookup


PAGES = (
    PageKind("home", EVERYONE, _fixed("/home")),
    PageKind("lots", EVERYONE, _fixed("/lots")),
    PageKind("lot-review", INTERNAL, _lot(REVIEWED_LOT)),
    PageKind("lot", SUPPLIER, _lot(SUPPLIER_LOT)),
    PageKind("lot-data", SUPPLIER, lambda engine: _lot(DRAFT_LOT)(engine) + "/data"),
    PageKind("new-lot", SUPPLIER, _fixed("/lots/new")),
    PageKind("review-queue", INTERNAL, _fixed("/review")),
    PageKind("scars", EVERYONE, _fixed("/scars")),
    PageKind("scar", EVERYONE, lambda engine: f"/scars/{_scar(engine)}"),
    PageKind("8d-step", EVERYONE, lambda engine: f"/scars/{_scar(engine)}/steps/D2"),
    PageKind("scorecards", EVERYONE, _fixed("/scorecards")),
    PageKind("scorecard-period", INTERNAL, _fixed(f"/scorecards/{PERIOD}")),
    PageKind("card", INTERNAL, _card("SIAM")),
    PageKind("own-card", SUPPLIER, _card("WUXI")),
    PageKind("suppliers", INTERNAL, _fixed("/suppliers/")),
    PageKind("supplier", EVERYONE, lambda engine: f"/suppliers/{_supplier('WUXI')(engine)}"),
    PageKind("parts", EVERYONE, _fixed("/parts/")),
    PageKind("defects", EVERYONE, _fixed("/defects/")),
    PageKind("calculator", EVERYONE, _fixed("/sampling/calculator?lot_size=500")),
    PageKind("severity", SUPPLIER, _fixed("/sampling/status")),
    PageKind("audit", INTERNAL, _fixed("/audit")),
    PageKind("users", ("admin",), _fixed("/users/")),
    PageKind("team", ("supplier-manager",), _fixed("/team")),
    PageKind("notifications", EVERYONE, _fixed("/notifications")),
    PageKind("account", EVERYONE, _fixed("/account")),
)


def pages_of(role: str) -> list[PageKind]:
    """The page kinds that `role` opens."""
    return [kind for kind in PAGES if role in kind.roles]
