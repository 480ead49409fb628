"""Every domain's permission questions (app/<domain>/policy.py), given to the templates by name, so
that a page shows a button on the same answer that the view and the service ask:
`{% if can_publish(current_user) %}`."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

from flask import Flask

from app.audit import policy as audit
from app.certificates import policy as certificates
from app.lots import policy as lots
from app.parts import policy as parts
from app.reviews import policy as reviews
from app.sampling import policy as sampling
from app.scars import policy as scars
from app.scorecards import policy as scorecards
from app.standards import policy as standards
from app.suppliers import policy as suppliers
from app.users import policy as users

MODULES: tuple[ModuleType, ...] = (
    audit,
    certificates,
    lots,
    parts,
    reviews,
    sampling,
    scars,
    scorecards,
    standards,
    suppliers,
    users,
)
QUESTION_PREFIXES = ("can_", "is_", "sees_")


def questions() -> dict[str, Callable[..., Any]]:
    """Each policy function by its name; a name is asked in one domain only."""
    found: dict[str, Callable[..., Any]] = {}
    for module in MODULES:
        for name, value in vars(module).items():
            if name.startswith(QUESTION_PREFIXES) and getattr(value, "__module__", None) == module.__name__:
                if name in found:
                    raise RuntimeError(f"permission question {name} is defined twice")
                found[name] = value
    return found


def install(app: Flask) -> None:
    app.jinja_env.globals.update(questions())
