"""How pages name people: by name, for everyone who may see the record they acted on.

The one rule (issue #14): a supplier's people see the names of the brand's staff who act on their
records (who raised a SCAR, who reviews or decided a lot, who changed a record in its history), as
the signatures, the 8D decisions and the PDFs already name them. Nothing says "Brand staff" instead.
Another supplier's people are never named. The names are read through `tenancy.people_names`.
"""

from __future__ import annotations

from flask import Flask

from app.tenancy import people_names


def person_name(user_id: int | None) -> str:
    """The name of one person the session may name, or "" (one query; lists use `people_names`)."""
    if user_id is None:
        return ""
    return people_names([user_id]).get(user_id, "")


def install(app: Flask) -> None:
    app.jinja_env.globals["person_name"] = person_name
