"""A lot's inspection data: reading its numbered data revisions, and changing the draft's values and
findings from the grid or an uploaded file. A draft (or a lot returned for correction) changes;
a submitted revision never does.

These are what both a form view and the API call; they raise `RuleError` (or `DataRejectedError`
with every problem of the data) and never commit: the request does.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import delete, insert, literal, select
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import FileStorage

from app.attachments.storage import SPREADSHEETS, check_upload, detect_type, save_upload
from app.audit.services import record
from app.auth.models import User
from app.clock import utcnow
from app.extensions import db
from app.lots.entry import (
    MAX_DECIMALS,
    DataRejectedError,
    FindingData,
    RawCell,
    RawFinding,
    ReadResult,
    Value,
    places_of,
    read_cells,
    read_findings,
)
from app.lots.models import Finding, Lot, LotAttachment, LotDataset, Measurement
from app.lots.spreadsheets import bounded, cells_from_rows, check_text_encoding, read_rows, rows_allowed
from app.quality.sampling import CLASSES
from app.rules import RuleError
from app.standards.models import Characteristic, DefectCode

# Quantizers for 0 to MAX_DECIMALS digits after the point.
_UNITS = [Decimal(1).scaleb(-places) for places in range(MAX_DECIMALS + 1)]


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


def check_editable(lot: Lot) -> None:
    if not lot.is_editable:
        raise RuleError(
            _("Lot %(number)s was submitted and can no longer be changed.", number=lot.lot_number)
        )


def open_dataset(lot: Lot) -> LotDataset:
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
    check_editable(lot)
    result = read_cells(cells, lot.sample_size)
    checked, finding_errors = read_findings(findings, lot.sample_size, catalogue(), aql_classes(lot))
    if result.errors or finding_errors:
        raise DataRejectedError(result.errors + finding_errors)
    dataset = open_dataset(lot)
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
    check_editable(lot)
    data = upload.stream.read()
    if detect_type(data) is None:
        check_text_encoding(data)
    content_type = check_upload(data, SPREADSHEETS)
    result = read_upload(lot, data, content_type)
    if result.errors:
        raise DataRejectedError(result.errors)
    dataset = open_dataset(lot)
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
