"""The fixed size of the volume (suppliers, parts, people, the 24 months), its id arithmetic, and
each supplier's profile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

SUPPLIERS = 100
PARTS_PER_SUPPLIER = 10
REVIEWERS = 6
SUPPLIERS_PER_REVIEWER = 10
SPAN = timedelta(days=730)
RECENT = timedelta(days=42)
DOMAIN = "volume.example"

# User ids: inspectors 1-100 (the supplier's id), reviewers 101-106, managers 107-206, then the
# quality manager and the admin. The first two blocks are the original bench users, kept in place.
FIRST_MANAGER = SUPPLIERS + REVIEWERS + 1
QUALITY_MANAGER = FIRST_MANAGER + SUPPLIERS
ADMIN = QUALITY_MANAGER + 1


def assigned() -> dict[int, list[int]]:
    """Reviewer user id -> the 10 suppliers assigned to them (suppliers 1-60; the rest have none)."""
    return {
        SUPPLIERS + r + 1: [r * SUPPLIERS_PER_REVIEWER + k + 1 for k in range(SUPPLIERS_PER_REVIEWER)]
        for r in range(REVIEWERS)
    }


def supplier_of_part(part_id: int) -> int:
    """Parts are dealt to the suppliers in turn: part p belongs to supplier (p - 1) % 100 + 1."""
    return (part_id - 1) % SUPPLIERS + 1


def reviewer_of(supplier_id: int) -> int | None:
    """The user id of the supplier's assigned reviewer, if it has one."""
    index = (supplier_id - 1) // SUPPLIERS_PER_REVIEWER
    return SUPPLIERS + index + 1 if index < REVIEWERS else None


def inspector_email(supplier_id: int) -> str:
    return f"inspector@s{supplier_id:03d}.{DOMAIN}"


def manager_email(supplier_id: int) -> str:
    return f"manager@s{supplier_id:03d}.{DOMAIN}"


def reviewer_email(number: int) -> str:
    """The e-mail of reviewer `number` (1-6; user id 100 + number)."""
    return f"reviewer{number}@brand.{DOMAIN}"


@dataclass(frozen=True)
class Profile:
    """How one supplier does: Cpk, nonconformities, 8D answers on time, SCARs, its usual defects."""

    cpk_mean: float
    defects: float
    on_time: float
    scars: float
    code_weights: tuple[float, ...]  # cumulative, over the scorecard module's DEFECT_CODES
