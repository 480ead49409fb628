"""Audit events in words: a sentence per action code, record names, and the fields a change touched."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from flask_babel import get_locale
from flask_babel import gettext as _

from app.audit.names import REFERENCES, referenced_ids
from app.i18n import lazy_gettext as _l

# Every action code passed to `record(...)`, and the ones of features on their way in.
# tests/integration/test_audit.py fails when the source records a code that has no sentence here.
ACTION_TEXTS = {
    "user.created": _l("User account created"),
    "user.invited": _l("User invited"),
    "user.invitation_resent": _l("Invitation sent again"),
    "user.preferences_changed": _l("Language or time zone changed"),
    "user.deactivated": _l("User deactivated"),
    "user.reactivated": _l("User reactivated"),
    "user.signed_in": _l("Signed in"),
    "user.signed_out": _l("Signed out"),
    "user.two_factor_enabled": _l("Two-factor sign-in set up"),
    "user.two_factor_reset": _l("Two-factor sign-in reset by an administrator"),
    "user.recovery_code_used": _l("Signed in with a recovery code"),
    "supplier.two_factor_required": _l("Two-factor sign-in required for the team"),
    "supplier.two_factor_optional": _l("Two-factor sign-in made optional for the team"),
    "user.password_changed": _l("Password changed"),
    "user.sessions_ended": _l("Sessions ended"),
    "user.password_reset_requested": _l("Password reset requested"),
    "supplier.created": _l("Supplier created"),
    "supplier.updated": _l("Supplier changed"),
    "supplier.reviewers_assigned": _l("Reviewers of the supplier assigned"),
    "site.created": _l("Site created"),
    "site.updated": _l("Site changed"),
    "part.created": _l("Part created"),
    "part.updated": _l("Part changed"),
    "part.approved": _l("Site approved for the part"),
    "part.approval_revoked": _l("Part approval withdrawn"),
    "standard.started": _l("Standard started"),
    "standard.draft_saved": _l("Standard draft saved"),
    "standard.released": _l("Standard revision released"),
    "standard.superseded": _l("Standard revision superseded"),
    "standard.revision_started": _l("New standard revision started"),
    "defect_code.saved": _l("Defect code saved"),
    "certificate.recorded": _l("Certificate recorded"),
    "certificate_waiver.granted": _l("Certificate waiver granted"),
    "attachment.stored": _l("File stored"),
    "switching.changed": _l("Inspection severity changed"),
    "switching.reduced_allowed": _l("Reduced inspection allowed"),
    "switching.reduced_withdrawn": _l("Reduced inspection withdrawn"),
    "switching.restored": _l("Inspection restored"),
    "lot.created": _l("Lot created"),
    "api_token.created": _l("API token created"),
    "api_token.revoked": _l("API token revoked"),
    "webhook.created": _l("Webhook registered"),
    "webhook.deleted": _l("Webhook removed"),
    "lot.data_saved": _l("Lot data saved"),
    "lot.data_imported": _l("Lot data imported from a file"),
    "lot.submitted": _l("Lot submitted"),
    "lot.resubmitted": _l("Lot submitted again"),
    "lot.attachment_added": _l("File attached to the lot"),
    "lot.attachment_removed": _l("File removed from the lot"),
    "lot.claimed": _l("Lot taken for review"),
    "lot.released": _l("Lot given back to the review queue"),
    "lot.accepted": _l("Lot accepted"),
    "lot.rejected": _l("Lot rejected"),
    "lot.returned": _l("Lot returned for correction"),
    "lot.deviation_requested": _l("Deviation requested"),
    "lot.deviation_approved": _l("Deviation approved"),
    "lot.deviation_refused": _l("Deviation refused"),
    "baseline.frozen": _l("Control limits frozen"),
    "baseline.unfrozen": _l("Control limits unfrozen"),
    "scar.issued": _l("SCAR issued"),
    "scar.step_submitted": _l("8D step submitted"),
    "scar.step_accepted": _l("8D step accepted"),
    "scar.step_returned": _l("8D step returned to the supplier"),
    "scar.due_date_changed": _l("Due date of a step changed"),
    "scar.deadlines_changed": _l("SCAR deadlines changed"),
    "scorecard.rules_changed": _l("Scorecard weights and thresholds changed"),
    "scorecard.targets_changed": _l("Supplier's yearly targets changed"),
    "scorecard.published": _l("Scorecards published"),
    "scar.attachment_added": _l("File attached to the SCAR"),
    "scar.closed_effective": _l("SCAR closed: the fix held on the next lots"),
    "scar.reopened": _l("SCAR reopened: a lot failed after the fix"),
    "notification.sent": _l("Notification sent"),
    "notification.read": _l("Notification read"),
    "notification.failed": _l("Notification could not be sent"),
}

# The record types events name (`object_type` is the model's class name).
TYPE_LABELS = {
    "User": _l("User"),
    "Supplier": _l("Supplier"),
    "Site": _l("Site"),
    "Part": _l("Part"),
    "PartApproval": _l("Part approval"),
    "StandardRevision": _l("Standard revision"),
    "DefectCode": _l("Defect code"),
    "SiteCertificate": _l("Certificate"),
    "CertificateWaiver": _l("Certificate waiver"),
    "Attachment": _l("File"),
    "SwitchingRecord": _l("Inspection severity"),
    "Lot": _l("Lot"),
    "FrozenBaseline": _l("Frozen control limits"),
    "Scar": _l("SCAR"),
    "DeadlinePolicy": _l("SCAR deadlines"),
    "Publication": _l("Scorecard publication"),
}

FIELD_LABELS = {
    "year": _l("Year"),
    "code": _l("Code"),
    "legal_name": _l("Legal name"),
    "country": _l("Country"),
    "status": _l("Status"),
    "default_language": _l("Language"),
    "name": _l("Name"),
    "city": _l("City or province"),
    "timezone": _l("Time zone"),
    "locale": _l("Language"),
    "email": _l("E-mail"),
    "role": _l("Role"),
    "is_active_account": _l("Active"),
    "part_number": _l("Part number"),
    "product_line": _l("Product line"),
    "drawing_revision": _l("Drawing revision"),
    "state": _l("State"),
    "number": _l("Number"),
    "lot_number": _l("Lot number"),
    "lot_size": _l("Lot size"),
    "production_date": _l("Production date"),
    "inspection_date": _l("Inspection date"),
    "reason": _l("Reason"),
    "valid_from": _l("Valid from"),
    "valid_until": _l("Valid until"),
    "certification_body": _l("Certification body"),
    "severity": _l("Severity"),
    "reduced_allowed": _l("Reduced allowed"),
    "filename": _l("File"),
    "description": _l("Description"),
    "default_class": _l("Class"),
    "characteristics": _l("Characteristics"),
    "change_note": _l("Change note"),
    "recommendation": _l("Recommendation"),
    "supplier_id": _l("Supplier"),
    "site_id": _l("Site"),
    "part_id": _l("Part"),
    "reviewer_id": _l("Reviewer"),
    "attachment_id": _l("File"),
    "attachment": _l("File"),
    "file": _l("File"),
    "dataset": _l("Submission"),
    "submission": _l("Submission"),
    "values": _l("Values"),
    "source": _l("Data source"),
    "signer": _l("Signed by"),
    "meaning": _l("Signature meaning"),
    "version": _l("Version"),
    "lots": _l("Lots"),
}


def labels_fields(labels: Mapping[str, Any]) -> None:
    """A domain names fields of its records that the trail shows (scorecard rules are keyed by KPI)."""
    FIELD_LABELS.update(labels)


VALUE_MAX_CHARS = 120


class Describable(Protocol):
    action: str


def describe(event: Describable) -> str:
    """The event's action as a sentence ("Lot submitted"); unknown codes are shown as they are."""
    text = ACTION_TEXTS.get(event.action)
    if text is None:
        return _("Recorded: %(code)s", code=event.action)
    return str(text)


def type_label(object_type: str) -> str:
    """The readable name of a record type ("Part approval" for PartApproval)."""
    label = TYPE_LABELS.get(object_type)
    return str(label) if label is not None else object_type


def record_label(object_type: str, object_id: int | None, name: str | None = None) -> str:
    """A record as people name it: "Supplier ALPHA", or "Lot #12" when its name is not known."""
    if not object_type:
        return ""
    if name:
        return f"{type_label(object_type)} {name}"
    return f"{type_label(object_type)} #{object_id}" if object_id is not None else type_label(object_type)


@dataclass(frozen=True)
class FieldChange:
    """One field of a record before and after an event, as display text ("" for no value)."""

    field: str
    label: str
    old: str
    new: str


def display_value(value: Any) -> str:
    """A recorded value as short text: yes/no for flags, compact JSON for lists, cut at a length."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= VALUE_MAX_CHARS else text[: VALUE_MAX_CHARS - 1] + "…"


def field_label(field: str) -> str:
    """A recorded field's label in the reader's language (the trail's fifty rows name a few fields
    again and again: each translated once per language and process)."""
    return _field_label(field, str(get_locale()))


@functools.lru_cache(maxsize=4096)
def _field_label(field: str, _locale: str) -> str:
    label = FIELD_LABELS.get(field)
    return str(label) if label is not None else field.replace("_", " ")


def _as_fields(values: Any) -> dict[str, Any]:
    if values is None:
        return {}
    return values if isinstance(values, dict) else {"value": values}


# Recorded for the chain's completeness, but noise to a reader: the optimistic-locking counter.
UNSHOWN_FIELDS = frozenset({"version"})


def changed_fields(
    before: Any, after: Any, names: Mapping[tuple[str, int], str] | None = None
) -> list[FieldChange]:
    """The fields whose value differs between before and after, in recorded order; ids of records
    (`names.REFERENCES`) are shown by the records' names where `names` (from `object_names`) knows them."""
    before, after = _as_fields(before), _as_fields(after)
    names = names or {}
    keys = [n for n in [*before, *(n for n in after if n not in before)] if n not in UNSHOWN_FIELDS]
    return [
        FieldChange(
            key,
            field_label(key),
            _display(key, before.get(key), names),
            _display(key, after.get(key), names),
        )
        for key in keys
        if before.get(key) != after.get(key)
    ]


def _display(field: str, value: Any, names: Mapping[tuple[str, int], str]) -> str:
    ids = referenced_ids(field, value)
    if not ids:
        return display_value(value)
    object_type = REFERENCES[field].object_type
    return display_value(", ".join(names.get((object_type, i)) or f"#{i}" for i in ids))
