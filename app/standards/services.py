"""Authoring, releasing and revising craftsmanship standards; the defect catalogue."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from app.audit.services import acting_user_id, record, snapshot
from app.clock import utcnow
from app.extensions import db
from app.parts.models import Part
from app.quality.sampling import normalize_aql
from app.rules import RuleError, taken
from app.standards.labels import class_word
from app.standards.models import (
    Characteristic,
    DefectCode,
    RevisionState,
    Standard,
    StandardRevision,
)
from app.standards.validation import (
    CharacteristicData,
    RevisionSettings,
    characteristic_problems,
    duplicate_codes,
    settings_problems,
)

SETTINGS_FIELDS = tuple(f.name for f in fields(RevisionSettings))
CHARACTERISTIC_FIELDS = tuple(f.name for f in fields(CharacteristicData))


class RevisionLockedError(RuleError):
    """A released or superseded revision can never change."""


def standard_of(part_id: int) -> Standard | None:
    """The part's standard, if one was started."""
    return db.session.scalars(select(Standard).where(Standard.part_id == part_id)).one_or_none()


def revision_in_force(part_id: int) -> StandardRevision | None:
    """The released revision of the part's standard: the one new lots are inspected against."""
    return db.session.scalars(
        select(StandardRevision)
        .join(Standard)
        .where(Standard.part_id == part_id, StandardRevision.state == RevisionState.RELEASED)
    ).one_or_none()


def start_standard(part: Part) -> StandardRevision:
    """Create the part's standard with an empty draft revision 1 (typical AQLs preset)."""
    if standard_of(part.id) is not None:
        raise RuleError(_("This part already has a standard."))
    standard = Standard(part_id=part.id)
    db.session.add(standard)
    db.session.flush()
    revision = StandardRevision(
        standard_id=standard.id, number=1, created_by_id=acting_user_id(), **asdict(RevisionSettings())
    )
    db.session.add(revision)
    db.session.flush()
    record("standard.started", revision, after={"part_id": part.id, "number": 1})
    return revision


def _check_draft(revision: StandardRevision) -> None:
    if not revision.is_draft:
        raise RevisionLockedError(
            _("Revision %(n)d is released and can no longer change. Start a new revision.", n=revision.number)
            if revision.state == RevisionState.RELEASED
            else _(
                "Revision %(n)d is superseded and can no longer change. Start a new revision.",
                n=revision.number,
            )
        )


def _check_content(settings: RevisionSettings, rows: list[CharacteristicData]) -> None:
    problems = settings_problems(settings)
    if problems:
        field, message = next(iter(problems.items()))
        raise RuleError(message, field)
    for index, row in enumerate(rows, start=1):
        row_problems = characteristic_problems(row)
        if row_problems:
            field, message = next(iter(row_problems.items()))
            raise RuleError(_("Row %(n)d: %(message)s", n=index, message=message), field)
    for row in rows:
        if getattr(settings, f"aql_{row.defect_class}") is None:
            raise RuleError(
                _(
                    "%(code)s is a %(cls)s characteristic, so the revision needs an AQL for %(cls)s defects.",
                    code=row.code,
                    cls=class_word(row.defect_class),
                ),
                f"aql_{row.defect_class}",
            )
    if duplicate_codes(rows):
        raise RuleError(
            _(
                "Each characteristic needs its own code: %(codes)s used twice.",
                codes=", ".join(sorted(duplicate_codes(rows))),
            ),
            "characteristics",
        )


def _data_of(characteristic: Characteristic) -> CharacteristicData:
    return CharacteristicData(**{name: getattr(characteristic, name) for name in CHARACTERISTIC_FIELDS})


def _revision_snapshot(revision: StandardRevision) -> dict[str, Any]:
    data = snapshot(revision, SETTINGS_FIELDS)
    data["characteristics"] = [snapshot(c, CHARACTERISTIC_FIELDS) for c in revision.characteristics]
    return data


def save_draft(
    revision: StandardRevision, settings: RevisionSettings, rows: list[CharacteristicData]
) -> None:
    """Replace a draft's settings and characteristics, after checking every rule."""
    _check_draft(revision)
    _check_content(settings, rows)
    before = _revision_snapshot(revision)
    values = asdict(settings)
    for name in ("aql_critical", "aql_major", "aql_minor"):
        values[name] = normalize_aql(values[name]) if values[name] else None
    for name, value in values.items():
        setattr(revision, name, value)
    revision.characteristics.clear()
    db.session.flush()
    for position, row in enumerate(rows, start=1):
        data = asdict(row)
        data["code"] = row.code.strip().upper()
        revision.characteristics.append(Characteristic(position=position, **data))
    db.session.flush()
    record("standard.draft_saved", revision, before=before, after=_revision_snapshot(revision))


def release(revision: StandardRevision) -> None:
    """Release a draft: it becomes the revision in force; the previous one is superseded."""
    _check_draft(revision)
    if not revision.characteristics:
        raise RuleError(_("A revision needs at least one characteristic before it can be released."))
    rows = [_data_of(c) for c in revision.characteristics]
    _check_content(RevisionSettings(**{name: getattr(revision, name) for name in SETTINGS_FIELDS}), rows)
    current = revision_in_force(revision.standard.part_id)
    if current is not None:
        current.state = RevisionState.SUPERSEDED
        db.session.flush()  # the partial unique index allows one released revision at a time
        record("standard.superseded", current, before={"state": "released"}, after={"state": "superseded"})
    revision.state = RevisionState.RELEASED
    revision.released_at = utcnow()
    revision.released_by_id = acting_user_id()
    db.session.flush()
    record("standard.released", revision, before={"state": "draft"}, after={"state": "released"})


def new_revision(standard: Standard) -> StandardRevision:
    """Copy the newest revision into a new draft."""
    if any(r.is_draft for r in standard.revisions):
        raise RuleError(_("There is already a draft revision; finish or edit that one."))
    latest = standard.revisions[-1]
    draft = StandardRevision(
        number=latest.number + 1,
        created_by_id=acting_user_id(),
        **{name: getattr(latest, name) for name in SETTINGS_FIELDS if name != "change_note"},
    )
    for c in latest.characteristics:
        draft.characteristics.append(Characteristic(position=c.position, **asdict(_data_of(c))))
    standard.revisions.append(draft)
    db.session.flush()
    record("standard.revision_started", draft, after={"number": draft.number, "copied_from": latest.number})
    return draft


@event.listens_for(Session, "before_flush")
def _released_revisions_never_change(session: Session, flush_context: object, instances: object) -> None:
    """Second line of defence below the services: no flush may alter a released revision's content.

    The only change a released revision may take is its state moving to superseded.
    """
    for row in (*session.new, *session.dirty, *session.deleted):
        if isinstance(row, Characteristic):
            revision = row.revision or session.get(StandardRevision, row.revision_id)
            if revision is not None and _state_before_flush(revision) != RevisionState.DRAFT:
                raise RevisionLockedError(_("Released revisions can never change."))
        elif isinstance(row, StandardRevision) and row in session.dirty:
            _check_revision_change(row)


def _state_before_flush(revision: StandardRevision) -> str:
    """The state as stored; a revision not yet in the database is a draft being written."""
    info = inspect(revision)
    if info.pending or info.transient:
        return RevisionState.DRAFT
    history = info.attrs.state.history
    return history.deleted[0] if history.deleted else revision.state


def _check_revision_change(revision: StandardRevision) -> None:
    before = _state_before_flush(revision)
    if before == RevisionState.DRAFT:
        return
    changed = {attr.key for attr in inspect(revision).attrs if attr.history.has_changes()}
    superseding = before == RevisionState.RELEASED and revision.state == RevisionState.SUPERSEDED
    if changed - {"state", "updated_at", "characteristics", "standard"} or (changed and not superseding):
        raise RevisionLockedError(_("Released revisions can never change."))


DEFECT_FIELDS = ("code", "description", "default_class")


def save_defect(defect: DefectCode | None, **values: Any) -> DefectCode:
    """Create or change a catalogue entry."""
    values["code"] = values["code"].strip().upper()
    if taken(DefectCode, DefectCode.code == values["code"], exclude_id=defect.id if defect else None):
        raise RuleError(_("The code %(code)s is already in the catalogue.", code=values["code"]), "code")
    before = snapshot(defect, DEFECT_FIELDS) if defect else None
    if defect is None:
        defect = DefectCode(**values)
        db.session.add(defect)
    else:
        for name, value in values.items():
            setattr(defect, name, value)
    db.session.flush()
    record("defect_code.saved", defect, before=before, after=snapshot(defect, DEFECT_FIELDS))
    return defect
