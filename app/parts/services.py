"""Creating parts and approving suppliers to make them at their sites."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import tenancy
from app.audit.services import acting_user_id, record, snapshot
from app.clock import utcnow
from app.extensions import db
from app.matching import exact_first, number_contains
from app.parts.models import Part, PartApproval
from app.rules import RuleError, taken
from app.suppliers.models import Site

PART_FIELDS = ("part_number", "name", "product_line", "drawing_revision")


def _check_unique_number(number: str, exclude_id: int | None = None) -> None:
    if taken(Part, Part.part_number == number, exclude_id=exclude_id):
        raise RuleError(_("Another part already has the number %(number)s.", number=number), "part_number")


def create_part(**values: Any) -> Part:
    """Register a part."""
    values["part_number"] = values["part_number"].strip().upper()
    _check_unique_number(values["part_number"])
    part = Part(**values)
    db.session.add(part)
    db.session.flush()
    record("part.created", part, after=snapshot(part, PART_FIELDS))
    return part


def update_part(part: Part, **values: Any) -> None:
    """Change a part's master data."""
    values["part_number"] = values["part_number"].strip().upper()
    _check_unique_number(values["part_number"], exclude_id=part.id)
    before = snapshot(part, PART_FIELDS)
    for name, value in values.items():
        setattr(part, name, value)
    record("part.updated", part, before=before, after=snapshot(part, PART_FIELDS))


def approve(part: Part, site: Site) -> PartApproval:
    """Allow the site's supplier to make the part there (again, if it was revoked)."""
    approval = db.session.scalars(
        select(PartApproval).where(
            PartApproval.supplier_id == site.supplier_id,
            PartApproval.site_id == site.id,
            PartApproval.part_id == part.id,
        )
    ).one_or_none()
    if approval is not None and approval.is_active:
        raise RuleError(_("%(site)s is already approved for this part.", site=site.name), "site_id")
    if approval is None:
        approval = PartApproval(supplier_id=site.supplier_id, site_id=site.id, part_id=part.id)
        db.session.add(approval)
    approval.revoked_at = None
    approval.approved_by_id = acting_user_id()
    db.session.flush()
    record("part.approved", approval, after={"part_id": part.id, "site_id": site.id})
    return approval


def revoke(approval: PartApproval) -> None:
    """Withdraw an approval; existing lots stay, new lots are refused."""
    if not approval.is_active:
        raise RuleError(_("This approval was already withdrawn."))
    approval.revoked_at = utcnow()
    record("part.approval_revoked", approval, before={"active": True}, after={"active": False})


def is_approved(supplier_id: int, site_id: int, part_id: int) -> bool:
    """True when the supplier may make the part at the site today."""
    return (
        db.session.scalar(
            select(PartApproval.id).where(
                PartApproval.supplier_id == supplier_id,
                PartApproval.site_id == site_id,
                PartApproval.part_id == part_id,
                PartApproval.revoked_at.is_(None),
            )
        )
        is not None
    )


def approvals_of_part(part_id: int) -> list[PartApproval]:
    """The part's approvals visible to the session, with supplier and site loaded."""
    return list(
        db.session.scalars(
            select(PartApproval)
            .options(joinedload(PartApproval.supplier), joinedload(PartApproval.site))
            .where(PartApproval.part_id == part_id)
            .order_by(PartApproval.supplier_id, PartApproval.site_id)
        )
    )


def visible_parts() -> list[Part]:
    """Parts the session may see: all for internal users; for a supplier, those it is approved for."""
    return list(db.session.scalars(_visible(select(Part).order_by(Part.part_number))))


def _visible(query: Any) -> Any:
    """Only the parts a supplier user's company is approved for (its approvals are in its scope)."""
    if tenancy.current_scope(db.session) is None:
        return query
    return query.where(Part.id.in_(select(PartApproval.part_id).where(PartApproval.revoked_at.is_(None))))


def parts_numbered(text: str, limit: int) -> list[Part]:
    """Parts the session may see (as `visible_parts`) whose number contains `text`, exact matches first."""
    query = select(Part).where(number_contains(Part.part_number, text))
    query = query.order_by(exact_first(Part.part_number, text), Part.part_number).limit(limit)
    return list(db.session.scalars(_visible(query)))


def part_or_404(part_id: int) -> Part:
    """A part the session may see: a supplier user only sees parts it is approved for (else 404)."""
    part = tenancy.get_or_404(Part, part_id)
    if tenancy.current_scope(db.session) is not None:
        approved = db.session.scalar(select(PartApproval.id).where(PartApproval.part_id == part_id).limit(1))
        if approved is None:
            abort(404)
    return part


def part_id_by_number(number: str) -> int | None:
    """The id of the part with exactly this number (the unique index answers)."""
    return db.session.scalar(select(Part.id).where(Part.part_number == number))
