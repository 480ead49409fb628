"""How the audit trail names the records its events point at ("PA-100 rev. 2", "Lot A-0001").

Each domain registers its records here (`names_records`, at the end of its models.py), so that
the trail, which reads every domain's events, imports none of them. The trail's type filter lists
the registered types.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RecordNamer:
    model: Any
    name: Callable[[Any], str]
    options: Callable[[], tuple[Any, ...]]  # the loader options the name needs (joinedload of a parent)


NAMERS: dict[str, RecordNamer] = {}


def names_records(
    model: Any, name: Callable[[Any], str], options: Callable[[], tuple[Any, ...]] = tuple
) -> None:
    """Name the audit events' records of `model` (by its class name) with `name(row)`.

    `options` builds the loader options when the trail reads: built at import, a `joinedload`
    would configure the mappers before every domain's models exist.
    """
    NAMERS[model.__name__] = RecordNamer(model, name, options)


@dataclass(frozen=True)
class Reference:
    """A recorded field that holds the id of a record (`many`: a list of ids), named like the records
    of its type: "Part: PA-100" rather than "Part: 2"."""

    object_type: str
    many: bool = False


# The fields of events' before/after that hold ids. "lots" is a list of lot ids where a SCAR links
# lots, and a count elsewhere (the effectiveness check): only a list is read as ids.
REFERENCES: dict[str, Reference] = {
    "supplier_id": Reference("Supplier"),
    "site_id": Reference("Site"),
    "part_id": Reference("Part"),
    "reviewer_id": Reference("User"),
    "attachment_id": Reference("Attachment"),
    "lots": Reference("Lot", many=True),
}


def referenced_ids(field: str, value: Any) -> list[int]:
    """The record ids a recorded value holds, if `field` is a reference (else none)."""
    reference = REFERENCES.get(field)
    if reference is None:
        return []
    if reference.many:
        return [v for v in value if isinstance(v, int)] if isinstance(value, list) else []
    return [value] if isinstance(value, int) and not isinstance(value, bool) else []
