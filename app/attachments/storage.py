"""Storing uploads (type sniffed from the bytes, never from the browser) and sending them back.

The bytes live outside `static/`, under `<UPLOAD_FOLDER>/<key[:2]>/<key>` with a random key; the
SHA-256 is kept for integrity. Nothing here checks who may see a file: callers load the parent
record through `app.tenancy` first and only then call `send_attachment`.
"""

from __future__ import annotations

import io
import logging
import os
import re
import secrets
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path

from flask import Response, abort, current_app, send_file
from flask_babel import LazyString
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from app.attachments.models import Attachment
from app.audit.services import record, snapshot
from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.rules import RuleError

log = logging.getLogger(__name__)

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"

EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", XLSX: ".xlsx", CSV: ".csv"}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_FIELDS = ("filename", "content_type", "size", "sha256", "supplier_id")
_KEY_RE = re.compile(r"^[0-9a-f]{32,64}$")
# Enough of a CSV file to tell text from binary or markup.
_CSV_PROBE_BYTES = 64 * 1024


@dataclass(frozen=True)
class FileKinds:
    """An allow-list of content types, with the refusal an uploader reads when a file is not one of them."""

    types: frozenset[str]
    refusal: LazyString


DOCUMENTS = FileKinds(frozenset({PDF, PNG, JPEG}), _l("This file is not a PDF, PNG or JPEG image."))
SPREADSHEETS = FileKinds(
    frozenset({XLSX, CSV}), _l("This file is not an Excel workbook (.xlsx) or a CSV file.")
)
EVIDENCE = FileKinds(
    frozenset({PDF, PNG, JPEG, XLSX, CSV}),
    _l("This file is not a PDF, a PNG or JPEG image, an Excel workbook (.xlsx) or a CSV file."),
)


class AttachmentError(RuleError):
    """An upload refused for its size or type."""


def detect_type(data: bytes) -> str | None:
    """The content type of `data` judged by its bytes, or None when it is none Kensa accepts."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return XLSX if _is_xlsx(data) else None
    return CSV if _is_csv(data) else None


def _is_xlsx(data: bytes) -> bool:
    # Only the zip directory is read, never decompressed, so a zip bomb costs nothing here.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return False
    return "[Content_Types].xml" in names and any(name.startswith("xl/") for name in names)


def _is_csv(data: bytes) -> bool:
    probe = data[:_CSV_PROBE_BYTES]
    if not probe.strip() or b"\x00" in probe:
        return False
    try:
        text = probe.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # The probe may cut a multi-byte character in half at its very end.
        if len(data) <= _CSV_PROBE_BYTES or error.start < len(probe) - 3:
            return False
        text = probe[: error.start].decode("utf-8-sig")
    # HTML, XML or SVG saved as .csv: text, but not data.
    return not text.lstrip().startswith("<")


def display_name(original: str | None) -> str:
    """The uploader's file name, kept for display: no folders, no control characters, at most 255 long."""
    name = re.split(r"[/\\]", original or "")[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    if len(name) > 255:
        stem, ext = os.path.splitext(name)
        name = stem[: 255 - len(ext[:16])] + ext[:16]
    return name or "file"


def download_name(attachment: Attachment) -> str:
    """A safe file name for the download, with the extension of the detected type."""
    stem = secure_filename(os.path.splitext(attachment.filename)[0]) or f"attachment-{attachment.id}"
    return stem + EXTENSIONS.get(attachment.content_type, "")


def max_bytes() -> int:
    """The largest file Kensa stores (config ATTACHMENT_MAX_BYTES)."""
    return int(current_app.config.get("ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def upload_root() -> Path:
    """Where the bytes live: config UPLOAD_FOLDER, else `<instance>/uploads`."""
    return Path(current_app.config.get("UPLOAD_FOLDER") or os.path.join(current_app.instance_path, "uploads"))


def stored_path(key: str) -> Path:
    """The file holding the bytes stored under this key."""
    if not _KEY_RE.match(key):
        raise ValueError(f"not a storage key: {key!r}")
    return upload_root() / key[:2] / key


def _write_new(data: bytes) -> str:
    """Store the bytes under a fresh random key and return the key."""
    key = secrets.token_hex(16)
    path = stored_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target and rename, so that a reader never sees half a file.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return key


def readable_size(n: int) -> str:
    """A byte count as people say it: 10 MB, 500 KB."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= factor:
            return f"{round(n / factor, 1):g} {unit}"
    return f"{n} B"


def check_upload(data: bytes, kinds: FileKinds) -> str:
    """The content type of an acceptable file; raises AttachmentError for an oversize or disallowed one."""
    limit = max_bytes()
    if len(data) > limit:
        raise AttachmentError(_("The file is larger than %(size)s.", size=readable_size(limit)))
    if not data:
        raise AttachmentError(_("The file is empty."))
    content_type = detect_type(data)
    if content_type not in kinds.types:
        raise AttachmentError(str(kinds.refusal))
    return content_type  # type: ignore[return-value]  # not None: None is in no allow-list


def save_upload(
    upload: FileStorage, *, kinds: FileKinds, supplier_id: int | None, uploaded_by_id: int | None = None
) -> Attachment:
    """Check and store an uploaded file; its Attachment row belongs to `supplier_id` (None: the brand)."""
    # Read one byte past the limit: enough to know it is too big without reading it all.
    data = upload.stream.read(max_bytes() + 1)
    content_type = check_upload(data, kinds)
    digest = sha256(data).hexdigest()
    attachment = Attachment(
        storage_key=_write_new(data),
        filename=display_name(upload.filename),
        content_type=content_type,
        size=len(data),
        sha256=digest,
        supplier_id=supplier_id,
        uploaded_by_id=uploaded_by_id,
    )
    db.session.add(attachment)
    db.session.flush()
    record("attachment.stored", attachment, after=snapshot(attachment, ATTACHMENT_FIELDS))
    log.info(
        "stored attachment %s (%s, %d bytes) for supplier %s",
        attachment.id,
        content_type,
        len(data),
        supplier_id,
    )
    return attachment


def send_attachment(attachment: Attachment) -> Response:
    """The stored file as a response; call only after loading its parent record through tenancy."""
    path = stored_path(attachment.storage_key)
    if not path.is_file():
        log.error("attachment %s: bytes missing at %s", attachment.id, path)
        abort(404)
    # Read whole (at most ATTACHMENT_MAX_BYTES) rather than streamed: no open file outlives the request
    # when a client never closes the response, as the test client does not.
    response = send_file(
        io.BytesIO(path.read_bytes()),
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=download_name(attachment),
        conditional=False,
        etag=False,
        last_modified=None,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
