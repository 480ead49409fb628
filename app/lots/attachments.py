"""Files a supplier attaches to a lot while it is a draft or returned: photos, PDFs, spreadsheets."""

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
from app.lots.data import check_editable
from app.lots.models import Lot, LotAttachment
from app.rules import RuleError

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
    check_editable(lot)
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
    check_editable(lot)
    link = db.session.scalars(
        select(LotAttachment).where(
            LotAttachment.lot_id == lot.id, LotAttachment.attachment_id == attachment_id
        )
    ).one_or_none()
    if link is None:
        raise RuleError(_("This file is not attached to the lot."))
    record("lot.attachment_removed", lot, before={"attachment": attachment_id})
    db.session.delete(link)
