"""Evidence on a SCAR: files attached by the supplier or the brand, on the SCAR or on one of its steps."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import FileStorage

from app.attachments.models import Attachment
from app.attachments.storage import EVIDENCE, save_upload
from app.audit.services import record
from app.auth.models import User
from app.extensions import db
from app.rules import RuleError
from app.scars.models import STEPS, Scar, ScarAttachment
from app.scars.policy import can_attach_to_scar


def attachments_of(scar: Scar) -> list[ScarAttachment]:
    return list(
        db.session.scalars(
            select(ScarAttachment)
            .options(joinedload(ScarAttachment.attachment))
            .where(ScarAttachment.scar_id == scar.id)
            .order_by(ScarAttachment.id)
        )
    )


def attach(scar: Scar, upload: FileStorage, note: str, step_code: str | None, by: User) -> ScarAttachment:
    """Store a photo, PDF or spreadsheet as evidence on the SCAR (the file belongs to its supplier)."""
    if not can_attach_to_scar(by, scar):
        raise RuleError(_("Only the supplier and the brand's reviewers add files to a SCAR."))
    if step_code and step_code not in STEPS:
        raise RuleError(_("Choose one of the steps, or none."), "step_code")
    attachment = save_upload(upload, kinds=EVIDENCE, supplier_id=scar.supplier_id, uploaded_by_id=by.id)
    link = ScarAttachment(
        supplier_id=scar.supplier_id,
        scar_id=scar.id,
        step_code=step_code or None,
        attachment_id=attachment.id,
        note=note.strip()[:200],
    )
    db.session.add(link)
    db.session.flush()
    record(
        "scar.attachment_added",
        scar,
        after={"attachment": attachment.id, "filename": attachment.filename, "step": step_code or ""},
        actor_id=by.id,
    )
    return link


def scar_attachment_or_none(scar: Scar, attachment_id: int) -> Attachment | None:
    """The SCAR's file with this id (None when it belongs to another record)."""
    return db.session.scalars(
        select(Attachment)
        .join(ScarAttachment, ScarAttachment.attachment_id == Attachment.id)
        .where(ScarAttachment.scar_id == scar.id, Attachment.id == attachment_id)
    ).one_or_none()
