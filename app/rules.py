"""Business-rule refusals, and the uniqueness question the services ask before writing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.extensions import db


class RuleError(ValueError):
    """A refused change; the message is for the person who asked, `field` names the input at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def taken(model: Any, *criteria: Any, exclude_id: int | None = None) -> bool:
    """True when another row of `model` matches `criteria` (the row being edited, `exclude_id`, aside)."""
    query = select(model.id).where(*criteria)
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    return db.session.scalar(query.limit(1)) is not None
