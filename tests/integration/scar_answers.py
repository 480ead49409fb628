"""Helpers for SCAR tests: raise a SCAR, complete answers built from steps.SPECS, answer steps."""

from __future__ import annotations

from typing import Any

from app.auth.models import User
from app.extensions import db
from app.scars import services, steps
from app.scars.models import Scar
from tests import factories


def user(person) -> User:  # type: ignore[no-untyped-def]
    return db.session.get(User, person.id)


def complete(code: str, **values: Any) -> dict[str, Any]:
    """An answer to a step that its check accepts, with `values` in place of the made-up ones."""
    content: dict[str, Any] = {}
    for field in steps.SPECS[code].fields:
        if field.kind == steps.TABLE:
            row = {
                c.name: ("2026-12-01" if c.kind == steps.DATE else f"{c.name} cell") for c in field.columns
            }
            content[field.name] = [dict(row) for _ in range(max(field.min_rows, 1))]
        elif field.kind == steps.COUNT:
            content[field.name] = "12"
        elif field.kind == steps.DATE:
            content[field.name] = "2026-12-01"
        else:
            content[field.name] = f"{field.name} answer"
    content.update(values)
    assert steps.check(code, content, complete=True) == {}
    return content


def raise_scar(world, *, a: bool = True, severity: str = "major", title: str = "Burrs on bore") -> Scar:  # type: ignore[no-untyped-def]
    supplier, part = (world.supplier_a, world.part_a) if a else (world.supplier_b, world.part_b)
    data = services.ScarInput(supplier, part, severity, "other", title, "Burrs found on the bore edge")
    return services.raise_scar(data, user(world.reviewer))


def answer(scar: Scar, manager, reviewer, code: str, *, accept: bool | None = True, **values: Any) -> None:  # type: ignore[no-untyped-def]
    """The supplier manager submits a step; the reviewer accepts it, returns it (False) or waits (None)."""
    step = services.step_of(scar, code)
    services.submit_step(step, complete(code, **values), user(manager), password=factories.PASSWORD)
    if accept is not None:
        services.decide_step(
            step, user(reviewer), accept=accept, comment="" if accept else "Add the stock in transit"
        )
