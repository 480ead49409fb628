"""Which card or ranking a scorecard page shows: once a period is published, its latest published
version; the live draft on `?draft=1` (the brand's staff only); an older version on `?version=N`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import abort, request
from flask_login import current_user

from app.clock import utcnow
from app.scorecards import policy, services
from app.scorecards.cards import digest
from app.scorecards.kpis import Window
from app.scorecards.models import Publication
from app.scorecards.periods import Period
from app.suppliers.models import Supplier
from app.tenancy import get_or_404

DRAFT = "draft"  # the query argument that asks for the live draft


def period_of(key: str) -> Period:
    """The period of a URL; 404 for a malformed key or a period that has not started."""
    period = Period.parse(key)
    if period is None or not period.has_started(utcnow()):
        abort(404)
    return period


def wants_draft() -> bool:
    """`?draft=1` asked for the live draft; a supplier's people never see one (404)."""
    if DRAFT not in request.args:
        return False
    if not policy.sees_drafts(current_user):
        abort(404)
    return True


def shown_publication(period: Period, publications: list[Publication]) -> Publication | None:
    """The ranking's publication: `?version=N`, else the latest, else None (the draft)."""
    if wants_draft():
        return None
    version = request.args.get("version", type=int)
    if version is None:
        return publications[0] if publications else None
    found = next((p for p in publications if p.version == version), None)
    if found is None:
        abort(404)
    return found


@dataclass(frozen=True)
class Shown:
    """The card on show: a live draft (publication None) or a published version."""

    period: Period
    supplier: Supplier
    card: dict[str, Any]
    digest: str
    publication: Publication | None

    @property
    def window(self) -> Window:
        return Window(self.period.start, datetime.fromisoformat(self.card["as_of"]))

    @property
    def version(self) -> int | None:
        return self.publication.version if self.publication else None

    @property
    def is_draft(self) -> bool:
        return self.publication is None

    def args(self) -> dict[str, Any]:
        """The query arguments that keep the lists and the PDF on this card."""
        if self.publication is not None:
            return {"version": self.publication.version}
        return {DRAFT: 1}


def shown_card(period_key: str, supplier_id: int, numbers: bool = True) -> Shown:
    """The supplier's card in the period's latest publication (or `?version=N`); the live draft when
    asked for, or when the brand's staff open a period not yet published for this supplier."""
    period = period_of(period_key)
    supplier = get_or_404(Supplier, supplier_id)
    version = request.args.get("version", type=int)
    stored = None if wants_draft() else services.published_card(period, supplier.id, version)
    if stored is not None:
        return Shown(period, supplier, stored.numbers, stored.digest, stored.publication)
    if (version is not None and DRAFT not in request.args) or not policy.sees_drafts(current_user):
        abort(404)
    if not numbers:  # the lists behind a draft need its window, not its figures
        return Shown(period, supplier, {"as_of": period.as_of(utcnow()).isoformat()}, "", None)
    card = services.drafts(period, [supplier.id])[supplier.id]
    return Shown(period, supplier, card, digest(card), None)
