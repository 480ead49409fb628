"""Domain events: what happened, told to whoever subscribed, inside the same transaction.

A service that moves a record emits one named event (`emit("lot.decided", lot=lot, reason=...)`);
the domains that must react subscribe to it in their `subscribers.py` (`@subscribe("lot.decided")`)
instead of being called across domains. Handlers run in the order their modules were imported
(`SUBSCRIBERS` below), synchronously, in the request's transaction: a handler's failure fails the
change. Work that must not run inside the transaction (PDFs, e-mail delivery) is queued after the
commit by the handler, as `app.jobs.queue.enqueue_after_commit` does.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

Handler = Callable[..., None]

# Every event, with the keyword data it carries.
EVENTS: dict[str, tuple[str, ...]] = {
    "lot.submitted": ("lot", "resubmission"),
    "lot.returned": ("lot", "reason"),
    "lot.decided": ("lot", "reason"),
    "scar.issued": ("scar",),
    "scar.step_submitted": ("step", "submission"),
    "scar.step_decided": ("step", "submission"),
    "scar.reopened": ("scar", "lot"),
    "scorecard.published": ("publication", "numbers"),
}

# The modules whose handlers subscribe, imported once by `load_subscribers`, in this order.
SUBSCRIBERS = (
    "app.sampling.subscribers",  # switching rules first: the notices read the new severity
    "app.reviews.subscribers",
    "app.scars.subscribers",
    "app.scorecards.subscribers",
    "app.webhooks.subscribers",  # last: the MES hears of a change once the portal has reacted to it
)

_handlers: dict[str, list[Handler]] = {name: [] for name in EVENTS}


def subscribe(name: str) -> Callable[[Handler], Handler]:
    """Register the decorated function for the event `name`."""
    if name not in EVENTS:
        raise KeyError(f"unknown event {name!r}")

    def register(handler: Handler) -> Handler:
        if handler not in _handlers[name]:
            _handlers[name].append(handler)
            # In SUBSCRIBERS' order, whichever module was imported first (a stable sort).
            _handlers[name].sort(key=_position)
        return handler

    return register


def _position(handler: Handler) -> int:
    module = handler.__module__
    return SUBSCRIBERS.index(module) if module in SUBSCRIBERS else len(SUBSCRIBERS)


def emit(name: str, **data: Any) -> None:
    """Tell every handler of `name`; the data must be exactly the event's declared fields."""
    if set(data) != set(EVENTS[name]):
        raise TypeError(f"{name} carries {sorted(EVENTS[name])}, not {sorted(data)}")
    for handler in tuple(_handlers[name]):
        handler(**data)


def handlers_of(name: str) -> tuple[Handler, ...]:
    return tuple(_handlers[name])


def load_subscribers() -> None:
    """Import the subscriber modules (their decorators register the handlers); safe to call again."""
    for module in SUBSCRIBERS:
        importlib.import_module(module)
