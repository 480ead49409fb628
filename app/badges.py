"""The coloured state badges of lots and SCARs, as template globals.

They are Python rather than Jinja macros because list pages draw several per row, and a macro call
costs Jinja ten times a function call. Each takes the value and the page's labels (value -> words);
a value without a label shows as itself."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from flask import Flask
from markupsafe import Markup

from app.i18n import LazyString
from app.i18n import gettext as _

K = TypeVar("K")

LOT_STATE_STYLES = {
    "draft": "secondary",
    "submitted": "primary",
    "in_review": "info",
    "returned": "warning",
    "accepted": "success",
    "rejected": "danger",
    "accepted_on_deviation": "warning",
}
SEVERITY_STYLES = {"critical": "danger", "major": "warning", "minor": "secondary"}
SCAR_STATE_STYLES = {"open": "primary", "verifying": "info", "closed": "success"}
STEP_STYLES = {"open": "secondary", "submitted": "primary", "returned": "warning", "accepted": "success"}


_BADGE = Markup('<span class="badge text-bg-%s">%s</span>')


def badge(style: str, label: object) -> Markup:
    """A Bootstrap badge of `style` (success, danger...) with `label` escaped."""
    return _BADGE % (style, label)


def translated(labels: Mapping[K, object]) -> dict[K, object]:
    """A page's labels (value -> lazy words) in the request's language, translated once: a badge on
    each of 50 rows then does not translate its words again. A lazy string goes into a badge as its
    `__html__` (not escaped again), and so does the Markup of its words here."""
    return {key: _words(label) for key, label in labels.items()}


def _words(label: object) -> object:
    if isinstance(label, LazyString):
        return Markup(label.__html__())  # noqa: S704 - what the badge took from the lazy string before
    return label


def _badge(styles: Mapping[str, str], value: str, labels: Mapping[str, object]) -> Markup:
    return badge(styles.get(value, "secondary"), labels.get(value, value))


def state_badge(state: str, labels: Mapping[str, object]) -> Markup:
    """A lot's state."""
    return _badge(LOT_STATE_STYLES, state, labels)


def recommendation_badge(value: str | None) -> Markup:
    """The evaluation's recommendation: accept, reject, or a dash before there is one."""
    if value == "accept":
        return badge("success", _("Accept"))
    if value == "reject":
        return badge("danger", _("Reject"))
    return Markup('<span class="text-muted">—</span>')


def severity_badge(severity: str, labels: Mapping[str, object]) -> Markup:
    """A SCAR's severity."""
    return _badge(SEVERITY_STYLES, severity, labels)


def scar_state_badge(state: str, labels: Mapping[str, object]) -> Markup:
    """A SCAR's state."""
    return _badge(SCAR_STATE_STYLES, state, labels)


def step_badge(state: str, labels: Mapping[str, object]) -> Markup:
    """An 8D step's state."""
    return _badge(STEP_STYLES, state, labels)


def register(app: Flask) -> None:
    app.jinja_env.globals.update(
        state_badge=state_badge,
        recommendation_badge=recommendation_badge,
        severity_badge=severity_badge,
        scar_state_badge=scar_state_badge,
        step_badge=step_badge,
    )
