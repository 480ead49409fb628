"""What suppliers do with lots: create one, enter or upload its data, attach files, submit it.

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
from sqlalchemy import delete, insert, literal, select
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import FileStorage

from app.attachments.models import Attachment
from app.attachments.storage import EVIDENCE, SPREADSHEETS, check_upload, detect_type, save_upload
from app.audit.services import record, snapshot
from app.auth.models import SUPPLIER_ROLES, User
from app.certificates.services import site_lot_gate
from app.clock import utcnow
from app.extensions import db
from app.lots import evaluation
from app.lots.entry import (
    MAX_DECIMALS,
    DataRejectedError,
    FindingData,
    RawCell,
    RawFinding,
    ReadResult,
    Value,
    missing_values,
    places_of,
    read_cells,
    read_findings,
)
from app.lots.models import Finding, Lot, LotAttachment, LotDataset, LotState, Measurement
from app.lots.plans import plan_of
from app.lots.spreadsheets import bounded, cells_from_rows, check_text_encoding, read_rows, rows_allowed
from app.parts.models import Part, PartApproval
from app.parts.services import is_approved
from app.quality.sampling import CLASSES
from app.reviews import notices
from app.rules import RuleError, taken
from app.sampling.models import SwitchingRecord
from app.sampling.services import severity_of
from app.standards.models import Characteristic, DefectCode
from app.standards.services import revision_in_force
from app.suppliers.models import Site

# Quantizers for 0 to MAX_DECIMALS digits after the point.
_UNITS = [Decimal(1).scaleb(-places) for places in range(MAX_DECIMALS + 1)]
LOT_FIELDS = ("lot_number", "lot_size", "production_date", "inspection_date", "site_id", "part_id", "state")
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


# --- Reading a lot's data ----------------------------------------------------------------------


def characteristics_of(lot: Lot) -> list[Characteristic]:
    return list(
        db.session.scalars(
            select(Characteristic)
            .where(Characteristic.revision_id == lot.revision_id)
            .order_by(Characteristic.position)
        )
    )


def datasets_of(lot: Lot) -> list[LotDataset]:
    """Every revision of the lot's data, the first first."""
    return list(
        db.session.scalars(
            select(LotDataset)
            .options(joinedload(LotDataset.submitted_by))
            .where(LotDataset.lot_id == lot.id)
            .order_by(LotDataset.number)
        )
    )


def draft_of(lot: Lot) -> LotDataset | None:
    """The revision of the data being worked on (not submitted), if any."""
    return db.session.scalars(
        select(LotDataset).where(LotDataset.lot_id == lot.id, LotDataset.submitted_at.is_(None))
    ).one_or_none()


def last_submitted(lot: Lot) -> LotDataset | None:
    return db.session.scalars(
        select(LotDataset)
        .where(LotDataset.lot_id == lot.id, LotDataset.submitted_at.is_not(None))
        .order_by(LotDataset.number.desc())
        .limit(1)
    ).first()


def working_dataset(lot: Lot) -> LotDataset | None:
    """What the data pages show: the draft, else the last submission."""
    return draft_of(lot) or last_submitted(lot)


def values_of(dataset: LotDataset | None) -> dict[tuple[int, int], Value]:
    """The dataset's values by (sample, characteristic id)."""
    if dataset is None:
        return {}
    rows = db.session.execute(
        select(
            Measurement.sample,
            Measurement.characteristic_id,
            Measurement.value,
            Measurement.places,
            Measurement.passed,
        ).where(Measurement.dataset_id == dataset.id)
    )
    return {
        (sample, characteristic): (bool(passed) if value is None else as_recorded(value, places))
        for sample, characteristic, value, places, passed in rows
        if value is not None or passed is not None
    }


def as_recorded(value: Decimal, places: int) -> Decimal:
    """The value with the digits after the point it was typed with (71 stored, 71.000 recorded)."""
    return value.quantize(_UNITS[places]) if 0 < places < len(_UNITS) else value


def findings_of(dataset: LotDataset | None) -> list[Finding]:
    if dataset is None:
        return []
    return list(
        db.session.scalars(
            select(Finding)
            .options(joinedload(Finding.defect_code))
            .where(Finding.dataset_id == dataset.id)
            .order_by(Finding.position)
        )
    )


# --- Changing a lot's data ---------------------------------------------------------------------


def _check_editable(lot: Lot) -> None:
    if not lot.is_editable:
        raise RuleError(
            _("Lot %(number)s was submitted and can no longer be changed.", number=lot.lot_number)
        )


def _open_dataset(lot: Lot) -> LotDataset:
    """The draft to write into; a returned lot gets a new revision that starts as a copy of the last."""
    draft = draft_of(lot)
    if draft is not None:
        return draft
    previous = last_submitted(lot)
    number = previous.number + 1 if previous else 1
    draft = LotDataset(supplier_id=lot.supplier_id, lot_id=lot.id, number=number)
    db.session.add(draft)
    db.session.flush()
    if previous is not None:
        _copy_data(previous, draft)
    return draft


def _copy_data(source: LotDataset, target: LotDataset) -> None:
    columns = ("supplier_id", "characteristic_id", "sample", "value", "places", "passed")
    table = Measurement.__table__
    db.session.execute(
        insert(table).from_select(
            ["dataset_id", *columns],
            select(literal(target.id), *(table.c[name] for name in columns)).where(
                table.c.dataset_id == source.id
            ),
        )
    )
    for finding in findings_of(source):
        db.session.add(
            Finding(
                supplier_id=target.supplier_id,
                dataset_id=target.id,
                position=finding.position,
                defect_code_id=finding.defect_code_id,
                zone=finding.zone,
                count=finding.count,
                sample=finding.sample,
            )
        )


def _store_values(lot: Lot, dataset: LotDataset, values: dict[tuple[int, int], Value]) -> None:
    """Replace the dataset's values with `values` in one statement (bulk insert)."""
    db.session.execute(delete(Measurement).where(Measurement.dataset_id == dataset.id))
    if not values:
        return
    rows = [
        {
            "supplier_id": lot.supplier_id,
            "dataset_id": dataset.id,
            "sample": sample,
            "characteristic_id": characteristic_id,
            "value": value if isinstance(value, Decimal) else None,
            "places": places_of(value) if isinstance(value, Decimal) else 0,
            "passed": value if isinstance(value, bool) else None,
        }
        for (sample, characteristic_id), value in values.items()
    ]
    db.session.execute(insert(Measurement.__table__), rows)


def _store_findings(lot: Lot, dataset: LotDataset, findings: list[FindingData]) -> None:
    db.session.execute(delete(Finding).where(Finding.dataset_id == dataset.id))
    for position, finding in enumerate(findings, start=1):
        db.session.add(
            Finding(
                supplier_id=lot.supplier_id,
                dataset_id=dataset.id,
                position=position,
                defect_code_id=finding.defect_code.id,
                zone=finding.zone,
                count=finding.count,
                sample=finding.sample,
            )
        )


def _same_findings(checked: list[FindingData], stored: list[Finding]) -> bool:
    def key(code_id: int, zone: str | None, count: int, sample: int) -> tuple[int, str, int, int]:
        return (code_id, zone or "", count, sample)

    return [key(f.defect_code.id, f.zone, f.count, f.sample) for f in checked] == [
        key(f.defect_code_id, f.zone, f.count, f.sample) for f in stored
    ]


def catalogue() -> dict[str, DefectCode]:
    return {d.code.upper(): d for d in db.session.scalars(select(DefectCode).order_by(DefectCode.code))}


def aql_classes(lot: Lot) -> set[str]:
    return {cls for cls in CLASSES if lot.revision.aql_for(cls)}


def save_entries(lot: Lot, cells: list[RawCell], findings: list[RawFinding], *, source: str = "grid") -> None:
    """Save the grid and the findings list as the draft, all or nothing."""
    _check_editable(lot)
    result = read_cells(cells, lot.sample_size)
    checked, finding_errors = read_findings(findings, lot.sample_size, catalogue(), aql_classes(lot))
    if result.errors or finding_errors:
        raise DataRejectedError(result.errors + finding_errors)
    dataset = _open_dataset(lot)
    if result.values == values_of(dataset) and _same_findings(checked, findings_of(dataset)):
        return  # nothing changed: keep the stored rows and where they came from
    _store_values(lot, dataset, result.values)
    _store_findings(lot, dataset, checked)
    dataset.source = source
    dataset.updated_at = lot.updated_at = utcnow()
    record(
        "lot.data_saved",
        lot,
        after={"dataset": dataset.number, "values": len(result.values), "source": source},
    )


def read_upload(lot: Lot, data: bytes, content_type: str) -> ReadResult:
    """Check a data file against the lot: every error by row and column, or the values."""
    characteristics = characteristics_of(lot)
    rows = read_rows(data, content_type, rows_allowed(lot.sample_size, len(characteristics)))
    cells, errors = cells_from_rows(rows, characteristics, lot.sample_size)
    result = read_cells(cells, lot.sample_size)
    result.errors[:0] = errors
    result.errors[:] = bounded(result.errors)
    return result


def import_file(lot: Lot, upload: FileStorage, uploaded_by: User) -> int:
    """Replace the draft's values with a CSV/XLSX file's, all or nothing; returns how many were read."""
    _check_editable(lot)
    data = upload.stream.read()
    if detect_type(data) is None:
        check_text_encoding(data)
    content_type = check_upload(data, SPREADSHEETS)
    result = read_upload(lot, data, content_type)
    if result.errors:
        raise DataRejectedError(result.errors)
    dataset = _open_dataset(lot)
    _store_values(lot, dataset, result.values)
    upload.stream.seek(0)
    attachment = save_upload(
        upload, kinds=SPREADSHEETS, supplier_id=lot.supplier_id, uploaded_by_id=uploaded_by.id
    )
    db.session.add(
        LotAttachment(
            supplier_id=lot.supplier_id, lot_id=lot.id, attachment_id=attachment.id, note=_("Imported data")
        )
    )
    dataset.source = f"upload:{attachment.filename}"[:300]
    dataset.updated_at = lot.updated_at = utcnow()
    record(
        "lot.data_imported",
        lot,
        after={"dataset": dataset.number, "values": len(result.values), "file": attachment.filename},
    )
    return len(result.values)


# --- Submitting --------------------------------------------------------------------------------


def submit(lot: Lot, submitted_by: User) -> LotDataset:
    """Freeze the draft as a numbered submission, evaluate it and store the evaluation with the lot."""
    _check_editable(lot)
    dataset = draft_of(lot)
    if dataset is None:
        # A returned lot resubmitted unchanged: its data are copied into the new revision.
        dataset = _open_dataset(lot)
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
    before = snapshot(lot, LOT_FIELDS)
    lot.state = LotState.SUBMITTED
    lot.submitted_at = now
    lot.submissions = dataset.number
    lot.recommendation = result.recommendation
    lot.flag_count = result.flag_count
    record(
        "lot.resubmitted" if resubmission else "lot.submitted",
        lot,
        before=before,
        after={
            **snapshot(lot, LOT_FIELDS),
            "dataset": dataset.number,
            "recommendation": result.recommendation,
        },
    )
    notices.lot_submitted(lot)
    return dataset


# --- Attachments -------------------------------------------------------------------------------


def attachments_of(lot: Lot) -> list[LotAttachment]:
    return list(
        db.session.scalars(
            select(LotAttachment)
            .options(joinedload(LotAttachment.attachment))
            .where(LotAttachment.lot_id == lot.id)
            .order_by(LotAttachment.id)
        )
    )


def attach(lot: Lot, upload: FileStorage, note: str, uploaded_by: User) -> LotAttachment:
    """Attach a photo, PDF or spreadsheet to a lot the supplier may still change."""
    _check_editable(lot)
    attachment = save_upload(
        upload, kinds=EVIDENCE, supplier_id=lot.supplier_id, uploaded_by_id=uploaded_by.id
    )
    link = LotAttachment(
        supplier_id=lot.supplier_id, lot_id=lot.id, attachment_id=attachment.id, note=note.strip()
    )
    db.session.add(link)
    db.session.flush()
    record("lot.attachment_added", lot, after={"attachment": attachment.id, "filename": attachment.filename})
    return link


def lot_attachment_or_none(lot: Lot, attachment_id: int) -> Attachment | None:
    """The lot's attachment with this id (None when it belongs to another lot)."""
    return db.session.scalars(
        select(Attachment)
        .join(LotAttachment, LotAttachment.attachment_id == Attachment.id)
        .where(LotAttachment.lot_id == lot.id, Attachment.id == attachment_id)
    ).one_or_none()


def remove_attachment(lot: Lot, attachment_id: int) -> None:
    _check_editable(lot)
    link = db.session.scalars(
        select(LotAttachment).where(
            LotAttachment.lot_id == lot.id, LotAttachment.attachment_id == attachment_id
        )
    ).one_or_none()
    if link is None:
        raise RuleError(_("This file is not attached to the lot."))
    record("lot.attachment_removed", lot, before={"attachment": attachment_id})
    db.session.delete(link)
