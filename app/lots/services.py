"""What suppliers do with lots: create one and submit it (its data: app/lots/data.py; its files:
app/lots/attachments.py).

Every function here is what both a form view and the API call; they raise `RuleError` (or
`DataRejectedError` with every problem of the data) and never commit: the request does.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.audit.services import record, snapshot
from app.auth.models import SUPPLIER_ROLES, User
from app.certificates.services import site_lot_gate
from app.clock import utcnow
from app.extensions import db
from app.lots import evaluation
from app.lots.data import characteristics_of, check_editable, draft_of, findings_of, open_dataset, values_of
from app.lots.entry import (
    MAX_DECIMALS,
    DataRejectedError,
    missing_values,
)
from app.lots.models import Lot, LotDataset, LotState
from app.lots.plans import plan_of
from app.lots.states import LOT_FIELDS, move
from app.parts.models import Part, PartApproval
from app.parts.services import is_approved
from app.quality.sampling import CLASSES
from app.rules import RuleError, taken
from app.sampling.models import SwitchingRecord
from app.sampling.services import severity_of
from app.standards.services import revision_in_force
from app.suppliers.models import Site

# Quantizers for 0 to MAX_DECIMALS digits after the point.
_UNITS = [Decimal(1).scaleb(-places) for places in range(MAX_DECIMALS + 1)]
# Dates may run one day ahead of the server's UTC date: the factory's day starts earlier.
DATE_SLACK = timedelta(days=1)


@dataclass(frozen=True)
class LotInput:
    """What the user gives to create a lot."""

    site_id: int
    part_id: int
    lot_number: str
    lot_size: int
    production_date: date
    inspection_date: date
    inspector_id: int


# --- Creating a lot ----------------------------------------------------------------------------


def approved_pairs(supplier_id: int) -> list[PartApproval]:
    """The (site, part) pairs the supplier may make today, with site and part loaded."""
    return list(
        db.session.scalars(
            select(PartApproval)
            .options(joinedload(PartApproval.site), joinedload(PartApproval.part))
            .join(Part, Part.id == PartApproval.part_id)
            .where(PartApproval.supplier_id == supplier_id, PartApproval.revoked_at.is_(None))
            .order_by(Part.part_number, PartApproval.site_id)
        )
    )


def inspectors(supplier_id: int) -> list[User]:
    """The supplier's active users, who may be named as the lot's inspector."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.supplier_id == supplier_id,
                User.role.in_([r.value for r in SUPPLIER_ROLES]),
                User.is_active_account.is_(True),
            )
            .order_by(User.name)
        )
    )


def _check_dates(data: LotInput) -> None:
    latest = utcnow().date() + DATE_SLACK
    if data.production_date > latest:
        raise RuleError(_("The production date cannot be in the future."), "production_date")
    if data.inspection_date > latest:
        raise RuleError(_("The inspection date cannot be in the future."), "inspection_date")
    if data.inspection_date < data.production_date:
        raise RuleError(_("The lot cannot be inspected before it was produced."), "inspection_date")


def _check_discontinued(supplier_id: int, part: Part) -> None:
    stopped = db.session.scalar(
        select(SwitchingRecord.id).where(
            SwitchingRecord.supplier_id == supplier_id,
            SwitchingRecord.part_id == part.id,
            SwitchingRecord.discontinued.is_(True),
        )
    )
    if stopped is not None:
        raise RuleError(
            _(
                "Inspection of %(part)s is discontinued after repeated rejections. "
                "New lots are refused until "
                "the brand's quality manager restores it; contact your supplier quality engineer.",
                part=part.part_number,
            )
        )


# Letters (with their marks: Thai vowels and tones) and digits of any script, spaces and - _ . / #:
# what lot numbers use, and nothing that could break a line of an e-mail header, a CSV or a file name.
LOT_NUMBER_SIGNS = frozenset(" -_./#")


def lot_number_problem(lot_number: str) -> str | None:
    """Why a lot number is refused, in words for the inspector; None when it is fine."""
    fine = all(unicodedata.category(c)[0] in "LMN" or c in LOT_NUMBER_SIGNS for c in lot_number)
    if fine and lot_number[:1] and unicodedata.category(lot_number[0])[0] in "LN":
        return None
    return _(
        "A lot number may contain letters, digits, spaces and the signs - _ . / # only, "
        "and must start with a letter or a digit. Type it on one line, as printed on the lot label."
    )


def create_lot(supplier_id: int, data: LotInput, created_by: User) -> Lot:
    """Create a draft lot for an approved (site, part), with the revision in force and its plan."""
    site = db.session.scalars(select(Site).where(Site.id == data.site_id)).one_or_none()
    part = db.session.scalars(select(Part).where(Part.id == data.part_id)).one_or_none()
    if site is None or part is None or not is_approved(supplier_id, data.site_id, data.part_id):
        raise RuleError(_("Your company is not approved to make this part at this site."), "site_part")
    gate = site_lot_gate(site)
    if not gate.allowed:
        raise RuleError(gate.message, "site_part")
    revision = revision_in_force(part.id)
    if revision is None:
        raise RuleError(
            _(
                "%(part)s has no released craftsmanship standard yet, so it cannot be inspected. "
                "Ask your supplier quality engineer.",
                part=part.part_number,
            ),
            "site_part",
        )
    _check_discontinued(supplier_id, part)
    _check_dates(data)
    lot_number = data.lot_number.strip()
    problem = lot_number_problem(lot_number)
    if problem:
        raise RuleError(problem, "lot_number")
    if taken(Lot, Lot.supplier_id == supplier_id, Lot.part_id == part.id, Lot.lot_number == lot_number):
        raise RuleError(
            _("Lot %(number)s of %(part)s already exists.", number=lot_number, part=part.part_number),
            "lot_number",
        )
    inspector = db.session.scalars(
        select(User).where(User.id == data.inspector_id, User.supplier_id == supplier_id)
    ).one_or_none()
    if inspector is None:
        raise RuleError(_("Choose an inspector of your company."), "inspector_id")
    severities = {cls: severity_of(supplier_id, part.id, cls) for cls in CLASSES if revision.aql_for(cls)}
    try:
        plan = plan_of(revision, data.lot_size, severities)
    except ValueError:
        raise RuleError(_("The lot size must be a whole number of 2 or more."), "lot_size") from None
    lot = Lot(
        supplier_id=supplier_id,
        site_id=site.id,
        part_id=part.id,
        revision_id=revision.id,
        lot_number=lot_number,
        lot_size=data.lot_size,
        production_date=data.production_date,
        inspection_date=data.inspection_date,
        inspector_id=inspector.id,
        created_by_id=created_by.id,
        state=LotState.DRAFT,
        severities=severities,
        sample_size=plan.sample_size if not plan.inspect_all else data.lot_size,
    )
    db.session.add(lot)
    db.session.flush()
    db.session.add(LotDataset(supplier_id=supplier_id, lot_id=lot.id, number=1))
    record("lot.created", lot, after=snapshot(lot, LOT_FIELDS))
    return lot


# --- Submitting --------------------------------------------------------------------------------


def submit(lot: Lot, submitted_by: User) -> LotDataset:
    """Freeze the draft as a numbered submission, evaluate it and store the evaluation with the lot."""
    check_editable(lot)
    dataset = draft_of(lot)
    if dataset is None:
        # A returned lot resubmitted unchanged: its data are copied into the new revision.
        dataset = open_dataset(lot)
    characteristics = characteristics_of(lot)
    values = values_of(dataset)
    missing = missing_values(set(values), characteristics, lot.sample_size)
    if missing:
        raise DataRejectedError(
            missing,
            ngettext(
                "The sample is not complete: %(num)d value is missing. "
                "Enter it, or upload the full file, then submit again.",
                "The sample is not complete: %(num)d values are missing. "
                "Enter them, or upload the full file, then submit again.",
                len(missing),
            ),
        )
    resubmission = lot.state == LotState.RETURNED
    result = evaluation.evaluate_and_store(lot, dataset, characteristics, values, findings_of(dataset))
    now = utcnow()
    dataset.submitted_at = now
    dataset.submitted_by_id = submitted_by.id
    dataset.recommendation = result.recommendation
    move(
        lot,
        "resubmit" if resubmission else "submit",
        changes={
            "submitted_at": now,
            "submissions": dataset.number,
            "recommendation": result.recommendation,
            "flag_count": result.flag_count,
        },
        details={"dataset": dataset.number, "recommendation": result.recommendation},
        event={"resubmission": resubmission},
    )
    return dataset
