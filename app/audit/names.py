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
