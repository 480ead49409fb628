"""The error every service raises when a business rule refuses a change."""

from __future__ import annotations


class RuleError(ValueError):
    """A refused change; the message is for the person who asked, `field` names the input at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
