"""Builders of test data; they flush through the real services where one exists."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from werkzeug.datastructures import FileStorage

from app.auth.models import Role, User
from app.clock import utcnow
from app.extensions import db
from app.lots.attachments import attach
from app.lots.data import characteristics_of, save_entries
from app.lots.entry import RawCell
from app.lots.models import Lot, LotAttachment
from app.lots.services import LotInput, create_lot, submit
from app.notifications.models import Notification, NotificationKind
from app.parts.models import Part, PartApproval
from app.sampling.models import SwitchingRecord
from app.security import hash_password
from app.standards.models import Characteristic, RevisionState, Standard, StandardRevision
from app.suppliers.models import Site, Supplier

PASSWORD = "correct-battery-staple-42"
_seq = itertools.count(1)


def supplier(code: str | None = None, **values: object) -> Supplier:
    n = next(_seq)
    row = Supplier(code=code or f"S{n:04d}", legal_name=f"Supplier {n} Co., Ltd.", country="TH", **values)
    db.session.add(row)
    db.session.flush()
    return row


def site(owner: Supplier, name: str | None = None) -> Site:
    row = Site(supplier_id=owner.id, name=name or f"Site {next(_seq)}", city="Chonburi", country="TH")
    db.session.add(row)
    db.session.flush()
    return row


def user(
    role: Role, owner: Supplier | None = None, *, password: str | None = PASSWORD, **values: object
) -> User:
    n = next(_seq)
    row = User(
        email=values.pop("email", f"user{n}@example.com"),
        name=values.pop("name", f"User {n}"),
        role=role,
        supplier_id=owner.id if owner else None,
        password_hash=hash_password(password) if password else None,
        **values,
    )
    db.session.add(row)
    db.session.flush()
    return row


@dataclass(frozen=True)
class Person:
    """What a test needs to act as a user: ids and credentials, no ORM object."""

    id: int
    email: str
    role: str
    supplier_id: int | None
    session_token: str


def person(row: User) -> Person:
    return Person(row.id, row.email, row.role, row.supplier_id, row.session_token)


def part(number: str | None = None) -> Part:
    n = next(_seq)
    row = Part(
        part_number=number or f"P-{n:05d}",
        name=f"Part {n}",
        product_line="Xperia 1 VII",
        drawing_revision="B",
    )
    db.session.add(row)
    db.session.flush()
    return row


def approval(of_part: Part, at: Site) -> PartApproval:
    row = PartApproval(supplier_id=at.supplier_id, site_id=at.id, part_id=of_part.id)
    db.session.add(row)
    db.session.flush()
    return row


def released_standard(
    of_part: Part, *characteristics: Characteristic, **aqls: str | None
) -> StandardRevision:
    """A standard with revision 1 released, holding the given characteristics (or one bore diameter)."""
    standard = Standard(part_id=of_part.id)
    db.session.add(standard)
    db.session.flush()
    settings = {"aql_critical": "0.065", "aql_major": "0.65", "aql_minor": "2.5", **aqls}
    revision = StandardRevision(standard_id=standard.id, number=1, **settings)
    revision.characteristics.extend(characteristics or [bore_diameter()])
    db.session.add(revision)
    db.session.flush()
    revision.state, revision.released_at = RevisionState.RELEASED, utcnow()
    db.session.flush()
    return revision


def bore_diameter(position: int = 1, code: str = "D1") -> Characteristic:
    return Characteristic(
        position=position,
        code=code,
        name="Bore diameter",
        kind="variable",
        unit="mm",
        nominal=Decimal("10.00"),
        lsl=Decimal("9.95"),
        usl=Decimal("10.05"),
        defect_class="major",
    )


def switching_record(
    of_part: Part, owner: Supplier, defect_class: str = "major", **values: object
) -> SwitchingRecord:
    row = SwitchingRecord(
        supplier_id=owner.id, part_id=of_part.id, defect_class=defect_class, state={}, **values
    )
    db.session.add(row)
    db.session.flush()
    return row


def lot(
    at: Site,
    of_part: Part,
    by: User,
    number: str | None = None,
    lot_size: int = 500,
    **values: object,
) -> Lot:
    """A draft lot created through the service (so the site's certificate and the approval apply)."""
    today = utcnow().date()
    data = LotInput(
        site_id=at.id,
        part_id=of_part.id,
        lot_number=number or f"L{next(_seq):05d}",
        lot_size=lot_size,
        production_date=values.pop("production_date", today),  # type: ignore[arg-type]
        inspection_date=values.pop("inspection_date", today),  # type: ignore[arg-type]
        inspector_id=by.id,
    )
    return create_lot(at.supplier_id, data, by)


def pdf_upload(name: str = "report.pdf", body: bytes = b"evidence") -> FileStorage:
    return FileStorage(io.BytesIO(b"%PDF-1.4\n" + body + b"\n%%EOF\n"), filename=name)


def lot_attachment(of_lot: Lot, by: User, name: str = "photo.pdf") -> LotAttachment:
    return attach(of_lot, pdf_upload(name), "", by)


def notification(to: User, path: str = "/home", **params: str | int) -> Notification:
    """An unread notification written directly (no e-mail), for tests of the list and the matrix."""
    values = {"lot_number": "A-0001", "part_number": "PA-100", "supplier_code": "ALPHA"} | params
    row = Notification(user_id=to.id, kind=NotificationKind.LOT_SUBMITTED, params=values, url=path)
    db.session.add(row)
    db.session.flush()
    return row


def submitted_lot(
    at: Site,
    of_part: Part,
    by: User,
    number: str | None = None,
    lot_size: int = 20,
    value: Callable[[int, Characteristic], str] | None = None,
) -> Lot:
    """A lot with every sample entered through the grid's service and submitted.

    `value(sample, characteristic)` gives each typed value; by default the nominal (or mid-limit)
    value plus a small spread, and "pass" for attribute checks.
    """
    made = lot(at, of_part, by, number, lot_size)
    characteristics = characteristics_of(made)
    typed = value or in_spec
    cells = [
        RawCell(sample, c, typed(sample, c))
        for sample in range(1, made.sample_size + 1)
        for c in characteristics
    ]
    save_entries(made, cells, [])
    submit(made, by)
    return made


def in_spec(sample: int, c: Characteristic) -> str:
    if c.kind != "variable":
        return "pass"
    centre = c.nominal if c.nominal is not None else ((c.lsl or Decimal(0)) + (c.usl or Decimal(0))) / 2
    return str(centre + Decimal(sample % 5 - 2) / 1000)
