"""Side-by-side difference between two revisions of a standard."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.standards.models import Characteristic, StandardRevision
from app.standards.services import CHARACTERISTIC_FIELDS, SETTINGS_FIELDS


@dataclass(frozen=True)
class CharacteristicChange:
    """One characteristic code across the two revisions."""

    code: str
    status: str  # added | removed | changed | same
    old: Characteristic | None
    new: Characteristic | None
    changed_fields: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class RevisionDiff:
    """Setting rows (name, old, new) that differ, and every characteristic with its status."""

    old: StandardRevision
    new: StandardRevision
    settings: list[tuple[str, object, object]]
    characteristics: list[CharacteristicChange]


def _changed(a: Characteristic, b: Characteristic) -> frozenset[str]:
    return frozenset(n for n in CHARACTERISTIC_FIELDS if getattr(a, n) != getattr(b, n))


def diff(old: StandardRevision, new: StandardRevision) -> RevisionDiff:
    """What changed from `old` to `new`, characteristics matched by code."""
    settings = [
        (name, getattr(old, name), getattr(new, name))
        for name in SETTINGS_FIELDS
        if name != "change_note" and getattr(old, name) != getattr(new, name)
    ]
    old_by_code = {c.code: c for c in old.characteristics}
    new_by_code = {c.code: c for c in new.characteristics}
    changes = []
    for code in [*new_by_code, *(c for c in old_by_code if c not in new_by_code)]:
        a, b = old_by_code.get(code), new_by_code.get(code)
        if a is None:
            changes.append(CharacteristicChange(code, "added", None, b))
        elif b is None:
            changes.append(CharacteristicChange(code, "removed", a, None))
        else:
            fields_changed = _changed(a, b)
            changes.append(
                CharacteristicChange(code, "changed" if fields_changed else "same", a, b, fields_changed)
            )
    return RevisionDiff(old, new, settings, changes)
