"""Suppliers, sites, people, parts, released standards, approvals and reviewer assignments."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from app.volume.shape import (
    ADMIN,
    DOMAIN,
    FIRST_MANAGER,
    PARTS_PER_SUPPLIER,
    QUALITY_MANAGER,
    REVIEWERS,
    SPAN,
    SUPPLIERS,
    assigned,
    inspector_email,
    manager_email,
    reviewer_email,
    supplier_of_part,
)

Rows = list[dict[str, Any]]


def masters(now: datetime, password_hash: str | None = None) -> dict[str, Rows]:
    """The rows every load has, by table in insertion order; users get `password_hash` (None: no password)."""
    stamp = {"created_at": now - SPAN - timedelta(days=30), "updated_at": now - SPAN}
    suppliers = [
        {"id": s, "code": f"S{s:03d}", "legal_name": f"Supplier {s} Co., Ltd.", "country": "TH", **stamp}
        for s in range(1, SUPPLIERS + 1)
    ]
    sites = [
        {"id": s, "supplier_id": s, "name": f"Plant {s}", "city": "Chonburi", "country": "TH", **stamp}
        for s in range(1, SUPPLIERS + 1)
    ]
    parts, standards, revisions, approvals = [], [], [], []
    for p in range(1, SUPPLIERS * PARTS_PER_SUPPLIER + 1):
        supplier = supplier_of_part(p)
        parts.append(
            {
                "id": p,
                "part_number": f"P-{p:05d}",
                "name": f"Housing {p}",
                "product_line": f"Line {p % 7}",
                "drawing_revision": "B",
                **stamp,
            }
        )
        standards.append({"id": p, "part_id": p, **stamp})
        revisions.append(
            {
                "id": p,
                "standard_id": p,
                "number": 1,
                "state": "released",
                "inspection_level": "II",
                "aql_major": "0.65",
                "aql_minor": "2.5",
                "released_at": stamp["updated_at"],
                **stamp,
            }
        )
        approvals.append({"id": p, "supplier_id": supplier, "site_id": supplier, "part_id": p, **stamp})
    assignments = [
        {
            "id": user_id * 1000 + supplier_id,
            "user_id": user_id,
            "supplier_id": supplier_id,
            "created_at": now,
        }
        for user_id, supplier_ids in assigned().items()
        for supplier_id in supplier_ids
    ]
    return {
        "supplier": suppliers,
        "site": sites,
        "user": [{**user, "password_hash": password_hash, **stamp} for user in people()],
        "part": parts,
        "standard": standards,
        "standard_revision": revisions,
        "part_approval": approvals,
        "reviewer_assignment": assignments,
    }


def people() -> Rows:
    """Every user: an inspector and a manager per supplier, the reviewers, a quality manager, an admin.

    Each keeps a fixed `session_token` (bench-token-<id>), so that a bench can forge a session.
    """
    users = [
        _user(s, inspector_email(s), f"Inspector{s}", "supplier_inspector", s)
        for s in range(1, SUPPLIERS + 1)
    ]
    users += [
        _user(SUPPLIERS + r, reviewer_email(r), f"Reviewer{r}", "reviewer", None)
        for r in range(1, REVIEWERS + 1)
    ]
    users += [
        _user(FIRST_MANAGER + s - 1, manager_email(s), f"Manager{s}", "supplier_manager", s)
        for s in range(1, SUPPLIERS + 1)
    ]
    users.append(_user(QUALITY_MANAGER, f"qm@brand.{DOMAIN}", "Quality Manager", "quality_manager", None))
    users.append(_user(ADMIN, f"admin@brand.{DOMAIN}", "Portal Administrator", "admin", None))
    return users


def _user(user_id: int, email: str, name: str, role: str, supplier: int | None) -> dict[str, Any]:
    return {
        "id": user_id,
        "email": email,
        "name": name,
        "role": role,
        "supplier_id": supplier,
        "session_token": f"bench-token-{user_id}",
    }
